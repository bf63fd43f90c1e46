"""Follow-up questions end to end: the blind conversation set, the Telegram bot in a
private chat and in a group, the Slack app in a thread, a restart in the middle of a
conversation, `/new`, `smcbot chat` and `smcbot eval` on conversations."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from smcbot.evaluation import _evaluate_one, evaluate_file
from smcbot.followups import Context, FollowUps
from smcbot.services import open_store
from smcbot.wording import say
from tests.conftest import ROOT
from tests.helpers.cli import run_cli
from tests.helpers.slack import mention, message, payload_text, serving
from tests.helpers.slack_api import SlackApiStandIn
from tests.helpers.telegram import TOKEN, bot_message, bot_settings, running_bot
from tests.helpers.telegram_api import FakeBotApi
from tests.helpers.telegram_api import message as telegram_message

CONVERSATIONS = ROOT / "tests" / "data" / "conversations.jsonl"
STAND_ALONE_KINDS = {"topic_shift_no_inherit", "offtopic_first"}  # later turns that must not inherit
ADVOCACY = "Qu'est-ce qui a été dit sur l'employee advocacy ?"
ADVOCACY_TITLE = "Employee advocacy"
NOTE_FR = "Suite à votre question sur"
NOTE_EN = "Following on from your question about"


# --- the blind conversations -----------------------------------------------------------


def test_the_blind_conversations_are_followed_and_no_standalone_question_gets_worse(answerer):
    report = evaluate_file(CONVERSATIONS, answerer)
    follow_ups, worse, missed = [], [], []
    lines = [json.loads(line) for line in CONVERSATIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for line, conversation in zip(lines, report["results"], strict=True):
        for number, (asked, result) in enumerate(zip(line["turns"], conversation["turns"], strict=True)):
            if number == 0 or line.get("kind") in STAND_ALONE_KINDS:
                alone = _evaluate_one(asked, answerer.answer)
                if alone["ok"] and not result["ok"]:
                    worse.append(asked["q"])
            else:
                follow_ups.append(result["ok"])
                missed += [] if result["ok"] else [(line["turns"][number - 1]["q"], asked["q"], result["sources"][:1])]

    assert len(report["results"]) >= 30
    assert report["metrics"]["turns"] == sum(len(r["turns"]) for r in report["results"])
    assert sum(follow_ups) / len(follow_ups) >= 0.9, missed
    assert worse == []


def test_a_context_survives_its_json_form():
    context = Context("q", "employee advocacy", "fr", ["a1"], ["a1:body:0"], "2019-01-01", None, "Tous influenceurs")
    assert Context.from_dict(json.loads(json.dumps(context.to_dict()))) == context
    assert Context.from_dict(None) is None and Context.from_dict({"nonsense": 1}) is None


def test_follow_ups_in_french_and_english(answerer):
    followups = FollowUps(answerer)
    first = followups.answer(ADVOCACY, None)
    assert first.answer.answered and first.context.topic == "employee advocacy"

    brakes = followups.answer("et sur les freins ?", first.context)
    assert brakes.kind == "subject" and brakes.answer.text.startswith(f"{NOTE_FR} employee advocacy")
    assert ADVOCACY_TITLE in brakes.answer.sources[0].title

    english = followups.answer("in English please", first.context)
    assert english.kind == "language" and english.answer.language == "en"
    assert english.answer.text.startswith(NOTE_EN)

    more = followups.answer("tell me more", first.context)
    assert more.kind == "more" and ADVOCACY_TITLE in more.answer.sources[0].title
    assert not set(more.context.shown[: len(first.context.shown)]) - set(first.context.shown)

    in_2020 = followups.answer("et en 2020 ?", first.context)  # no session then: said so, context kept
    assert in_2020.kind == "filter" and not in_2020.answer.answered and in_2020.context == first.context

    standalone = followups.answer("What was said about brand safety?", first.context)
    assert standalone.kind == "" and NOTE_EN not in standalone.answer.text
    assert standalone.answer.sources[0].title == answerer.answer("What was said about brand safety?").sources[0].title


def test_a_follow_up_asking_a_price_is_not_answered_from_a_session_giving_none(answerer):
    # the bundled archive gives no amount of money: asked what video makers earn, even
    # after their session was found, the reply says the closest sessions give none
    followups = FollowUps(answerer)
    first = followups.answer("la monétisation des vidéastes sur YouTube", None)
    assert first.answer.answered
    price = followups.answer("et combien gagnent les vidéastes ?", first.context)
    assert not price.answer.answered and price.answer.lead == say("no_amount", "fr")
    assert "Comment parle-t-on de science sur YouTube" in price.answer.suggestions[0].title


# --- Telegram ------------------------------------------------------------------------------


@pytest.fixture
def api():
    with FakeBotApi(TOKEN) as server:
        yield server


async def ask(api: FakeBotApi, text: str, chat: int, **fields) -> dict:
    """Send a message and wait for the bot's next reply in that chat; returns its parameters."""
    count = len(api.sent(chat)) + 1
    api.push(message=telegram_message(text, chat_id=chat, **fields))
    return (await api.wait_sent(chat, count))[-1].params


async def test_telegram_private_chat_follows_up_and_new_forgets(api, answerer, tmp_path):
    async with running_bot(api, answerer, tmp_path):
        await ask(api, ADVOCACY, 1101)
        in_2019 = await ask(api, "et en 2019 ?", 1101)
        more = await ask(api, "plus de détails", 1101)
        brakes = await ask(api, "et sur les freins ?", 1101)
        who = await ask(api, "qui a dit ça ?", 1101)
        english = await ask(api, "in English please", 1101)
        forgotten = await ask(api, "/new", 1101)
        after = await ask(api, "qui a dit ça ?", 1101)

    assert in_2019["text"].startswith(f"{NOTE_FR} employee advocacy") and ADVOCACY_TITLE in in_2019["text"]
    assert more["text"].startswith(NOTE_FR) and "D'autres passages des mêmes sessions" in more["text"]
    assert brakes["text"].startswith(f"{NOTE_FR} employee advocacy") and "freins" in brakes["text"]
    assert who["text"].startswith(NOTE_FR) and ADVOCACY_TITLE in who["text"]  # its speakers, or that none is named
    assert english["text"].startswith(NOTE_EN) and "Here is what was said" in english["text"]
    assert forgotten["text"].startswith("Done: a fresh start")
    assert NOTE_FR not in after["text"] and NOTE_EN not in after["text"]


async def test_telegram_group_follows_a_reply_to_the_bot_only(api, answerer, tmp_path):
    async with running_bot(api, answerer, tmp_path):
        first = await ask(api, f"@smc_archive_bot {ADVOCACY}", -2001, chat_type="supergroup")
        [first_call] = api.sent(-2001)
        replied = bot_message(first_call, -2001, "supergroup")
        follow = await ask(api, "et sur les freins ?", -2001, chat_type="supergroup", reply_to=replied)
        fresh = await ask(api, "@smc_archive_bot et sur les freins ?", -2001, chat_type="supergroup")

    assert first["text"].startswith("Voici ce qui en a été dit")
    assert follow["text"].startswith(f"{NOTE_FR} employee advocacy")
    assert NOTE_FR not in fresh["text"]  # a mention without a reply starts a conversation


async def test_a_restarted_bot_still_follows_the_conversation(api, answerer, tmp_path):
    async with running_bot(api, answerer, tmp_path):
        await ask(api, ADVOCACY, 1102)
    async with running_bot(api, answerer, tmp_path):  # the same store file, a new process's state
        brakes = await ask(api, "et sur les freins ?", 1102)

    assert brakes["text"].startswith(f"{NOTE_FR} employee advocacy")


async def test_a_private_context_is_forgotten_after_its_time(api, answerer, tmp_path):
    async with running_bot(api, answerer, tmp_path):
        await ask(api, ADVOCACY, 1103)
    store = open_store(bot_settings(api, tmp_path))
    assert store.load_context("telegram", "chat:1103", max_age=60) is not None
    assert store.load_context("telegram", "chat:1103", max_age=0) is None  # older than a zero-minute window
    store.close()


# --- Slack ---------------------------------------------------------------------------------


def test_slack_thread_follows_up_and_a_new_thread_starts_afresh(answerer, tmp_path):
    store_path = tmp_path / "store.sqlite3"
    from smcbot.store import QuestionStore

    store = QuestionStore(store_path, hash_key="test-key")
    with SlackApiStandIn(token="xoxb-test-token") as api, serving(answerer, api, store) as slack:
        slack.event(mention(ADVOCACY, ts="300.000100"), event_id="EvC1")
        api.wait_for("chat.postMessage")
        follow = message("et sur les freins ?", ts="300.000200", channel="C1", channel_type="channel")
        slack.event(follow | {"thread_ts": "300.000100"}, event_id="EvC2")
        in_thread = api.wait_for("chat.postMessage", 2)[1]
        slack.event(mention("et sur les freins ?", ts="400.000100"), event_id="EvC3")
        new_thread = api.wait_for("chat.postMessage", 3)[2]
    store.close()

    assert in_thread.params["thread_ts"] == "300.000100"
    assert payload_text(in_thread.params).startswith(f"{NOTE_FR} employee advocacy")
    assert NOTE_FR not in payload_text(new_thread.params)


# --- the command line ---------------------------------------------------------------------


def test_smcbot_chat_follows_up_and_ends_on_ctrl_d(bundled_index_dir, tmp_path):
    lines = f"{ADVOCACY}\net sur les freins ?\n/new\nqui a dit ça ?\n"
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", "SMCBOT_INDEX_DIR": str(bundled_index_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "smcbot", "chat"],
        input=lines, capture_output=True, text=True, cwd=tmp_path, env=environment, timeout=180,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    answers = result.stdout.split("(a fresh start)")
    assert f"{NOTE_FR} employee advocacy" in answers[0]
    assert NOTE_FR not in answers[1]


def test_smcbot_eval_scores_conversations_turn_by_turn(bundled_index_dir, tmp_path):
    turns = [{"q": ADVOCACY, "expect": [ADVOCACY_TITLE]}, {"q": "et sur les freins ?", "expect": [ADVOCACY_TITLE]}]
    conversation = {"turns": turns}
    file = tmp_path / "conversations.jsonl"
    file.write_text(json.dumps(conversation, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run_cli("eval", str(file), "--json", "--index-dir", str(bundled_index_dir))

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    [only] = report["results"]
    assert [set(turn) >= {"q", "answered", "sources", "seconds"} for turn in only["turns"]] == [True, True]
    assert report["metrics"]["turn_hit@1"] == 1.0 and report["metrics"]["turn_refusals"] == 0
