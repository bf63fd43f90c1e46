"""The Slack app: answers mentions, direct messages, thread follow-ups and `/smc`.

A mention in a channel is answered in the message's thread, a direct message in
the DM, and any later message in a thread the bot answered is taken as a
follow-up question. `/smc <question>` is acknowledged at once and answered
privately through its `response_url`, with a button to share the answer in the
channel. Every answer carries 👍 / 👎 buttons recorded in the question store.

Built on slack-bolt: listeners are small functions that `ack()` first and do the
slow work after (bolt runs them on its threads). This module only parses what
arrives, asks the conversation core (`smcbot.bots.conversation`), renders with
`smcbot.bots.slack_render` and posts. Bolt verifies request signatures with the
signing secret; HTTP mode serves `POST /slack/events` with a small threaded WSGI
server (requests Slack could never have sent get a 4xx before bolt sees them);
Socket Mode is used when an app-level token is set.
"""

from __future__ import annotations

import json
import logging
import re
import socketserver
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from wsgiref.simple_server import make_server as make_wsgi_server

from pydantic import SecretStr
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from smcbot.bots.conversation import Asker, ConversationCore, Reply, serving
from smcbot.bots.live import LiveMessage
from smcbot.bots.ordering import mark_arrival
from smcbot.bots.slack_render import escape, plain_question, render_reply, streaming_text, text
from smcbot.errors import SettingsError, SmcbotError
from smcbot.text import words

if TYPE_CHECKING:
    from smcbot.settings import Settings

log = logging.getLogger(__name__)

CHANNEL = "slack"  # the channel name in the question store
EVENTS_PATH = "/slack/events"
REACTION = "eyes"
THREAD_TTL = 7 * 24 * 3600  # seconds a thread the bot answered in is followed without a mention
SEND_RETRIES = 4  # tries again after a 5xx, a 429 (honouring Retry-After) or a dropped connection
# Listeners run at once (bolt's default is 5). A listener mostly waits: on Slack's API (the
# reaction, the post: a round trip each) and on the answering pool, which bounds the work and
# serves the oldest question first. With 5, a burst was answered five questions at a time.
LISTENERS = 32


def message_key(event: dict) -> str:
    """What identifies one message across the events that carry it.

    A mention in a thread arrives twice (app_mention and message.channels, with
    different event ids) but with the same channel and timestamp.
    """
    return f"{event.get('channel')}:{event.get('ts')}"


def from_a_person(event: dict) -> bool:
    """A plain message written by a person (not a bot, an edit, a join notice...)."""
    return bool(event.get("user")) and not event.get("bot_id") and not event.get("subtype")


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


class Thread:
    """Where a question was asked: replies are posted there, a written answer streams there."""

    def __init__(self, client: WebClient, *, channel: str, thread_ts: str | None) -> None:
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts

    def post(self, message: dict) -> str:
        """Post a message where the question was asked; returns its ts."""
        response = self.client.chat_postMessage(
            channel=self.channel, thread_ts=self.thread_ts, unfurl_links=False, unfurl_media=False, **message
        )
        return response["ts"]

    def live(self) -> LiveMessage[str]:
        """A streamed written answer here (`chat.update` on the message's ts)."""
        return LiveMessage(
            streaming_text,
            lambda shown: self.post({"text": shown}),
            lambda ts, shown: self.client.chat_update(channel=self.channel, ts=ts, text=shown),
            errors=(SlackApiError,),
            describe=reason_of,
        )

    def finish(self, live: LiveMessage[str], message: dict) -> None:
        """Turn the live message into the final reply, or post it if nothing was shown yet."""
        update = lambda ts: self.client.chat_update(channel=self.channel, ts=ts, **message)  # noqa: E731
        if live.finish_blocking(update) is None:
            self.post(message)


def reason_of(error: Exception) -> str:
    """Slack's error code for a refused call, else the exception itself."""
    return str(error.response.get("error")) if isinstance(error, SlackApiError) else repr(error)


class SlackBot:
    """What the listeners do: answer, reply, react, share and record feedback."""

    def __init__(self, core: ConversationCore) -> None:
        self.core = core
        # Without a store, this process's memory stands in for the store's shared tables.
        self.deliveries = RecentKeys(ttl=3600)  # event ids and messages: Slack retries for about an hour
        self.threads = RecentKeys(ttl=THREAD_TTL)  # (channel, thread_ts) the bot answered in

    def claim(self, key: str) -> bool:
        """True for the one delivery of an event or message that is handled, in whichever
        replica shares the store (its unique key decides); False for any other."""
        store = self.core.store
        if store is not None:
            try:
                return store.claim_delivery(f"slack:{key}")
            except Exception as error:  # the store is down: at least not twice in this process
                log.warning("could not claim a Slack delivery in the store (%s)", error)
        return self.deliveries.claim(key)

    def mark_thread(self, channel: str, thread_ts: str, user: str) -> None:
        """Remember a thread the bot answered in, for every replica."""
        self.threads.claim((channel, thread_ts))
        if self.core.store is not None:
            try:
                self.core.store.mark_thread(CHANNEL, f"{channel}:{thread_ts}", user_id=user)
            except Exception as error:
                log.warning("could not remember an answered thread in the store (%s)", error)

    def thread_answered(self, channel: str, thread_ts: str) -> bool:
        """Whether the bot answered in the thread (here, or on any replica sharing the store)."""
        if (channel, thread_ts) in self.threads:
            return True
        store = self.core.store
        try:
            return store is not None and store.is_thread_answered(CHANNEL, f"{channel}:{thread_ts}", max_age=THREAD_TTL)
        except Exception as error:
            log.warning("could not read answered threads from the store (%s)", error)
            return False

    def answer_message(
        self, client: WebClient, event: dict, *, question: str, thread_ts: str | None, arrival: float | None = None
    ) -> None:
        """Answer a message where it was asked, with 👀 on it meanwhile; never silent.

        Args:
            arrival: when the event came (`time.monotonic()`; default now): this question's
                steps go before those of questions that came later.
        """
        mark_arrival(arrival)
        # Its store calls are steps on the answering pool too: taken in the questions' order
        # rather than by whichever of the listeners gets the store's lock first.
        steps = self.core.pool
        if not steps.submit(self.claim, "message:" + message_key(event)).result():
            return
        channel, ts = event["channel"], event["ts"]
        asker = self.asker_for(event, thread_ts)
        where = Thread(client, channel=channel, thread_ts=thread_ts)
        live = where.live()
        self._react(client.reactions_add, channel, ts)
        try:
            show = live.show_blocking if self.core.synthesizer else None
            reply = self.core.ask_blocking(question, asker, show=show, record=True)
            self._deliver(reply, asker, lambda: where.finish(live, render_reply(reply)))
            self.core.remember_blocking(reply, asker)
            if not reply.notice:
                steps.submit(self.mark_thread, channel, thread_ts or ts, event["user"]).result()
        except Exception:
            log.exception("could not answer a Slack message in %s", channel)
            self._post_or_log(where, {"text": text("error", self.core.language(question))})
        finally:
            self._react(client.reactions_remove, channel, ts)

    def _deliver(self, reply: Reply, asker: Asker, send: Callable[[], Any]) -> None:
        """Record the answer (for its buttons), then send it; an undelivered one is not answered."""
        self.core.record_blocking(reply, asker)
        try:
            send()
        except Exception:
            self.core.undelivered_blocking(reply)
            raise

    def asker_for(self, event: dict, thread_ts: str | None) -> Asker:
        """Who asked, and the conversation: the thread (a new thread starts afresh), or the
        direct message channel when it is not threaded."""
        settings = self.core.settings.conversation
        channel = event["channel"]
        if thread_ts:
            key, ttl = f"thread:{channel}:{thread_ts}", settings.thread_days * 86400
        else:
            key, ttl = f"dm:{channel}", settings.private_minutes * 60
        return Asker(CHANNEL, event["user"], channel, conversation=key, context_ttl=ttl)

    def is_follow_up(self, event: dict) -> bool:
        """A reply in a thread the bot has answered in."""
        thread_ts = event.get("thread_ts")
        return (
            bool(thread_ts) and thread_ts != event.get("ts") and self.thread_answered(event.get("channel"), thread_ts)
        )

    def answer_command(self, respond: Callable[..., Any], question: str, *, user: str, chat: str) -> None:
        """Answer `/smc` privately through its response_url, with a share button."""
        asker = Asker(CHANNEL, user, chat)
        heading = text("question", self.core.language(question), q=question)
        try:
            reply = self.core.ask_blocking(question, asker, record=True)

            def send() -> None:
                self._respond(respond, response_type="ephemeral", **render_reply(reply, share=True, heading=heading))

            self._deliver(reply, asker, send)
        except Exception:
            log.exception("could not answer a Slack /smc command")
            self._respond(respond, response_type="ephemeral", text=text("error", self.core.language(question)))

    def share(self, client: WebClient, respond: Callable[..., Any], *, value: str, user: str, channel: str) -> None:
        """Post a privately answered question in the channel, for everyone (answered again,
        with the original's feedback id; not counted as a new question)."""
        question_id, _, question = value.partition(" ")
        language = self.core.language(question)
        heading = text("asked", language, who="\x00", q=question).replace("\x00", f"<@{escape(user)}>")
        try:
            reply = self.core.ask_blocking(question, Asker(CHANNEL, user, channel), counted=False)
            reply.question_id = int(question_id or 0) or None
            message = render_reply(reply, heading=heading)
            client.chat_postMessage(channel=channel, unfurl_links=False, unfurl_media=False, **message)
        except Exception as error:
            log.warning("could not share an answer in %s: %s", channel, reason_of(error))
            cannot = isinstance(error, SlackApiError) and reason_of(error) in ("not_in_channel", "channel_not_found")
            notice = text("not_in_channel" if cannot else "error", language)
            self._respond(respond, response_type="ephemeral", replace_original=False, text=notice)
            return
        self._respond(respond, delete_original=True)  # the private copy has done its job

    def record_feedback(self, respond: Callable[..., Any], *, value: str, rating: int, user: str) -> None:
        """Record 👍/👎 and thank the member privately."""
        question_id, _, language = value.partition(" ")
        try:
            known = self.core.store.record_feedback(
                question_id=int(question_id), channel=CHANNEL, user_id=user, rating=rating
            )
            key = "thanks" if known else "unknown_answer"
        except Exception:
            log.exception("could not record Slack feedback")
            key = "error"
        self._respond(respond, response_type="ephemeral", replace_original=False, text=text(key, language or "en"))

    @staticmethod
    def _react(method: Callable[..., Any], channel: str, ts: str) -> None:
        """Add or remove 👀; a reaction that fails is not worth failing the answer for."""
        try:
            method(channel=channel, timestamp=ts, name=REACTION)
        except Exception as error:
            log.warning("could not change the %s reaction in %s: %s", REACTION, channel, reason_of(error))

    @staticmethod
    def _post_or_log(where: Thread, message: dict) -> None:
        """Post a short reply; if even that fails, the log is all that is left."""
        try:
            where.post(message)
        except Exception:
            log.exception("could not post a reply in %s", where.channel)

    @staticmethod
    def _respond(respond: Callable[..., Any], **message: Any) -> None:
        """POST a message to a response_url, logging what Slack refused."""
        try:
            response = respond(**message)
            if response.status_code != 200:
                log.error("response_url refused a reply: %s %s", response.status_code, response.body)
        except Exception:
            log.exception("could not post to a response_url")


# ---------------------------------------------------------------------------
# The bolt app and its listeners.


def make_client(settings: Settings) -> WebClient:
    """The Web API client: 5xx, 429 (after Retry-After) and dropped connections are tried again."""
    slack = settings.slack
    client = WebClient(token=slack.bot_token.get_secret_value(), base_url=slack.api_url)
    client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=2),  # a start-up without Slack fails within seconds
        RateLimitErrorRetryHandler(max_retry_count=SEND_RETRIES),
        ServerErrorRetryHandler(max_retry_count=SEND_RETRIES),
    ]
    return client


def build_app(core: ConversationCore) -> App:
    """The bolt app with its listeners, talking to the Web API at `SMCBOT_SLACK__API_URL`.

    Raises:
        SettingsError: a token or the signing secret is missing.
        SmcbotError: Slack refused the bot token, or cannot be reached.
    """
    settings = core.settings
    check_settings(settings)
    check_web_api(settings)
    secret = settings.slack.signing_secret.get_secret_value() if settings.slack.signing_secret else ""
    listeners = ThreadPoolExecutor(max_workers=LISTENERS, thread_name_prefix="smcbot-slack")
    app = App(client=make_client(settings), signing_secret=secret, listener_executor=listeners)
    register_listeners(app, SlackBot(core))
    return app


def check_web_api(settings: Settings) -> None:
    """Ask Slack who the bot is (auth.test) once, turning a refusal into one line.

    Raises:
        SmcbotError: Slack refused the bot token, or cannot be reached.
    """
    client = WebClient(token=settings.slack.bot_token.get_secret_value(), base_url=settings.slack.api_url)
    sdk_log = logging.getLogger("slack_sdk")
    level, sdk_log.level = sdk_log.level, logging.CRITICAL  # its own error line would repeat ours
    try:
        client.auth_test()
    except SlackApiError:
        raise SmcbotError("Slack refused the bot token (auth.test): check SMCBOT_SLACK__BOT_TOKEN") from None
    except Exception as error:
        raise SmcbotError(
            f"cannot reach the Slack Web API at SMCBOT_SLACK__API_URL ({type(error).__name__}); "
            "check the address and the network, then retry"
        ) from None
    finally:
        sdk_log.setLevel(level)


def register_listeners(app: App, bot: SlackBot) -> None:
    """Wire the events, the command and the buttons to the bot."""

    @app.middleware
    def skip_redeliveries(body: dict, request, ack, context, next: Callable[[], Any]) -> Any:
        """Slack redelivers an event it thinks was missed: handle each event id once. The claim
        is a step on the answering pool, taken in the order the events came (a burst's requests
        no longer all reach for the store's lock at once); the listener keeps the arrival."""
        context["arrival"] = mark_arrival()
        event_id = body.get("event_id")
        if event_id and not bot.core.pool.submit(bot.claim, f"event:{event_id}").result():
            retry = request.headers.get("x-slack-retry-num", ["?"])[0]
            log.info("ignoring redelivered event %s (retry %s)", event_id, retry)
            return ack()
        return next()

    @app.event("app_mention")
    def on_mention(event: dict, client: WebClient, context) -> None:
        """A mention in a channel: answer in the message's thread."""
        if from_a_person(event):
            question = plain_question(event.get("text", ""), context.bot_user_id)
            thread_ts = event.get("thread_ts") or event["ts"]
            bot.answer_message(client, event, question=question, thread_ts=thread_ts, arrival=context.get("arrival"))

    @app.event("message")
    def on_message(event: dict, client: WebClient, context) -> None:
        """A direct message, or a follow-up in a thread the bot answered."""
        if not from_a_person(event):
            return
        question = plain_question(event.get("text", ""), context.bot_user_id)
        if event.get("channel_type") == "im":
            thread_ts = event.get("thread_ts")
            bot.answer_message(client, event, question=question, thread_ts=thread_ts, arrival=context.get("arrival"))
        # In a thread, "+1" or an emoji is chat between members, not a question.
        elif bot.is_follow_up(event) and words(question):
            thread_ts = event["thread_ts"]
            bot.answer_message(client, event, question=question, thread_ts=thread_ts, arrival=context.get("arrival"))

    @app.command("/smc")
    def on_command(ack, command: dict, respond) -> None:
        """`/smc <question>`: acknowledged at once, answered privately through response_url."""
        question = plain_question(command.get("text", ""))
        if not words(question):  # how to ask, in the acknowledgement itself
            ack(text=text("slack_usage", bot.core.language(question) if question else None))
            return
        ack()
        bot.answer_command(respond, question, user=command["user_id"], chat=command["channel_id"])

    @app.action("share")
    def on_share(ack, body: dict, action: dict, client: WebClient, respond) -> None:
        """The share button of a private answer: post it in the channel."""
        ack()
        bot.share(client, respond, value=action["value"], user=body["user"]["id"], channel=body["channel"]["id"])

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
    request_queue_size = 128  # a burst of events waits in the backlog, not in SYN retries (socketserver's 5)

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


def refuse_malformed(handler: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """Wrap bolt's WSGI handler: a request Slack could never have sent gets a 4xx, not a 500.

    A non-numeric `X-Slack-Request-Timestamp` is refused before the signature check
    (which would fail on it), and a body that cannot be parsed (signed or not) is a 400.
    """

    def app(environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        if timestamp is not None and not timestamp.strip().isdigit():
            return _plain(start_response, "401 Unauthorized", "invalid request timestamp")
        try:
            return handler(environ, start_response)
        except (ValueError, KeyError, TypeError) as error:  # json.JSONDecodeError is a ValueError
            log.warning("refused a request to %s that cannot be read (%s)", EVENTS_PATH, type(error).__name__)
            return _plain(start_response, "400 Bad Request", "malformed request")

    return app


def _plain(start_response: Callable[..., Any], status: str, message: str) -> list[bytes]:
    """A short plain-text HTTP response."""
    body = json.dumps({"error": message}).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def make_server(app: App, *, host: str, port: int) -> ThreadingWSGIServer:
    """An HTTP server for `POST /slack/events`; port 0 picks a free port (`server.server_port`)."""
    handler = refuse_malformed(SlackRequestHandler(app, path=EVENTS_PATH))
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
        SmcbotError: no usable index, or Slack refused the bot token or cannot be reached.
    """
    check_settings(settings)  # before the slow model load
    slack = settings.slack
    with serving(settings) as core:
        app = build_app(core)
        if slack.app_token is not None:
            serve_socket_mode(app, app_token=slack.app_token)
        else:
            serve(app, host=slack.host, port=slack.port)


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
        raise SmcbotError(
            f"Slack refused the Socket Mode connection ({reason_of(error)}): check SMCBOT_SLACK__APP_TOKEN"
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
