"""PySide6 reads the source of every module imported after it; the non-Qt libraries are spared."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from widgets.import_scan import is_never_qt, never_selects_features

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
    import pyqtgraph
    from widgets.charts import coords
    sys.path.insert(0, sys.argv[1])
    import someone_elses_module  # not on the lists: still scanned
    print(json.dumps({"installed": installed, "again": again, "read": read}))
    """
)


def test_listed_packages_are_imported_without_their_source_being_read_others_still_are(tmp_path):
    (tmp_path / "someone_elses_module.py").write_text("from PySide6 import QtCore\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["installed"] and out["again"]
    spared = ("pandas", "app", "pyqtgraph", "widgets")
    assert not [name for name in out["read"] if name.partition(".")[0] in spared]
    assert "someone_elses_module" in out["read"]


def test_only_the_standard_library_and_the_listed_packages_count_as_never_qt():
    assert is_never_qt("pandas.core.frame") and is_never_qt("numpy") and is_never_qt("json")
    assert is_never_qt("app.bars") and not is_never_qt("widgets.charts.stack")
    assert not is_never_qt("pyqtgraph.graphicsItems") and not is_never_qt("pandasqt")


def test_riskcurve_and_pyqtgraph_never_select_features_other_qt_modules_may():
    assert never_selects_features("widgets.charts.stack") and never_selects_features("main")
    assert never_selects_features("pyqtgraph.graphicsItems") and never_selects_features("json")
    assert not never_selects_features("pyqtgraph_extras") and not never_selects_features("superqt")


def test_no_riskcurve_module_selects_a_pyside_feature():
    """What lets widgets/, main.py and resources/ skip the scan: none imports `__feature__`."""
    roots = [ROOT / "widgets", ROOT / "resources"]
    sources = [ROOT / "main.py", *(p for root in roots for p in root.rglob("*.py"))]
    selecting = [
        path.name
        for path in sources
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module == "__feature__"
    ]
    assert len(sources) > 50 and selecting == []


def test_the_application_installs_the_shortcut(qapp):
    from widgets.app import create_application

    create_application()
    feature = sys.modules["shibokensupport.feature"]
    assert getattr(feature._mod_uses_pyside, "riskcurve_shortcut", False)
