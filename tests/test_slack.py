"""The Slack app end to end: the real bolt app served over HTTP on 127.0.0.1, sent
requests signed with the real Slack scheme, talking to a stand-in Web API server,
answering from the real index of the bundled archive."""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from smcbot.answering import Answerer, Quote
from smcbot.bots.slack import check_settings, run
from smcbot.bots.slack_render import BLOCK_LIMIT, SECTION_LIMIT, clip, escape, plain_question, quote_line, render_answer
from smcbot.errors import SettingsError, SmcbotError
from smcbot.index import load_index
from smcbot.models import Answer, Article, Chunk, Passage, SessionQuotes
from smcbot.settings import RetrievalSettings, load_settings
from smcbot.store import QuestionStore
from tests.conftest import HashingEmbedder
from tests.helpers.slack import (
    SECRET,
    TOKEN,
    SlackSide,
    buttons,
    mention,
    message,
    payload_text,
    posted,
    sentinel,
    serving,
)
from tests.helpers.slack_api import BOT_ID, BOT_USER_ID, RESPONSE_URL, SlackApiStandIn

AI_SESSION = "L’IA va-t-elle envahir les réseaux sociaux"
QUESTION = "What was said about brand safety?"


# ---------------------------------------------------------------------------
# The app under test, and Slack's side of the conversation.


@pytest.fixture
def api() -> Iterator[SlackApiStandIn]:
    with SlackApiStandIn(token=TOKEN) as stand_in:
        yield stand_in


@pytest.fixture
def store(tmp_path) -> Iterator[QuestionStore]:
    question_store = QuestionStore(tmp_path / "store.sqlite3", hash_key="test-key")
    yield question_store
    question_store.close()


@pytest.fixture
def slack(answerer, api, store) -> Iterator[SlackSide]:
    with serving(answerer, api, store) as side:
        yield side


# ---------------------------------------------------------------------------
# Conversations.


def test_a_mention_is_answered_in_its_thread_with_links(slack, caplog):
    caplog.set_level("INFO", logger="smcbot.answers")
    response = slack.event(mention(QUESTION, ts="100.000100"), event_id="Ev1")
    assert response.status_code == 200

    [reply] = slack.api.wait_for("chat.postMessage")
    params = reply.params
    assert params["channel"] == "C1" and params["thread_ts"] == "100.000100"
    assert AI_SESSION in payload_text(params)
    assert "<https://socialmediaclub.fr/" in payload_text(params)  # a <url|title> link
    assert params["text"].startswith("Here is what was said")  # the notification fallback
    assert {"feedback_up", "feedback_down"} <= set(buttons(params))
    # 👀 while working, removed once the answer is posted.
    [added] = slack.api.wait_for("reactions.add")
    [removed] = slack.api.wait_for("reactions.remove")
    assert added.params.items() >= {"channel": "C1", "timestamp": "100.000100", "name": "eyes"}.items()
    assert removed.params == added.params
    assert added.at < reply.at <= removed.at
    [line] = [r for r in caplog.records if r.name == "smcbot.answers"]
    assert line.channel == "slack" and line.answered is True and QUESTION not in line.getMessage()


def test_a_redelivered_event_is_answered_once(slack):
    event = mention(QUESTION, ts="200.000100")
    slack.event(event, event_id="Ev2")
    retry = slack.event(
        event,
        event_id="Ev2",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert retry.status_code == 200  # acknowledged, so Slack stops retrying

    slack.api.wait_for("reactions.remove")
    sentinel(slack)
    assert len(posted(slack.api)) == 1
    assert len(posted(slack.api, "reactions.add")) == 1


@pytest.mark.parametrize(
    "how",
    [{"secret": "not-the-signing-secret"}, {"timestamp": int(time.time()) - 600}],
    ids=["bad-signature", "stale-timestamp"],
)
def test_a_request_with_a_bad_or_stale_signature_is_refused(slack, how):
    response = slack.event(mention(QUESTION, ts="300.000100"), event_id="Ev3", **how)
    assert response.status_code == 401
    unsigned = httpx.post(slack.url, content=b"{}", headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    sentinel(slack)
    assert posted(slack.api) == []


def test_the_slash_command_is_acknowledged_at_once_and_answered_privately(slack):
    started = time.monotonic()
    response = slack.command(QUESTION, response_url=slack.api.response_url("cmd1"))
    assert response.status_code == 200 and time.monotonic() - started < 3.0

    [private] = slack.api.wait_for(RESPONSE_URL)
    assert private.path == "/response/cmd1"
    assert private.params["response_type"] == "ephemeral"
    assert AI_SESSION in payload_text(private.params) and "<https://" in payload_text(private.params)
    share = buttons(private.params)["share"]

    # Sharing posts the answer in the channel for everyone, and removes the private copy.
    slack.click("share", share["value"], response_url=slack.api.response_url("share1"))
    [shared] = slack.api.wait_for("chat.postMessage")
    assert shared.params["channel"] == "C1" and "thread_ts" not in shared.params
    assert AI_SESSION in payload_text(shared.params)
    assert "<@U1> asked" in payload_text(shared.params)
    deleted = slack.api.wait_for(RESPONSE_URL, 2)[1]
    assert deleted.path == "/response/share1" and deleted.params.get("delete_original") is True


def test_a_follow_up_in_an_answered_thread_needs_no_mention(slack):
    slack.event(mention(QUESTION, ts="400.000100"), event_id="Ev4")
    slack.api.wait_for("chat.postMessage")

    follow_up = message(
        "Qu'est-ce qui a été dit sur le brand safety ?",
        ts="400.000200",
        channel="C1",
        channel_type="channel",
        thread_ts="400.000100",
    )
    slack.event(follow_up, event_id="Ev5")
    second = slack.api.wait_for("chat.postMessage", 2)[1]
    assert second.params["thread_ts"] == "400.000100"
    assert second.params["text"].startswith("Voici")  # answered in the asker's language

    # A mention inside the thread arrives twice (app_mention and message): one answer.
    slack.event(mention("and about influencers?", ts="400.000300", thread_ts="400.000100"), event_id="Ev6")
    slack.event(
        message(
            f"<@{BOT_USER_ID}> and about influencers?",
            ts="400.000300",
            channel="C1",
            channel_type="channel",
            thread_ts="400.000100",
        ),
        event_id="Ev7",
    )
    # A reply in a thread the bot never answered is none of its business.
    slack.event(
        message(QUESTION, ts="500.000200", channel="C1", channel_type="channel", thread_ts="500.000100"),
        event_id="Ev8",
    )
    slack.api.wait_for("chat.postMessage", 3)
    sentinel(slack)
    assert len(posted(slack.api)) == 3


def test_a_direct_message_is_answered_in_the_dm(slack):
    slack.event(message(QUESTION, ts="600.000100", channel="D1", channel_type="im"), event_id="Ev9")
    [reply] = slack.api.wait_for("chat.postMessage")
    assert reply.params["channel"] == "D1" and "thread_ts" not in reply.params
    assert AI_SESSION in payload_text(reply.params)


# ---------------------------------------------------------------------------
# Never silent.


def test_a_failure_inside_the_answer_path_still_gets_a_reply(bundled_index_dir, real_embedder, api, store, caplog):
    # A real misconfiguration: the index was built with another model than the one loaded.
    index = load_index(bundled_index_dir, model=real_embedder.name)
    broken = Answerer(index, HashingEmbedder(), RetrievalSettings())
    with (
        caplog.at_level(logging.ERROR, logger="smcbot.bots.slack"),
        serving(broken, api, store) as slack,
    ):
        slack.event(mention(QUESTION, ts="700.000100"), event_id="Ev10")
        [reply] = api.wait_for("chat.postMessage")
        api.wait_for("reactions.remove")

    assert reply.params["thread_ts"] == "700.000100"
    assert "something went wrong" in reply.params["text"]
    [record] = [r for r in caplog.records if r.name == "smcbot.bots.slack"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert TOKEN not in caplog.text and SECRET not in caplog.text


def test_a_refused_post_is_followed_by_a_short_apology(slack, caplog):
    slack.api.fail_next("chat.postMessage", error="msg_too_long", status=200)  # refused: sending again won't help
    with caplog.at_level(logging.ERROR, logger="smcbot.bots.slack"):
        slack.event(mention(QUESTION, ts="800.000100"), event_id="Ev11")
        failed, apology = slack.api.wait_for("chat.postMessage", 2)
        slack.api.wait_for("reactions.remove")
    assert AI_SESSION in payload_text(failed.params)  # the answer Slack refused
    assert apology.params["thread_ts"] == "800.000100"
    assert "something went wrong" in apology.params["text"]
    assert any(r.exc_info for r in caplog.records if r.name == "smcbot.bots.slack")
    [question] = slack.store.questions()
    assert question["answered"] == 0  # the member never got the answer


# ---------------------------------------------------------------------------
# Bad input.


def test_slack_markup_in_a_question_comes_back_escaped(slack):
    text = "<!channel> <!here> &lt;b&gt;brand safety&lt;/b&gt; &amp; ads"  # as Slack encodes it
    slack.command(text, response_url=slack.api.response_url("cmd2"))
    [private] = slack.api.wait_for(RESPONSE_URL)
    shown = payload_text(private.params)
    assert "<!channel>" not in shown and "<!here>" not in shown and "<b>" not in shown
    assert "@channel @here &lt;b&gt;brand safety&lt;/b&gt; &amp;amp; ads" not in shown  # no double escaping
    assert "@channel @here &lt;b&gt;brand safety&lt;/b&gt; &amp; ads" in shown

    slack.event(
        mention("<!channel> what about brand safety &amp; <!everyone>?", ts="900.000100"),
        event_id="Ev12",
    )
    [reply] = slack.api.wait_for("chat.postMessage")
    assert "<!" not in payload_text(reply.params)


def test_a_mention_without_a_question_gets_usage_help(slack):
    slack.event(mention("", ts="1000.000100"), event_id="Ev13")
    [reply] = slack.api.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == "1000.000100"
    assert "`/smc What was said about brand safety?`" in reply.params["text"]
    assert "<" not in reply.params["text"]  # nothing Slack could read as markup


def test_a_5000_character_message_gets_one_clear_reply(slack):
    slack.event(mention("brand safety " * 385, ts="1100.000100"), event_id="Ev14")
    [reply] = slack.api.wait_for("chat.postMessage")
    assert "5004 characters" in reply.params["text"] and "fewer than 1000" in reply.params["text"]
    assert slack.store.questions() == []


def test_the_slash_command_without_a_question_is_answered_in_the_acknowledgement(slack):
    response = slack.command("   ", response_url=slack.api.response_url("cmd3"))
    assert response.status_code == 200 and "`/smc What was said about brand safety?`" in response.text
    sentinel(slack)
    assert slack.api.calls(RESPONSE_URL) == []


@pytest.mark.parametrize(
    "extra",
    [
        {"user": BOT_USER_ID},
        {"bot_id": BOT_ID},
        {"bot_id": "BOTHER", "subtype": "bot_message"},
        {"subtype": "message_changed"},
    ],
    ids=["own-user", "own-bot-id", "other-bot", "edit"],
)
def test_events_from_bots_and_edits_are_ignored(slack, extra):
    slack.event(
        message(QUESTION, ts="1200.000100", channel="D1", channel_type="im") | extra,
        event_id="Ev15",
    )
    slack.event(message(QUESTION, ts="1200.000200", channel="D1", channel_type="im"), event_id="Ev16")
    slack.api.wait_for("chat.postMessage")
    sentinel(slack)
    assert [c.params.get("thread_ts") for c in posted(slack.api)] == [None]
    assert [c.params["timestamp"] for c in posted(slack.api, "reactions.add")] == ["1200.000200"]


# ---------------------------------------------------------------------------
# Feedback.


def test_feedback_lands_in_the_sqlite_store(slack):
    slack.event(mention(QUESTION, ts="1300.000100"), event_id="Ev17")
    [reply] = slack.api.wait_for("chat.postMessage")
    up = buttons(reply.params)["feedback_up"]["value"]

    slack.click("feedback_up", up, response_url=slack.api.response_url("fb1"), user="U2")
    [thanks] = slack.api.wait_for(RESPONSE_URL)
    assert thanks.params["text"] == "Thanks for your feedback!" and thanks.params["response_type"] == "ephemeral"

    with sqlite3.connect(slack.store.path) as db:
        rows = db.execute(
            "SELECT q.channel, q.question, f.rating FROM feedback f JOIN questions q ON q.id = f.question_id"
        ).fetchall()
    assert rows == [("slack", QUESTION, 1)]

    down = buttons(reply.params)["feedback_down"]["value"]
    slack.click("feedback_down", down, response_url=slack.api.response_url("fb2"), user="U2")
    slack.api.wait_for(RESPONSE_URL, 2)
    [question] = slack.store.questions()
    assert (question["rating"], question["votes"]) == (-1, 1)  # a later vote replaces the earlier


def test_slack_url_verification_is_answered(slack):
    body = json.dumps(
        {
            "token": "legacy",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    response = slack.post(body, "application/json")
    assert response.status_code == 200 and "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in response.text


# ---------------------------------------------------------------------------
# The command.


def test_smcbot_slack_serves_the_app_configured_from_the_environment(bundled_index_dir, api, tmp_path):
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "SMCBOT_INDEX_DIR": str(bundled_index_dir),
        "SMCBOT_STORE__PATH": str(tmp_path / "store.sqlite3"),
        "SMCBOT_SLACK__BOT_TOKEN": TOKEN,
        "SMCBOT_SLACK__SIGNING_SECRET": SECRET,
        "SMCBOT_SLACK__API_URL": api.api_url,
        "SMCBOT_SLACK__HOST": "127.0.0.1",
        "SMCBOT_SLACK__PORT": "0",
        "SMCBOT_LOG_LEVEL": "DEBUG",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "smcbot", "slack"],
        cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        url, seen = None, []
        while url is None and (line := process.stderr.readline()):
            seen.append(line)
            if match := re.search(r"listening on (http://127\.0\.0\.1:\d+/slack/events)", line):
                url = match.group(1)
        assert url, "".join(seen)
        side = SlackSide(url, api, store=None)  # type: ignore[arg-type]
        assert side.event(mention(QUESTION, ts="1400.000100"), event_id="Ev20").status_code == 200
        [reply] = api.wait_for("chat.postMessage", timeout=60)
        assert reply.params["thread_ts"] == "1400.000100" and AI_SESSION in payload_text(reply.params)
    finally:
        process.terminate()
        log_text = "".join(seen) + process.communicate(timeout=30)[1]
    assert api.calls("auth.test")[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in log_text and SECRET not in log_text  # even at DEBUG


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"signing_secret": SECRET}, "SMCBOT_SLACK__BOT_TOKEN"),
        ({"bot_token": TOKEN}, "SMCBOT_SLACK__SIGNING_SECRET"),
    ],
    ids=["no-bot-token", "no-signing-secret"],
)
def test_a_missing_token_or_secret_is_named(given, missing):
    with pytest.raises(SettingsError, match=missing):
        check_settings(load_settings(slack=given))


def test_socket_mode_needs_no_signing_secret():
    check_settings(load_settings(slack={"bot_token": TOKEN, "app_token": "xapp-test"}))


def test_an_app_token_selects_socket_mode(bundled_index_dir, api, tmp_path):
    settings = load_settings(
        index_dir=bundled_index_dir,
        store={"path": tmp_path / "store.sqlite3"},
        slack={"bot_token": TOKEN, "app_token": "xapp-refused", "api_url": api.api_url},
    )
    # The stand-in refuses the app-level token: the refusal is one clear line.
    with pytest.raises(SmcbotError, match="Socket Mode.*SMCBOT_SLACK__APP_TOKEN"):
        run(settings)
    [opened] = api.calls("apps.connections.open")
    assert opened.headers["authorization"] == "Bearer xapp-refused"


# ---------------------------------------------------------------------------
# Rendering (pure functions).


def test_escape_and_plain_question():
    assert escape("a & b <!channel> > c") == "a &amp; b &lt;!channel&gt; &gt; c"
    slack_text = "<@UBOT> hi <@U2|ann> in <#C1|general> see <https://x.fr/?a=1&amp;b=2|site> &lt;3 <!here>"
    assert plain_question(slack_text, "UBOT") == "hi ann in #general see site <3 @here"


def test_a_quote_names_its_speaker_escaped():
    assert quote_line(Quote("« Les marques & les <médias> »", "Ann <Lee>", "body")) == (
        "> « Les marques &amp; les &lt;médias&gt; » — _Ann &lt;Lee&gt;_"
    )


def test_clip_never_cuts_a_link_or_an_escape():
    text = "word " * 10 + "<https://example.org/a-long-path|a title> &amp; more"
    for limit in range(20, len(text)):
        cut = clip(text, limit)
        assert len(cut) <= limit
        assert cut.count("<") == cut.count(">") and not cut.rstrip("…").endswith(("&", "&am", "&amp"))


def test_a_huge_answer_stays_within_slack_limits():
    article = Article(
        title="Session <b> & co " * 20,
        date=date(2019, 6, 18),
        url="https://x.fr/a?b=1&c=2",
        series="Tous influenceurs",
    )
    passage = Passage(Chunk(article.id, "body", 0, "x"), article, 1.0)
    sessions = [SessionQuotes(article, [passage], 1.0) for _ in range(30)]
    answer = Answer(
        question="q",
        answered=True,
        text="lead\n" + "y" * 50_000,
        language="fr",
        sessions=sessions,
        lead="Voici <ce> qui a été dit :",
    )
    quotes = [[Quote("« " + "mot " * 2_000 + "»", "Ann <Lee>", "body")] for _ in sessions]

    message_ = render_answer(answer, quotes, question_id=7, share=True, heading="Question : q")
    blocks = message_["blocks"]
    assert len(blocks) <= BLOCK_LIMIT and blocks[-1]["type"] == "actions"
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert all(len(t) <= SECTION_LIMIT for t in texts)
    assert texts[0] == "Voici &lt;ce&gt; qui a été dit :"
    assert "<https://x.fr/a?b=1&amp;c=2|Session &lt;b&gt; &amp; co" in texts[1]
    assert texts[1].endswith("…")
    dates = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    assert "18 juin 2019 · Tous influenceurs" in dates
    assert len(message_["text"]) <= 3_000
