"""A stand-in for an OpenAI-compatible chat endpoint, served on 127.0.0.1 for tests.

It speaks the real wire protocol of `POST /v1/chat/completions` (what OpenAI,
Mistral, Ollama and vLLM serve): a JSON body with `model`, `messages` and
`stream`, answered with a `chat.completion` object, or, when `stream` is true,
with `text/event-stream` lines `data: {chat.completion.chunk}` ending with
`data: [DONE]`, sent with chunked transfer encoding as real servers do.
Errors come back as `{"error": {"message", "type", "code"}}` with their status.

Every request is recorded (headers and JSON body). A test scripts the replies
with `script(...)`: the text, how it is cut into stream pieces, a pause before
answering (to cause a timeout), a pause between pieces, or an error status.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.helpers.local_server import LocalServer

COMPLETIONS_PATH = "/v1/chat/completions"


@dataclass
class Script:
    """How the stand-in answers the next requests."""

    reply: str = "I do not know."
    pieces: list[str] | None = None  # how a streamed reply is cut; default: word by word
    delay: float = 0.0  # seconds before the response starts
    piece_delay: float = 0.0  # seconds between two streamed pieces
    status: int = 200


@dataclass
class Request:
    """One request the stand-in received."""

    path: str
    headers: dict[str, str]
    body: dict
    at: float = field(default_factory=time.monotonic)

    @property
    def messages(self) -> list[dict]:
        """The chat messages sent."""
        return self.body.get("messages", [])

    def content(self, role: str) -> str:
        """The text of the messages of one role, joined."""
        return "\n".join(m["content"] for m in self.messages if m.get("role") == role)


class ChatCompletionsStandIn(LocalServer):
    """A threaded HTTP server playing an OpenAI-compatible API; use as a context manager."""

    def __init__(self, *, api_key: str = "sk-test-key") -> None:
        self.api_key = api_key
        self.requests: list[Request] = []
        self._script = Script()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        super().__init__(_handler_for(self))

    def __exit__(self, *exc: object) -> None:
        self._closing.set()  # wakes handlers pausing to simulate a slow model
        super().__exit__(*exc)

    @property
    def base_url(self) -> str:
        """What `SMCBOT_LLM__BASE_URL` must be."""
        return f"{self.base}/v1"

    def script(self, reply: str = "I do not know.", **how: object) -> None:
        """Set how the following requests are answered (see `Script`)."""
        with self._lock:
            self._script = Script(reply=reply, **how)  # type: ignore[arg-type]

    def received(self) -> list[Request]:
        """The requests so far."""
        with self._lock:
            return list(self.requests)

    # --- answering ----------------------------------------------------------------

    def record(self, request: Request) -> Script:
        """Store a request and return the script to answer it with."""
        with self._lock:
            self.requests.append(request)
            return self._script

    def pause(self, seconds: float) -> None:
        """Wait, unless the server is shutting down."""
        if seconds:
            self._closing.wait(seconds)

    def problem(self, request: Request, script: Script) -> tuple[int, dict] | None:
        """The error to answer with, if any: a bad key, a bad request, or a scripted failure."""
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return 401, _error("Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
        if request.path != COMPLETIONS_PATH:
            return 404, _error(f"Unknown path {request.path}.", "invalid_request_error", None)
        if not request.messages or not request.body.get("model"):
            return 400, _error("'model' and 'messages' are required.", "invalid_request_error", None)
        if script.status != 200:
            return script.status, _error("The server had an error.", "server_error", None)
        return None


def _error(message: str, kind: str, code: str | None) -> dict:
    """An OpenAI-style error body."""
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def completion(model: str, text: str) -> dict:
    """A whole `chat.completion` object."""
    return {
        "id": "chatcmpl-standin",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": len(text.split()), "total_tokens": 100},
    }


def chunk(model: str, delta: dict, finish_reason: str | None = None) -> dict:
    """One `chat.completion.chunk` of a streamed reply."""
    return {
        "id": "chatcmpl-standin",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }


def pieces_of(script: Script) -> list[str]:
    """The pieces a streamed reply is sent in: as scripted, or word by word."""
    if script.pieces is not None:
        return script.pieces
    words = script.reply.split(" ")
    return [word + (" " if i < len(words) - 1 else "") for i, word in enumerate(words)]


def _handler_for(api: ChatCompletionsStandIn) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one stand-in."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            request = Request(self.path, headers, body)
            script = api.record(request)
            api.pause(script.delay)
            try:
                problem = api.problem(request, script)
                if problem:
                    self._json(*problem)
                elif body.get("stream"):
                    self._stream(body["model"], script)
                else:
                    self._json(200, completion(body["model"], script.reply))
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (a timeout): nothing to do

        def _json(self, status: int, data: dict) -> None:
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _stream(self, model: str, script: Script) -> None:
            """Server-sent events, one `data:` line per chunk, in HTTP/1.1 chunks."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._event(chunk(model, {"role": "assistant", "content": ""}))
            for number, piece in enumerate(pieces_of(script)):
                if number:
                    api.pause(script.piece_delay)
                self._event(chunk(model, {"content": piece}))
            self._event(chunk(model, {}, "stop"))
            self._send_chunk(b"data: [DONE]\n\n")
            self._send_chunk(b"")  # the last, empty chunk ends the body

        def _event(self, data: dict) -> None:
            self._send_chunk(f"data: {json.dumps(data)}\n\n".encode())

        def _send_chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass  # keep test output quiet

    return Handler
