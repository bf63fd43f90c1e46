"""Running the real Telegram bot against the stand-in Bot API, inside a test's event loop.

`running_bot(...)` builds the bot on the conversation core and runs its real polling
loop as `run_polling` does; `sentinel(...)` proves silence without sleeping.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from telegram.ext import Application

from smcbot.bots.conversation import ConversationCore
from smcbot.bots.telegram import build_application, polling_options
from smcbot.services import make_synthesizer, open_store
from smcbot.settings import Settings, load_settings
from smcbot.store import QuestionStore
from tests.helpers.telegram_api import BOT_USER, FakeBotApi, check_telegram_html, message

TOKEN = "123456789:TEST-secret-token-abcdefghij"
SENTINEL_CHAT = 999_999
SENTINEL_QUESTION = "What was said about brand safety?"


@dataclass
class RunningBot:
    """A started bot and what it writes to."""

    application: Application
    store: QuestionStore
    settings: Settings
    core: ConversationCore


def bot_settings(api: FakeBotApi, tmp_path, **telegram) -> Settings:
    """Settings pointing the bot at the stand-in API and a private question store.

    `llm=...` and `store=...` entries of `telegram` go to those sections instead.
    """
    llm = telegram.pop("llm", None)
    store = {"path": tmp_path / "questions.sqlite3", **telegram.pop("store", {})}
    extra = {"llm": llm} if llm else {}
    return load_settings(telegram={"token": TOKEN, "base_url": api.base_url, **telegram}, store=store, **extra)


@contextlib.asynccontextmanager
async def polling(application: Application):
    """Run the bot's real polling loop inside the test's event loop, as `run_polling` does."""
    await application.initialize()
    await application.post_init(application)
    await application.start()
    await application.updater.start_polling(**polling_options())
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


@contextlib.asynccontextmanager
async def running_bot(api: FakeBotApi, answerer, tmp_path, *, store: QuestionStore | None = None, **telegram):
    """Run the bot on the conversation core, polling the stand-in API; closes what it opened."""
    settings = bot_settings(api, tmp_path, **telegram)
    own_store = store is None
    store = store or open_store(settings)
    core = ConversationCore(settings, answerer=answerer, store=store, synthesizer=make_synthesizer(settings))
    application = build_application(core)
    try:
        async with polling(application):
            yield RunningBot(application, store, settings, core)
    finally:
        core.close()
        if own_store:
            store.close()


async def sentinel(api: FakeBotApi, *, timeout: float = 30.0) -> None:
    """Ask an answerable question in a private chat and wait for its answer.

    The bot fetches updates in order, and one it ignores costs it nothing, while the
    sentinel needs a whole answer: once the sentinel is answered, the updates pushed
    before it have been dealt with, and a test proves silence without sleeping.
    """
    count = len(api.sent(SENTINEL_CHAT)) + 1
    api.push(message=message(SENTINEL_QUESTION, chat_id=SENTINEL_CHAT, user_id=SENTINEL_CHAT))
    await api.wait_sent(SENTINEL_CHAT, count, timeout)


def group_message(text: str | None, *, chat_id: int = -1001234, **fields) -> dict:
    """A message in the members' supergroup."""
    return message(text, chat_id=chat_id, chat_type="supergroup", **fields)


def bot_message(reply_call, chat_id: int, chat_type: str = "private") -> dict:
    """The message the bot sent, as Telegram would show it inside a later update."""
    return {
        "message_id": reply_call.result["message_id"],
        "date": 1_700_000_000,
        "chat": {"id": chat_id, "type": chat_type},
        "from": BOT_USER,
        "text": reply_call.params["text"],
    }


def valid_html(call) -> list[tuple[str, str]]:
    """Assert a sent message is well-formed Telegram HTML; return its links."""
    assert call.params.get("parse_mode") == "HTML"
    assert len(call.params["text"]) < 4096
    problems, links = check_telegram_html(call.params["text"])
    assert problems == [], call.params["text"]
    return links
