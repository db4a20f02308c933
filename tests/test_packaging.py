"""The PyInstaller spec and the frozen-app assumptions, checked without building (CI builds).

build.spec is executed with recording stand-ins for PyInstaller's Analysis/PYZ/EXE/COLLECT/
BUNDLE, so what it would hand to PyInstaller (excludes, data files, icon, console, version) is
checked on every platform's branch in a fraction of a second per branch.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import resources
from app import __version__

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "build.spec"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

SAMPLE_DATAS = [
    ("PySide6/Qt/translations/qtbase_de.qm", "/src/qtbase_de.qm", "DATA"),
    ("certifi/cacert.pem", "/src/cacert.pem", "DATA"),
]
SAMPLE_BINARIES = [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", "/src/libqvnc.so", "BINARY"),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/src/libqgtk3.so", "BINARY"),
    ("libcairo.so.2", "/src/libcairo.so.2", "BINARY"),
    ("libfontconfig.so.1", "/src/libfontconfig.so.1", "BINARY"),
]


class Recorder:
    """Stands in for one PyInstaller build class: keeps its arguments."""

    calls: dict[str, Recorder]
    every: dict[str, list[Recorder]]

    def __init__(self, kind: str, *args, **kwargs) -> None:
        self.args, self.kwargs = args, kwargs
        Recorder.calls.setdefault(kind, self)  # the first of each kind (the main EXE)
        Recorder.every.setdefault(kind, []).append(self)
        if kind == "Analysis":
            given = [(f"{dest}/{Path(src).name}", src, "DATA") for src, dest in kwargs["datas"]]
            self.datas = [*given, *SAMPLE_DATAS]
            self.binaries = list(SAMPLE_BINARIES)
            self.pure, self.scripts = [], []


def run_spec(platform: str, workpath: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Execute build.spec as PyInstaller would on `platform`; returns the recorded calls."""
    Recorder.calls, Recorder.every = {}, {}
    (workpath / "dist" / "riskcurve").mkdir(parents=True, exist_ok=True)
    namespace = {
        name: (lambda *a, _kind=name, **k: Recorder(_kind, *a, **k))
        for name in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")
    }
    namespace.update(
        SPECPATH=str(ROOT),
        workpath=str(workpath),
        DISTPATH=str(workpath / "dist"),
        __name__="build_spec",
    )
    with monkeypatch.context() as patch:
        patch.setattr(sys, "platform", platform)
        exec(compile(SPEC.read_bytes(), str(SPEC), "exec"), namespace)
    return {**Recorder.calls, "every": Recorder.every, "namespace": namespace}


@pytest.fixture(scope="module")
def collected_modules() -> list[str]:
    """The spec's own-module list once (collect_submodules runs a subprocess per package)."""
    namespace: dict = {"SPECPATH": str(ROOT), "workpath": "", "__name__": "build_spec"}
    source = SPEC.read_text(encoding="utf-8").split("\na = Analysis(")[0]
    exec(compile(source, str(SPEC), "exec"), namespace)
    return namespace["app_modules"]()


@pytest.fixture
def spec(tmp_path, monkeypatch, collected_modules):
    def run(platform: str) -> dict:
        import PyInstaller.utils.hooks as hooks

        monkeypatch.setattr(hooks, "collect_submodules", lambda package: [])
        calls = run_spec(platform, tmp_path, monkeypatch)
        calls["modules"] = collected_modules
        return calls

    return run


def test_linux_build_is_a_one_folder_console_app_without_other_qt_bindings(spec):
    calls = spec("linux")
    analysis, exe, collect = calls["Analysis"], calls["EXE"], calls["COLLECT"]
    excludes = set(analysis.kwargs["excludes"])
    assert {"PyQt5", "PyQt6", "PySide2", "tkinter", "IPython", "matplotlib"} <= excludes
    needed = {"PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtSvg", "yfinance", "ccxt"}
    assert not needed & excludes
    assert exe.kwargs["name"] == "riskcurve" and exe.kwargs["exclude_binaries"] is True
    assert exe.kwargs["console"] is True  # the command line must be able to print on Linux
    assert collect.kwargs["name"] == "riskcurve"
    assert "BUNDLE" not in calls


def test_modules_imported_lazily_or_by_name_are_collected(spec):
    modules = set(spec("linux")["modules"])
    assert {"app.cli", "app.sources.yahoo", "widgets.selftest", "widgets.app"} <= modules
    assert {"PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "yfinance", "ccxt"} <= modules


def test_every_resource_file_is_bundled_where_resource_path_looks(spec):
    datas = spec("linux")["Analysis"].kwargs["datas"]
    bundled = {Path(src).name for src, dest in datas}
    assert {dest for _, dest in datas} == {"resources"}
    package_data = set(PYPROJECT["tool"]["setuptools"]["package-data"]["resources"])
    on_disk = {p.name for pattern in package_data for p in (ROOT / "resources").glob(pattern)}
    assert bundled == on_disk
    assert {"icon.png", "key_dates.json"} <= bundled
    # Frozen, the resources package's __file__ sits in <bundle>/resources/, as from source.
    assert (ROOT / "resources").resolve() == resources.RESOURCE_DIR
    for name in bundled:
        assert resources.resource_path(name).parent == resources.RESOURCE_DIR


def test_unused_qt_files_and_gtk_only_libraries_are_dropped(spec):
    analysis = spec("linux")["Analysis"]
    kept = {dest for dest, _, _ in analysis.datas + analysis.binaries}
    assert "PySide6/Qt/translations/qtbase_de.qm" not in kept
    assert "PySide6/Qt/plugins/platformthemes/libqgtk3.so" not in kept
    assert "PySide6/Qt/plugins/platforms/libqvnc.so" not in kept
    assert "libcairo.so.2" not in kept
    assert {
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "libfontconfig.so.1",
        "certifi/cacert.pem",
    } <= kept


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_windows_and_macos_builds_are_windowed_with_an_icon(spec, platform):
    calls = spec(platform)
    exe = calls["EXE"].kwargs
    assert exe["console"] is False
    icon = Path(exe["icon"])
    assert icon.is_file() and icon.suffix == (".ico" if platform == "win32" else ".icns")
    if platform == "darwin":
        bundle = calls["BUNDLE"].kwargs
        assert bundle["version"] == __version__
        assert bundle["info_plist"]["CFBundleShortVersionString"] == __version__


def test_windows_version_resource_carries_the_project_version(spec):
    version_file = Path(spec("win32")["EXE"].kwargs["version"])
    tree = ast.parse(version_file.read_text(encoding="utf-8"), mode="eval")
    strings = {
        node.args[0].value: node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "StringStruct"
    }
    assert strings["ProductVersion"] == strings["FileVersion"] == __version__
    assert strings["OriginalFilename"] == "riskcurve.exe"
    numbers = tuple(int(part) for part in __version__.split("."))
    fixed = next(
        n for n in ast.walk(tree) if getattr(getattr(n, "func", None), "id", "") == "FixedFileInfo"
    )
    filevers = next(k.value for k in fixed.keywords if k.arg == "filevers")
    assert ast.literal_eval(filevers)[: len(numbers)] == numbers


def test_the_version_in_pyproject_and_in_the_app_agree():
    # The executable's metadata comes from pyproject.toml; `riskcurve --version` from app/.
    assert PYPROJECT["project"]["version"] == __version__


def test_icons_are_real_ico_icns_and_png_files():
    assert (ROOT / "resources" / "icon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (ROOT / "resources" / "icon.icns").read_bytes()[:4] == b"icns"
    assert (ROOT / "resources" / "icon.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_frozen_app_keeps_its_files_in_user_folders_not_next_to_the_executable(
    tmp_path, monkeypatch
):
    from app.paths import ENV_DATA_DIR, resolve_paths

    bundle = tmp_path / "dist" / "riskcurve"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle / "riskcurve"))
    monkeypatch.chdir(cwd)
    paths = resolve_paths()
    for folder in (paths.data, paths.cache, paths.config, paths.log):
        assert not folder.is_relative_to(bundle) and not folder.is_relative_to(cwd)
        assert "Riskcurve" in folder.parts


def test_ci_and_dev_scripts_are_valid_bash_and_ci_checks_the_build():
    for script in (ROOT / ".ci" / "run", ROOT / "scripts" / "dev"):
        subprocess.run(["bash", "-n", str(script)], check=True)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/dev test\n" in ci and "bash scripts/dev package" in ci
    assert '"$APP" --selftest' in ci and "--screenshot" in ci
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert {"build/", "dist/"} <= set(ignored)


def test_windows_gets_a_console_companion_in_the_same_folder(spec):
    calls = spec("win32")
    gui, cli = calls["every"]["EXE"]
    assert gui.kwargs["name"] == "riskcurve" and gui.kwargs["console"] is False
    assert cli.kwargs["name"] == "riskcurve-cli" and cli.kwargs["console"] is True
    assert cli.args == gui.args  # the same Python archive and entry script
    assert cli.kwargs["exclude_binaries"] is True  # libraries come from the shared folder
    collected = calls["COLLECT"].args
    assert gui in collected and cli in collected
    version = Path(cli.kwargs["version"]).read_text(encoding="utf-8")
    assert "riskcurve-cli.exe" in version
    for platform in ("linux", "darwin"):
        assert len(spec(platform)["every"]["EXE"]) == 1


def test_linux_build_carries_a_desktop_entry_its_installer_and_the_icon(spec, tmp_path):
    spec("linux")
    folder = tmp_path / "dist" / "riskcurve"
    entry = (folder / "riskcurve.desktop").read_text(encoding="utf-8")
    fields = dict(line.split("=", 1) for line in entry.splitlines() if "=" in line)
    assert entry.startswith("[Desktop Entry]")
    assert fields["Type"] == "Application" and fields["Name"] == "Riskcurve"
    assert fields["Exec"] == '"@RISKCURVE@" gui' and fields["Icon"] == "riskcurve"
    assert (folder / "riskcurve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert os.access(folder / "install-desktop-entry.sh", os.X_OK)


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="desktop entries are for Linux menus"
)
def test_the_desktop_installer_adds_the_entry_for_the_current_user_only(spec, tmp_path):
    spec("linux")
    folder = tmp_path / "dist" / "my apps & tools" / "riskcurve"
    folder.parent.mkdir(parents=True)
    (tmp_path / "dist" / "riskcurve").rename(folder)
    home = tmp_path / "home"
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    done = subprocess.run(
        [str(folder / "install-desktop-entry.sh")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    installed = home / ".local" / "share" / "applications" / "riskcurve.desktop"
    exec_line = next(x for x in installed.read_text().splitlines() if x.startswith("Exec="))
    assert exec_line == f'Exec="{folder}/riskcurve" gui'
    icon = home / ".local/share/icons/hicolor/256x256/apps/riskcurve.png"
    assert icon.read_bytes() == (ROOT / "resources" / "icon.png").read_bytes()


def test_the_lock_pins_every_platform_only_dependency_with_its_marker():
    """pefile, pywin32-ctypes (PyInstaller on Windows), macholib (macOS), colorama (pytest on
    Windows), tzdata, winloop: a lock made on Linux would silently leave them out."""
    import importlib.metadata as metadata
    import re

    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()

    def name(text: str) -> str:
        return re.split(r"[=<>!~; \[]", text.strip(), maxsplit=1)[0].lower().replace("_", "-")

    pinned = {name(line): line for line in lock if "==" in line}
    for dist in metadata.distributions():
        if name(dist.metadata["Name"]) not in pinned:
            continue
        for requirement in dist.requires or []:
            marker = requirement.partition(";")[2]
            if re.search(r"sys_platform|platform_system", marker) and "extra ==" not in marker:
                assert name(requirement) in pinned, f"{requirement} (from {dist.metadata['Name']})"
    for package in ("pefile", "pywin32-ctypes", "macholib"):
        assert ";" in pinned[package], package
