"""Progress of long work (training epochs, dictionary updates, coder chunks, downloads) on stderr:
a tqdm bar on a terminal; in a job's log file, one line each time another ``step_percent`` percent
is done, with the rate and the time left, so that ``tail -f logs/...`` shows a long job alive."""

from __future__ import annotations

import sys
import time


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """Count ``total`` units of work (``unit``) under ``label``; ``enabled=False`` shows nothing.
    Use as a context manager and call :meth:`update` as work is done."""

    def __init__(
        self, total: float, label: str, unit: str = "items", step_percent: float = 5.0, enabled=True
    ):
        self.total, self.label, self.unit, self.step = max(float(total), 1e-12), label, unit, step_percent
        self.enabled = enabled
        self.done = 0.0
        self.started = time.perf_counter()
        self._next_percent = step_percent
        self._bar = None
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=label, unit=unit, file=sys.stderr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.close()

    def say(self, message: str) -> None:
        """A line about the work (an epoch's loss) as it happens, under the bar on a terminal."""
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.write(f"{self.label} {message}", file=sys.stderr)
        else:
            print(f"{self.label} {message}", file=sys.stderr, flush=True)

    def update(self, amount: float = 1, note: str = "") -> None:
        """Add ``amount`` units done; ``note`` ends the line."""
        self.done += amount
        if self._bar is not None:
            if note:
                self._bar.set_postfix_str(note, refresh=False)
            self._bar.update(amount)
            return
        percent = 100.0 * self.done / self.total
        if not self.enabled or (percent < self._next_percent and self.done < self.total):
            return
        while self._next_percent <= percent:
            self._next_percent += self.step
        elapsed = time.perf_counter() - self.started
        rate = self.done / elapsed if elapsed > 0 else float("inf")
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        print(
            f"{self.label}: {percent:5.1f} % ({self.done:,.0f} of {self.total:,.0f} {self.unit}), "
            f"{rate:,.3g} {self.unit}/s, elapsed {_duration(elapsed)}, "
            f"left {_duration(left) if left != float('inf') else '?'}" + (f"; {note}" if note else ""),
            file=sys.stderr,
            flush=True,
        )
