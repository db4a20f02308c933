"""PySide6 reads the source of every module imported after it; the non-Qt libraries are spared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from widgets.import_scan import is_never_qt

ROOT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent(
    """
    import inspect, json, sys
    from widgets.import_scan import skip_source_scan

    installed = skip_source_scan()
    again = skip_source_scan()
    read = []
    original = inspect.getsource
    def counting(obj):
        read.append(getattr(obj, "__name__", "?"))
        return original(obj)
    inspect.getsource = counting
    import pandas
    from widgets.charts import coords  # ours: still scanned
    print(json.dumps({"installed": installed, "again": again, "read": read}))
    """
)


def test_pandas_is_imported_without_its_source_being_read_and_ours_still_is():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["installed"] and out["again"]
    assert not [name for name in out["read"] if name.partition(".")[0] in ("pandas", "app")]
    assert "widgets.charts" in out["read"]


def test_only_the_standard_library_and_the_listed_packages_count_as_never_qt():
    assert is_never_qt("pandas.core.frame") and is_never_qt("numpy") and is_never_qt("json")
    assert is_never_qt("app.bars") and not is_never_qt("widgets.charts.stack")
    assert not is_never_qt("pyqtgraph.graphicsItems") and not is_never_qt("pandasqt")


def test_the_application_installs_the_shortcut(qapp):
    from widgets.app import create_application

    create_application()
    feature = sys.modules["shibokensupport.feature"]
    assert getattr(feature._mod_uses_pyside, "riskcurve_shortcut", False)
