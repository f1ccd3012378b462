"""A server whose listing cannot be read: an error, never an empty calendar.

A tiny HTTP server on 127.0.0.1 answers every request with one fixed reply; it runs
in a thread for the test and stops with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from touchpoints import ExportOptions, Plan, Subject, SyncError, schedule, sync_caldav

OPTIONS = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))
PLAN = Plan.model_validate(
    {
        "plan": "after-sales",
        "touchpoints": [{"id": "call", "title": "Call", "channel": "call", "at": "purchase"}],
    }
)
TPS = schedule(PLAN, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
EMPTY_LISTING = b'<?xml version="1.0" encoding="utf-8"?>\n<multistatus xmlns="DAV:"/>'


class Reply:
    status = 207
    content_type = "application/xml; charset=utf-8"
    body = b""
    writes: list[str]


def serve(reply: type[Reply]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            if self.command in {"PUT", "DELETE"}:
                reply.writes.append(self.command)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_REPORT = do_PUT = do_DELETE = do_PROPFIND = do_OPTIONS = do_GET = answer

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, type[Reply]]]:
    class This(Reply):
        pass

    This.writes = []

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), serve(This))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/cal/", This
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize(
    ("status", "content_type", "body"),
    [
        (200, "text/html; charset=utf-8", b"<html><body><form>Log in</form></body></html>"),
        (207, "application/xml", b"<not xml"),
        (207, "application/xml", b""),
        (200, "text/plain", b"OK"),
    ],
    ids=["login-page", "not-xml", "empty-207", "plain-text"],
)
def test_an_unreadable_listing_is_a_sync_error(
    server: tuple[str, type[Reply]], status: int, content_type: str, body: bytes, dry_run: bool
) -> None:
    url, reply = server
    reply.status, reply.content_type, reply.body = status, content_type, body
    with pytest.raises(SyncError, match="listing the calendar"):
        sync_caldav(url, TPS, plan_id="after-sales", options=OPTIONS, timeout=5, dry_run=dry_run)
    assert reply.writes == []


def test_an_empty_multistatus_is_an_empty_calendar(server: tuple[str, type[Reply]]) -> None:
    url, reply = server
    reply.body = EMPTY_LISTING
    report = sync_caldav(url, TPS, plan_id="after-sales", options=OPTIONS, timeout=5, dry_run=True)
    assert report.created == (TPS[0].id,)


class Trickle(BaseHTTPRequestHandler):
    """Answers with a listing one byte at a time, a byte every half second, for at most
    about fifteen seconds, then stops."""

    def do_REPORT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = EMPTY_LISTING[:30]
        self.send_response(207)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(EMPTY_LISTING)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:
            return

    def log_message(self, *args: object) -> None:
        pass


def test_the_timeout_bounds_each_answer_not_each_read() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/cal/"
    try:
        began = time.monotonic()
        with pytest.raises(SyncError, match="listing the calendar"):
            sync_caldav(url, TPS, plan_id="after-sales", options=OPTIONS, timeout=2)
        assert time.monotonic() - began < 6
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
