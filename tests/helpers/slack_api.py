"""A stand-in for the Slack Web API and for `response_url` endpoints, on 127.0.0.1.

It speaks the real wire protocol: Web API methods are POSTed to `/api/<method>`
with `Authorization: Bearer <token>` and a form-encoded or JSON body, and are
answered with `{"ok": ...}` JSON; `response_url`s take a JSON message. Every call
is recorded, so tests can check what the app sent and wait for it. A test can
also make the next calls of a method fail, as Slack sometimes does.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl

from tests.helpers.local_server import LocalServer

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T1"
RESPONSE_URL = "response_url"  # the method name calls to a response_url are recorded under


@dataclass
class Call:
    """One request the stand-in received."""

    method: str
    params: dict
    headers: dict
    path: str
    at: float = field(default_factory=time.monotonic)


class SlackApiStandIn(LocalServer):
    """A threaded HTTP server playing the Slack Web API; use as a context manager."""

    def __init__(self, *, token: str) -> None:
        self.token = token
        self._calls: list[Call] = []
        self._failures: dict[str, list[tuple[int, str]]] = {}
        self._changed = threading.Condition()
        self._ts = itertools.count(1)
        super().__init__(self._handler_class())

    @property
    def api_url(self) -> str:
        """What the app's `WebClient(base_url=...)` is given."""
        return f"{self.base}/api/"

    def response_url(self, name: str) -> str:
        """A response_url Slack would put in a command or action payload."""
        return f"{self.base}/response/{name}"

    def fail_next(self, method: str, *, error: str = "fatal_error", status: int = 500, times: int = 1) -> None:
        """Make the next `times` calls of `method` fail with `error`."""
        with self._changed:
            self._failures.setdefault(method, []).extend([(status, error)] * times)

    def calls(self, method: str | None = None) -> list[Call]:
        """The calls received so far (of one method, or all)."""
        with self._changed:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, *, timeout: float = 20.0) -> list[Call]:
        """Wait until `count` calls of `method` arrived; returns them all."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := [c for c in self._calls if c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.params) for c in self._calls]
                    raise AssertionError(f"expected {count} {method} call(s), got {len(found)}: {seen}")
                self._changed.wait(left)
            return found

    def wait_until(self, predicate, *, timeout: float = 20.0, what: str = "a call"):
        """Wait until `predicate(calls so far)` is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not (found := predicate(list(self._calls))):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}: {[(c.method, c.params) for c in self._calls]}")
                self._changed.wait(left)
            return found

    # -- the HTTP side -----------------------------------------------------

    def _record(self, call: Call) -> tuple[int, dict]:
        """Store a call and decide its answer."""
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()
            failures = self._failures.get(call.method)
            if failures:
                status, error = failures.pop(0)
                return status, {"ok": False, "error": error}
        if call.method == RESPONSE_URL:
            return 200, {}
        if call.headers.get("authorization") != f"Bearer {self.token}":
            return 200, {"ok": False, "error": "invalid_auth"}
        return 200, self._result(call)

    def _result(self, call: Call) -> dict:
        """The successful answer of a Web API method."""
        if call.method == "auth.test":
            return {
                "ok": True,
                "url": "https://smc.slack.com/",
                "team": "SMC",
                "user": "smcbot",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if call.method == "chat.postMessage":
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            message = {
                "type": "message",
                "user": BOT_USER_ID,
                "bot_id": BOT_ID,
                "ts": ts,
                "text": call.params.get("text", ""),
            }
            return {"ok": True, "channel": call.params.get("channel"), "ts": ts, "message": message}
        if call.method == "chat.update":
            text = call.params.get("text", "")
            message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": text}
            return {
                "ok": True,
                "channel": call.params.get("channel"),
                "ts": call.params.get("ts"),
                "text": text,
                "message": message,
            }
        if call.method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{int(time.time())}.{next(self._ts):06d}"}
        if call.method in ("reactions.add", "reactions.remove"):
            return {"ok": True}
        return {"ok": False, "error": "unknown_method"}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                call = Call(
                    _method_of(self.path),
                    _params(body, headers.get("content-type", "")),
                    headers,
                    self.path,
                )
                status, answer = stand_in._record(call)
                data = json.dumps(answer).encode() if answer else b"ok"
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8" if answer else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

        return Handler


def _method_of(path: str) -> str:
    """`/api/chat.postMessage` -> "chat.postMessage"; `/response/...` -> "response_url"."""
    path = path.split("?", 1)[0]
    return path.removeprefix("/api/") if path.startswith("/api/") else RESPONSE_URL


def _params(body: bytes, content_type: str) -> dict:
    """A request's parameters, whether sent as JSON or form-encoded (with JSON-encoded blocks)."""
    text = body.decode("utf-8")
    if "json" in content_type:
        return json.loads(text or "{}")
    params: dict = dict(parse_qsl(text))
    for key in ("blocks", "attachments"):
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params
