"""Logging for every front end: one setup, one line per answered question, no secrets.

`configure_logging(settings)` sends log records to stderr as text or, with
`SMCBOT_LOG_JSON=true`, as one JSON object a line; it removes every secret the
settings hold (tokens, signing secret, API key, hash key) from whatever is
logged, and keeps `httpx` quiet because the Telegram token sits in its URLs.

`log_answer(...)` writes the one line per question that organisers watch:
channel, latency, answered or not, language, number of sources; the question's
text only when `SMCBOT_LOG_QUESTIONS=true` (debugging).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from pydantic import BaseModel, SecretStr

from smcbot.models import Answer
from smcbot.settings import Settings

ANSWER_LOGGER = "smcbot.answers"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "<secret>"
# Fields a record may carry (via `extra=`) that the JSON lines keep.
EVENT_FIELDS = ("event", "channel", "latency_ms", "answered", "language", "sources", "question")
# Loggers that would print request URLs (the Telegram token is in them) at INFO.
NOISY_LOGGERS = ("httpx", "httpcore", "urllib3", "bm25s")

answers_log = logging.getLogger(ANSWER_LOGGER)


def configure_logging(settings: Settings) -> None:
    """Send logs to stderr in the configured format, with every secret redacted.

    Safe to call more than once: the handler it installed before is replaced.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "smcbot", False)]:
        root.removeHandler(handler)
    handler = _StderrHandler()
    handler.smcbot = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if settings.log_json else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactSecrets(secrets_of(settings)))
    # bm25s sets its own logger to DEBUG when imported, after this runs: filter at the handler.
    handler.addFilter(
        lambda record: record.levelno >= logging.WARNING or record.name.split(".")[0] not in NOISY_LOGGERS
    )
    root.addHandler(handler)
    level = logging.getLevelName(settings.log_level.upper())
    root.setLevel(level if isinstance(level, int) else logging.WARNING)
    # The answer lines are the operational record: shown unless logs are set to ERROR or above.
    answers_log.setLevel(min(root.level, logging.INFO) if root.level <= logging.WARNING else root.level)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def log_answer(*, channel: str, latency_ms: float, answer: Answer, settings: Settings | None = None) -> None:
    """Log one line for a question answered (or refused) on a channel.

    Args:
        channel: the front end ("telegram", "slack", "cli").
        latency_ms: time from receiving the question to having the answer.
        answer: what the `Answerer` returned.
        settings: `log_questions` decides whether the question's text is logged
            (never without settings).
    """
    fields = {
        "event": "answer",
        "channel": channel,
        "latency_ms": round(latency_ms, 1),
        "answered": answer.answered,
        "language": answer.language,
        "sources": len(answer.sources),
    }
    if settings is not None and settings.log_questions:
        fields["question"] = answer.question
    text = " ".join(f"{key}={_shown(value)}" for key, value in fields.items() if key != "event")
    answers_log.info("answer %s", text, extra=fields)


def _shown(value: object) -> str:
    """A field value in a text log line: strings with spaces quoted."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and (not value or any(c.isspace() or c in '"=' for c in value)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def secrets_of(settings: Settings | BaseModel) -> list[str]:
    """Every secret value set anywhere in the settings (nested models included)."""
    found: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr) and value.get_secret_value():
            found.append(value.get_secret_value())
        elif isinstance(value, BaseModel):
            found.extend(secrets_of(value))
    return found


class RedactSecrets(logging.Filter):
    """Replaces secret values in a record's message and traceback before it is written."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        # Longest first, so a secret containing another is replaced whole.
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({key: getattr(record, key) for key in EVENT_FIELDS if hasattr(record, key)})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time of each record.

    Test runners and `typer.testing.CliRunner` swap `sys.stderr`; a handler that
    kept the stream it was built with would write to a closed file afterwards.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        """The stream is always the current `sys.stderr`; ignore assignments."""
