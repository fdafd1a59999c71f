"""The one way the interface calls the layers below: on the calling worker thread's own
connection, closed afterwards when it is not the main thread, so that no connection or read
transaction outlives the call while the interface waits for a key.

Screens call the functions of the modules beside this one (one module per section), never
storage or `db_call` themselves, and only from worker threads (never on the event loop).
"""

from __future__ import annotations

import functools
import importlib
import threading
from typing import Any, Callable, TypeVar

from tui_register.storage.models import database

T = TypeVar("T")


def db_call(fn: Callable[..., T]) -> Callable[..., T]:
    """Run `fn` on this thread's connection; close it afterwards off the main thread."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        finally:
            if threading.current_thread() is not threading.main_thread() and not database.is_closed():
                database.close()

    return wrapper


def later(module: str, name: str) -> Callable[..., Any]:
    """A storage function imported on first call: writes (and the validation models they
    bring in) are not needed to draw the first list, and start-up time matters."""

    @db_call
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    return call
