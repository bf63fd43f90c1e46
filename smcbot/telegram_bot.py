"""The Telegram bot: a thin front end over `Answerer`, shaped like the
python-telegram-bot examples.

One short handler per command; `build_application()` wires them. Questions are
answered off the event loop (`asyncio.to_thread`) and updates are handled
concurrently, so one slow question never holds up another chat. Replies are
rendered as HTML by `smcbot.telegram_render`; when Telegram refuses the
formatting the same reply goes out as plain text, and flood control
(`RetryAfter`) is waited out.

Run it with `smcbot telegram`: long polling by default, a webhook when
`SMCBOT_TELEGRAM__WEBHOOK_URL` is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
import time
import warnings
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from smcbot.errors import QuestionError, SettingsError, SmcbotError
from smcbot.logs import log_answer
from smcbot.privacy import RetentionSchedule
from smcbot.synthesis import Pacer
from smcbot.telegram_render import (
    COMMANDS,
    MAX_QUESTION_CHARS,
    answer_messages,
    help_text,
    html_to_text,
    interface_language,
    recent_paragraphs,
    series_paragraphs,
    split_messages,
    streaming_html,
    text,
    written_messages,
)

if TYPE_CHECKING:
    from smcbot.answering import Answerer, Quote
    from smcbot.models import Answer
    from smcbot.settings import Settings, TelegramSettings
    from smcbot.store import QuestionStore
    from smcbot.synthesis import Synthesizer

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
FLOOD_ATTEMPTS = 4
TYPING_EVERY = 4.5  # Telegram shows "typing…" for five seconds per chat action
RECENT_COUNT = 5
T = TypeVar("T")


# --- state shared by the handlers -------------------------------------------------


class RateLimiter:
    """At most `per_minute` questions per member in any sixty seconds."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._asked: dict[int, deque[float]] = {}

    def wait_time(self, member: int) -> float:
        """Seconds before `member` may ask again; 0 means the question is allowed (and counted)."""
        now = self.clock()
        asked = self._asked.setdefault(member, deque())
        while asked and now - asked[0] >= 60:
            asked.popleft()
        if len(asked) >= self.per_minute:
            return 60 - (now - asked[0])
        asked.append(now)
        return 0.0


@dataclass
class BotState:
    """What the handlers need, kept in `application.bot_data`."""

    settings: TelegramSettings
    answerer: Answerer
    store: QuestionStore
    synthesizer: Synthesizer | None = None  # written answers, when SMCBOT_LLM__ENABLED is on
    app_settings: Settings | None = None  # for the answer log line (whether to log question text)
    limiter: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.settings.rate_limit_per_minute)


def state_of(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    """The bot's shared state."""
    return context.bot_data["smcbot"]


def language_of(update: Update) -> str:
    """The interface language of whoever sent the update."""
    user = update.effective_user
    return interface_language(user.language_code if user else None)


# --- sending ----------------------------------------------------------------------


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait, whether PTB gives it as int or timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22 warns that the int form will become timedelta
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def with_flood_retry(send: Callable[[], Awaitable[T]]) -> T:
    """Run a Bot API call, waiting out Telegram's flood control (429 with retry_after)."""
    for attempt in range(1, FLOOD_ATTEMPTS + 1):
        try:
            return await send()
        except RetryAfter as error:
            if attempt == FLOOD_ATTEMPTS:
                raise
            wait = retry_seconds(error)
            logger.warning("Telegram flood control: waiting %.1f s before sending again", wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")


async def send_html(message: Message, html_text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Reply with one HTML message; if Telegram cannot parse it, send it as plain text."""
    try:
        await with_flood_retry(lambda: message.reply_text(html_text, parse_mode=ParseMode.HTML, reply_markup=markup))
    except BadRequest as error:
        if "can't parse entities" not in str(error).lower():
            raise
        logger.warning("Telegram refused the HTML of a reply (%s); sending it as plain text", error)
        plain = html_to_text(html_text)
        await with_flood_retry(lambda: message.reply_text(plain, parse_mode=None, reply_markup=markup))


async def send_parts(message: Message, parts: list[str], markup: InlineKeyboardMarkup | None = None) -> None:
    """Send a reply cut into parts, the buttons (if any) under the last one."""
    for number, part in enumerate(parts, start=1):
        await send_html(message, part, markup if number == len(parts) else None)


async def reply(message: Message, html_text: str) -> None:
    """Send a short interface reply (already HTML)."""
    await send_parts(message, split_messages([[html_text]]))


@contextlib.asynccontextmanager
async def typing_action(message: Message) -> AsyncIterator[None]:
    """Show "typing…" in the chat until the block ends."""

    async def keep_typing() -> None:
        while True:
            await message.get_bot().send_chat_action(
                message.chat_id, ChatAction.TYPING, message_thread_id=message.message_thread_id
            )
            await asyncio.sleep(TYPING_EVERY)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, TelegramError):
            await task


def feedback_keyboard(question_id: int) -> InlineKeyboardMarkup:
    """👍 / 👎 buttons carrying the stored question's id."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("👍", callback_data=f"fb:{question_id}:1"),
                InlineKeyboardButton("👎", callback_data=f"fb:{question_id}:-1"),
            ]
        ]
    )


def parse_feedback(data: str | None) -> tuple[int, int] | None:
    """(question id, rating) from a feedback button's data; None if it is not one."""
    match = re.fullmatch(r"fb:(\d+):(-?1)", data or "")
    return (int(match[1]), int(match[2])) if match else None


# --- who may talk to the bot ------------------------------------------------------


def is_allowed(update: Update, settings: TelegramSettings) -> bool:
    """True when no allow-list is set, or the chat, the user or an admin is listed."""
    if not settings.allowed_chat_ids and not settings.allowed_user_ids:
        return True
    chat, user = update.effective_chat, update.effective_user
    return bool(
        (chat and chat.id in settings.allowed_chat_ids)
        or (user and (user.id in settings.allowed_user_ids or user.id in settings.admin_ids))
    )


def is_addressed_to_bot(message: Message | None, bot_id: int, username: str) -> bool:
    """A private message, a command, a mention of the bot or a reply to it.

    In groups everything else is chatter between members, which the bot ignores.
    Messages posted on behalf of a channel are never questions.
    """
    if message is None or (message.sender_chat and message.sender_chat.type == ChatType.CHANNEL):
        return False
    if message.chat.type == ChatType.PRIVATE:
        return True
    content = message.text or ""
    if content.startswith("/"):
        target = content.split(maxsplit=1)[0].partition("@")[2]
        return not target or target.lower() == username.lower()
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == bot_id:
        return True
    return mentions_bot(message, username)


def mentions_bot(message: Message, username: str) -> bool:
    """True when the message text @mentions the bot."""
    mentions = message.parse_entities(["mention"]).values()
    return bool(username) and any(m.lower() == f"@{username.lower()}" for m in mentions)


def without_mention(content: str, username: str) -> str:
    """The message text without the bot's @mention."""
    return re.sub(rf"@{re.escape(username)}\b", " ", content, flags=re.IGNORECASE).strip(" ,:;\n")


def command_argument(message: Message) -> str:
    """What follows the command ("/ask@bot what …" -> "what …"), newlines kept."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


async def gatekeeper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop updates from chats and users outside the allow-lists, politely when addressed."""
    if is_allowed(update, state_of(context).settings):
        return
    language = language_of(update)
    if update.callback_query:
        await update.callback_query.answer(html_to_text(text("not_allowed", language)))
    elif is_addressed_to_bot(update.message, context.bot.id, context.bot.username):
        await reply(update.message, text("not_allowed", language))
    raise ApplicationHandlerStop


# --- answering questions ----------------------------------------------------------


def compose(answerer: Answerer, question: str) -> tuple[Answer, list[list[Quote]]]:
    """Answer a question and pick each cited session's quotes (CPU-bound: run in a thread)."""
    answer = answerer.answer(question)
    quotes = [answerer.quotes(session, answer.terms) for session in answer.sessions]
    return answer, quotes


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Check the question, answer it off the event loop, record it and reply with buttons."""
    message, state, language = update.effective_message, state_of(context), language_of(update)
    if not question.strip():
        await reply(message, text("usage", language))
        return
    if len(question) > MAX_QUESTION_CHARS:
        await reply(message, text("too_long", language, length=len(question), limit=MAX_QUESTION_CHARS))
        return
    asker = update.effective_user.id if update.effective_user else message.chat_id
    wait = state.limiter.wait_time(asker)
    if wait:
        await reply(message, text("rate_limited", language, seconds=max(1, round(wait))))
        return
    started = time.perf_counter()
    try:
        async with typing_action(message):
            answer, quotes = await asyncio.to_thread(compose, state.answerer, question)
    except QuestionError:
        await reply(message, text("no_words", language))
        return
    if state.synthesizer is not None and answer.answered:
        await reply_in_writing(message, state, answer, quotes, asker=asker, started=started)
        return
    question_id = await record(state, message, answer, asker=asker, started=started)
    await send_parts(message, answer_messages(answer, quotes), feedback_keyboard(question_id))


async def record(state: BotState, message: Message, answer: Answer, *, asker: int, started: float) -> int:
    """Store the question with the answer sent, and log its line; returns its id for the
    feedback buttons."""
    latency_ms = (time.perf_counter() - started) * 1000
    log_answer(channel=CHANNEL, latency_ms=latency_ms, answer=answer, settings=state.app_settings)
    return await asyncio.to_thread(
        state.store.record_question,
        channel=CHANNEL,
        user_id=asker,
        chat_id=message.chat_id,
        answer=answer,
        latency_ms=latency_ms,
    )


# --- written answers (SMCBOT_LLM__ENABLED) ----------------------------------------


class LiveMessage:
    """One reply, sent at the model's first words and edited as more arrive."""

    def __init__(self, message: Message) -> None:
        self.message = message
        self.sent: Message | None = None
        self.shown = ""
        self.pacer = Pacer()  # Telegram allows about one message or edit a second per chat

    async def show(self, partial: str) -> None:
        """Show the text so far, at most about once a second; a failed update is skipped."""
        html_text = streaming_html(partial)
        if not self.pacer.due() or html_text == self.shown:
            return
        self.pacer.mark()
        try:
            if self.sent is None:
                self.sent = await self.message.reply_text(html_text, parse_mode=ParseMode.HTML)
            else:
                await self.sent.edit_text(html_text, parse_mode=ParseMode.HTML)
            self.shown = html_text
        except TelegramError as error:  # the final edit carries everything anyway
            logger.warning("Could not update a streamed answer: %s", error)

    async def finish(self, parts: list[str], markup: InlineKeyboardMarkup) -> None:
        """Turn the live message into the reply's first part and send the rest, buttons last."""
        if self.sent is None:  # the model failed before its first words
            await send_parts(self.message, parts, markup)
            return
        await asyncio.sleep(self.pacer.delay())
        first, rest = parts[0], parts[1:]
        try:
            await edit_html(self.sent, first, None if rest else markup)
        except TelegramError as error:  # deleted meanwhile, or refused: send it anew
            logger.warning("Could not edit a streamed answer (%s); sending it again", error)
            rest = parts
        if rest:
            await send_parts(self.message, rest, markup)


async def edit_html(sent: Message, html_text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace a message's text with HTML; if Telegram cannot parse it, with plain text."""
    try:
        await with_flood_retry(lambda: sent.edit_text(html_text, parse_mode=ParseMode.HTML, reply_markup=markup))
    except BadRequest as error:
        if "can't parse entities" not in str(error).lower():
            raise
        plain = html_to_text(html_text)
        await with_flood_retry(lambda: sent.edit_text(plain, parse_mode=None, reply_markup=markup))


async def reply_in_writing(
    message: Message,
    state: BotState,
    answer: Answer,
    quotes: list[list[Quote]],
    *,
    asker: int,
    started: float,
) -> None:
    """Stream the model's written answer into one message; if the model fails, times out
    or cites nothing, the quoted answer takes its place. Buttons go under the final text."""
    live = LiveMessage(message)
    async with typing_action(message):
        synthesis = await state.synthesizer.astream(answer, live.show)
    question_id = await record(state, message, synthesis.answer, asker=asker, started=started)
    parts = written_messages(synthesis) if synthesis.written else answer_messages(answer, quotes)
    await live.finish(parts, feedback_keyboard(question_id))


# --- handlers ---------------------------------------------------------------------


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: what the bot knows, with examples in French and English."""
    answerer = state_of(context).answerer
    articles = answerer.recent(len(answerer.index.articles))
    years = sorted(a.date.year for a in articles if a.date)
    await reply(
        update.effective_message,
        help_text(
            language_of(update),
            sessions=len(articles),
            series=[name for name, _ in answerer.series_counts()],
            years=(years[0], years[-1]) if years else None,
            username=context.bot.username,
        ),
    )


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask <question>: answer from the archive."""
    await answer_question(update, context, command_argument(update.effective_message))


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain text in a private chat is a question."""
    await answer_question(update, context, update.effective_message.text or "")


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group, answer only a mention of the bot or a reply to it; stay silent otherwise."""
    message = update.effective_message
    if not is_addressed_to_bot(message, context.bot.id, context.bot.username):
        return
    await answer_question(update, context, without_mention(message.text or "", context.bot.username))


async def recent_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/recent: the latest sessions with their links."""
    articles = state_of(context).answerer.recent(RECENT_COUNT)
    await send_parts(update.effective_message, split_messages(recent_paragraphs(articles, language_of(update))))


async def series_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/series: each series and how many sessions it has."""
    counts = state_of(context).answerer.series_counts()
    await send_parts(update.effective_message, split_messages(series_paragraphs(counts, language_of(update))))


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload (admins only): load the index again without restarting the bot."""
    state, language, message = state_of(context), language_of(update), update.effective_message
    user = update.effective_user
    if user is None or user.id not in state.settings.admin_ids:
        await reply(message, text("reload_denied", language))
        return
    try:
        index = await asyncio.to_thread(state.answerer.reload)
    except SmcbotError as error:
        logger.warning("Reload refused, keeping the old index: %s", error)
        await reply(message, text("reload_failed", language, error=error))
        return
    logger.info("Index reloaded: build %s", index.build_id)
    await reply(message, text("reloaded", language, sessions=len(index.articles), build=index.build_id))


async def feedback_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍 / 👎 under an answer: record the vote and acknowledge the click."""
    query = update.callback_query
    parsed = parse_feedback(query.data)
    if parsed is None:
        await query.answer()  # a button of an older version: just stop the spinner
        return
    question_id, rating = parsed
    recorded = await asyncio.to_thread(
        state_of(context).store.record_feedback,
        question_id=question_id,
        channel=CHANNEL,
        user_id=query.from_user.id,
        rating=rating,
    )
    await query.answer(html_to_text(text("thanks" if recorded else "feedback_gone", language_of(update))))


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes in a private chat: say the bot reads text."""
    await reply(update.effective_message, text("text_only", language_of(update)))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not know, in a private chat."""
    await reply(update.effective_message, text("unknown_command", language_of(update)))


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error with its traceback and tell the user something went wrong."""
    logger.error("Error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, html_to_text(text("error", language_of(update))))
    except TelegramError as error:
        logger.warning("Could not tell the user about the error: %s", error)


async def register_commands(application: Application) -> None:
    """post_init: publish the command list (in English, and in French for French users)."""
    for language, commands in COMMANDS.items():
        await application.bot.set_my_commands(
            [BotCommand(name, description) for name, description in commands],
            scope=BotCommandScopeDefault(),
            language_code=None if language == "en" else language,
        )


# --- wiring -----------------------------------------------------------------------


def require_token(settings: TelegramSettings) -> str:
    """The bot token, or a clear error telling how to set it."""
    token = settings.token.get_secret_value() if settings.token else ""
    if not token:
        raise SettingsError(
            "SMCBOT_TELEGRAM__TOKEN is not set: create a bot with @BotFather and put its token "
            "in .env or the environment"
        )
    return token


def build_application(settings: Settings, *, answerer: Answerer, store: QuestionStore) -> Application:
    """The bot application with its handlers wired, ready to poll or serve a webhook."""
    telegram = settings.telegram
    application = (
        Application.builder()
        .token(require_token(telegram))
        .base_url(telegram.base_url)
        .concurrent_updates(True)
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(register_commands)
        .build()
    )
    from smcbot.services import make_synthesizer

    application.bot_data["smcbot"] = BotState(telegram, answerer, store, make_synthesizer(settings), settings)
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:
    """Wire the handlers. Only new messages are handled: edits and channel posts are ignored."""
    new = filters.UpdateType.MESSAGE
    private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
    application.add_handler(TypeHandler(Update, gatekeeper), group=-1)
    application.add_handler(CommandHandler(["start", "help"], help_command, filters=new))
    application.add_handler(CommandHandler("ask", ask_command, filters=new))
    application.add_handler(CommandHandler("recent", recent_command, filters=new))
    application.add_handler(CommandHandler("series", series_command, filters=new))
    application.add_handler(CommandHandler("reload", reload_command, filters=new))
    application.add_handler(MessageHandler(new & private & filters.TEXT & ~filters.COMMAND, private_text))
    application.add_handler(MessageHandler(new & groups & filters.TEXT & ~filters.COMMAND, group_text))
    application.add_handler(MessageHandler(new & private & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(new & private & ~filters.TEXT & ~filters.StatusUpdate.ALL, not_text))
    application.add_handler(CallbackQueryHandler(feedback_button))
    application.add_error_handler(error_handler)


def polling_options() -> dict[str, Any]:
    """Arguments of `run_polling` / `Updater.start_polling`.

    Network errors while polling are retried by PTB with a growing pause
    (up to 30 s); `bootstrap_retries` covers the first call (deleteWebhook).
    """
    return {"allowed_updates": ALLOWED_UPDATES, "bootstrap_retries": 5}


def webhook_options(settings: TelegramSettings) -> dict[str, Any]:
    """Arguments of `run_webhook` / `Updater.start_webhook` from the settings.

    The local path served is the path of the public URL, so a reverse proxy
    can forward https://bot.example.org/telegram to it unchanged.
    """
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlsplit(settings.webhook_url).path.strip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": secret,
        "allowed_updates": ALLOWED_UPDATES,
        "bootstrap_retries": 5,
    }


class RedactToken(logging.Filter):
    """Replaces the bot token in log records (it sits in every Bot API URL)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), ()
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, "<token>")
        return True


def protect_token_in_logs(token: str) -> None:
    """Keep the token out of every log line: quiet httpx and redact the root handlers."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(token))


def run(settings: Settings) -> None:
    """Run the bot until interrupted: long polling, or a webhook when one is configured."""
    from smcbot.services import make_answerer, open_store

    protect_token_in_logs(require_token(settings.telegram))
    answerer = make_answerer(settings)
    store = open_store(settings)  # applies the retention once at start
    application = build_application(settings, answerer=answerer, store=store)
    retention = RetentionSchedule(store, settings).start()  # then daily
    try:
        if settings.telegram.webhook_url:
            print(
                f"Serving the Telegram webhook on port {settings.telegram.webhook_port}",
                file=sys.stderr,
            )
            application.run_webhook(**webhook_options(settings.telegram))
        else:
            print("Polling Telegram for updates (Ctrl-C to stop)", file=sys.stderr)
            application.run_polling(**polling_options())
    finally:
        retention.stop()
        store.close()
