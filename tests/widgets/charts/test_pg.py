"""pyqtgraph through widgets.charts.pg: no Qt class is made before it is used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

#: Imports pyqtgraph one way or the other, then says which PySide6 classes exist. PySide6 keeps
#: a class in its module's namespace once made; QWizard, QCalendarWidget and QTimeLine are
#: classes neither pyqtgraph's charts nor Riskcurve's use.
PROBE = textwrap.dedent(
    """
    import json, sys
    import PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets
    if sys.argv[1] == "charts":
        import widgets.charts.stack
        from widgets.charts.pg import pg
    else:
        import pyqtgraph as pg
    made = sorted(
        name for module in (PySide6.QtCore, PySide6.QtWidgets)
        for name in ("QWizard", "QCalendarWidget", "QTimeLine") if name in vars(module)
    )
    same = all(
        getattr(pg.Qt.QtWidgets, name) is getattr(PySide6.QtWidgets, name)
        for name in ("QGraphicsView", "QWizard", "QWidget")
    ) and pg.Qt.QtCore.QPointF is PySide6.QtCore.QPointF
    print(json.dumps({"made": made, "same": same, "version": pg.Qt.QtCore.__version__,
                      "pyside_dir": len(dir(PySide6.QtWidgets))}))
    """
)


def _probe(way: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-c", PROBE, way], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_charts_import_pyqtgraph_without_making_classes_they_never_use():
    charts, plain = _probe("charts"), _probe("plain")
    assert plain["made"] == ["QCalendarWidget", "QTimeLine", "QWizard"]  # pyqtgraph's own way
    assert charts["made"] == []
    # pyqtgraph's copies answer with PySide6's very objects, made on first use.
    assert charts["same"] and plain["same"]
    assert charts["version"] == plain["version"] and charts["pyside_dir"] > 100


def test_the_copy_keeps_a_name_once_read_and_lacks_what_pyside_lacks():
    import PySide6.QtCore

    from widgets.charts.pg import QtMirror

    mirror = QtMirror("probe.QtCore", PySide6.QtCore)
    assert mirror.QRectF is PySide6.QtCore.QRectF
    assert "QRectF" in vars(mirror)  # kept: the next read does not ask PySide6 again
    assert not hasattr(mirror, "QNoSuchClass")
