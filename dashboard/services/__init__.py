"""Services: domain logic the pages call. Importable and testable without Streamlit."""
