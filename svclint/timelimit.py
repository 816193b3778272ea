"""A wall-clock budget for parsing one file, so one pathological input cannot stall a CI job.

The mechanism is SIGALRM (`signal.setitimer`): the parsers are pure Python, and Python runs
signal handlers between bytecodes (and `re` checks for signals while it backtracks), so the
handler can interrupt any parse. It works in the main thread of the main process and of each
process-pool worker, which is where svclint parses. Where SIGALRM does not exist (Windows) or
off the main thread, parsing runs without a time limit. The budget is per file, so one timer
is armed and disarmed around each parse; the cost is two system calls.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from svclint.model import Diagnostic

DEFAULT_PARSE_TIMEOUT = 10.0


class TimeLimitExceeded(BaseException):
    """Raised inside the parse when its budget runs out. A BaseException, so the parsers'
    own `except Exception` clauses cannot swallow it."""


def _available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TimeLimitExceeded in the body after `seconds`; None or 0 means no limit."""
    if not seconds or not _available():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


TIMED_OUT = "file skipped: parsing took longer than"


def timed_out(shown: str, seconds: float) -> Diagnostic:
    """The diagnostic for a file whose parse ran out of time."""
    return Diagnostic(shown, 1, 1, f"{TIMED_OUT} {seconds:g} s (--parse-timeout)")
