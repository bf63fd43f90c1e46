"""Playing Slack towards the app under test: signed requests in, the real app served on
127.0.0.1, and readers of the messages it posted.

`serving(...)` runs the real app (bolt, the conversation core, the real index) over
HTTP on a free port, pointed at a `SlackApiStandIn`; `SlackSide` signs and sends
events, slash commands and button clicks the way Slack does.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from smcbot.bots.conversation import ConversationCore
from smcbot.bots.slack import build_app, make_server
from smcbot.services import make_synthesizer
from smcbot.settings import load_settings
from smcbot.store import QuestionStore
from tests.helpers.slack_api import BOT_USER_ID, TEAM_ID, SlackApiStandIn

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"


def signed_headers(
    body: str, content_type: str, *, secret: str = SECRET, timestamp: int | None = None, headers: dict | None = None
) -> dict[str, str]:
    """The headers of a request to /slack/events, signed the way Slack signs it (v0, HMAC-SHA256)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": signature,
        **(headers or {}),
    }


def event_body(event: dict, event_id: str) -> str:
    """An Events API delivery of `event`, as Slack writes it."""
    body = {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }
    return json.dumps(body)


@dataclass
class SlackSide:
    """Plays Slack towards the app: signs and sends events, commands and clicks."""

    url: str
    api: SlackApiStandIn
    store: QuestionStore
    client: httpx.Client | None = None  # a shared client (keeps connections); else one per request

    def post(
        self,
        body: str,
        content_type: str,
        *,
        secret: str = SECRET,
        timestamp: int | None = None,
        headers: dict | None = None,
    ) -> httpx.Response:
        """POST a body to /slack/events, signed the way Slack signs it (v0, HMAC-SHA256)."""
        sent = signed_headers(body, content_type, secret=secret, timestamp=timestamp, headers=headers)
        return (self.client or httpx).post(self.url, content=body.encode(), headers=sent, timeout=10)

    def event(self, event: dict, *, event_id: str, headers: dict | None = None, **kwargs) -> httpx.Response:
        """Deliver an Events API event."""
        return self.post(event_body(event, event_id), "application/json", headers=headers, **kwargs)

    def command(self, text: str, *, response_url: str, channel: str = "C1", user: str = "U1") -> httpx.Response:
        """Send `/smc <text>` as a slash command form."""
        form = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "smc",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": "member",
            "command": "/smc",
            "text": text,
            "api_app_id": "A1",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded")

    def click(
        self,
        action_id: str,
        value: str,
        *,
        response_url: str,
        channel: str = "C1",
        user: str = "U1",
    ) -> httpx.Response:
        """Click a button of a message (a block_actions interaction)."""
        payload = {
            "type": "block_actions",
            "user": {"id": user, "team_id": TEAM_ID},
            "team": {"id": TEAM_ID},
            "api_app_id": "A1",
            "trigger_id": "1.2.3",
            "channel": {"id": channel, "name": "general"},
            "container": {"type": "message", "channel_id": channel, "is_ephemeral": True},
            "response_url": response_url,
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "answer_actions",
                    "value": value,
                    "action_ts": str(time.time()),
                }
            ],
        }
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


@contextmanager
def serving(answerer, api: SlackApiStandIn, store: QuestionStore, **settings: object) -> Iterator[SlackSide]:
    """The real app on 127.0.0.1, port 0, pointed at the stand-in Web API.

    Args:
        settings: more settings (`slack={...}` entries are added to the Slack ones, `llm=...`).
    """
    slack = {"bot_token": TOKEN, "signing_secret": SECRET, "api_url": api.api_url, **settings.pop("slack", {})}
    loaded = load_settings(slack=slack, **settings)
    core = ConversationCore(loaded, answerer=answerer, store=store, synthesizer=make_synthesizer(loaded))
    server = make_server(build_app(core), host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SlackSide(f"http://127.0.0.1:{server.server_port}/slack/events", api, store)
    finally:
        server.shutdown()
        server.server_close()
        core.close()


def mention(text: str, *, ts: str, channel: str = "C1", user: str = "U1", thread_ts: str | None = None) -> dict:
    """An app_mention event as Slack sends it (the bot's mention written `<@UBOT>`)."""
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "client_msg_id": f"msg-{ts}",
    }
    return event | ({"thread_ts": thread_ts} if thread_ts else {})


def message(
    text: str,
    *,
    ts: str,
    channel: str,
    channel_type: str,
    user: str = "U1",
    thread_ts: str | None = None,
    **extra,
) -> dict:
    """A message event (message.channels / message.im)."""
    event = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "channel_type": channel_type,
        "event_ts": ts,
        "client_msg_id": f"msg-{ts}",
    }
    return event | ({"thread_ts": thread_ts} if thread_ts else {}) | extra


def payload_text(params: dict) -> str:
    """Everything a message would show, one line per text: its fallback text and its blocks'
    texts (button values are data, never shown)."""

    def texts(node) -> list[str]:
        if isinstance(node, dict):
            found = [node["text"]] if isinstance(node.get("text"), str) else []
            return found + [t for key, value in node.items() if key != "value" for t in texts(value)]
        if isinstance(node, list):
            return [t for item in node for t in texts(item)]
        return []

    return "\n".join(texts({"text": params.get("text"), "blocks": params.get("blocks") or []}))


def buttons(params: dict) -> dict:
    """The message's buttons by action_id."""
    return {e["action_id"]: e for b in params.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]}


SENTINEL_CHANNEL = "DSENTINEL"
SENTINEL_QUESTION = "What was said about brand safety?"
_sentinels = iter(range(1, 10**6))


def sentinel(side: SlackSide) -> None:
    """Ask an answerable question in a direct message and wait for its answer.

    Whatever the app was going to do with the events sent before it is done by then,
    so a test proves the app stayed silent on them without sleeping.
    """
    number = next(_sentinels)
    ts = f"9{number:05d}.000100"
    side.event(
        message(SENTINEL_QUESTION, ts=ts, channel=SENTINEL_CHANNEL, channel_type="im"), event_id=f"EvSentinel{number}"
    )
    side.api.wait_until(
        lambda calls: [c for c in calls if c.method == "reactions.remove" and c.params.get("timestamp") == ts],
        what="the sentinel's answer",
    )


def posted(api: SlackApiStandIn, method: str = "chat.postMessage") -> list:
    """The calls of `method`, leaving out the sentinel's."""
    return [c for c in api.calls(method) if c.params.get("channel") != SENTINEL_CHANNEL]
