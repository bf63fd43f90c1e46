"""Written answers from a language model, end to end: the real LangChain chain and
ChatOpenAI client talking to a stand-in OpenAI-compatible server on 127.0.0.1
(tests/openai_api.py), over the real index of the bundled archive; the Telegram
bot and the Slack app streaming into their stand-in APIs; `smcbot ask --json`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date

import pytest

from smcbot.errors import SettingsError
from smcbot.models import Answer, Article, Chunk, Passage, SessionQuotes
from smcbot.services import make_synthesizer
from smcbot.settings import load_settings
from smcbot.store import QuestionStore
from smcbot.synthesis import Synthesizer, check_citations, declines, number_passages
from smcbot.wording import say
from tests.conftest import ROOT
from tests.helpers.cli import run_cli
from tests.helpers.openai_api import ChatCompletionsStandIn
from tests.helpers.slack import SlackSide, buttons, mention, payload_text, serving
from tests.helpers.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.helpers.telegram import TOKEN as BOT_TOKEN
from tests.helpers.telegram import running_bot
from tests.helpers.telegram_api import FakeBotApi, check_telegram_html, message

KEY = "sk-test-key"
MODEL = "stand-in-chat-model"
BRAND_SAFETY = "What was said about brand safety?"
BRAND_SAFETY_FR = "Qu'est-ce qui a été dit sur le brand safety ?"
OFF_TOPIC = "What's the weather in Paris tomorrow?"
AI_SESSION = "L’IA va-t-elle envahir les réseaux sociaux ?"
WRITTEN = (
    "Brand safety was presented as a new challenge for AI in online communication: "
    "securing digital campaigns [1]. Brands are pushed to react at all times, "
    "with the fight against fake news in the background [2]."
)
# A longer written answer: each finished sentence is shown while the next one is written.
STREAMED = (
    "Brand safety was presented as a new challenge for AI in online communication [1]. "
    "It means securing digital campaigns against unsafe placements [1]. "
    "Brands are pushed to react at all times [2]. "
    "The fight against fake news stays in the background [2]."
)
SLACK_TOKEN = "xoxb-test-token"


@pytest.fixture
def llm() -> Iterator[ChatCompletionsStandIn]:
    """The stand-in chat endpoint, on a free port of 127.0.0.1."""
    with ChatCompletionsStandIn(api_key=KEY) as server:
        yield server


def llm_config(server: ChatCompletionsStandIn, **extra: object) -> dict:
    """The `llm` settings pointing at the stand-in."""
    return {"enabled": True, "base_url": server.base_url, "model": MODEL, "api_key": KEY, **extra}


def synthesizer_for(server: ChatCompletionsStandIn, **extra: object) -> Synthesizer:
    """A synthesizer built from settings, as the front ends build it."""
    synthesizer = make_synthesizer(load_settings(llm=llm_config(server, **extra)))
    assert isinstance(synthesizer, Synthesizer)
    return synthesizer


def ai_session_url(answerer) -> str:
    """The link of the session that answers brand-safety questions."""
    return next(a.url for a in answerer.index.articles.values() if AI_SESSION in a.title)


def article(title: str, day: int) -> Article:
    """A session of a small hand-made archive."""
    return Article(title=title, date=date(2020, 1, day), url=f"https://example.org/{day}/")


def three_passage_answer() -> Answer:
    """A quoted answer with three passages: two from session A, one from session B."""
    first, second = article("Session A", 1), article("Session B", 2)
    texts = ["Session A says another thing.", "A body paragraph of session A.", "Session B says one thing."]
    kinds = ["takeaway", "body", "takeaway"]
    owners = [first, first, second]
    passages = [
        Passage(Chunk(owner.id, kind, n, text), owner, 1.0)
        for n, (text, kind, owner) in enumerate(zip(texts, kinds, owners, strict=True))
    ]
    sessions = [SessionQuotes(first, passages[:2], 0.9), SessionQuotes(second, passages[2:], 0.7)]
    return Answer("What about it?", True, "Here is what was said…", "en", sessions=sessions)


# --- the chain, the checks and the fallbacks ---------------------------------------


def test_a_grounded_answer_cites_passages_and_lists_their_sessions(llm, answerer):
    llm.script(WRITTEN)
    extractive = answerer.answer(BRAND_SAFETY)
    synthesis = synthesizer_for(llm).write(extractive)

    assert synthesis.written and synthesis.extractive is extractive
    answer = synthesis.answer
    assert answer.text.startswith(WRITTEN + "\n\nSources:\n[1, 2] ")
    assert AI_SESSION in answer.text and ai_session_url(answerer) in answer.text
    assert [s.title for s in answer.sources] == [extractive.sessions[0].article.title]
    assert answer.to_dict()["answer"] == answer.text
    assert set(answer.to_dict()) == {"question", "answered", "answer", "sources"}

    [request] = llm.received()
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.body["model"] == MODEL and not request.body.get("stream")
    assert "Write in English" in request.content("system")
    prompt = request.content("user")
    for item in number_passages(extractive):
        entry = f'<passage number="{item.number}" kind='
        assert entry in prompt and item.passage.article.title in prompt
        assert item.passage.chunk.text.strip().replace('"', "'") in prompt
    assert prompt.endswith(f"Question: {BRAND_SAFETY}")


def test_a_french_question_asks_for_french_and_lists_sources_the_french_way(llm, answerer):
    llm.script("Le brand safety est un nouveau défi pour l'IA [1].")
    synthesis = synthesizer_for(llm).write(answerer.answer(BRAND_SAFETY_FR))

    assert synthesis.answer.language == "fr"
    assert "\n\nSources :\n[1] " in synthesis.answer.text and "5 juillet 2019" in synthesis.answer.text
    [request] = llm.received()
    assert "Write in French" in request.content("system")
    assert "Question: Qu'est-ce qui a été dit" in request.content("user")


def test_an_invented_citation_is_removed_and_sources_follow_citation_order(llm):
    llm.script("Session B says one thing [3]. Session A another [1, 7]. And more [7].")
    synthesis = synthesizer_for(llm).write(three_passage_answer())

    assert synthesis.written  # two sentences of three hold: above the share that must
    assert synthesis.body == "Session B says one thing [3]. Session A another [1]."  # the last cited nothing real
    assert [s.title for s in synthesis.answer.sources] == ["Session B", "Session A"]
    assert "[7]" not in synthesis.answer.text
    assert "[3] Session B — 2 January 2020\n    https://example.org/2/" in synthesis.answer.text
    assert "[1] Session A — 1 January 2020\n    https://example.org/1/" in synthesis.answer.text


def test_citations_are_checked_against_the_passages():
    assert check_citations("X [7].", 3) == ("X.", [])
    assert check_citations("A [2][1]. B [1-3]; C [3 ; 9]", 3) == ("A [2][1]. B [1, 2, 3]; C [3]", [2, 1, 3])
    assert check_citations("[9] Alone.\n\n\n\nNext [1].", 3) == ("Alone.\n\nNext [1].", [1])


@pytest.mark.parametrize(
    "reply",
    ["I do not know: the passages do not say.", "It was about cookies [9]."],
    ids=["no-citation", "only-invented-citations"],
)
def test_a_reply_without_a_valid_citation_gives_the_quoted_answer(llm, answerer, reply):
    llm.script(reply)
    extractive = answerer.answer(BRAND_SAFETY)
    synthesis = synthesizer_for(llm).write(extractive)

    assert not synthesis.written and synthesis.answer is extractive
    assert synthesis.answer.text.startswith("Here is what was said")
    assert synthesis.fallback == "the reply cites no passage"


def test_a_model_that_finds_the_passages_do_not_answer_says_so_with_the_closest_sessions(llm, answerer, caplog):
    llm.script("NO_ANSWER")
    extractive = answerer.answer(BRAND_SAFETY)
    with caplog.at_level("INFO", logger="smcbot.synthesis"):
        synthesis = synthesizer_for(llm).write(extractive)

    assert synthesis.declined and not synthesis.written
    declined = synthesis.answer
    assert not declined.answered and declined.lead == say("declined", "en")  # recorded as not answered
    assert [a.url for a in declined.suggestions] == [s.article.url for s in extractive.sessions]
    assert ai_session_url(answerer) in declined.text and "Here is what was said" not in declined.text
    assert "do not answer" in caplog.text
    # the model's "I do not know" in words is not a decline: the quoted answer stands
    llm.script("I do not know: the passages do not say.")
    assert synthesizer_for(llm).write(extractive).answer is extractive


@pytest.mark.parametrize(
    ("reply", "declined"),
    [
        ("NO_ANSWER", True),
        ('"no_answer."', True),
        ("NO_ANSWER: the passages only name the scheme.", True),
        ("Brand safety matters [1]. NO_ANSWER", False),  # an answer that ends oddly is checked as one
        ("NO_ANSWERS", False),
    ],
)
def test_a_decline_is_the_reply_s_opening_word(reply, declined):
    assert declines(reply) is declined


def test_a_timeout_gives_the_quoted_answer(llm, answerer):
    llm.script(WRITTEN, delay=5)
    extractive = answerer.answer(BRAND_SAFETY)
    started = time.monotonic()
    synthesis = synthesizer_for(llm, timeout=0.5).write(extractive)

    assert time.monotonic() - started < 3
    assert synthesis.answer is extractive and "Timeout" in synthesis.fallback
    assert len(llm.received()) == 1  # no retry doubling the wait


def test_a_server_error_gives_the_quoted_answer(llm, answerer, caplog):
    llm.script(WRITTEN, status=500)
    extractive = answerer.answer(BRAND_SAFETY)
    synthesis = synthesizer_for(llm).write(extractive)

    assert synthesis.answer is extractive and "500" in synthesis.fallback
    assert len(llm.received()) == 1
    assert KEY not in caplog.text


def test_an_off_topic_question_never_reaches_the_model(llm, answerer):
    llm.script(WRITTEN)
    refusal = answerer.answer(OFF_TOPIC)
    synthesizer = synthesizer_for(llm)
    shown: list[str] = []

    async def show_async(text: str) -> None:
        shown.append(text)

    results = [
        synthesizer.write(refusal),
        synthesizer.stream(refusal, shown.append),
        asyncio.run(synthesizer.astream(refusal, show_async)),
    ]
    assert refusal.answered is False
    assert all(r.answer is refusal and not r.written for r in results)
    assert shown == [] and llm.received() == []


def test_streaming_shows_only_finished_sentences_that_cite_a_passage(llm, answerer):
    llm.script("Brand safety matters [1]. The club is closed forever [9]. Brands must react [2].")
    extractive = answerer.answer(BRAND_SAFETY)
    shown: list[str] = []
    synthesis = synthesizer_for(llm).stream(extractive, shown.append)

    assert shown == ["Brand safety matters [1]."]  # the invented [9] never reaches a member
    assert synthesis.body == "Brand safety matters [1]. Brands must react [2]."
    [request] = llm.received()
    assert request.body["stream"] is True


def test_settings_name_a_base_url_without_v1_in_one_line(monkeypatch):
    monkeypatch.setenv("SMCBOT_LLM__BASE_URL", "http://localhost:11434")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith("setting SMCBOT_LLM__BASE_URL: ")
    assert "/v1" in str(caught.value) and "\n" not in str(caught.value)
    monkeypatch.setenv("SMCBOT_LLM__BASE_URL", "http://localhost:11434/v1/")
    assert load_settings().llm.base_url == "http://localhost:11434/v1"


def test_no_llm_package_is_loaded_while_it_is_off_and_a_missing_one_is_one_line():
    off = (
        "import sys; from smcbot.settings import load_settings; from smcbot.services import make_synthesizer\n"
        "import smcbot.cli, smcbot.bots.telegram, smcbot.bots.slack\n"
        "assert make_synthesizer(load_settings()) is None\n"
        "assert not [m for m in sys.modules if m.startswith(('langchain_openai', 'openai'))], 'loaded'\n"
        "sys.modules['langchain_openai'] = None  # as if the llm extra were not installed\n"
        "try:\n"
        "    make_synthesizer(load_settings(llm={'enabled': True}))\n"
        "except Exception as error:\n"
        "    print(type(error).__name__, error)\n"
    )
    result = subprocess.run([sys.executable, "-c", off], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("SettingsError SMCBOT_LLM__ENABLED is on but langchain-openai")
    assert "install the llm extra: pip install -e '.[llm]'" in result.stdout  # as the README says


def test_smcbot_ask_json_returns_the_written_answer(llm, bundled_index_dir, tmp_path):
    llm.script(WRITTEN)
    environment = {
        "SMCBOT_INDEX_DIR": str(bundled_index_dir),
        "SMCBOT_LLM__ENABLED": "true",
        "SMCBOT_LLM__BASE_URL": llm.base_url,
        "SMCBOT_LLM__MODEL": MODEL,
        "SMCBOT_LLM__API_KEY": KEY,
        "SMCBOT_LLM__TIMEOUT": "10",
    }
    result = run_cli("ask", BRAND_SAFETY, "--json", cwd=tmp_path, env=environment)

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"question", "answered", "answer", "sources"}
    assert answer["answered"] is True and answer["answer"].startswith(WRITTEN + "\n\nSources:")
    assert len(answer["sources"]) == 1 and AI_SESSION in answer["sources"][0]["title"]
    assert answer["sources"][0]["url"] in answer["answer"]
    translation, request = llm.received()  # an English question is also searched in French
    assert "Translate" in translation.content("system") and BRAND_SAFETY in translation.content("user")
    assert request.headers["authorization"] == f"Bearer {KEY}" and KEY not in result.stderr


# --- Telegram: one message edited as the text arrives ------------------------------


@pytest.fixture
def bot_api() -> Iterator[FakeBotApi]:
    """The stand-in Bot API."""
    with FakeBotApi(BOT_TOKEN) as server:
        yield server


@contextlib.asynccontextmanager
async def telegram_bot(bot_api: FakeBotApi, answerer, tmp_path, llm: ChatCompletionsStandIn, **extra):
    """The bot, polling the stand-in Bot API, with written answers from the stand-in model."""
    async with running_bot(bot_api, answerer, tmp_path, llm=llm_config(llm, **extra)) as bot:
        yield bot.store


def final_edit(bot_api: FakeBotApi) -> list:
    """The edits that carry the feedback buttons (the final text)."""
    return [c for c in bot_api.calls_to("editMessageText") if c.params.get("reply_markup")]


def spacing(calls: list) -> list[float]:
    """Seconds between consecutive calls."""
    return [later.at - earlier.at for earlier, later in zip(calls, calls[1:], strict=False)]


async def test_telegram_streams_one_written_answer_into_one_message(bot_api, answerer, tmp_path, llm):
    llm.script(STREAMED, piece_delay=0.1)
    async with telegram_bot(bot_api, answerer, tmp_path, llm) as store:
        bot_api.push(message=message(BRAND_SAFETY, chat_id=1001))
        [final] = await bot_api.wait_for(lambda: final_edit(bot_api), what="the final edit")
        [row] = store.questions()

    [live] = bot_api.sent(1001)
    edits = bot_api.calls_to("editMessageText")
    assert live.params["text"].endswith(" …") and STREAMED.startswith(live.params["text"][:-2])
    assert len(edits) >= 2 and edits[-1] is final  # text shown while written, then the final one
    assert all(e.params["message_id"] == live.result["message_id"] for e in edits)
    assert min(spacing([live, *edits])) >= 0.8  # about once a second at most
    problems, links = check_telegram_html(final.params["text"])
    assert problems == [] and final.params["parse_mode"] == "HTML"
    assert final.params["text"].startswith("Brand safety was presented as a new challenge")
    assert "<b>Sources:</b>\n[1, 2] <a href=" in final.params["text"]
    assert [href for href, _ in links] == [ai_session_url(answerer)]
    keyboard = final.params["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in keyboard] == [f"fb:{row['id']}:1", f"fb:{row['id']}:-1"]
    assert row["question"] == BRAND_SAFETY and AI_SESSION in row["sources"]
    [request] = llm.received()
    assert request.body["stream"] is True


async def test_telegram_sends_the_quoted_answer_when_the_model_stalls(bot_api, answerer, tmp_path, llm):
    # One checked sentence, then silence past the timeout.
    llm.script(pieces=["Brand safety matters [1]. Brands", " must react [2]."], piece_delay=5)
    async with telegram_bot(bot_api, answerer, tmp_path, llm, timeout=0.5) as store:
        bot_api.push(message=message(BRAND_SAFETY, chat_id=1002))
        [final] = await bot_api.wait_for(lambda: final_edit(bot_api), what="the final edit")
        [row] = store.questions()

    [live] = bot_api.sent(1002)
    assert live.params["text"] == "Brand safety matters [1]. …"
    assert final.params["text"].startswith("Here is what was said")
    assert "<blockquote>« " in final.params["text"]
    assert final.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"fb:{row['id']}:1"
    assert "went wrong" not in json.dumps([c.params for c in bot_api.calls])


async def test_telegram_sends_the_quoted_answer_when_the_model_fails(bot_api, answerer, tmp_path, llm):
    llm.script(WRITTEN, status=500)
    async with telegram_bot(bot_api, answerer, tmp_path, llm):
        bot_api.push(message=message(BRAND_SAFETY, chat_id=1003))
        [reply] = await bot_api.wait_sent(1003)

    assert reply.params["text"].startswith("Here is what was said")
    assert reply.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"].startswith("fb:")
    assert bot_api.calls_to("editMessageText") == []


async def test_telegram_tells_the_member_when_the_model_finds_no_answer(bot_api, answerer, tmp_path, llm):
    llm.script("NO_ANSWER", piece_delay=0.05)
    async with telegram_bot(bot_api, answerer, tmp_path, llm) as store:
        bot_api.push(message=message(BRAND_SAFETY, chat_id=1004))
        [reply] = await bot_api.wait_sent(1004)
        [row] = store.questions()

    assert reply.params["text"].startswith(say("declined", "en").split(":")[0])
    problems, links = check_telegram_html(reply.params["text"])
    assert problems == [] and ai_session_url(answerer) in [href for href, _ in links]
    assert bot_api.calls_to("editMessageText") == []  # nothing was shown while it was written
    assert row["answered"] == 0


# --- Slack: one message updated as the text arrives --------------------------------


@pytest.fixture
def slack_api() -> Iterator[SlackApiStandIn]:
    """The stand-in Web API."""
    with SlackApiStandIn(token=SLACK_TOKEN) as stand_in:
        yield stand_in


@pytest.fixture
def slack_store(tmp_path) -> Iterator[QuestionStore]:
    store = QuestionStore(tmp_path / "store.sqlite3", hash_key="test-key")
    yield store
    store.close()


@contextlib.contextmanager
def slack_app(answerer, slack_api, slack_store, llm: ChatCompletionsStandIn) -> Iterator[SlackSide]:
    """The real app over HTTP on 127.0.0.1, with written answers from the stand-in model."""
    with serving(answerer, slack_api, slack_store, llm=llm_config(llm)) as side:
        yield side


def test_slack_streams_one_written_answer_into_one_message(answerer, slack_api, slack_store, llm):
    llm.script(STREAMED, piece_delay=0.1)
    with slack_app(answerer, slack_api, slack_store, llm) as slack:
        slack.event(mention(BRAND_SAFETY, ts="500.000100"), event_id="EvW1")
        slack_api.wait_for("reactions.remove", timeout=30)  # removed once the final text is in

    [live] = slack_api.calls("chat.postMessage")
    updates = slack_api.calls("chat.update")
    assert live.params["thread_ts"] == "500.000100" and live.params["text"].endswith(" …")
    assert len(updates) >= 2 and min(spacing([live, *updates])) >= 0.8
    final = updates[-1].params
    assert final["channel"] == "C1" and all(u.params["ts"] == final["ts"] for u in updates)
    shown = payload_text(final)
    assert "Brand safety was presented as a new challenge" in shown and "[1, 2] <https://" in shown
    assert ai_session_url(answerer).replace("|", "%7C") in shown
    assert {"feedback_up", "feedback_down"} <= set(buttons(final))
    [row] = slack_store.questions()
    assert row["channel"] == "slack" and AI_SESSION in row["sources"]
    assert buttons(final)["feedback_up"]["value"] == f"{row['id']} en"


def test_slack_posts_the_quoted_answer_when_the_model_fails(answerer, slack_api, slack_store, llm):
    llm.script(WRITTEN, status=500)
    with slack_app(answerer, slack_api, slack_store, llm) as slack:
        slack.event(mention(BRAND_SAFETY, ts="600.000100"), event_id="EvW2")
        slack_api.wait_for("reactions.remove", timeout=30)

    [reply] = slack_api.calls("chat.postMessage")
    assert reply.params["text"].startswith("Here is what was said")
    assert {"feedback_up", "feedback_down"} <= set(buttons(reply.params))
    assert slack_api.calls("chat.update") == [] and "went wrong" not in payload_text(reply.params)


def test_slack_tells_the_member_when_the_model_finds_no_answer(answerer, slack_api, slack_store, llm):
    llm.script("NO_ANSWER")
    with slack_app(answerer, slack_api, slack_store, llm) as slack:
        slack.event(mention(BRAND_SAFETY, ts="610.000100"), event_id="EvW3")
        slack_api.wait_for("reactions.remove", timeout=30)

    [reply] = slack_api.calls("chat.postMessage")
    shown = payload_text(reply.params)
    assert say("declined", "en").split(":")[0] in shown and "Here is what was said" not in shown
    assert ai_session_url(answerer).replace("|", "%7C") in shown
    [row] = slack_store.questions()
    assert row["answered"] == 0


def test_slack_slash_command_answers_in_writing_privately(answerer, slack_api, slack_store, llm):
    llm.script(WRITTEN)
    with slack_app(answerer, slack_api, slack_store, llm) as slack:
        slack.command(BRAND_SAFETY, response_url=slack_api.response_url("w1"))
        [private] = slack_api.wait_for(RESPONSE_URL)

    assert private.params["response_type"] == "ephemeral"
    assert "Brand safety was presented" in payload_text(private.params)
    assert {"feedback_up", "share"} <= set(buttons(private.params))
    [request] = llm.received()
    assert not request.body.get("stream")
