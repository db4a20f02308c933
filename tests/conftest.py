"""Test-wide isolation: offscreen Qt, a fresh data folder per test, loopback-only network."""

from __future__ import annotations

import ipaddress
import os
import socket

import pytest

# The loopback fakes (fake_yahoo, fake_exchange, fake_upstreams, refused_url) for every package.
pytest_plugins = ["tests.fakes.fixtures"]

# pytest-qt does not pick a platform; without a display the run would abort.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Loopback fakes must not be routed through a proxy from the environment.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost,::1"


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
    else:
        return isinstance(address, str | bytes)  # AF_UNIX path: local by definition
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class NetworkAccessError(AssertionError):
    """A test tried to reach a host that is not on this machine."""


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any socket connection or DNS lookup that is not loopback."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def guarded_connect(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise NetworkAccessError(f"test tried to connect to {address!r}")
        return real_connect(sock, address)

    def guarded_connect_ex(sock: socket.socket, address: object) -> int:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise NetworkAccessError(f"test tried to connect to {address!r}")
        return real_connect_ex(sock, address)

    def guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not _is_loopback((name,)):
            raise NetworkAccessError(f"test tried to resolve {name!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test gets fresh, empty data/cache/config/log folders (portable mode)."""
    root = tmp_path_factory.mktemp("riskcurve-data")
    monkeypatch.setenv("RISKCURVE_DATA_DIR", str(root))
    return root


@pytest.fixture
def paths(data_dir):
    from app.paths import resolve_paths

    return resolve_paths(data_dir).ensure()
