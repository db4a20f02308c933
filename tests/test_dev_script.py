"""scripts/dev's set-up checks, run through bash with stand-in interpreters (no install)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "scripts" / "dev"
BASH = shutil.which("bash") or "bash"

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or shutil.which("bash") is None,
    reason="scripts/dev is a bash script for Linux and macOS",
)


def fake_python(tmp_path: Path, version: str, ensurepip: bool = True) -> Path:
    """A stand-in `python` that reports `version` and (maybe) lacks ensurepip."""
    script = tmp_path / f"python{version}"
    script.write_text(
        "#!/bin/sh\n"
        'case "$*" in\n'
        f'  *sys.version_info*) echo "{version}" ;;\n'
        f"  *ensurepip*) exit {0 if ensurepip else 1} ;;\n"
        "esac\n"
    )
    script.chmod(0o755)
    return script


def run(function: str, *args: str, env: dict[str, str] | None = None):
    command = f'source "{DEV}"; {function} "$@"'
    return subprocess.run(
        [BASH, "-c", command, "dev", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize("version", ["3.11", "3.12", "3.13"])
def test_supported_pythons_pass(tmp_path, version):
    assert run("check_python", str(fake_python(tmp_path, version))).returncode == 0


@pytest.mark.parametrize("version", ["3.10", "3.14", "2.7"])
def test_other_pythons_are_refused_with_what_to_do(tmp_path, version):
    done = run("check_python", str(fake_python(tmp_path, version)))
    assert done.returncode == 1
    assert f"is Python {version}" in done.stderr and "PYTHON=" in done.stderr


def test_a_missing_python_is_named(tmp_path):
    done = run("check_python", str(tmp_path / "no-such-python"))
    assert done.returncode == 1 and "was not found" in done.stderr


def test_without_ensurepip_and_apt_it_says_what_is_missing(tmp_path):
    python = fake_python(tmp_path, "3.12", ensurepip=False)
    bin_dir = tmp_path / "bin"  # a PATH without apt-get
    bin_dir.mkdir()
    for tool in ("sh", "cat", "id"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    env = {"PATH": str(bin_dir), "PYTHON": str(python)}
    done = run("ensure_venv_module", env=env)
    assert done.returncode == 1 and "ensurepip" in done.stderr


def test_unknown_command_prints_usage():
    done = subprocess.run([BASH, str(DEV), "bogus"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "usage: scripts/dev" in done.stderr
