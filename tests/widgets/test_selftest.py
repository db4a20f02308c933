"""`riskcurve --selftest`: passes from source, and names the check that fails and why."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from widgets import selftest
from widgets.selftest import Check, count_pem_certificates, is_drawn, run_selftest

ROOT = Path(__file__).resolve().parents[2]


def test_selftest_passes_from_source_and_writes_nothing_outside_a_temp_folder(tmp_path, data_dir):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--selftest"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    names = [check.name for check in selftest.default_checks()]
    assert [line.split(":")[0] for line in lines[:-1]] == [f"ok   {name}" for name in names]
    assert lines[-1].startswith("selftest passed")
    assert list(cwd.iterdir()) == []
    assert list(Path(data_dir).iterdir()) == []  # the user's (here: the test's) folders


def test_a_failing_check_is_named_with_its_reason_and_the_rest_still_run():
    ran = []

    def fine(context):
        ran.append("fine")
        return "all good"

    def broken(context):
        raise RuntimeError("the widget is missing\nsecond line is not shown")

    def buggy(context):
        return {}["absent"]

    out = io.StringIO()
    checks = [Check("first", broken), Check("second", buggy), Check("third", fine)]
    code = run_selftest(checks, out=out)
    lines = out.getvalue().splitlines()
    assert code == 1
    assert lines[0] == "FAIL first: the widget is missing"
    assert lines[1].startswith("FAIL second: KeyError: 'absent' (at test_selftest.py:")
    assert lines[2] == "ok   third: all good"
    assert lines[3].startswith("selftest FAILED (first, second)")
    assert ran == ["fine"]


def test_all_checks_passing_exits_0():
    out = io.StringIO()
    assert run_selftest([Check("only", lambda context: "fine")], out=out) == 0
    assert out.getvalue().splitlines()[0] == "ok   only: fine"


def test_a_check_that_needs_an_earlier_one_says_so():
    out = io.StringIO()
    assert run_selftest([Check("chart", selftest.check_chart)], out=out) == 1
    assert "FAIL chart: skipped: needs the qt platform check to pass first" in out.getvalue()


def test_an_empty_or_foreign_certificate_bundle_is_reported(tmp_path, monkeypatch):
    empty = tmp_path / "empty.pem"
    empty.write_bytes(b"")
    with pytest.raises(RuntimeError, match="empty or not PEM"):
        count_pem_certificates(empty, "test")
    with pytest.raises(RuntimeError, match="does not exist"):
        count_pem_certificates(tmp_path / "missing.pem", "test")
    import curl_cffi.curl

    monkeypatch.setattr(curl_cffi.curl, "DEFAULT_CACERT", str(empty))
    with pytest.raises(RuntimeError, match=r"curl_cffi CA bundle .*empty\.pem is empty"):
        selftest.check_certificates({})


def test_the_real_certificate_bundles_load():
    detail = selftest.check_certificates({})
    assert "certifi" in detail and "curl_cffi" in detail


def test_a_missing_source_module_is_named(monkeypatch):
    monkeypatch.setattr(selftest, "SOURCE_MODULES", ("app.sources.csv_file", "app.sources.nope"))
    with pytest.raises(RuntimeError, match=r"cannot import app\.sources\.nope"):
        selftest.check_data_sources({})


def test_http_clients_reach_a_loopback_server(tmp_path):
    assert "127.0.0.1" in selftest.check_http_clients({"scratch": tmp_path})


def test_cache_check_uses_the_scratch_folder_only(tmp_path):
    detail = selftest.check_cache({"scratch": tmp_path})
    assert "integrity-checked" in detail
    assert [p.name for p in tmp_path.iterdir()] == ["selftest.sqlite3"]


def test_blank_and_drawn_images_are_told_apart(qapp):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QImage, QPainter, QPen

    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    assert not is_drawn(image)
    painter = QPainter(image)
    painter.setPen(QPen(QColor("navy"), 3))
    painter.drawLine(QPoint(0, 90), QPoint(199, 10))
    painter.end()
    assert is_drawn(image)
    assert not is_drawn(QImage())


def test_synthetic_bars_are_valid_and_the_analysis_finds_their_breakout():
    from app.bars import validate_bars

    leader, follower = selftest.synthetic_bars()
    assert validate_bars(leader, "leader").equals(leader)
    assert validate_bars(follower, "follower").equals(follower)
    context: dict = {}
    assert selftest.check_analysis(context).startswith("1 breakout(s)")
    assert context["result"].breakouts["date"].iloc[0].year == 2016
