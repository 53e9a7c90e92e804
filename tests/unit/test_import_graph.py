"""The layers' arrows point one way, checked on every import of every module (also those
inside functions and under TYPE_CHECKING):

    pages → dashboard → warehouse        etl → warehouse
    dashboard → etl, through the ETL's public names only

and Streamlit is imported only by the entrypoint, the pages and ``dashboard/ui``, so the
ETL, the services and their tests run without a server.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("pages", "dashboard", "etl", "warehouse")
# What each layer may import of ours.
ALLOWED = {
    "pages": {"dashboard", "warehouse"},
    "dashboard": {"dashboard", "warehouse", "etl"},
    "etl": {"etl", "warehouse"},
    "warehouse": {"warehouse"},
}
# The ETL's public face for the app: its packages' __init__ names and its command set.
ETL_PUBLIC = {"etl", "etl.cli", "etl.demo", "etl.feeds", "etl.load", "etl.reference"}
STREAMLIT_HOMES = ("streamlit_app.py", "pages/", "dashboard/ui/")


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    """Every import statement of ``path``: (module, the names taken from it)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def _layer(path: Path, root: Path) -> str | None:
    first = path.relative_to(root).parts[0]
    return first if first in LAYERS else None


def _sources() -> list[Path]:
    return sorted(
        p for layer in LAYERS for p in (ROOT / layer).rglob("*.py") if "__pycache__" not in p.parts
    ) + [ROOT / "streamlit_app.py"]


def violations(files: list[Path], known_modules: set[str], root: Path = ROOT) -> list[str]:
    """``file: import`` for each import that breaks the rules."""
    out = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        layer = _layer(path, root) or "pages"  # the entrypoint sits with the pages
        for module, names in imports_of(path):
            top = module.split(".")[0]
            if top in LAYERS and top not in ALLOWED[layer]:
                out.append(f"{rel}: {module}")
            elif layer == "dashboard" and top == "etl":
                # `from etl import cli` imports the submodule etl.cli.
                reached = [module, *(f"{module}.{n}" for n in names)]
                out += [
                    f"{rel}: {m} (not a public name of etl)"
                    for m in reached
                    if m in known_modules and m not in ETL_PUBLIC
                ]
            if top == "streamlit" and not rel.startswith(STREAMLIT_HOMES):
                out.append(f"{rel}: {module} (Streamlit outside the ui layer)")
    return out


def _modules() -> set[str]:
    names = set()
    for path in _sources():
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_import_points_the_right_way() -> None:
    files = _sources()
    assert len(files) > 80
    assert violations(files, _modules()) == []


@pytest.mark.parametrize(
    ("where", "source", "broken"),
    [
        ("etl/feeds/bad.py", "from dashboard.ui import t\n", "etl/feeds/bad.py: dashboard.ui"),
        ("etl/bad.py", "def f():\n    import dashboard.cli\n", "etl/bad.py: dashboard.cli"),
        ("warehouse/bad.py", "from etl.load import load_files\n", "warehouse/bad.py: etl.load"),
        ("dashboard/bad.py", "import pages.home\n", "dashboard/bad.py: pages.home"),
        (
            "dashboard/bad.py",
            "from etl.feeds.readers import read_feed\n",
            "dashboard/bad.py: etl.feeds.readers (not a public name of etl)",
        ),
        (
            "dashboard/admin/bad.py",
            "import streamlit as st\n",
            "dashboard/admin/bad.py: streamlit (Streamlit outside the ui layer)",
        ),
    ],
)
def test_the_check_catches_an_import_against_the_arrows(
    tmp_path: Path, where: str, source: str, broken: str
) -> None:
    path = tmp_path / where
    path.parent.mkdir(parents=True)
    path.write_text(source, encoding="utf-8")
    known = {"etl.feeds.readers", "etl.feeds", "etl.load", "dashboard.cli"}
    assert violations([path], known, root=tmp_path) == [broken]
