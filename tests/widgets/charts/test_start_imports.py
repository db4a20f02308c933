"""The chart stack is built while the load worker imports pandas: it must not need pandas then.

A GUI-thread `import pandas` during that import blocks on Python's import lock until the worker
has finished it (hundreds of ms), which stalls the window and delays the first full paint.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[3]

PROBE = textwrap.dedent(
    """
    import sys
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from widgets.charts.stack import ChartStack

    stack = ChartStack()
    stack.resize(900, 600)
    stack.show()
    for size in ((900, 600), (1200, 700), (700, 500)):
        stack.resize(*size)
        app.processEvents()
    stack.grab()
    print("pandas imported" if "pandas" in sys.modules else "no pandas")
    """
)


def test_an_empty_chart_stack_is_laid_out_and_painted_without_pandas():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "no pandas"
