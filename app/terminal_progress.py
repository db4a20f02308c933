"""Progress of a long command-line job on stderr (stdout stays the command's result).

On a terminal: one line rewritten in place (`\\r`). Otherwise (a log, a pipe): a line at each
further tenth, none at the end (the command's own result or error line follows). Quiet for the
first second, so that quick jobs print nothing but their result.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

#: Progress shows once a job has run this long.
QUIET_FOR_S = 1.0


class TerminalProgress:
    """A progress callback `(done, total, message)`; call `finish()` when the job ends."""

    def __init__(self, what: str, stream: TextIO | None = None) -> None:
        self.what = what
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        self._started = time.monotonic()
        self._tenths = 0
        self._counter_open = False

    def __call__(self, done: int, total: int, message: str) -> None:
        if total <= 0 or time.monotonic() - self._started < QUIET_FOR_S:
            return
        percent = min(100, 100 * done // total)
        text = f"riskcurve: {self.what}: {percent}% ({message})"
        if self.tty:
            self.stream.write("\r" + text)
            self.stream.flush()
            self._counter_open = True
        elif percent // 10 > self._tenths and done < total:  # the result line says "done"
            self._tenths = percent // 10
            self.stream.write(text + "\n")
            self.stream.flush()

    def finish(self) -> None:
        """End the in-place line, so that what follows starts on a line of its own."""
        if self._counter_open:
            self.stream.write("\n")
            self.stream.flush()
            self._counter_open = False
