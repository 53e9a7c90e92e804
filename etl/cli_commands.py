"""Registration of the larger subcommands; each lives with the code it drives."""

from __future__ import annotations

import argparse
import importlib

# (module, function) pairs; each function is register(subparsers) and adds its commands.
_REGISTRARS = (
    ("etl.demo.cli", "register"),
    ("etl.load.cli", "register"),
    ("dashboard.cli", "register"),
)


def register(sub: argparse._SubParsersAction) -> None:
    for module_name, func in _REGISTRARS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # Only tolerate the registrar module itself being absent, never a broken import.
            if exc.name is None or not module_name.startswith(exc.name):
                raise
            continue
        getattr(module, func)(sub)
