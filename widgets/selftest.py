"""`riskcurve --selftest`: prove that a build (frozen or from source) has everything it needs.

A packaged app can look fine on the build machine and still miss a Qt plugin, a font, a data
file or a certificate bundle on a user's computer. The self-test exercises each of those on
built-in data, without the network, a display or the user's folders (everything it writes goes
to a temporary folder), and prints one line per check:

    ok   qt platform: offscreen (native plugin xcb bundled)
    FAIL chart: the exported PNG is blank (one colour)

The exit code is 0 only when every check passed. Qt runs offscreen unless QT_QPA_PLATFORM is
set (so `QT_QPA_PLATFORM=xcb riskcurve --selftest` also tries the real display): the test must
work on a machine without a screen, and the native plugins are checked by file instead.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from widgets.selftest_support import (
    count_pem_certificates,
    is_drawn,
    loopback_server,
    synthetic_bars,
    text_image,
)

if TYPE_CHECKING:
    from app.analysis import AnalysisResult

LEADER_KEY = "yahoo:^RUT"
FOLLOWER_KEY = "ccxt:bitstamp:BTC/USD"
SOURCE_MODULES = (
    "app.sources.csv_file",
    "app.sources.yahoo",
    "app.sources.exchange",
    "yfinance",
    "ccxt",
)
REQUIRED_RESOURCES = ("icon.png", "key_dates.json")
NATIVE_PLATFORM_PLUGINS = {"linux": "xcb", "win32": "windows", "darwin": "cocoa"}
CHART_WIDTH = 900


@dataclass(frozen=True)
class Check:
    """One named check: `run(context)` returns a short detail, or raises with the reason."""

    name: str
    run: Callable[[dict], str]


def run_selftest(checks: Sequence[Check] | None = None, out: TextIO | None = None) -> int:
    """Run every check, print one line each, and return 0 if all passed, else 1.

    Checks share a `context` dict so later ones reuse earlier results (the chart check draws the
    analysis check's result). A check that raises is reported with its reason and the rest
    still run, so one run names every problem.
    """
    out = out or _console()
    context: dict = {}
    failed: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="riskcurve-selftest-") as scratch:
        context["scratch"] = Path(scratch)
        for check in checks if checks is not None else default_checks():
            try:
                detail = check.run(context)
            except Exception as exc:  # every failure, whatever its type, is one report line
                failed.append(check.name)
                _emit(out, f"FAIL {check.name}: {_reason(exc)}")
            else:
                _emit(out, f"ok   {check.name}: {detail}")
        _close_qt_windows(context)
    took = time.perf_counter() - started
    if failed:
        _emit(out, f"selftest FAILED ({', '.join(failed)}) in {took:.1f} s")
        return 1
    _emit(out, f"selftest passed in {took:.1f} s")
    return 0


def default_checks() -> list[Check]:
    """The checks `riskcurve --selftest` runs, in order."""
    return [
        Check("qt platform", check_qt_platform),
        Check("font", check_font),
        Check("resources", check_resources),
        Check("data sources", check_data_sources),
        Check("certificates", check_certificates),
        Check("http clients", check_http_clients),
        Check("cache", check_cache),
        Check("analysis", check_analysis),
        Check("chart", check_chart),
    ]


# ----- checks -------------------------------------------------------------------------------


def check_qt_platform(context: dict) -> str:
    """A QApplication starts, and the native platform plugin for this OS is bundled."""
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QLibraryInfo
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["riskcurve-selftest"])
    context["app"] = app
    native = NATIVE_PLATFORM_PLUGINS.get(sys.platform)
    detail = QGuiApplication.platformName()
    if native:
        folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
        if not any(native in path.name for path in folder.glob("*")):
            raise RuntimeError(f"the {native} platform plugin is missing from {folder}")
        detail += f" (native plugin {native} bundled)"
    return detail


def check_font(context: dict) -> str:
    """Fonts are found and text draws real glyphs (without fonts every glyph is the same box)."""
    from PySide6.QtGui import QFont, QFontDatabase, QFontInfo

    _require(context, "app", "qt platform")
    families = QFontDatabase.families()
    if not families:
        raise RuntimeError("no font families found (install fontconfig and a font, e.g. DejaVu)")
    images = [text_image(text) for text in ("A", "W", "Riskcurve 2024")]
    if not is_drawn(images[2]):
        raise RuntimeError("text renders as blank pixels")
    if images[0] == images[1]:
        raise RuntimeError("different letters render identically (missing glyphs)")
    return f"{len(families)} font families, default {QFontInfo(QFont()).family()}, text renders"


def check_resources(context: dict) -> str:
    """Bundled files resolve through resources.resource_path, as the app finds them."""
    from resources import RESOURCE_DIR, resource_path

    sizes = [resource_path(name).stat().st_size for name in REQUIRED_RESOURCES]
    if min(sizes) == 0:
        raise RuntimeError(f"a bundled resource in {RESOURCE_DIR} is empty")
    from app.key_dates import load_key_dates

    context["key_dates"] = load_key_dates()
    return f"{', '.join(REQUIRED_RESOURCES)} found in {RESOURCE_DIR}, key dates load"


def check_data_sources(context: dict) -> str:
    """Every source module imports, and every ccxt exchange the default settings use exists."""
    import importlib

    missing = []
    for name in SOURCE_MODULES:
        try:
            importlib.import_module(name)
        except Exception as exc:  # a broken dependency raises more than ImportError
            missing.append(f"{name} ({_reason(exc)})")
    if missing:
        raise RuntimeError(f"cannot import {'; '.join(missing)}")
    import ccxt

    from app.config import Settings
    from app.instruments import parse_key
    from app.sources import exchange as exchange_source

    defaults = [parse_key(key) for key in Settings().instruments]
    exchanges = {spec.exchange for spec in defaults if spec.source == "ccxt"}
    exchanges |= {"bitstamp", *exchange_source.EARLIEST, *exchange_source.EXCHANGE_OPTIONS}
    for exchange in sorted(exchanges):
        if not hasattr(ccxt, exchange):
            raise RuntimeError(f"ccxt has no exchange class {exchange!r}")
        getattr(ccxt, exchange)({"enableRateLimit": True})
    return f"{len(SOURCE_MODULES)} modules, exchanges {', '.join(sorted(exchanges))}"


def check_certificates(context: dict) -> str:
    """The CA bundles requests (ccxt) and curl_cffi (yfinance) will use exist and load."""
    import certifi
    import requests.utils
    from curl_cffi.curl import DEFAULT_CACERT

    bundles = {
        "certifi": certifi.where(),
        "requests": requests.utils.DEFAULT_CA_BUNDLE_PATH,
        "curl_cffi": DEFAULT_CACERT,
    }
    counts = {name: count_pem_certificates(Path(path), name) for name, path in bundles.items()}
    return ", ".join(f"{name} {count} CAs" for name, count in counts.items())


def check_http_clients(context: dict) -> str:
    """curl_cffi (yfinance) and requests (ccxt) complete a request to a server on 127.0.0.1.

    Proves the bundled libcurl and the pure-Python stack work end to end, without the network.
    """
    import requests
    from curl_cffi import requests as curl_requests

    page = context["scratch"] / "page.txt"
    page.write_bytes(b"riskcurve selftest")
    with loopback_server(page.parent) as base:
        with curl_requests.Session(trust_env=False) as curl_session:
            curl_body = curl_session.get(f"{base}/page.txt", timeout=10).content
        with requests.Session() as session:
            session.trust_env = False  # a proxy from the environment must not see loopback
            requests_body = session.get(f"{base}/page.txt", timeout=10).content
    for name, body in (("curl_cffi", curl_body), ("requests", requests_body)):
        if body != page.read_bytes():
            raise RuntimeError(f"{name} got {body[:40]!r} instead of the test page")
    return "curl_cffi and requests fetched a page from 127.0.0.1"


def check_cache(context: dict) -> str:
    """A cache in the scratch folder takes bars, gives them back unchanged, and checks clean."""
    from app.cache import Cache

    leader, _ = synthetic_bars()
    path = context["scratch"] / "selftest.sqlite3"
    with Cache.open(path) as cache:
        written = cache.store_bars(LEADER_KEY, leader)
        loaded = cache.load_bars(LEADER_KEY)
        healthy = cache.integrity_ok()
    if written != len(leader) or not loaded["close"].equals(leader["close"]):
        raise RuntimeError(f"wrote {written} bars but read back {len(loaded)} different ones")
    if not healthy:
        raise RuntimeError("PRAGMA integrity_check did not return ok")
    return f"{written} bars written, read back and integrity-checked"


def check_analysis(context: dict) -> str:
    """The full analysis runs on generated bars and finds the breakout built into them."""
    from app.analysis import AnalysisParams, run_analysis

    leader, follower = synthetic_bars()
    params = AnalysisParams(bootstrap_draws=200)
    result = run_analysis(
        LEADER_KEY, leader, FOLLOWER_KEY, follower, params, context.get("key_dates", ())
    )
    if len(result.breakouts) == 0:
        raise RuntimeError("no breakout found in data built with one")
    context["result"] = result
    return f"{len(result.breakouts)} breakout(s), {len(result.summary)} horizons"


def check_chart(context: dict) -> str:
    """The linked chart stack draws the analysis and exports a PNG that is not blank."""
    from PySide6.QtGui import QImage

    _require(context, "app", "qt platform")
    result: AnalysisResult = _require(context, "result", "analysis")
    from widgets.charts.stack import ChartStack

    stack = ChartStack()  # the export lays out its own off-screen copy at the asked width
    context["windows"] = [stack]
    stack.set_result(result)
    path = stack.export_png(context["scratch"] / "chart.png", width=CHART_WIDTH)
    image = QImage(str(path))
    if image.isNull():
        raise RuntimeError(f"the exported file {path.name} is not a readable PNG")
    if not is_drawn(image):
        raise RuntimeError("the exported PNG is blank (one colour)")
    return f"{image.width()}×{image.height()} PNG, {path.stat().st_size // 1024} KB"


# ----- helpers ------------------------------------------------------------------------------


def _require(context: dict, key: str, check_name: str):
    if key not in context:
        raise RuntimeError(f"skipped: needs the {check_name} check to pass first")
    return context[key]


def _reason(exc: BaseException) -> str:
    """The exception's first line; for an unexpected kind also its type and where it was raised."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if type(exc) is RuntimeError and text:
        return text
    import traceback

    where = ""
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        where = f" (at {Path(last.filename).name}:{last.lineno})"
    return f"{type(exc).__name__}: {text}{where}" if text else f"{type(exc).__name__}{where}"


def _close_qt_windows(context: dict) -> None:
    """Delete the widgets now: no event loop runs later to do it, and Qt objects left for
    interpreter shutdown are a classic source of crashes at exit."""
    if "app" not in context:
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    for window in context.get("windows", []):
        window.close()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _emit(out: TextIO | None, line: str) -> None:
    if out is not None:
        print(line, file=out, flush=True)


def _console() -> TextIO | None:
    """stdout, or on a windowed Windows build (no stdout) the console it was started from."""
    if sys.stdout is not None:
        return sys.stdout
    if sys.platform == "win32":
        import ctypes

        attach_parent_process = -1
        if ctypes.windll.kernel32.AttachConsole(attach_parent_process):
            return open("CONOUT$", "w", encoding="utf-8", errors="replace")
    return None
