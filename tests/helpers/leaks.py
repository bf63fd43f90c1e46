"""What the test suite saw the code say: every log line and every reply sent to the
stand-in chat APIs, so one test can check that no secret ever reached any of them.

`install()` (run once by conftest) adds a handler on the root logger that keeps each
line smcbot's log handler writes (message and traceback); the stand-in Telegram and
Slack servers and the command runners add what the bots sent and what commands printed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading

_seen: list[str] = []
_lock = threading.Lock()


def add(text: str) -> None:
    """Keep some output (a reply's parameters, a command's stderr)."""
    with _lock:
        _seen.append(text)


def add_reply(params: dict) -> None:
    """Keep what a bot sent to a chat API (its parameters, never the request headers)."""
    add(json.dumps(params, ensure_ascii=False, default=str))


def everything() -> str:
    """All that was kept so far, one piece a line."""
    with _lock:
        return "\n".join(_seen)


class _Keeper(logging.Handler):
    """Keeps every line smcbot's own log handler writes (`configure_logging`), exactly as
    it writes it: through its filters (the redaction) and formatter, traceback included."""

    def emit(self, record: logging.LogRecord) -> None:
        for handler in logging.getLogger().handlers:
            if getattr(handler, "smcbot", False) and record.levelno >= handler.level and handler.filter(record):
                with contextlib.suppress(Exception):  # a record that cannot be formatted is not a leak
                    add(handler.format(record))


def install() -> None:
    """Start keeping log records (once)."""
    root = logging.getLogger()
    if not any(isinstance(handler, _Keeper) for handler in root.handlers):
        root.addHandler(_Keeper())
