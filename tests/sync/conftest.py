"""Throw-away CalDAV servers (Radicale and Xandikos) on 127.0.0.1, and helpers to look at them.

The server runs as a child process with its storage in a temporary directory, on a
free port; the fixtures wait (for a bounded time) until it answers and stop it at the
end of the module. Each test gets a calendar of its own on it.
"""

from __future__ import annotations

import itertools
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import niquests
import pytest
from caldav.davclient import DAVClient

STARTUP_SECONDS = 30.0
USER = "alice"
# Unlikely to occur anywhere by accident, and awkward in a URL.
PASSWORD = "s3cret:P@55/w0rd%x9"


@dataclass
class Radicale:
    """A running server: its base URL and the credentials it accepts (if any)."""

    base: str
    log: Path
    config: Path
    username: str | None = None
    password: str | None = None
    command: list[str] | None = None  # how to start it, when it is not Radicale
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _names: Iterator[int] = field(default_factory=itertools.count, repr=False)

    def new_calendar(self) -> str:
        """Create an empty calendar collection and return its URL."""
        home = f"{self.base}/{USER}/"
        url = f"{home}calendar-{next(self._names)}/"
        with self.client() as client:
            if client.propfind(home).status == 404:
                assert client.mkcol(home, "").status == 201
            response = client.mkcalendar(url)
        assert response.status == 201, response.status
        return url

    def client(self) -> DAVClient:
        return DAVClient(
            url=self.base + "/",
            username=self.username,
            password=self.password,
            timeout=10,
            enable_rfc6764=False,
        )

    def start(self) -> None:
        """Start the server (again, on the same port and storage) and wait until it answers."""
        with self.log.open("ab") as sink:
            process = subprocess.Popen(
                self.command or [sys.executable, "-m", "radicale", "--config", str(self.config)],
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.config.parent,
            )
        self.process = process
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                with niquests.Session() as session:
                    session.request("OPTIONS", self.base + "/", timeout=2)
                return
            except niquests.exceptions.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    log = self.log.read_text(errors="replace")[-2000:]
                    pytest.fail(f"The CalDAV server did not start:\n{log}")
                time.sleep(0.1)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - only on a stuck server
            process.kill()
            process.wait(timeout=10)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_radicale(directory: Path, *, htpasswd: str | None = None) -> Radicale:
    storage = directory / "collections"
    storage.mkdir()
    if htpasswd is None:
        auth = "[auth]\ntype = none\n"
    else:
        users = directory / "users"
        users.write_text(htpasswd)
        auth = (
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {users}\n"
            "htpasswd_encryption = plain\ndelay = 0\n"
        )
    port = free_port()
    config = directory / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"{auth}"
        "[rights]\ntype = authenticated\n"
        f"[storage]\nfilesystem_folder = {storage}\n"
        "[web]\ntype = none\n"
        "[logging]\nlevel = warning\nmask_passwords = True\n"
    )
    server = Radicale(f"http://127.0.0.1:{port}", directory / "radicale.log", config)
    server.start()
    return server


def start_xandikos(directory: Path) -> Radicale:
    """A Xandikos server (no authentication), driven like the Radicale one."""
    storage = directory / "collections"
    storage.mkdir()
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "xandikos.web",
        "--directory",
        str(storage),
        "--listen-address",
        "127.0.0.1",
        "--port",
        str(port),
        "--current-user-principal",
        f"/{USER}/",
        "--autocreate",
        "--no-detect-systemd",
    ]
    server = Radicale(
        f"http://127.0.0.1:{port}", directory / "xandikos.log", directory, command=command
    )
    server.start()
    return server


@pytest.fixture(scope="module", params=["radicale", "xandikos"])
def radicale(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Radicale]:
    """A running CalDAV server: Radicale, then (the same tests again) Xandikos."""
    start = start_radicale if request.param == "radicale" else start_xandikos
    server = start(tmp_path_factory.mktemp(request.param))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def radicale_with_login(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    server = start_radicale(
        tmp_path_factory.mktemp("radicale-auth"), htpasswd=f"{USER}:{PASSWORD}\n"
    )
    server.username, server.password = USER, PASSWORD
    yield server
    server.stop()


@pytest.fixture
def own_radicale(tmp_path: Path) -> Iterator[Radicale]:
    """A server for one test, which the test may stop and start again."""
    server = start_radicale(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    return free_port()


@pytest.fixture
def calendar(radicale: Radicale) -> str:
    return radicale.new_calendar()


@dataclass
class Requests:
    """The HTTP methods the CalDAV client sent, in order."""

    methods: list[str] = field(default_factory=list)

    @property
    def writes(self) -> list[str]:
        return [method for method in self.methods if method in {"PUT", "DELETE"}]

    def clear(self) -> None:
        self.methods.clear()


@pytest.fixture
def requests_sent(monkeypatch: pytest.MonkeyPatch) -> Requests:
    """Record every request the caldav client sends."""
    record = Requests()
    original = DAVClient.request

    def request(self: DAVClient, url: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
        record.methods.append(method)
        return original(self, url, method, *args, **kwargs)

    monkeypatch.setattr(DAVClient, "request", request)
    return record


@dataclass
class FakeResponse:
    """What a failing proxy in front of the server answers."""

    status: int
    reason: str


@dataclass
class Faults:
    """Makes the client lose its connection on the (k+1)-th PUT or DELETE, until disarmed."""

    monkeypatch: pytest.MonkeyPatch
    original: Callable[..., object] = field(default=DAVClient.request)

    def arm(self, k: int, *, status: int | None = None) -> None:
        """Fail from the (k+1)-th write on: drop the connection, or answer ``status``."""
        original = self.original
        writes = itertools.count()

        def request(
            self: DAVClient, url: str, method: str = "GET", *args: object, **kwargs: object
        ) -> Any:
            if method in {"PUT", "DELETE"} and next(writes) >= k:
                if status is None:
                    raise niquests.exceptions.ConnectionError("connection reset by peer")
                return FakeResponse(status, "Internal Server Error")
            return original(self, url, method, *args, **kwargs)

        self.monkeypatch.setattr(DAVClient, "request", request)

    def disarm(self) -> None:
        self.monkeypatch.setattr(DAVClient, "request", self.original)


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    return Faults(monkeypatch)
