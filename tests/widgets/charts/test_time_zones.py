"""Bars stamped at UTC midnight show their own date whatever the computer's time zone.

Qt reads the system time zone once per process, so each zone runs in its own interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[3]
ZONES = ("UTC", "America/Los_Angeles", "Pacific/Kiritimati")  # UTC+0, UTC-8/-7, UTC+14

PROBE = textwrap.dedent(
    """
    import json, os
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from tests.widgets.result_factory import make_result
    from widgets.charts.coords import to_x
    from widgets.charts.stack import ChartStack

    stack = ChartStack()
    stack.resize(900, 600)
    stack.show()
    stack.set_result(make_result())
    stack.plots()[0].vb.setXRange(to_x("2015-06-08"), to_x("2015-06-16"), padding=0)
    app.processEvents()
    axis = stack.plots()[3].getAxis("bottom")
    x0, x1 = stack.x_range()
    labels = {}
    for spacing, values in axis.tickValues(x0, x1, axis.width()):
        for value, text in zip(values, axis.tickStrings(values, 1, spacing)):
            labels[str(int(value))] = text
    print(json.dumps({"labels": labels, "readout": stack.readout_at(to_x("2015-06-12") + 3600)}))
    """
)


def _probe(zone: str) -> subprocess.Popen:
    env = {**os.environ, "TZ": zone, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_date_axis_and_readout_show_the_utc_date_in_every_zone():
    runs = {zone: _probe(zone) for zone in ZONES}  # in parallel: each start costs ~1 s
    june_12 = str(1434067200)  # 2015-06-12 00:00 UTC
    for zone, run in runs.items():
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, f"{zone}: {err}"
        found = json.loads(out.strip().splitlines()[-1])
        assert found["labels"].get(june_12) in ("12", "Jun 12", "Jun 12 2015"), (zone, found)
        assert found["readout"].startswith("2015-06-12"), (zone, found["readout"])
