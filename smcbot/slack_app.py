"""The Slack app: answers mentions, direct messages, thread follow-ups and `/smc`.

A mention in a channel is answered in the message's thread, a direct message in
the DM, and any later message in a thread the bot answered is taken as a
follow-up question. `/smc <question>` is acknowledged at once and answered
privately through its `response_url`, with a button to share the answer in the
channel. Every answer carries 👍 / 👎 buttons recorded in the question store.

Built on slack-bolt: listeners are small functions that `ack()` first and do the
slow work after (bolt runs them on a thread pool). Bolt verifies request
signatures with the signing secret. HTTP mode serves `POST /slack/events` with a
small threaded WSGI server; Socket Mode is used when an app-level token is set.

Rendering (an `Answer` to Block Kit) is done by the pure functions at the top.
"""

from __future__ import annotations

import logging
import re
import socketserver
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from wsgiref.simple_server import make_server as make_wsgi_server

from pydantic import SecretStr
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from smcbot.answering import Answerer, Quote, answer_language, display_quote, format_date
from smcbot.errors import QuestionError, SettingsError, SmcbotError
from smcbot.logs import log_answer
from smcbot.models import Answer, Article, SessionQuotes
from smcbot.privacy import RetentionSchedule
from smcbot.settings import Settings
from smcbot.store import QuestionStore
from smcbot.synthesis import Pacer, Synthesis, Synthesizer
from smcbot.text import words

log = logging.getLogger(__name__)

CHANNEL = "slack"  # the channel name in the question store
EVENTS_PATH = "/slack/events"
MAX_QUESTION = 1_000  # characters; longer messages are pastes, not questions
SECTION_LIMIT = 3_000  # Slack's limit for a section's text
BLOCK_LIMIT = 50  # Slack's limit of blocks in a message
FALLBACK_LIMIT = 3_000  # the notification text needs only the beginning
REACTION = "eyes"

TEXTS = {
    "usage": {
        "en": "Ask me about the Social Media Club's past sessions: mention me with your question, "
        "send it to me directly, or type `/smc` followed by it. "
        "For example: `/smc What was said about brand safety?`",
        "fr": "Posez-moi une question sur les sessions passées du Social Media Club : "
        "mentionnez-moi avec votre question, écrivez-moi directement, "
        "ou tapez `/smc` suivi de la question. "
        "Par exemple : `/smc Qu'est-ce qui a été dit sur le brand safety ?`",
    },
    "too_long": {
        "en": "That message is {n:,} characters long: please ask in a sentence or two (under {limit:,} characters).",
        "fr": "Ce message fait {n} caractères : posez votre question en une ou deux phrases "
        "(moins de {limit} caractères).",
    },
    "failed": {
        "en": "Sorry, something went wrong while answering. Please try again in a moment.",
        "fr": "Désolé, quelque chose s'est mal passé pendant la réponse. Réessayez dans un instant.",
    },
    "useful": {"en": "👍 Useful", "fr": "👍 Utile"},
    "not_useful": {"en": "👎 Not useful", "fr": "👎 Pas utile"},
    "share": {"en": "Share in channel", "fr": "Partager dans le canal"},
    "thanks": {"en": "Thanks for your feedback!", "fr": "Merci pour votre retour !"},
    "unknown": {
        "en": "That answer is too old to rate.",
        "fr": "Cette réponse est trop ancienne pour être notée.",
    },
    "question": {"en": "Question: {q}", "fr": "Question : {q}"},
    "asked": {"en": "{who} asked: {q}", "fr": "{who} a demandé : {q}"},
    "not_in_channel": {
        "en": "I can't post in this channel: invite me first (`/invite @me`), then share again.",
        "fr": "Je ne peux pas écrire dans ce canal : invitez-moi d'abord (`/invite @moi`), puis partagez à nouveau.",
    },
}


# ---------------------------------------------------------------------------
# Rendering: pure functions from an Answer to Slack mrkdwn and Block Kit.


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as markup (`&`, `<`, `>`).

    Applied to everything that came from the archive or the user, so `<!channel>`
    or `<@U123>` in a question can never ping anyone.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, title: str) -> str:
    """A mrkdwn link `<url|title>` with both parts made safe (the title alone without a URL)."""
    if not url:
        return escape(title)
    return f"<{escape(url).replace('|', '%7C')}|{escape(title)}>"


SLACK_MARKUP = re.compile(r"<([^<>]*)>")


def plain_question(text: str, bot_user_id: str | None = None) -> str:
    """Turn message text as Slack sends it into the plain question.

    Slack escapes `&`, `<` and `>` and writes mentions, channels and links as
    `<...>` markup: the bot's own mention is dropped, other markup becomes the
    text a reader sees (`<!channel>` becomes "@channel"), then the escapes are undone.
    """

    def readable(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            return "" if target[1:] == bot_user_id else label or target
        if target.startswith("!"):
            return label or "@" + target[1:].split("^", 1)[0]
        if target.startswith("#"):
            return "#" + (label or target[1:])
        return label or target

    text = SLACK_MARKUP.sub(readable, text or "")
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def clip(mrkdwn: str, limit: int) -> str:
    """Cut mrkdwn to at most `limit` characters, never inside a link or an escape."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    cut = mrkdwn[: limit - 1]
    newline = cut.rfind("\n")
    cut = cut[:newline] if newline > limit // 2 else cut.rsplit(" ", 1)[0]
    if cut.rfind("<") > cut.rfind(">"):  # an unfinished <url|title>
        cut = cut[: cut.rfind("<")]
    cut = re.sub(r"&[a-z]*$", "", cut)  # an unfinished &amp;
    return cut.rstrip() + "…"


def section(mrkdwn: str) -> dict:
    """A mrkdwn section block, kept under Slack's length limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(mrkdwn, SECTION_LIMIT)}}


def context_block(*parts: str) -> dict:
    """A context block: small grey lines under a section."""
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(p, SECTION_LIMIT)} for p in parts],
    }


def quote_line(quote: Quote) -> str:
    """One quote as a mrkdwn block quote, with its speaker when known."""
    who = f" — _{escape(quote.speaker)}_" if quote.speaker else ""
    return f"> « {escape(display_quote(quote.text))} »{who}"


def session_blocks(session: SessionQuotes, quotes: list[Quote], language: str) -> list[dict]:
    """A cited session: its linked title and quotes, then its date and series."""
    article = session.article
    lines = [f"*{link(article.url, article.title)}*"] + [quote_line(q) for q in quotes]
    blocks = [section("\n".join(lines))]
    details = [escape(p) for p in (format_date(article.date, language), article.series) if p]
    if details:
        blocks.append(context_block(" · ".join(details)))
    return blocks


def suggestion_line(article: Article, language: str) -> str:
    """A recent session offered after a refusal: linked title and date."""
    when = format_date(article.date, language)
    return f"• {link(article.url, article.title)}" + (f" — {escape(when)}" if when else "")


def answer_blocks(answer: Answer, quotes: list[list[Quote]]) -> list[dict]:
    """The body of a reply: lead, then each session (or, for a refusal, what the archive covers)."""
    blocks = [section(escape(answer.lead or answer.text))]
    if answer.answered:
        for session, session_quotes in zip(answer.sessions, quotes, strict=True):
            blocks.append({"type": "divider"})
            blocks.extend(session_blocks(session, session_quotes, answer.language))
        return blocks
    lines = [escape(note) for note in answer.notes]
    lines += [suggestion_line(article, answer.language) for article in answer.suggestions]
    if lines:
        blocks.append(section("\n".join(lines)))
    return blocks


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> dict:
    """A Block Kit button."""
    element = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def actions_block(question: str, language: str, *, question_id: int | None, share: bool) -> dict | None:
    """Feedback buttons (when the question was recorded) and the share button (private replies)."""
    elements = []
    if question_id:
        value = f"{question_id} {language}"
        elements += [
            button(TEXTS["useful"][language], "feedback_up", value),
            button(TEXTS["not_useful"][language], "feedback_down", value),
        ]
    if share:
        # The question travels in the button: a private reply cannot be read back later.
        value = f"{question_id or 0} {question}"
        elements.append(button(TEXTS["share"][language], "share", value, style="primary"))
    if not elements:
        return None
    return {"type": "actions", "block_id": "answer_actions", "elements": elements}


def fit_blocks(blocks: list[dict], tail: list[dict]) -> list[dict]:
    """Keep a message under Slack's block limit, always keeping the trailing blocks."""
    room = BLOCK_LIMIT - len(tail)
    return blocks[:room] + tail


def render_answer(
    answer: Answer,
    quotes: list[list[Quote]],
    *,
    question_id: int | None,
    share: bool = False,
    heading: str = "",
) -> dict:
    """The whole message for an answer: `text` (notification fallback) and `blocks`.

    Args:
        answer: what the answerer returned.
        quotes: the quotes of each of `answer.sessions`, in order.
        question_id: the store's id of the question, for the feedback buttons.
        share: add the "share in channel" button (private replies).
        heading: mrkdwn shown above the answer (already escaped), e.g. the question.
    """
    body = answer_blocks(answer, quotes)
    return message_for(answer, body, question_id=question_id, share=share, heading=heading)


def message_for(answer: Answer, body: list[dict], *, question_id: int | None, share: bool, heading: str) -> dict:
    """Heading, body blocks and buttons, with the answer's text as notification fallback."""
    head = [context_block(heading)] if heading else []
    actions = actions_block(answer.question, answer.language, question_id=question_id, share=share)
    blocks = fit_blocks(head + body, [actions] if actions else [])
    return {"text": clip(escape(answer.text), FALLBACK_LIMIT), "blocks": blocks}


def written_blocks(synthesis: Synthesis) -> list[dict]:
    """A written answer: the model's text (citations as [1]), then the cited sessions, linked."""
    language = synthesis.answer.language
    blocks = [section(escape(block)) for block in synthesis.body.split("\n\n") if block.strip()]
    lines = []
    for entry in synthesis.cited:
        article = entry.session.article
        when = format_date(article.date, language)
        numbers = ", ".join(map(str, entry.numbers))
        lines.append(f"[{numbers}] {link(article.url, article.title)}" + (f" — {escape(when)}" if when else ""))
    return blocks + [{"type": "divider"}, section("*Sources*\n" + "\n".join(lines))]


def render_written(synthesis: Synthesis, *, question_id: int | None, share: bool = False, heading: str = "") -> dict:
    """The whole message for a written answer (see `render_answer`)."""
    body = written_blocks(synthesis)
    return message_for(synthesis.answer, body, question_id=question_id, share=share, heading=heading)


def streaming_text(partial: str) -> str:
    """The text a model has written so far, shown while it writes."""
    return clip(escape(partial.strip()), SECTION_LIMIT) + " …"


def usage_text(language: str | None = None) -> str:
    """How to ask; in both languages when the asker's is unknown."""
    if language:
        return TEXTS["usage"][language]
    return TEXTS["usage"]["en"] + "\n" + TEXTS["usage"]["fr"]


def problem_with(question: str) -> str | None:
    """The reply for a message that is not a question we can search, or None."""
    if not words(question):
        return usage_text(answer_language(question) if question else None)
    if len(question) > MAX_QUESTION:
        language = answer_language(question)
        return TEXTS["too_long"][language].format(n=len(question), limit=MAX_QUESTION)
    return None


def message_key(event: dict) -> str:
    """What identifies one message across the events that carry it.

    A mention in a thread arrives twice (app_mention and message.channels, with
    different event ids) but with the same channel and timestamp.
    """
    return f"{event.get('channel')}:{event.get('ts')}"


def from_a_person(event: dict) -> bool:
    """A plain message written by a person (not a bot, an edit, a join notice...)."""
    return bool(event.get("user")) and not event.get("bot_id") and not event.get("subtype")


# ---------------------------------------------------------------------------
# State and the work behind the listeners.


class RecentKeys:
    """Keys seen lately, forgotten after `ttl` seconds or past `limit` keys; thread-safe."""

    def __init__(self, *, ttl: float, limit: int = 10_000) -> None:
        self.ttl = ttl
        self.limit = limit
        self._expiry: OrderedDict[Hashable, float] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, key: Hashable) -> bool:
        """Remember `key`; True the first time, False if it was already seen."""
        with self._lock:
            self._forget_old()
            if key in self._expiry:
                return False
            self._expiry[key] = time.monotonic() + self.ttl
            return True

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            self._forget_old()
            return key in self._expiry

    def _forget_old(self) -> None:
        """Drop expired keys (the oldest come first) and any past the limit."""
        now = time.monotonic()
        while self._expiry and (len(self._expiry) > self.limit or next(iter(self._expiry.values())) < now):
            self._expiry.popitem(last=False)


class SlackBot:
    """What the listeners do: answer, reply, react, share and record feedback."""

    def __init__(
        self,
        answerer: Answerer,
        store: QuestionStore,
        synthesizer: Synthesizer | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.answerer = answerer
        self.store = store
        self.settings = settings  # for the answer log line (whether to log question text)
        self.synthesizer = synthesizer  # written answers, when SMCBOT_LLM__ENABLED is on
        self.deliveries = RecentKeys(ttl=3600)  # event ids: Slack retries for about an hour
        self.messages = RecentKeys(ttl=3600)
        self.threads = RecentKeys(ttl=7 * 24 * 3600)  # (channel, thread_ts) the bot answered in
        # The answerer is CPU-bound and not documented as thread-safe: one at a time.
        self._answering = threading.Lock()

    def reply_for(self, question: str, *, user: str, chat: str, share: bool = False, heading: str = "") -> dict:
        """Answer a question and render the reply; an unsearchable question gets usage help."""
        started = time.perf_counter()
        try:
            with self._answering:
                answer = self.answerer.answer(question)
        except QuestionError:
            return {"text": usage_text(answer_language(question))}
        synthesis = self.synthesizer.write(answer) if self.synthesizer else None
        sent = synthesis.answer if synthesis else answer
        question_id = self._record(sent, user=user, chat=chat, started=started)
        return self._render(answer, synthesis, question_id=question_id, share=share, heading=heading)

    def _render(self, answer: Answer, synthesis: Synthesis | None, **how: Any) -> dict:
        """The written answer when the model gave one, else the quoted answer."""
        if synthesis is not None and synthesis.written:
            return render_written(synthesis, **how)
        quotes = [self.answerer.quotes(session, answer.terms) for session in answer.sessions]
        return render_answer(answer, quotes, **how)

    def reply_in_writing(
        self, client: WebClient, question: str, *, user: str, channel: str, thread_ts: str | None
    ) -> None:
        """Post the model's written answer at its first words and update it as more arrive;
        the quoted answer takes its place if the model fails, times out or cites nothing."""
        started = time.perf_counter()
        live = LiveMessage(client, channel=channel, thread_ts=thread_ts)
        try:
            with self._answering:
                answer = self.answerer.answer(question)
        except QuestionError:
            live.finish({"text": usage_text(answer_language(question))})
            return
        synthesis = self.synthesizer.stream(answer, live.show)
        question_id = self._record(synthesis.answer, user=user, chat=channel, started=started)
        live.finish(self._render(answer, synthesis, question_id=question_id))

    def _record(self, answer: Answer, *, user: str, chat: str, started: float) -> int | None:
        """Store the question and log its line; a store failure costs the feedback buttons,
        not the answer."""
        latency_ms = (time.perf_counter() - started) * 1000
        log_answer(channel=CHANNEL, latency_ms=latency_ms, answer=answer, settings=self.settings)
        try:
            return self.store.record_question(
                channel=CHANNEL, user_id=user, chat_id=chat, answer=answer, latency_ms=latency_ms
            )
        except Exception:
            log.exception("could not record a Slack question")
            return None

    def answer_message(self, client: WebClient, event: dict, *, question: str, thread_ts: str | None) -> None:
        """Answer a message where it was asked, with 👀 on it meanwhile; never silent."""
        if not self.messages.claim(message_key(event)):
            return
        channel, ts = event["channel"], event["ts"]
        problem = problem_with(question)
        if problem:
            self._post_or_log(client, channel, thread_ts, {"text": problem})
            return
        self._react(client.reactions_add, channel, ts)
        try:
            if self.synthesizer is not None:
                self.reply_in_writing(client, question, user=event["user"], channel=channel, thread_ts=thread_ts)
            else:
                reply = self.reply_for(question, user=event["user"], chat=channel)
                client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts,
                    unfurl_links=False,
                    unfurl_media=False,
                    **reply,
                )
            self.threads.claim((channel, thread_ts or ts))
        except Exception:
            log.exception("could not answer a Slack message in %s", channel)
            failed = TEXTS["failed"][answer_language(question)]
            self._post_or_log(client, channel, thread_ts, {"text": failed})
        finally:
            self._react(client.reactions_remove, channel, ts)

    def is_follow_up(self, event: dict) -> bool:
        """A reply in a thread the bot has answered in."""
        thread_ts = event.get("thread_ts")
        return bool(thread_ts) and thread_ts != event.get("ts") and (event.get("channel"), thread_ts) in self.threads

    def answer_command(self, respond: Callable[..., Any], question: str, *, user: str, chat: str) -> None:
        """Answer `/smc` privately through its response_url, with a share button."""
        heading = TEXTS["question"][answer_language(question)].format(q=escape(question))
        try:
            reply = self.reply_for(question, user=user, chat=chat, share=True, heading=heading)
            self._respond(respond, response_type="ephemeral", **reply)
        except Exception:
            log.exception("could not answer a Slack /smc command")
            self._respond(respond, response_type="ephemeral", text=TEXTS["failed"][answer_language(question)])

    def share(self, client: WebClient, respond: Callable[..., Any], *, value: str, user: str, channel: str) -> None:
        """Post a privately answered question in the channel, for everyone."""
        question_id, _, question = value.partition(" ")
        language = answer_language(question)
        heading = TEXTS["asked"][language].format(who=f"<@{user}>", q=escape(question))
        try:
            reply = self.reply_for_shared(question, int(question_id or 0), heading=heading)
            client.chat_postMessage(channel=channel, unfurl_links=False, unfurl_media=False, **reply)
        except SlackApiError as error:
            log.warning("could not share an answer in %s: %s", channel, error.response.get("error"))
            cannot = error.response.get("error") in ("not_in_channel", "channel_not_found")
            self._respond(
                respond,
                response_type="ephemeral",
                replace_original=False,
                text=TEXTS["not_in_channel" if cannot else "failed"][language],
            )
            return
        except Exception:
            log.exception("could not share an answer in %s", channel)
            self._respond(
                respond,
                response_type="ephemeral",
                replace_original=False,
                text=TEXTS["failed"][language],
            )
            return
        self._respond(respond, delete_original=True)  # the private copy has done its job

    def reply_for_shared(self, question: str, question_id: int, *, heading: str) -> dict:
        """The channel copy of a private answer: answered again, with the original's feedback id."""
        with self._answering:
            answer = self.answerer.answer(question)
        synthesis = self.synthesizer.write(answer) if self.synthesizer else None
        return self._render(answer, synthesis, question_id=question_id or None, heading=heading)

    def record_feedback(self, respond: Callable[..., Any], *, value: str, rating: int, user: str) -> None:
        """Record 👍/👎 and thank the member privately."""
        question_id, _, language = value.partition(" ")
        language = language if language in ("en", "fr") else "en"
        try:
            known = self.store.record_feedback(
                question_id=int(question_id), channel=CHANNEL, user_id=user, rating=rating
            )
            reply = "thanks" if known else "unknown"
        except Exception:
            log.exception("could not record Slack feedback")
            reply = "failed"
        self._respond(respond, response_type="ephemeral", replace_original=False, text=TEXTS[reply][language])

    @staticmethod
    def _react(method: Callable[..., Any], channel: str, ts: str) -> None:
        """Add or remove 👀; a reaction that fails is not worth failing the answer for."""
        try:
            method(channel=channel, timestamp=ts, name=REACTION)
        except Exception as error:
            reason = error.response.get("error") if isinstance(error, SlackApiError) else repr(error)
            log.warning("could not change the %s reaction in %s: %s", REACTION, channel, reason)

    @staticmethod
    def _post_or_log(client: WebClient, channel: str, thread_ts: str | None, reply: dict) -> None:
        """Post a short reply; if even that fails, the log is all that is left."""
        try:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, **reply)
        except Exception:
            log.exception("could not post a reply in %s", channel)

    @staticmethod
    def _respond(respond: Callable[..., Any], **message: Any) -> None:
        """POST a message to a response_url, logging what Slack refused."""
        try:
            response = respond(**message)
            if response.status_code != 200:
                log.error("response_url refused a reply: %s %s", response.status_code, response.body)
        except Exception:
            log.exception("could not post to a response_url")


class LiveMessage:
    """One reply in a conversation, posted at the model's first words and updated as
    more arrive (`chat.update`, at most about once a second)."""

    def __init__(self, client: WebClient, *, channel: str, thread_ts: str | None) -> None:
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self.ts: str | None = None
        self.shown = ""
        self.pacer = Pacer()

    def show(self, partial: str) -> None:
        """Show the text so far; a failed update is skipped (the final one carries everything)."""
        text = streaming_text(partial)
        if not self.pacer.due() or text == self.shown:
            return
        self.pacer.mark()
        try:
            if self.ts is None:
                self.ts = self._post({"text": text})
            else:
                self.client.chat_update(channel=self.channel, ts=self.ts, text=text)
            self.shown = text
        except Exception as error:
            reason = error.response.get("error") if isinstance(error, SlackApiError) else repr(error)
            log.warning("could not update a streamed answer in %s: %s", self.channel, reason)

    def finish(self, reply: dict) -> None:
        """Turn the live message into the final reply, or post it if nothing was shown yet."""
        if self.ts is None:
            self._post(reply)
            return
        time.sleep(self.pacer.delay())
        try:
            self.client.chat_update(channel=self.channel, ts=self.ts, **reply)
        except SlackApiError as error:  # deleted meanwhile, or refused: post it anew
            log.warning(
                "could not update a streamed answer (%s); posting it again",
                error.response.get("error"),
            )
            self._post(reply)

    def _post(self, reply: dict) -> str:
        """Post a message where the question was asked; returns its ts."""
        response = self.client.chat_postMessage(
            channel=self.channel,
            thread_ts=self.thread_ts,
            unfurl_links=False,
            unfurl_media=False,
            **reply,
        )
        return response["ts"]


# ---------------------------------------------------------------------------
# The bolt app and its listeners.


def build_app(settings: Settings, *, answerer: Answerer, store: QuestionStore) -> App:
    """The bolt app with its listeners, talking to the Web API at `settings.slack.api_url`.

    Raises:
        SettingsError: a token or the signing secret is missing.
        SmcbotError: Slack refused the bot token.
    """
    slack = settings.slack
    check_settings(settings)
    client = WebClient(token=slack.bot_token.get_secret_value(), base_url=slack.api_url)
    secret = slack.signing_secret.get_secret_value() if slack.signing_secret else ""
    try:
        app = App(client=client, signing_secret=secret)
    except BoltError as error:  # auth.test refused the token (the message holds no secret)
        raise SmcbotError(f"Slack refused the bot token: {error}") from None
    from smcbot.services import make_synthesizer

    bot = SlackBot(answerer, store, make_synthesizer(settings), settings)
    register_listeners(app, bot)
    return app


def register_listeners(app: App, bot: SlackBot) -> None:
    """Wire the events, the command and the buttons to the bot."""

    @app.middleware
    def skip_redeliveries(body: dict, request, ack, next: Callable[[], Any]) -> Any:
        """Slack redelivers an event it thinks was missed: handle each event id once."""
        event_id = body.get("event_id")
        if event_id and not bot.deliveries.claim(event_id):
            retry = request.headers.get("x-slack-retry-num", ["?"])[0]
            log.info("ignoring redelivered event %s (retry %s)", event_id, retry)
            return ack()
        return next()

    @app.event("app_mention")
    def on_mention(event: dict, client: WebClient, context) -> None:
        """A mention in a channel: answer in the message's thread."""
        if from_a_person(event):
            question = plain_question(event.get("text", ""), context.bot_user_id)
            bot.answer_message(client, event, question=question, thread_ts=event.get("thread_ts") or event["ts"])

    @app.event("message")
    def on_message(event: dict, client: WebClient, context) -> None:
        """A direct message, or a follow-up in a thread the bot answered."""
        if not from_a_person(event):
            return
        question = plain_question(event.get("text", ""), context.bot_user_id)
        if event.get("channel_type") == "im":
            bot.answer_message(client, event, question=question, thread_ts=event.get("thread_ts"))
        # In a thread, "+1" or an emoji is chat between members, not a question.
        elif bot.is_follow_up(event) and words(question):
            bot.answer_message(client, event, question=question, thread_ts=event["thread_ts"])

    @app.command("/smc")
    def on_command(ack, command: dict, respond) -> None:
        """`/smc <question>`: acknowledged at once, answered privately through response_url."""
        question = plain_question(command.get("text", ""))
        problem = problem_with(question)
        if problem:
            ack(text=problem)
            return
        ack()
        bot.answer_command(respond, question, user=command["user_id"], chat=command["channel_id"])

    @app.action("share")
    def on_share(ack, body: dict, action: dict, client: WebClient, respond) -> None:
        """The share button of a private answer: post it in the channel."""
        ack()
        bot.share(
            client,
            respond,
            value=action["value"],
            user=body["user"]["id"],
            channel=body["channel"]["id"],
        )

    @app.action(re.compile(r"^feedback_(up|down)$"))
    def on_feedback(ack, body: dict, action: dict, respond) -> None:
        """👍 / 👎 under an answer."""
        ack()
        rating = 1 if action["action_id"] == "feedback_up" else -1
        bot.record_feedback(respond, value=action["value"], rating=rating, user=body["user"]["id"])


# ---------------------------------------------------------------------------
# Serving.


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """A WSGI server that handles each request on its own thread."""

    daemon_threads = True

    def server_bind(self) -> None:
        """Bind without the reverse DNS lookup `HTTPServer` does to name itself."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)
        self.setup_environ()


class QuietRequestHandler(WSGIRequestHandler):
    """Request lines go to the debug log instead of stderr."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's name)
        log.debug("%s " + format, self.address_string(), *args)


def make_server(app: App, *, host: str, port: int) -> ThreadingWSGIServer:
    """An HTTP server for `POST /slack/events`; port 0 picks a free port (`server.server_port`)."""
    handler = SlackRequestHandler(app, path=EVENTS_PATH)
    return make_wsgi_server(host, port, handler, server_class=ThreadingWSGIServer, handler_class=QuietRequestHandler)


def check_settings(settings: Settings) -> None:
    """Fail early, with the setting's name, when a token or the secret is missing.

    Raises:
        SettingsError: the bot token is missing, or the signing secret in HTTP mode.
    """
    slack = settings.slack
    if slack.bot_token is None:
        raise SettingsError("setting SMCBOT_SLACK__BOT_TOKEN is needed to run the Slack app")
    # Socket Mode requests come over a socket the app opened itself: nothing to sign.
    if slack.app_token is None and slack.signing_secret is None:
        raise SettingsError(
            "setting SMCBOT_SLACK__SIGNING_SECRET is needed in HTTP mode "
            "(or set SMCBOT_SLACK__APP_TOKEN for Socket Mode)"
        )


def run(settings: Settings) -> None:
    """Run the Slack app until interrupted: Socket Mode with an app token, else HTTP.

    Raises:
        SettingsError: a token or the signing secret is missing.
        SmcbotError: no usable index, or Slack refused the bot token.
    """
    check_settings(settings)  # before the slow model load
    slack = settings.slack
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from smcbot.services import make_answerer, open_store

    answerer = make_answerer(settings)
    store = open_store(settings)  # applies the retention once at start
    app = build_app(settings, answerer=answerer, store=store)
    retention = RetentionSchedule(store, settings).start()  # then daily
    try:
        if slack.app_token is not None:
            serve_socket_mode(app, app_token=slack.app_token)
        else:
            serve(app, host=slack.host, port=slack.port)
    finally:
        retention.stop()
        store.close()


def serve_socket_mode(app: App, *, app_token: SecretStr) -> None:
    """Take events over a WebSocket the app opens to Slack (no public URL), until interrupted.

    Raises:
        SmcbotError: Slack refused to open the connection (a wrong app-level token).
    """
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(app, app_token=app_token.get_secret_value())
    try:
        handler.connect()
    except SlackApiError as error:
        reason = error.response.get("error")
        raise SmcbotError(
            f"Slack refused the Socket Mode connection ({reason}): check SMCBOT_SLACK__APP_TOKEN"
        ) from None
    print("Slack app connected in Socket Mode", file=sys.stderr)
    try:
        threading.Event().wait()
    finally:
        handler.close()


def serve(app: App, *, host: str, port: int) -> None:
    """Serve the app over HTTP until interrupted."""
    server = make_server(app, host=host, port=port)
    print(f"Slack app listening on http://{host}:{server.server_port}{EVENTS_PATH}", file=sys.stderr)
    try:
        server.serve_forever()
    finally:
        server.server_close()
