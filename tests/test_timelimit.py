"""The per-file parse budget interrupts pure-Python work and leaves no timer behind."""

from __future__ import annotations

import signal
import time

import pytest

from svclint.timelimit import TimeLimitExceeded, time_limit, timed_out


def test_interrupts_a_busy_loop_and_disarms() -> None:
    started = time.perf_counter()
    with pytest.raises(TimeLimitExceeded), time_limit(0.2):
        while True:
            pass
    assert time.perf_counter() - started < 2
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_limit_and_fast_work() -> None:
    with time_limit(None):
        value = sum(range(1000))
    with time_limit(5):
        value += 1
    assert value == 499501
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_diagnostic() -> None:
    assert str(timed_out("a.tf", 2.5)) == "a.tf:1:1: file skipped: parsing took longer than 2.5 s (--parse-timeout)"
