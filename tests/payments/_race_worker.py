"""A process that resolves cases on command, released by a shared barrier so that two of
them hit the same case at the same moment (the race test)."""

from __future__ import annotations

import os
from typing import Any


def resolve(user: Any, case_id: int, code: str) -> tuple[str, Any]:
    from dashboard.errors import Conflict
    from dashboard.payments import cases

    try:
        cases.resolve(user, case_id, code, "race")
    except Conflict as exc:
        return ("conflict", exc.params)
    except Exception as exc:  # reported to the test, which fails on it
        return ("error", repr(exc))
    return ("ok", None)


def serve(tasks: Any, results: Any, barrier: Any, env: dict[str, str]) -> None:
    os.environ.update(env)
    from warehouse import ops

    ops.engine()
    results.put(("ready", None))
    while (task := tasks.get()) is not None:
        user, case_id, code = task
        barrier.wait()
        results.put(resolve(user, case_id, code))
