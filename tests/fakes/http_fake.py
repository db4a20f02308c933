"""A threaded loopback HTTP server with switchable faults, the base of the provider fakes.

Subclasses answer the provider's API (`route`); this class logs every request, and lets a test
switch on faults that apply to some paths, after some requests, for a number of requests:

========== ==================================================================================
kind       what the client sees
========== ==================================================================================
status     HTTP `status` (429, 500, 502, 503...) with an error body, optional Retry-After
hang       the connection is accepted and never answered (released when the server stops)
drip       a normal answer sent one byte every `delay_s` seconds
slow       a normal answer after waiting `delay_s` seconds
truncate   200 with the first half of the body (Content-Length matches: valid HTTP, bad JSON)
cut        200 announcing the full length, then half the body and the connection closes
non_json   200 with an HTML page
empty      200 with the provider's "no data" answer (`empty_reply`)
repeat     the previous answer to the same resource again (a page that repeats forever)
endless    200 with no Content-Length and a body that never ends (64 KiB chunks of spaces
           after `{"a":`) until the client hangs up or the server stops
========== ==================================================================================

Connection refused is not a fault of a running server: use `closed_port_url()`.
The servers speak HTTP/1.0 (one request per connection), so no idle keep-alive sockets are
left behind, and `stop()` releases hanging handlers and joins every handler thread.
"""

from __future__ import annotations

import abc
import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

FAULT_KINDS = frozenset(
    {"status", "hang", "drip", "slow", "truncate", "cut", "non_json", "empty", "repeat", "endless"}
)
HTML_PAGE = b"<html><body><h1>We'll be back soon</h1></body></html>"


@dataclass
class Fault:
    """One switchable misbehaviour; see the module docstring for the kinds."""

    kind: str
    path: str = ""  # applies to request paths starting with this ("" = every path)
    skip: int = 0  # let this many matching requests through first
    times: int | None = None  # then misbehave this many times (None = for ever)
    status: int = 500
    retry_after: str | None = None
    delay_s: float = 0.05
    body: bytes | None = None
    seen: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {sorted(FAULT_KINDS)}")


@dataclass(frozen=True)
class Seen:
    """A request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    at: float


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(payload: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(payload).encode())


def closed_port_url() -> str:
    """A loopback URL where nothing listens: connecting to it is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    timeout = 10  # a client that connects and sends nothing must not pin a thread for ever

    def do_GET(self) -> None:
        server = self.server
        assert isinstance(server, _Server)
        server.fake._handle(self)

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() joins every handler thread
    block_on_close = True
    fake: FakeServer


class FakeServer(abc.ABC):
    """Base fake: request log, faults, start/stop. Subclasses implement `route`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._faults: list[Fault] = []
        self._log: list[Seen] = []
        self._last_answer: dict[str, Reply] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> FakeServer:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release hanging handlers, stop serving, close the socket, join all threads."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = self._thread = None

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- test controls ----------------------------------------------------------------------
    def add_fault(self, kind: str, **options: Any) -> Fault:
        """Switch a fault on (see Fault); returns it so a test can look at `seen`."""
        fault = Fault(kind, **options)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def reset(self) -> None:
        """Forget faults, the request log and remembered answers (the data stays)."""
        with self._lock:
            self._faults.clear()
            self._log.clear()
            self._last_answer.clear()

    @property
    def requests(self) -> list[Seen]:
        with self._lock:
            return list(self._log)

    def count(self, path_prefix: str = "") -> int:
        return sum(1 for seen in self.requests if seen.path.startswith(path_prefix))

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    # -- for subclasses ---------------------------------------------------------------------
    @abc.abstractmethod
    def route(self, method: str, path: str, query: dict[str, str]) -> Reply:
        """The provider's normal answer to a request."""

    def empty_reply(self, path: str, query: dict[str, str]) -> Reply:
        return json_reply({})

    def error_reply(self, status: int, path: str) -> Reply:
        return Reply(status, f"HTTP {status}\n".encode(), "text/plain")

    def resource_key(self, path: str, query: dict[str, str]) -> str:
        """What a 'repeat' fault re-sends the previous answer of (default: the path)."""
        return path

    # -- request handling -------------------------------------------------------------------
    def _active_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if not path.startswith(fault.path):
                    continue
                fault.seen += 1
                index = fault.seen - fault.skip
                if index >= 1 and (fault.times is None or index <= fault.times):
                    return fault
        return None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        path = unquote(parts.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self._lock:
            self._log.append(Seen(handler.command, path, query, time.monotonic()))
        fault = self._active_fault(path)
        if fault is not None and fault.kind == "hang":
            self._stopping.wait()
            return
        if fault is not None and fault.kind == "slow" and self._stopping.wait(fault.delay_s):
            return
        # A client that gave up (deadline or cancel) has closed its end: nothing to tell it.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            if fault is not None and fault.kind == "endless":
                self._send_endless(handler)
                return
            self._send(handler, self._reply(fault, handler.command, path, query), fault)

    def _reply(self, fault: Fault | None, method: str, path: str, query: dict[str, str]) -> Reply:
        kind = fault.kind if fault is not None else ""
        if kind == "status":
            assert fault is not None
            reply = self.error_reply(fault.status, path)
            if fault.body is not None:
                reply = Reply(fault.status, fault.body, reply.content_type)
            if fault.retry_after is not None:
                reply.headers["Retry-After"] = fault.retry_after
            return reply
        if kind == "non_json":
            return Reply(200, HTML_PAGE, "text/html")
        if kind == "empty":
            return self.empty_reply(path, query)
        key = self.resource_key(path, query)
        if kind == "repeat":
            with self._lock:
                previous = self._last_answer.get(key)
            if previous is not None:
                return previous
        reply = self.route(method, path, query)
        if reply.status == 200:
            with self._lock:
                self._last_answer[key] = reply
        return reply

    def _send(self, handler: BaseHTTPRequestHandler, reply: Reply, fault: Fault | None) -> None:
        kind = fault.kind if fault is not None else ""
        body, length = reply.body, len(reply.body)
        if kind in ("truncate", "cut"):
            body = body[: len(body) // 2]
            length = len(body) if kind == "truncate" else length
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(length))
        handler.send_header("Connection", "close")
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if kind != "drip":
            handler.wfile.write(body)
            return
        assert fault is not None
        for offset in range(len(body)):
            handler.wfile.write(body[offset : offset + 1])
            handler.wfile.flush()
            if self._stopping.wait(fault.delay_s):
                return

    def _send_endless(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(b'{"a":')
        chunk = b" " * 65536
        while not self._stopping.is_set():
            handler.wfile.write(chunk)
