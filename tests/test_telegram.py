"""The Telegram bot end to end: the real bot, its real polling loop (or webhook
server), the real index of the bundled archive, and a stand-in Bot API server
on 127.0.0.1 (tests/telegram_api.py) that records what the bot sends."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
from datetime import date

import httpx
import pytest

from smcbot.answering import Answerer, Quote
from smcbot.bots.conversation import ConversationCore, RateLimiter
from smcbot.bots.telegram import build_application, parse_feedback, run, webhook_options
from smcbot.bots.telegram_render import (
    MESSAGE_LIMIT,
    answer_messages,
    html_to_text,
    interface_language,
    split_messages,
)
from smcbot.errors import SettingsError
from smcbot.index import BuildOptions, build_index, load_index
from smcbot.logs import RedactSecrets, configure_logging
from smcbot.models import Answer, Article, SessionQuotes
from smcbot.services import open_store
from smcbot.settings import RetrievalSettings, load_settings
from smcbot.sources.ingest import read_sources
from smcbot.sources.manifest import load_manifest
from tests.conftest import SOURCES
from tests.helpers import leaks
from tests.helpers.local_server import free_port
from tests.helpers.telegram import (
    SENTINEL_QUESTION,
    TOKEN,
    bot_message,
    bot_settings,
    group_message,
    running_bot,
    sentinel,
    valid_html,
)
from tests.helpers.telegram_api import FakeBotApi, check_telegram_html, message, user

BRAND_SAFETY = "What was said about brand safety?"
BRAND_SAFETY_FR = "Qu'est-ce qui a été dit sur le brand safety ?"
AI_SESSION = "L’IA va-t-elle envahir les réseaux sociaux ?"
GROUP = -1001234
ADMIN = 9001


@pytest.fixture
def api():
    """The stand-in Bot API, on a free port of 127.0.0.1."""
    with FakeBotApi(TOKEN) as server:
        yield server


def ai_session_url(answerer) -> str:
    """The link of the session that answers brand-safety questions."""
    return next(a.url for a in answerer.index.articles.values() if AI_SESSION in a.title)


# --- conversations ----------------------------------------------------------------


async def test_private_question_gets_html_answer_with_source_link(api, answerer, tmp_path, caplog):
    caplog.set_level("INFO", logger="smcbot.answers")
    async with running_bot(api, answerer, tmp_path) as bot:
        question = message(BRAND_SAFETY, chat_id=1001)
        api.push(message=question)
        [reply] = await api.wait_sent(1001)
        [row] = bot.store.questions()

    links = valid_html(reply)
    text = reply.params["text"]
    assert text.startswith("Here is what was said")
    assert any(href == ai_session_url(answerer) and AI_SESSION in title for href, title in links)
    assert "<blockquote>« " in text and "brand safety" in text
    buttons = reply.params["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == [f"fb:{row['id']}:1", f"fb:{row['id']}:-1"]
    assert (row["question"], row["answered"], row["channel"]) == (BRAND_SAFETY, 1, "telegram")
    assert AI_SESSION in row["sources"]
    [line] = [r for r in caplog.records if r.name == "smcbot.answers"]
    assert line.channel == "telegram" and line.answered is True and line.latency_ms > 0
    assert BRAND_SAFETY not in line.getMessage()  # no message text unless SMCBOT_LOG_QUESTIONS


async def test_reply_in_the_askers_language_and_commands(api, answerer, tmp_path):
    async with running_bot(api, answerer, tmp_path):
        api.push(message=message(BRAND_SAFETY_FR, chat_id=1001, language="en"))
        api.push(message=message("/help", chat_id=1002, language="fr"))
        api.push(message=message("/start", chat_id=1003, language="en"))
        api.push(message=message("/recent", chat_id=1004, language="en"))
        api.push(message=message("/series", chat_id=1005, language="fr"))
        api.push(message=message("What's the weather in Paris tomorrow?", chat_id=1006))
        french, help_fr, help_en, recent, series, refusal = [
            (await api.wait_sent(chat))[0] for chat in range(1001, 1007)
        ]

    assert french.params["text"].startswith("Voici ce qui en a été dit")
    assert "Exemples" in help_fr.params["text"] and "/ask What was said" in help_fr.params["text"]
    assert "Examples" in help_en.params["text"] and "Qu'est-ce qui a été dit" in help_en.params["text"]
    assert "10 sessions" in help_en.params["text"] and "Cercle Dircoms" in help_en.params["text"]
    recent_links = valid_html(recent)
    assert len(recent_links) == 5 and all(href.startswith("https://") for href, _ in recent_links)
    assert "Cercle Dircoms — 2 session(s)" in series.params["text"]
    assert refusal.params["text"].startswith("I found nothing on")
    assert len(valid_html(refusal)) == 3  # the latest sessions, linked
    for call in (help_fr, help_en, series):
        valid_html(call)
    commands = api.calls_to("setMyCommands")
    assert {c.params.get("language_code") for c in commands} == {None, "fr"}
    assert [c["command"] for c in commands[0].params["commands"]] == [
        "ask",
        "new",
        "recent",
        "series",
        "help",
    ]


async def test_group_answers_only_when_addressed(api, answerer, tmp_path):
    async with running_bot(api, answerer, tmp_path):
        api.push(message=group_message("brand safety was the topic at lunch", user_id=502))
        api.push(message=group_message("@someone_else what about brand safety?", user_id=503))
        api.push(message=group_message("/ask@other_bot brand safety", user_id=503))
        mention = group_message(f"@smc_archive_bot {BRAND_SAFETY}", user_id=504)
        api.push(message=mention)
        [first] = await api.wait_sent(GROUP)
        follow_up = group_message("And what about employee advocacy?", reply_to=bot_message(first, GROUP, "supergroup"))
        api.push(message=follow_up)
        await api.wait_sent(GROUP, 2)
        api.push(message=group_message("/ask brand safety"))
        await api.wait_sent(GROUP, 3)
        api.push(message=group_message("ok thanks, back to work", user_id=504))
        await sentinel(api)

    replies = api.sent(GROUP)
    assert len(replies) == 3
    assert replies[0].params["reply_parameters"]["message_id"] == mention["message_id"]
    assert any(AI_SESSION in title for _, title in valid_html(replies[0]))
    assert replies[1].params["reply_parameters"]["message_id"] == follow_up["message_id"]
    assert "Employee advocacy" in replies[1].params["text"]


async def test_slow_question_does_not_hold_up_another_chat(api, answerer, tmp_path):
    held = "What was said about brand safety, slowly?"
    gate = threading.Event()

    class GatedAnswerer(Answerer):
        """The real answerer, kept waiting on one question until the test opens the gate."""

        def answer(self, question, filters=None):
            if question == held:
                gate.wait(timeout=30)
            return super().answer(question, filters)

    gated = GatedAnswerer(answerer.index, answerer.embedder, answerer.settings)
    async with running_bot(api, gated, tmp_path):
        api.push(message=message(held, chat_id=2001))
        [typing] = await api.wait_for(lambda: api.calls_to("sendChatAction"))  # a slow answer shows "typing…"
        assert typing.params == {"chat_id": 2001, "action": "typing"}
        api.push(message=message(BRAND_SAFETY, chat_id=2002))
        await api.wait_sent(2002)
        assert api.sent(2001) == []
        gate.set()
        await api.wait_sent(2001)


async def test_under_a_burst_the_first_reply_leaves_before_the_last_question_is_answered(answerer, tmp_path):
    """Replies go out as their answers are ready, not together once the burst is done:
    when the first reply reaches Telegram, questions of the burst are still unanswered
    (the bot records each question when it is answered, before sending its reply)."""
    members = 30
    answered_at_each_reply: list[int] = []

    class CountingBotApi(FakeBotApi):
        """The stand-in Bot API, noting how many questions were answered when each reply came."""

        answered = None  # counts the bot's recorded questions

        def _api_sendMessage(self, params):
            if self.answered is not None:
                answered_at_each_reply.append(self.answered())
            return super()._api_sendMessage(params)

    with CountingBotApi(TOKEN) as api, contextlib.closing(open_store(bot_settings(api, tmp_path))) as store:
        api.answered = lambda: len(store.questions())
        # Queued before the bot polls: its first getUpdates brings the whole burst at once.
        api.push_burst([{"message": message(BRAND_SAFETY, chat_id=5000 + n, user_id=5000 + n)} for n in range(members)])
        async with running_bot(api, answerer, tmp_path, store=store):
            await api.wait_for(lambda: len(api.sent()) >= members, timeout=120, what="a reply to every member")
    assert len(answered_at_each_reply) == members
    assert answered_at_each_reply[0] < members


# --- long answers and formatting failures ---------------------------------------------


def long_answer(sessions: int = 12, quotes: int = 3) -> tuple[Answer, list[list[Quote]]]:
    """A constructed answer of many sessions, with characters that must be escaped."""
    cited, all_quotes = [], []
    for n in range(sessions):
        article = Article(
            title=f"Session #{n} « Tips & <tricks> » : influence",
            date=date(2019, 1 + n % 12, 1),
            url=f"https://socialmediaclub.fr/2019/session-{n}/?a=1&b=2",
        )
        cited.append(SessionQuotes(article, [], 1.0))
        text = f"Quote {n}: brands <b>must</b> & should * _care_ about reach. " * 7
        all_quotes.append([Quote(text, "Jane Doe, CMO (Brand & Co)", "body")] * quotes)
    answer = Answer(
        question="q",
        answered=True,
        text="",
        language="en",
        sessions=cited,
        lead="Here is what was said about it, from 12 sessions:",
    )
    return answer, all_quotes


def test_long_answer_splits_on_paragraphs_into_valid_html():
    answer, quotes = long_answer()
    parts = answer_messages(answer, quotes)
    assert sum(len(p) for p in parts) > 6000
    assert len(parts) >= 2
    links = []
    for part in parts:
        assert len(part) <= MESSAGE_LIMIT < 4096
        problems, found = check_telegram_html(part)
        assert problems == []
        assert part.startswith(("Here is", "■ "))  # cut between paragraphs only
        links += found
    assert [href for href, _ in links] == [s.article.url for s in answer.sessions]
    assert "&lt;tricks&gt;" in parts[0] and "<b>must</b>" not in "".join(parts)
    assert "— <i>Jane Doe, CMO (Brand &amp; Co)</i></blockquote>" in parts[0]


def test_one_huge_paragraph_is_cut_between_its_pieces():
    answer, quotes = long_answer(sessions=1, quotes=25)
    parts = answer_messages(answer, quotes)
    assert len(parts) >= 3
    for part in parts:
        assert len(part) <= MESSAGE_LIMIT
        assert check_telegram_html(part)[0] == []


def test_split_keeps_short_replies_whole_and_plain_text_keeps_links():
    assert split_messages([["a", "b"], ["c"]]) == ["a\nb\n\nc"]
    html = '■ <a href="https://x.org/?a=1&amp;b=2">Tips &amp; &lt;tricks&gt;</a>\n<blockquote>« hi »</blockquote>'
    assert html_to_text(html) == "■ Tips & <tricks> (https://x.org/?a=1&b=2)\n« hi »"


async def test_long_answer_through_the_bot_arrives_in_parts(api, bundled_index_dir, real_embedder, tmp_path):
    wide = RetrievalSettings(
        max_sessions=10, quotes_per_session=10, session_ratio=0.0, min_coverage=0, min_evidence=0, min_preference_gap=1
    )
    index = load_index(bundled_index_dir, model=real_embedder.name)
    generous = Answerer(index, real_embedder, wide)
    async with running_bot(api, generous, tmp_path):
        api.push(message=message("réseaux sociaux marques influenceurs communication", chat_id=3001))
        await api.wait_for(lambda: any("reply_markup" in c.params for c in api.sent(3001)))
        parts = api.sent(3001)

    assert sum(len(p.params["text"]) for p in parts) > 6000
    for part in parts[:-1]:
        valid_html(part)
        assert "reply_markup" not in part.params
    assert "inline_keyboard" in parts[-1].params["reply_markup"]
    assert len({link for part in parts for link in valid_html(part)}) >= 5


async def test_unparseable_html_is_resent_as_plain_text(api, answerer, tmp_path):
    api.fail_next("sendMessage", 400, 'Bad Request: can\'t parse entities: Unsupported start tag "br"')
    async with running_bot(api, answerer, tmp_path):
        api.push(message=message(BRAND_SAFETY, chat_id=1001))
        [plain] = await api.wait_sent(1001)

    refused, resent = api.calls_to("sendMessage")
    assert refused.status == 400 and refused.params["parse_mode"] == "HTML"
    assert resent is plain and "parse_mode" not in plain.params
    assert f"{AI_SESSION} ({ai_session_url(answerer)})" in plain.params["text"]
    assert "<blockquote>" not in plain.params["text"] and "« " in plain.params["text"]
    assert plain.params["reply_markup"] == refused.params["reply_markup"]


async def test_flood_control_is_waited_out(api, answerer, tmp_path):
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    async with running_bot(api, answerer, tmp_path):
        api.push(message=message(BRAND_SAFETY, chat_id=1001))
        [sent] = await api.wait_sent(1001)

    limited, resent = api.calls_to("sendMessage")
    assert limited.status == 429 and resent is sent
    assert resent.at - limited.at >= 1.0
    assert resent.params["text"] == limited.params["text"]


# --- access, reload, feedback, limits ----------------------------------------------------


async def test_allow_lists_refuse_others_politely(api, answerer, tmp_path):
    lists = {"allowed_chat_ids": [1001, GROUP], "allowed_user_ids": [777]}
    async with running_bot(api, answerer, tmp_path, **lists) as bot:
        api.push(message=message(BRAND_SAFETY, chat_id=1002, user_id=502))
        api.push(message=message(BRAND_SAFETY, chat_id=1001, user_id=501))
        api.push(message=message(BRAND_SAFETY, chat_id=1003, user_id=777))
        api.push(message=message("/ask brand safety", chat_id=-100999, chat_type="group", user_id=503))
        api.push(message=message("brand safety chatter", chat_id=-100998, chat_type="group", user_id=503))
        api.push(callback_query={"id": "cb1", "from": user(502), "chat_instance": "x", "data": "fb:1:1"})
        [refused] = await api.wait_sent(1002)
        await api.wait_sent(1001)
        await api.wait_sent(1003)
        [group_refusal] = await api.wait_sent(-100999)
        await api.wait_for(lambda: api.calls_to("answerCallbackQuery"))
        await sentinel(api)
        questions = bot.store.questions()

    assert refused.params["text"] == "Sorry, this bot is reserved for Social Media Club members."
    assert group_refusal.params["text"] == refused.params["text"]
    assert api.sent(-100998) == []
    assert len(questions) == 2  # refused askers are not recorded
    [ack] = api.calls_to("answerCallbackQuery")
    assert ack.params == {"callback_query_id": "cb1", "text": refused.params["text"]}


def rebuilt_with(index_dir, embedder, takeaway: str) -> str:
    """Rebuild the index with one extra session; returns the new build id."""
    articles = read_sources(load_manifest(SOURCES))
    articles.append(
        Article(
            title="Session test : les licornes sur les réseaux sociaux",
            date=date(2019, 9, 1),
            url="https://socialmediaclub.fr/2019/09/01/licornes/",
            takeaways=[takeaway],
            body="Les licornes du numérique publient des stories et des lives chaque semaine.",
        )
    )
    build_index(articles, index_dir=index_dir, embedder=embedder, options=BuildOptions())
    return load_index(index_dir, model=embedder.name).build_id


async def test_reload_by_admin_swaps_index_and_keeps_old_when_broken(api, index_copy, real_embedder, tmp_path):
    own = Answerer(
        load_index(index_copy, model=real_embedder.name),
        real_embedder,
        RetrievalSettings(),
        index_dir=index_copy,
    )
    old_build = own.index.build_id
    async with running_bot(api, own, tmp_path, admin_ids=[ADMIN]):
        new_build = await asyncio.to_thread(
            rebuilt_with, index_copy, real_embedder, "Les licornes préfèrent les stories Instagram."
        )
        api.push(message=message("/reload", chat_id=4001, user_id=502))
        [denied] = await api.wait_sent(4001)
        assert own.index.build_id == old_build

        api.push(message=message("/reload", chat_id=4002, user_id=ADMIN))
        [reloaded] = await api.wait_sent(4002)
        assert own.index.build_id == new_build != old_build

        api.push(message=message("Que disent les licornes sur les stories Instagram ?", chat_id=4003))
        [licornes] = await api.wait_sent(4003)

        await asyncio.to_thread(rebuilt_with, index_copy, real_embedder, "Les licornes adorent TikTok.")
        (index_copy / "current" / "dense.faiss").write_bytes(b"not a faiss index")
        api.push(message=message("/reload", chat_id=4004, user_id=ADMIN))
        [broken] = await api.wait_sent(4004)
        assert own.index.build_id == new_build

    assert denied.params["text"] == "Only the bot's administrators can reload the index."
    assert reloaded.params["text"] == f"Index reloaded: 11 sessions (build {new_build})."
    assert "https://socialmediaclub.fr/2019/09/01/licornes/" in dict(valid_html(licornes))
    assert broken.params["text"].startswith("The new index was refused; the old one stays in use:")


async def test_feedback_buttons_land_in_the_store(api, answerer, tmp_path):
    async with running_bot(api, answerer, tmp_path) as bot:
        api.push(message=message(BRAND_SAFETY, chat_id=1001, user_id=501))
        [answer] = await api.wait_sent(1001)
        up, down = [b["callback_data"] for b in answer.params["reply_markup"]["inline_keyboard"][0]]
        shown = bot_message(answer, 1001)
        clicks = [("c1", 501, up, "en"), ("c2", 501, down, "fr"), ("c3", 502, up, "en")]
        clicks += [("c4", 501, "fb:99999:1", "en"), ("c5", 501, "something-else", "en")]
        for number, (query_id, user_id, data, language) in enumerate(clicks, start=1):
            query = {"id": query_id, "from": user(user_id, language), "chat_instance": "x"}
            api.push(callback_query={**query, "message": shown, "data": data})
            await api.wait_for(lambda n=number: len(api.calls_to("answerCallbackQuery")) == n)
        [row] = bot.store.questions()

    acks = {c.params["callback_query_id"]: c.params.get("text") for c in api.calls_to("answerCallbackQuery")}
    assert acks == {
        "c1": "Thanks for your feedback!",
        "c2": "Merci pour votre retour !",
        "c3": "Thanks for your feedback!",
        "c4": "This question is no longer on record.",
        "c5": None,
    }
    assert (row["votes"], row["rating"]) == (2, 0)  # 501 changed to 👎, 502 said 👍


async def test_rate_limit_answers_kindly(api, answerer, tmp_path):
    async with running_bot(api, answerer, tmp_path, rate_limit_per_minute=2) as bot:
        for _ in range(3):
            count = len(api.sent(1001)) + 1
            api.push(message=message(BRAND_SAFETY, chat_id=1001, user_id=501))
            await api.wait_sent(1001, count)
        api.push(message=message(BRAND_SAFETY, chat_id=1002, user_id=502))
        await api.wait_sent(1002)
        questions = bot.store.questions()

    third = api.sent(1001)[2].params["text"]
    assert third.startswith("Easy there 🙂") and "Try again in" in third
    assert len(questions) == 3


# --- bad input and failures -----------------------------------------------------------


async def test_bad_input_gets_a_sensible_reply_or_silence(api, answerer, tmp_path):
    sticker = {
        "file_id": "s1", "file_unique_id": "u1", "type": "regular",
        "width": 512, "height": 512, "is_animated": False, "is_video": False,
    }  # fmt: skip
    photo = [{"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90}]
    html_question = "<b>What</b> was said about *brand safety* & <script>alert(1)</script>?"
    async with running_bot(api, answerer, tmp_path) as bot:
        api.push(message=message("/ask", chat_id=5001))
        api.push(message=message("/ask    ", chat_id=5002, language="fr"))
        api.push(message=message("x" * 10_000, chat_id=5003))
        api.push(message=message(html_question, chat_id=5004))
        api.push(message=message("?!? …", chat_id=5005))
        api.push(message=message(None, chat_id=5006, sticker=sticker))
        api.push(message=message(None, chat_id=5007, photo=photo))
        api.push(message=message("/frobnicate", chat_id=5008))
        api.push(message=group_message("@smc_archive_bot", chat_id=-5009))
        replies = {chat: (await api.wait_sent(chat))[0].params for chat in range(5001, 5009)}
        replies[-5009] = (await api.wait_sent(-5009))[0].params
        # What must be met with silence:
        api.push(edited_message=message(BRAND_SAFETY, chat_id=5010, edit_date=1_700_000_100))
        channel = {"id": -5011, "type": "channel", "title": "SMC news"}
        api.push(
            channel_post={
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": channel,
                "text": BRAND_SAFETY,
            }
        )
        api.push(message=group_message(None, chat_id=-5012, sticker=sticker))
        from_channel = group_message("@smc_archive_bot brand safety?", chat_id=-5013, sender_chat=channel)
        api.push(message=from_channel)
        await sentinel(api)
        recorded = bot.store.questions()

    assert "/ask What was said about brand safety?" in replies[5001]["text"]
    assert "Posez votre question" in replies[5002]["text"]
    assert replies[5003]["text"].startswith("Your question is too long (10000 characters)")
    assert "<script>" not in replies[5004]["text"] and valid_html(api.sent(5004)[0])
    assert replies[5005]["text"].startswith("I found nothing to search for")
    assert replies[5006]["text"] == replies[5007]["text"]
    assert replies[5006]["text"].startswith("I only read written questions")
    assert replies[5008]["text"] == "I don't know that command. See /help."
    assert "Put your question after the command" in replies[-5009]["text"]
    for chat in (5010, -5011, -5012, -5013):
        assert api.sent(chat) == []
    assert [r["question"] for r in recorded] == [html_question, SENTINEL_QUESTION]
    assert all(call.status == 200 for call in api.calls_to("sendMessage"))


async def test_unexpected_error_is_logged_and_the_user_told(api, answerer, tmp_path, caplog):
    api.fail_next("sendMessage", 400, "Bad Request: message is too long")  # refused: sending again won't help
    with caplog.at_level(logging.ERROR, logger="smcbot.bots.telegram"):
        async with running_bot(api, answerer, tmp_path) as bot:
            api.push(message=message(BRAND_SAFETY, chat_id=1001))
            [told] = await api.wait_sent(1001)
            [row] = bot.store.questions()

    assert told.params["text"] == "Sorry, something went wrong on my side. Please try again in a moment."
    [record] = [r for r in caplog.records if r.message == "Error while handling an update"]
    assert record.exc_info is not None and "too long" in str(record.exc_info[1])
    assert row["answered"] == 0  # the member never got the answer


async def test_polling_survives_network_errors_and_keeps_the_token_out_of_logs(api, answerer, tmp_path, capsys):
    configure_logging(load_settings(telegram={"token": TOKEN}, log_level="DEBUG"))
    try:
        api.fail_next("getUpdates", 502, "Bad Gateway")
        async with running_bot(api, answerer, tmp_path):
            api.push(message=message(BRAND_SAFETY, chat_id=1001))
            await api.wait_sent(1001, timeout=20)
    finally:
        logs = capsys.readouterr().err
        configure_logging(load_settings())

    assert len([c for c in api.calls_to("getUpdates") if c.status == 502]) == 1
    assert "getUpdates" in logs  # debug logging really was on
    assert TOKEN not in logs and TOKEN.split(":")[1] not in logs


def test_token_is_redacted_from_log_records():
    redact = RedactSecrets([TOKEN])
    try:
        raise RuntimeError(f"POST http://x/bot{TOKEN}/getMe failed")
    except RuntimeError as error:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "url %s", (f"/bot{TOKEN}/",), None)
        record.exc_info = (type(error), error, error.__traceback__)
    assert redact.filter(record)
    assert TOKEN not in record.getMessage() and "<secret>" in record.getMessage()
    assert TOKEN not in record.exc_text


async def test_webhook_mode_sets_the_webhook_and_checks_its_secret(api, answerer, tmp_path):
    port = free_port()
    settings = bot_settings(
        api,
        tmp_path,
        webhook_url="https://bot.example.org/telegram/hook",
        webhook_port=port,
        webhook_listen="127.0.0.1",
        webhook_secret="s3cret-Token_1",
    )
    store = open_store(settings)
    core = ConversationCore(settings, answerer=answerer, store=store)
    application = build_application(core)
    update = {"update_id": 1, "message": message(BRAND_SAFETY, chat_id=6001)}
    async with application:
        await application.start()
        await application.updater.start_webhook(**webhook_options(settings.telegram))
        async with httpx.AsyncClient(trust_env=False) as client:
            url = f"http://127.0.0.1:{port}/telegram/hook"
            forged = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "no"})
            genuine = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"})
            [answer] = await api.wait_sent(6001)
        await application.updater.stop()
        await application.stop()
    core.close()
    store.close()

    assert (forged.status_code, genuine.status_code) == (403, 200)
    [webhook] = api.calls_to("setWebhook")
    assert webhook.params["url"] == "https://bot.example.org/telegram/hook"
    assert webhook.params["secret_token"] == "s3cret-Token_1"
    assert webhook.params["allowed_updates"] == ["message", "callback_query"]
    assert any(AI_SESSION in title for _, title in valid_html(answer))


# --- small pure parts -------------------------------------------------------------------


def test_rate_limiter_window_slides():
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.wait_time(1) == 0 and limiter.wait_time(1) == 0
    now[0] = 20.0
    assert limiter.wait_time(1) == pytest.approx(40.0)
    assert limiter.wait_time(2) == 0  # another member is not held up
    now[0] = 60.0
    assert limiter.wait_time(1) == 0


def test_feedback_data_and_interface_language():
    assert parse_feedback("fb:12:1") == (12, 1)
    assert parse_feedback("fb:12:-1") == (12, -1)
    assert parse_feedback("fb:12:5") is None and parse_feedback(None) is None
    assert [interface_language(c) for c in ("fr-CA", "en", "de", None)] == ["fr", "en", "en", "fr"]


# --- the command line -------------------------------------------------------------------


def test_missing_token_is_one_clear_error(tmp_path):
    settings = load_settings(telegram={"token": None}, store={"path": tmp_path / "q.sqlite3"})
    with pytest.raises(SettingsError, match="SMCBOT_TELEGRAM__TOKEN is not set"):
        run(settings)


async def test_smcbot_telegram_command_polls_answers_and_stops_on_ctrl_c(api, bundled_index_dir, tmp_path):
    environment = {
        **os.environ,
        "SMCBOT_TELEGRAM__TOKEN": TOKEN,
        "SMCBOT_TELEGRAM__BASE_URL": api.base_url,
        "SMCBOT_INDEX_DIR": str(bundled_index_dir),
        "SMCBOT_STORE__PATH": str(tmp_path / "questions.sqlite3"),
        "SMCBOT_LOG_LEVEL": "INFO",
        "HF_HUB_OFFLINE": "1",
    }
    command = [sys.executable, "-m", "smcbot", "telegram"]
    bot = subprocess.Popen(command, cwd=tmp_path, env=environment, stderr=subprocess.PIPE, text=True)
    try:
        api.push(message=message(BRAND_SAFETY, chat_id=7001))
        [answer] = await api.wait_sent(7001, timeout=90)
        await api.wait_for(lambda: api.calls_to("setMyCommands"))
    finally:
        bot.send_signal(signal.SIGINT)
        _, stderr = bot.communicate(timeout=30)
        leaks.add(stderr)

    assert bot.returncode == 0, stderr
    assert any(AI_SESSION in title for _, title in valid_html(answer))
    assert "Polling Telegram" in stderr
    assert TOKEN not in stderr and TOKEN.split(":")[1] not in stderr
