"""A process that decides applications on command, released by a shared barrier so that
two of them hit the same application at the same moment (the race test)."""

from __future__ import annotations

import os
from typing import Any


def decide(user: Any, application_id: str, action: str, kwargs: dict[str, Any]) -> tuple[str, Any]:
    from dashboard.errors import Conflict
    from dashboard.onboarding import workflow

    try:
        workflow.transition(user, application_id, action, **kwargs)
    except Conflict as exc:
        return ("conflict", exc.params)
    except Exception as exc:  # reported to the test, which fails on it
        return ("error", repr(exc))
    return ("ok", None)


def serve(tasks: Any, results: Any, barrier: Any, env: dict[str, str]) -> None:
    os.environ.update(env)
    from warehouse import ops

    ops.engine()  # connect and check migrations before the first round
    results.put(("ready", None))
    while (task := tasks.get()) is not None:
        user, application_id, action, kwargs = task
        barrier.wait()
        results.put(decide(user, application_id, action, kwargs))
