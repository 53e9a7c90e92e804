"""The Streamlit side of the app: the only package of ``dashboard`` that imports Streamlit.

One concern per module: ``text`` (language, messages, escaping, errors), ``session`` (the
signed-in user), ``sign_in``, ``entry`` and ``guard`` (the legacy page-folder pitfall),
``nav`` (navigation and sidebar from the page registry), ``widgets``, ``tables``,
``labels`` (codes in words), ``lake`` (the cached lake reader), and one module per domain
for what only its pages show. The names pages use on every screen are here.
"""

from dashboard.ui.guard import guard
from dashboard.ui.session import session_id
from dashboard.ui.text import errors_shown, language, md, t

__all__ = ["errors_shown", "guard", "language", "md", "session_id", "t"]
