"""The Telegram bot: parses updates, renders replies as HTML and sends them.

Everything around an answer (checks, answering, written answers, recording) is
the conversation core's (`smcbot.bots.conversation`); this module holds the
handlers, shaped like the python-telegram-bot examples, and the sending.
Every Bot API call, the edits of a streamed answer included, goes through
python-telegram-bot's `AIORateLimiter` (Telegram's flood limits, and its 429s
waited out); a reply that meets a 5xx, a network error or more 429s is sent
again until `SMCBOT_TELEGRAM__SEND_DEADLINE`. When Telegram refuses the HTML
of a reply, the same reply goes out as plain text.

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
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
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

from smcbot.bots.conversation import Asker, ConversationCore, serving
from smcbot.bots.ordering import AnswersFirstLoop, mark_arrival
from smcbot.bots.telegram_render import (
    help_text,
    html_to_text,
    interface_language,
    recent_paragraphs,
    reply_messages,
    series_paragraphs,
    split_messages,
    streaming_html,
    text,
)
from smcbot.errors import SettingsError, SmcbotError
from smcbot.synthesis import Pacer
from smcbot.wording import COMMANDS

if TYPE_CHECKING:
    from smcbot.settings import Settings, TelegramSettings

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
FLOOD_RETRIES = 3  # 429s the rate limiter waits out itself before `deliver` takes over
TYPING_AFTER = 0.3  # an answer ready sooner needs no "typing…" (and saves an API call)
TYPING_EVERY = 4.5  # Telegram shows "typing…" for five seconds per chat action
RECENT_COUNT = 5
T = TypeVar("T")


def core_of(context: ContextTypes.DEFAULT_TYPE) -> ConversationCore:
    """The conversation core the handlers share."""
    return context.bot_data["core"]


def settings_of(context: ContextTypes.DEFAULT_TYPE) -> TelegramSettings:
    """The Telegram settings."""
    return core_of(context).settings.telegram


def language_of(update: Update) -> str:
    """The interface language of whoever sent the update."""
    user = update.effective_user
    return interface_language(user.language_code if user else None)


def asker_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Asker:
    """Who asked, where, in which interface language, in which conversation.

    A private chat is one conversation (kept `SMCBOT_CONVERSATION__PRIVATE_MINUTES`); in a
    group, a reply to one of the bot's messages continues the conversation that message
    answered, and anything else starts one.
    """
    message, user = update.effective_message, update.effective_user
    settings = core_of(context).settings.conversation
    if message.chat.type == ChatType.PRIVATE:
        key, ttl = f"chat:{message.chat_id}", settings.private_minutes * 60
    else:
        replied = message.reply_to_message
        to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id
        key = f"reply:{message.chat_id}:{replied.message_id}" if to_bot else ""
        ttl = settings.thread_days * 86400
    user_id = user.id if user else message.chat_id
    return Asker(CHANNEL, user_id, message.chat_id, language_of(update), conversation=key, context_ttl=ttl)


def reply_keys(message: Message, sent: list[Message], asker: Asker) -> list[str]:
    """The conversations an answer's context is kept for: the private chat, or in a group
    each message of the answer (a member replies to one of them to follow up)."""
    if message.chat.type == ChatType.PRIVATE:
        return [asker.conversation]
    return [f"reply:{message.chat_id}:{m.message_id}" for m in sent]


# --- sending ----------------------------------------------------------------------


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait, whether PTB gives it as int or timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22 warns that the int form will become timedelta
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def deliver(send: Callable[[], Awaitable[T]], *, deadline: float) -> T:
    """Run a Bot API call until it succeeds or `deadline` seconds have passed.

    A 5xx, a network error or a 429 that outlasted the rate limiter's own retries
    is tried again after a pause (Telegram's `retry_after`, else a growing one).
    A refused request (400, 403) is not: sending it again would change nothing.
    """
    give_up, pause = time.monotonic() + deadline, 0.5
    while True:
        try:
            return await send()
        except RetryAfter as error:
            failure, wait = error, retry_seconds(error)
        except BadRequest:
            raise
        except NetworkError as error:  # 5xx, timeouts, connection errors
            failure, wait, pause = error, pause, min(pause * 2, 8.0)
            logger.warning("Telegram did not take a reply (%s); sending it again in %.1f s", error, wait)
        if time.monotonic() + wait > give_up:
            raise failure
        await asyncio.sleep(wait)


class Sender:
    """Sends replies to one message's chat, as HTML, falling back to plain text."""

    def __init__(self, message: Message, deadline: float) -> None:
        self.message = message
        self.deadline = deadline

    async def html(self, html_text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
        """Reply with one HTML message; if Telegram cannot parse it, send it as plain text."""
        try:
            return await deliver(
                lambda: self.message.reply_text(html_text, parse_mode=ParseMode.HTML, reply_markup=markup),
                deadline=self.deadline,
            )
        except BadRequest as error:
            if "can't parse entities" not in str(error).lower():
                raise
            logger.warning("Telegram refused the HTML of a reply (%s); sending it as plain text", error)
            plain = html_to_text(html_text)
            return await deliver(
                lambda: self.message.reply_text(plain, parse_mode=None, reply_markup=markup), deadline=self.deadline
            )

    async def parts(self, parts: list[str], markup: InlineKeyboardMarkup | None = None) -> list[Message]:
        """Send a reply cut into parts, the buttons (if any) under the last one; returns them."""
        sent = []
        for number, part in enumerate(parts, start=1):
            sent.append(await self.html(part, markup if number == len(parts) else None))
        return sent

    async def edit(self, sent: Message, html_text: str, markup: InlineKeyboardMarkup | None) -> None:
        """Replace a message's text with HTML; if Telegram cannot parse it, with plain text."""
        try:
            await deliver(
                lambda: sent.edit_text(html_text, parse_mode=ParseMode.HTML, reply_markup=markup),
                deadline=self.deadline,
            )
        except BadRequest as error:
            if "can't parse entities" not in str(error).lower():
                raise
            plain = html_to_text(html_text)
            await deliver(lambda: sent.edit_text(plain, parse_mode=None, reply_markup=markup), deadline=self.deadline)


def sender_for(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Sender:
    """A sender replying to the update's message."""
    return Sender(update.effective_message, settings_of(context).send_deadline)


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, html_text: str) -> None:
    """Send a short interface reply (already HTML)."""
    await sender_for(update, context).parts(split_messages([[html_text]]))


@contextlib.asynccontextmanager
async def typing_action(message: Message) -> AsyncIterator[None]:
    """Show "typing…" in the chat while the block runs, if it takes long enough to notice."""

    async def keep_typing() -> None:
        await asyncio.sleep(TYPING_AFTER)
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


def feedback_keyboard(question_id: int | None) -> InlineKeyboardMarkup | None:
    """👍 / 👎 buttons carrying the stored question's id (none when it is not stored)."""
    if question_id is None:
        return None
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


class LiveMessage:
    """One reply, sent at the written answer's first checked sentence and edited as more come."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self.sent: Message | None = None
        self.shown = ""
        self.pacer = Pacer()  # Telegram allows about one message or edit a second per chat

    async def show(self, checked: str) -> None:
        """Show the checked text so far, at most about once a second; a failed update is skipped."""
        html_text = streaming_html(checked)
        if not self.pacer.due() or html_text == self.shown:
            return
        self.pacer.mark()
        message = self.sender.message
        try:
            if self.sent is None:
                self.sent = await message.reply_text(html_text, parse_mode=ParseMode.HTML)
            else:
                await self.sent.edit_text(html_text, parse_mode=ParseMode.HTML)
            self.shown = html_text
        except TelegramError as error:  # the final edit carries everything anyway
            logger.warning("Could not update a streamed answer: %s", error)

    async def finish(self, parts: list[str], markup: InlineKeyboardMarkup | None) -> list[Message]:
        """Turn the live message into the reply's first part and send the rest, buttons last;
        returns the messages the reply is made of."""
        if self.sent is None:  # nothing was shown: the model failed, or no sentence held
            return await self.sender.parts(parts, markup)
        await asyncio.sleep(self.pacer.delay())
        first, rest, kept = parts[0], parts[1:], [self.sent]
        try:
            await self.sender.edit(self.sent, first, None if rest else markup)
        except TelegramError as error:  # deleted meanwhile, or refused: send it anew
            logger.warning("Could not edit a streamed answer (%s); sending it again", error)
            rest, kept = parts, []
        return kept + (await self.sender.parts(rest, markup) if rest else [])


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


async def once_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handle each update once, whichever replica Telegram delivers it to (again): the
    store's unique key on the update id decides. Without a store, nothing to share."""
    core = core_of(context)
    store = core.store
    mark_arrival()  # the steps of this update go before those of updates that came later
    if store is None:
        return
    try:
        first = await core.run(store.claim_delivery, f"telegram:update:{update.update_id}")
    except Exception as error:  # the store is down: answer rather than stay silent
        logger.warning("could not claim Telegram update %s in the store (%s)", update.update_id, error)
        return
    if not first:
        logger.info("ignoring update %s, already handled", update.update_id)
        raise ApplicationHandlerStop


async def gatekeeper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop updates from chats and users outside the allow-lists, politely when addressed."""
    if is_allowed(update, settings_of(context)):
        return
    language = language_of(update)
    if update.callback_query:
        await update.callback_query.answer(html_to_text(text("not_allowed", language)))
    elif is_addressed_to_bot(update.message, context.bot.id, context.bot.username):
        await reply(update, context, text("not_allowed", language))
    raise ApplicationHandlerStop


# --- answering questions ----------------------------------------------------------


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Ask the core, record the answer, send it with its buttons; a reply that cannot be
    delivered is not counted as answered."""
    core, asker, sender = core_of(context), asker_of(update, context), sender_for(update, context)
    live = LiveMessage(sender)
    async with typing_action(sender.message):
        answered = await core.ask(question, asker, show=live.show, record=True)
    await core.record(answered, asker)  # a written answer is recorded once written
    try:
        sent = await live.finish(reply_messages(answered), feedback_keyboard(answered.question_id))
    except TelegramError:
        await core.undelivered(answered)
        raise
    await core.remember(answered, asker, reply_keys(sender.message, sent, asker))


# --- handlers ---------------------------------------------------------------------


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: what the bot knows, with examples in French and English."""
    answerer = core_of(context).answerer
    articles = answerer.recent(len(answerer.index.articles))
    years = sorted(a.date.year for a in articles if a.date)
    await reply(
        update,
        context,
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


async def new_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/new: forget the conversation so far; the next question starts afresh."""
    await asyncio.to_thread(core_of(context).forget, asker_of(update, context))
    await reply(update, context, text("forgotten", language_of(update)))


async def recent_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/recent: the latest sessions with their links."""
    articles = core_of(context).answerer.recent(RECENT_COUNT)
    await sender_for(update, context).parts(split_messages(recent_paragraphs(articles, language_of(update))))


async def series_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/series: each series and how many sessions it has."""
    counts = core_of(context).answerer.series_counts()
    await sender_for(update, context).parts(split_messages(series_paragraphs(counts, language_of(update))))


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload (admins only): load the index again without restarting the bot."""
    core, language = core_of(context), language_of(update)
    user = update.effective_user
    if user is None or user.id not in core.settings.telegram.admin_ids:
        await reply(update, context, text("reload_denied", language))
        return
    try:
        index = await asyncio.to_thread(core.answerer.reload)
    except SmcbotError as error:
        logger.warning("Reload refused, keeping the old index: %s", error)
        await reply(update, context, text("reload_failed", language, error=error))
        return
    logger.info("Index reloaded: build %s", index.build_id)
    await reply(update, context, text("reloaded", language, sessions=len(index.articles), build=index.build_id))


async def feedback_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍 / 👎 under an answer: record the vote and acknowledge the click."""
    query = update.callback_query
    parsed = parse_feedback(query.data)
    if parsed is None:
        await query.answer()  # a button of an older version: just stop the spinner
        return
    question_id, rating = parsed
    recorded = await asyncio.to_thread(
        core_of(context).store.record_feedback,
        question_id=question_id,
        channel=CHANNEL,
        user_id=query.from_user.id,
        rating=rating,
    )
    await query.answer(html_to_text(text("thanks" if recorded else "feedback_gone", language_of(update))))


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes in a private chat: say the bot reads text."""
    await reply(update, context, text("text_only", language_of(update)))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not know, in a private chat."""
    await reply(update, context, text("unknown_command", language_of(update)))


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error with its traceback and tell the user something went wrong (sent again
    like any reply, so a passing 5xx does not leave them without word)."""
    logger.error("Error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    notice = html_to_text(text("error", language_of(update)))
    try:
        await deliver(
            lambda: context.bot.send_message(update.effective_chat.id, notice),
            deadline=settings_of(context).send_deadline,
        )
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


class MessageRateLimiter(AIORateLimiter):
    """Telegram's flood limits (about 30 messages a second) applied to messages only: a
    "typing…" action goes out at once instead of taking an answer's place in the queue
    (under a burst, every pending question shows "typing…" at the same moment)."""

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        """Send chat actions straight away; everything else through the limiter."""
        if endpoint == "sendChatAction":
            return await callback(*args, **kwargs)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)


def require_token(settings: TelegramSettings) -> str:
    """The bot token, or a clear error telling how to set it."""
    token = settings.token.get_secret_value() if settings.token else ""
    if not token:
        raise SettingsError(
            "SMCBOT_TELEGRAM__TOKEN is not set: create a bot with @BotFather and put its token "
            "in .env or the environment"
        )
    return token


def build_application(core: ConversationCore) -> Application:
    """The bot application with its handlers wired, ready to poll or serve a webhook."""
    telegram = core.settings.telegram
    application = (
        Application.builder()
        .token(require_token(telegram))
        .base_url(telegram.base_url)
        .concurrent_updates(True)
        .rate_limiter(MessageRateLimiter(max_retries=FLOOD_RETRIES))
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(register_commands)
        .build()
    )
    application.bot_data["core"] = core
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:
    """Wire the handlers. Only new messages are handled: edits and channel posts are ignored."""
    new = filters.UpdateType.MESSAGE
    private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
    application.add_handler(TypeHandler(Update, once_only), group=-2)
    application.add_handler(TypeHandler(Update, gatekeeper), group=-1)
    application.add_handler(CommandHandler(["start", "help"], help_command, filters=new))
    application.add_handler(CommandHandler("ask", ask_command, filters=new))
    application.add_handler(CommandHandler("new", new_command, filters=new))
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


async def check_bot_api(settings: TelegramSettings) -> None:
    """Ask Telegram who the bot is (getMe) before serving, turning a refusal into one line.

    python-telegram-bot's own message for a refused token quotes the token: it is
    never shown, here or in a traceback.

    Raises:
        SmcbotError: the token is refused, or the Bot API cannot be reached.
    """
    try:
        async with Bot(require_token(settings), base_url=settings.base_url):
            pass  # entering calls getMe
    except InvalidToken:
        raise SmcbotError(
            "Telegram refused the bot token (getMe): check SMCBOT_TELEGRAM__TOKEN, as @BotFather gave it"
        ) from None
    except NetworkError as error:
        raise SmcbotError(
            f"cannot reach the Telegram Bot API at SMCBOT_TELEGRAM__BASE_URL ({type(error).__name__}); "
            "check the address and the network, then retry"
        ) from None


def run(settings: Settings) -> None:
    """Run the bot until interrupted: long polling, or a webhook when one is configured.

    Raises:
        SettingsError: no token.
        SmcbotError: no usable index, or Telegram refused the token or cannot be reached.
    """
    require_token(settings.telegram)
    with serving(settings) as core:
        asyncio.run(check_bot_api(settings.telegram))
        application = build_application(core)
        # The loop the application runs on: a ready answer is sent before more questions are taken in.
        asyncio.set_event_loop(AnswersFirstLoop())
        if settings.telegram.webhook_url:
            print(f"Serving the Telegram webhook on port {settings.telegram.webhook_port}", file=sys.stderr)
            application.run_webhook(**webhook_options(settings.telegram))
        else:
            print("Polling Telegram for updates (Ctrl-C to stop)", file=sys.stderr)
            application.run_polling(**polling_options())
