"""A stand-in for the Telegram Bot API, served on 127.0.0.1 for end-to-end tests.

It speaks the real wire protocol the bot uses: `POST /bot<token>/<method>`
with a form-encoded body whose values are JSON-encoded (python-telegram-bot's
way) or a JSON body, answered with `{"ok": true, "result": ...}` or
`{"ok": false, "error_code": ..., "description": ..., "parameters": ...}`.

It serves getMe, deleteWebhook, setWebhook, getUpdates (long polling over a
queue of updates the test pushes), sendMessage, sendChatAction,
editMessageText, answerCallbackQuery and setMyCommands; it records every call,
checks HTML messages the way Telegram does (unknown or unclosed tags, bare
`<` or `&` are refused with "can't parse entities"), and can be told to fail
the next call to a method (a 400, a 429 with `retry_after`, a 5xx).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from tests.helpers import leaks
from tests.helpers.local_server import LocalServer

BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "SMC Archive",
    "username": "smc_archive_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
LONG_POLL_CAP = 1.0  # seconds a getUpdates is held at most, however long the bot asks for
MESSAGE_LIMIT = 4096
TELEGRAM_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "blockquote", "tg-spoiler", "span", "tg-emoji",
}  # fmt: skip
# Values of these fields are plain strings even when they look like JSON ("123").
STRING_FIELDS = {
    "text",
    "parse_mode",
    "callback_query_id",
    "url",
    "secret_token",
    "action",
    "caption",
}


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict
    at: float
    status: int = 200
    result: object = None


class _Links(HTMLParser):
    """Checks Telegram HTML: only known tags, properly nested and closed; collects links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._link_text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f'unsupported start tag "{tag}"')
        if tag == "a":
            href = dict(attrs).get("href")
            if not href:
                self.problems.append("link without href")
            self.links.append((href or "", ""))
            self._link_text = []
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f'can\'t find end tag corresponding to start tag "{tag}"')
            return
        self.stack.pop()
        if tag == "a" and self._link_text is not None:
            href, _ = self.links[-1]
            self.links[-1] = (href, "".join(self._link_text))
            self._link_text = None

    def handle_data(self, data: str) -> None:
        if self._link_text is not None:
            self._link_text.append(data)


def check_telegram_html(message: str) -> tuple[list[str], list[tuple[str, str]]]:
    """(problems Telegram would refuse the message for, its links as (href, text))."""
    problems = []
    bare = re.sub(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?>", "", message)
    if "<" in bare or ">" in bare:
        problems.append("unescaped < or > outside a tag")
    if re.search(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", message):
        problems.append("unsupported HTML entity or bare &")
    parser = _Links()
    parser.feed(message)
    parser.close()
    problems += parser.problems
    problems += [f'unclosed tag "{tag}"' for tag in parser.stack]
    return problems, parser.links


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def entities_of(text: str) -> list[dict]:
    """The entities Telegram would attach: a leading bot command and @mentions."""
    entities = []
    command = re.match(r"/[A-Za-z0-9_]+(@\w+)?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command[0])})
    for mention in re.finditer(r"(?<!\w)@\w{3,}", text):
        start = utf16_len(text[: mention.start()])
        entities.append({"type": "mention", "offset": start, "length": utf16_len(mention[0])})
    return entities


def user(user_id: int, language: str | None = "en", first_name: str = "Member") -> dict:
    """A Telegram user."""
    data = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language:
        data["language_code"] = language
    return data


def message(
    text: str | None = None,
    *,
    chat_id: int = 1001,
    user_id: int = 501,
    chat_type: str = "private",
    language: str | None = "en",
    message_id: int | None = None,
    reply_to: dict | None = None,
    **extra,
) -> dict:
    """A message as Telegram sends it in an update (text with its entities, or `extra` content)."""
    chat = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = "Member"
    else:
        chat["title"] = "SMC members"
    data = {
        "message_id": message_id or _next_id(),
        "date": int(time.time()),
        "chat": chat,
        "from": user(user_id, language),
    }
    if text is not None:
        data["text"] = text
        if entities_of(text):
            data["entities"] = entities_of(text)
    if reply_to is not None:
        data["reply_to_message"] = reply_to
    data.update(extra)
    return data


_ids = iter(range(70_000, 10**9))
_ids_lock = threading.Lock()


def _next_id() -> int:
    """A fresh message id for updates the test builds."""
    with _ids_lock:
        return next(_ids)


class FakeBotApi(LocalServer):
    """The Bot API on 127.0.0.1 (port chosen by the system), run in a thread.

    Use as a context manager, push updates with `push`, read the calls in `calls`.
    """

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.chat_types: dict[int, str] = {}
        self._updates: list[dict] = []
        self._next_update_id = 1
        self._failures: dict[str, deque[tuple[int, dict]]] = {}
        self._message_id = 1
        self._closing = False
        self._cond = threading.Condition()
        super().__init__(_handler_for(self))

    @property
    def base_url(self) -> str:
        """What the bot's `base_url` setting must be."""
        return f"{self.base}/bot"

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        super().__exit__(*exc)

    # --- what tests call --------------------------------------------------------

    def push(self, **update) -> int:
        """Queue an update (e.g. `push(message=message("hi"))`); returns its update_id."""
        [update_id] = self.push_burst([update])
        return update_id

    def push_burst(self, updates: list[dict]) -> list[int]:
        """Queue several updates at once (each like `{"message": ...}`), so that one
        getUpdates hands them all to the bot, as Telegram does after a burst; returns their ids."""
        ids = []
        with self._cond:
            for update in updates:
                ids.append(self._next_update_id)
                self._next_update_id += 1
                self._updates.append({"update_id": ids[-1], **update})
                for key in ("message", "edited_message", "channel_post"):
                    if key in update:
                        self.chat_types[update[key]["chat"]["id"]] = update[key]["chat"]["type"]
            self._cond.notify_all()
        return ids

    def fail_next(self, method: str, status: int, description: str, *, retry_after: int | None = None) -> None:
        """Make the next call to `method` fail with this status (and retry_after, for 429)."""
        body: dict = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        with self._cond:
            self._failures.setdefault(method, deque()).append((status, body))

    def calls_to(self, method: str) -> list[Call]:
        """Recorded calls to one method, oldest first."""
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Messages the bot sent successfully (to one chat, if given)."""
        return [
            c
            for c in self.calls_to("sendMessage")
            if c.status == 200 and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    async def wait_for(self, predicate, timeout: float = 30.0, what: str = "the bot"):
        """Wait (without blocking the bot's event loop) until `predicate()` is truthy."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            await asyncio.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}; calls: {[c.method for c in self.calls]}")

    async def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 30.0) -> list[Call]:
        """Wait until `count` messages have been sent to a chat; returns them."""
        return await self.wait_for(
            lambda: self.sent(chat_id)[:count] if len(self.sent(chat_id)) >= count else None,
            timeout,
            f"{count} message(s) to chat {chat_id}",
        )

    # --- the API -----------------------------------------------------------------

    def handle(self, method: str, params: dict) -> tuple[int, dict]:
        """Answer one Bot API call."""
        with self._cond:
            failures = self._failures.get(method)
            failure = failures.popleft() if failures else None
            call = Call(method, params, time.monotonic(), failure[0] if failure else 200)
            self.calls.append(call)
        if method not in ("getUpdates", "setWebhook"):  # the webhook secret is meant for Telegram
            leaks.add_reply(params)
        if failure:
            return failure
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        answer = getattr(self, f"_api_{method}", None)
        if answer is None:
            call.status = 404
            return 404, {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        call.status, result = answer(params)
        call.result = result
        if call.status != 200:
            return call.status, {"ok": False, "error_code": call.status, "description": result}
        return 200, {"ok": True, "result": result}

    def _get_updates(self, params: dict) -> list[dict]:
        """Confirm updates below `offset`, then return pending ones, holding the poll briefly."""
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), LONG_POLL_CAP)
        deadline = time.monotonic() + wait
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._closing and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            return list(self._updates)

    def _api_getMe(self, params: dict) -> tuple[int, object]:
        return 200, BOT_USER

    def _acknowledge(self, params: dict) -> tuple[int, object]:
        """The answer to the calls Telegram just confirms with `true`."""
        return 200, True

    _api_deleteWebhook = _api_setWebhook = _api_setMyCommands = _acknowledge
    _api_sendChatAction = _api_answerCallbackQuery = _acknowledge

    def _api_sendMessage(self, params: dict) -> tuple[int, object]:
        text = str(params.get("text", ""))
        problem = self._text_problem(text, params.get("parse_mode"))
        if problem:
            return 400, problem
        with self._cond:
            self._message_id += 1
            message_id = self._message_id
        chat_id = params["chat_id"]
        chat = {"id": chat_id, "type": self.chat_types.get(chat_id, "private")}
        return 200, {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
            "text": text,
        }

    def _api_editMessageText(self, params: dict) -> tuple[int, object]:
        problem = self._text_problem(str(params.get("text", "")), params.get("parse_mode"))
        return (400, problem) if problem else (200, True)

    @staticmethod
    def _text_problem(text: str, parse_mode: object) -> str | None:
        """Why Telegram would refuse this text, or None."""
        if not text.strip():
            return "Bad Request: message text is empty"
        if len(text) > MESSAGE_LIMIT:
            return "Bad Request: message is too long"
        if parse_mode == "HTML":
            problems, _ = check_telegram_html(text)
            if problems:
                return f"Bad Request: can't parse entities: {problems[0]}"
        return None


def parse_body(content_type: str, body: bytes, query: str) -> dict:
    """The call's parameters from a form (values JSON-encoded), JSON body, or query string."""
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}")
    form = parse_qs(body.decode() if body else query, keep_blank_values=True)
    params = {}
    for name, values in form.items():
        value = values[-1]
        if name in STRING_FIELDS:
            params[name] = value
            continue
        try:
            params[name] = json.loads(value)
        except ValueError:
            params[name] = value
    return params


def _handler_for(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one fake API."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            self._answer(body)

        def do_GET(self) -> None:
            self._answer(b"")

        def _answer(self, body: bytes) -> None:
            url = urlsplit(self.path)
            match = re.fullmatch(r"/bot([^/]+)/(\w+)", url.path)
            if not match or match[1] != api.token:
                status, reply = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            else:
                params = parse_body(self.headers.get("Content-Type", ""), body, url.query)
                status, reply = api.handle(match[2], params)
            payload = json.dumps(reply).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the bot gave up on a long poll while stopping

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
            pass  # keep test output quiet

    return Handler
