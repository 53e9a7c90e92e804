"""Production mode: several app replicas behind nginx (``serve``), documented in
docs/deploy.md. The embedded default (``make run``: one Streamlit process) does not use it."""
