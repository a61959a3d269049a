"""A request's transaction ends on the thread that ran its handler, as the handler returns.

FastAPI runs a synchronous handler on the shared thread pool (40 threads), then validates
its answer on that pool again, and only then leaves the request's dependencies (where
:func:`api.deps.get_session` commits). Under load every pool thread can be a handler
waiting for SQLite's write turn (``storage/records/sqlite_writes.py``) while the handler
holding it waits for a pool thread to validate its answer: nobody moves until a waiter
gives up a minute later (``benchmarks/load_mix.py``: 24 uploads answered 503 "database is
locked"; a thread dump showed 36 handlers waiting for the turn and none holding it).

:class:`CommitOnReturn` wraps each synchronous handler so that the request's session
commits (and hands its jobs to the queue) right after the handler returns, on the same
thread; the dependency's own commit then has nothing left to do. The answer is still sent
only after the commit, and an error of the commit still becomes the request's answer.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from storage.records.db import commit_now


def committing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint`` (synchronous) followed by the commit of every session it was given."""

    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        result = endpoint(*args, **kwargs)
        for value in kwargs.values():
            if isinstance(value, Session):
                commit_now(value)
        return result

    return run


class CommitOnReturn(APIRoute):
    """A route whose synchronous handler commits its request's transaction on return."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = committing(endpoint)
        super().__init__(path, endpoint, **kwargs)
