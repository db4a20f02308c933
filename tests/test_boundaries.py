"""The core/GUI boundary, enforced by a test: app/ imports no Qt of any kind."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6", "PySide2")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_app_modules_import_no_qt():
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_modules(path) & set(FORBIDDEN))
        for path in sorted((ROOT / "app").rglob("*.py"))
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}, f"app/ must not import Qt: {offenders}"


def test_importing_every_app_module_loads_no_qt():
    """Also catches Qt pulled in indirectly, by actually importing every module."""
    modules = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in sorted((ROOT / "app").rglob("*.py"))
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


HEAVY = ("pandas", "yfinance", "ccxt", "pyqtgraph", "PySide6", "widgets")


def _heavy_modules_loaded_by(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(','.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    return sorted(set(out.stdout.strip().split(",")) & set(HEAVY))


def test_the_command_line_starts_without_heavy_libraries():
    """What ruff's banned-module-level-imports (TID253) keeps by rule, checked by importing:
    building every command's parser loads none of pandas, yfinance, ccxt, pyqtgraph."""
    assert _heavy_modules_loaded_by("import main; main.build_parser()") == []


def test_the_core_command_line_knows_no_gui_and_the_entry_point_adds_it():
    """app/ never imports widgets/: the GUI-backed commands come from main.py, lazily."""
    import main
    from app.cli import build_parser

    def commands(parser) -> set[str]:
        return set(next(a for a in parser._actions if a.dest == "command").choices)

    core, whole = build_parser(), main.build_parser()
    assert {"gui", "report"}.isdisjoint(commands(core))
    assert commands(whole) == commands(core) | {"gui", "report"}
    assert "--selftest" in whole.format_help() and "--selftest" not in core.format_help()
    loaded = _heavy_modules_loaded_by("import main; main.build_parser()")
    assert loaded == []


def test_the_window_modules_load_without_the_data_libraries():
    """The window's first picture must not wait for pandas or the download libraries."""
    loaded = _heavy_modules_loaded_by("import widgets.app, widgets.main_window")
    assert not set(loaded) & {"pandas", "yfinance", "ccxt"}
