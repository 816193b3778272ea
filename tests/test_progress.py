"""The progress counter shows only for long runs, and only where someone watches."""

from __future__ import annotations

import io

from svclint.progress import MIN_FILES, Progress


def test_counter_for_long_runs_when_enabled() -> None:
    stream = io.StringIO()
    meter = Progress(MIN_FILES, stream, enabled=True)
    for _ in range(MIN_FILES):
        meter.advance()
    meter.close()
    text = stream.getvalue()
    assert f"\rsvclint: parsed {MIN_FILES:,}/{MIN_FILES:,} files" in text
    assert text.endswith("\r\033[K")


def test_silent_for_short_runs_and_pipes() -> None:
    for meter_args in ((MIN_FILES - 1, True), (MIN_FILES, None)):
        stream = io.StringIO()  # not a terminal
        meter = Progress(meter_args[0], stream, enabled=meter_args[1])
        meter.advance(MIN_FILES)
        meter.close()
        assert stream.getvalue() == ""
