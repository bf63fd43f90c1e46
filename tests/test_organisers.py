"""The organisers' tools: the report (terminal and HTML in a real headless Chromium),
`smcbot doctor` against stand-in Telegram and Slack servers, privacy (retention,
forgetting a member, hashed identifiers) and the answer log lines.

The question store is filled the way the bots fill it: `record_question` with
real answers from the bundled archive, and `record_feedback`.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import os
import re
import shutil
import socket
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import numpy as np
import pytest
from typer.testing import CliRunner

from smcbot.cli import app
from smcbot.doctor import (
    all_passed,
    check_index,
    check_language_resources,
    check_model,
    check_second_opinion,
    check_settings,
    check_slack,
    check_store,
    check_telegram,
    check_written_answers,
    run_checks,
)
from smcbot.errors import SmcbotError
from smcbot.logs import configure_logging, log_answer
from smcbot.privacy import RetentionSchedule, apply_retention
from smcbot.report import ANSWERED_COLOUR, UNANSWERED_COLOUR, build_report, render_html
from smcbot.settings import load_settings
from smcbot.store import QuestionStore
from tests.helpers.cli import ROOT, run_cli
from tests.helpers.local_server import LocalServer

HASH_KEY = "organisers-test-key"
TELEGRAM_TOKEN = "4242:AAtelegram-test-token"
SLACK_TOKEN = "xoxb-slack-test-token"
AI_SESSION = "L’IA va-t-elle envahir les réseaux sociaux ?"
BRAND_SAFETY = "What was said about brand safety?"
WEATHER = "What's the weather in Paris tomorrow?"
WEATHER_AGAIN = "Weather in Paris tomorrow?"
AMBASSADORS = "How can employees become brand ambassadors on social media?"
AI_MODERATION = "Is AI fully autonomous when it moderates social networks?"
BRAND_SAFETY_FR = "Qu'est-ce qui a été dit sur le brand safety ?"
RESTAURANT = "Quel est le meilleur restaurant de Lyon ?"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


class Clock:
    """A clock the test moves by hand; the store reads the time from it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def answers(answerer) -> dict:
    """Real answers from the bundled archive, computed once."""
    questions = (BRAND_SAFETY, WEATHER, WEATHER_AGAIN, AMBASSADORS, AI_MODERATION, BRAND_SAFETY_FR, RESTAURANT)
    return {question: answerer.answer(question) for question in questions}


@pytest.fixture
def store_path(tmp_path) -> Path:
    return tmp_path / "data" / "questions.sqlite3"


WEEK_1 = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=21)
WEEK_3 = WEEK_1 + timedelta(days=14)
ALICE, BOB = 700100101, 700100202  # Telegram members
CAROL, DAN = "U0SMCCAROL", "U0SMCDAN"  # Slack members


@pytest.fixture
def clock() -> Clock:
    return Clock(WEEK_1)


@pytest.fixture
def filled_store(store_path, answers, clock):
    """Questions over three weeks (the middle one empty) on both channels, with votes.

    Week 1 (21 days ago): telegram Alice asks about brand safety (👍 from Bob),
    slack Carol asks about the weather (refused), telegram Bob about brand
    ambassadors and gives it 👎. Week 3 (7 days ago): Alice in French about
    brand safety, slack Dan about the weather in other words, Carol about AI
    moderation (👎 from Dan, 👍 from Carol).
    """
    store = QuestionStore(store_path, hash_key=HASH_KEY, clock=clock)

    def ask(channel: str, user: str | int, question: str) -> int:
        clock.now += timedelta(minutes=5)
        chat = user if channel == "telegram" else "C42"
        return store.record_question(
            channel=channel, user_id=user, chat_id=chat, answer=answers[question], latency_ms=400.0
        )

    brand = ask("telegram", ALICE, BRAND_SAFETY)
    store.record_feedback(question_id=brand, channel="telegram", user_id=BOB, rating=1)
    ask("slack", CAROL, WEATHER)
    ambassadors = ask("telegram", BOB, AMBASSADORS)
    store.record_feedback(question_id=ambassadors, channel="telegram", user_id=BOB, rating=-1)
    clock.now = WEEK_3
    ask("telegram", ALICE, BRAND_SAFETY_FR)
    ask("slack", DAN, WEATHER_AGAIN)
    moderation = ask("slack", CAROL, AI_MODERATION)
    store.record_feedback(question_id=moderation, channel="slack", user_id=DAN, rating=-1)
    store.record_feedback(question_id=moderation, channel="slack", user_id=CAROL, rating=1)
    yield store
    store.close()


def env_for(store_path: Path, **more: str) -> dict[str, str]:
    """Environment for the command line: this test's store and key, plain output."""
    return {
        "SMCBOT_STORE__PATH": str(store_path),
        "SMCBOT_STORE__HASH_KEY": HASH_KEY,
        "NO_COLOR": "1",
        "COLUMNS": "200",
        **more,
    }


def invoke(*args: str, env: dict[str, str]):
    """Run the command line in this process (the model, once loaded, stays loaded)."""
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No .env or config/settings.toml from the checkout, a wide terminal, logging restored after."""
    from rich.console import Console

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("smcbot.cli.out", Console(width=200, no_color=True))
    monkeypatch.setattr("smcbot.cli.err", Console(width=200, no_color=True, stderr=True))
    for name in [n for n in os.environ if n.startswith("SMCBOT_")]:
        monkeypatch.delenv(name)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


# --- the report -----------------------------------------------------------------------


def test_the_answers_used_are_what_the_archive_gives(answers):
    """The store is filled with real answers: the on-topic ones answered, the others refused."""
    assert answers[BRAND_SAFETY].answered and AI_SESSION in answers[BRAND_SAFETY].sources[0].title
    assert answers[AMBASSADORS].answered and answers[AI_MODERATION].answered
    assert not answers[WEATHER].answered and not answers[WEATHER_AGAIN].answered


def test_report_counts_weeks_channels_topics_gaps_and_dislikes(filled_store):
    report = build_report(filled_store.questions())

    assert (report.total, report.answered, report.askers) == (6, 4, 4)
    assert (report.upvotes, report.downvotes) == (2, 2)
    assert [(w.answered, w.unanswered) for w in report.weeks] == [(2, 1), (0, 0), (2, 1)]
    assert all(w.start.weekday() == 0 for w in report.weeks)
    assert [(c.channel, c.questions, c.answered, c.askers) for c in report.channels] == [
        ("slack", 3, 1, 2),
        ("telegram", 3, 3, 2),
    ]
    assert ("brand", 3) in report.top_words and ("safety", 2) in report.top_words
    assert AI_SESSION in report.top_sessions[0].title
    assert report.top_sessions[0].url.startswith("https://")
    # The weather, asked twice in other words, is one gap asked twice, shown in its latest wording.
    assert [(g.question, g.count, sorted(g.channels)) for g in report.gaps] == [(WEATHER_AGAIN, 2, ["slack"])]
    assert ("weather", 2) in report.gap_words
    disliked = {d.question: d for d in report.disliked}
    assert set(disliked) == {AMBASSADORS, AI_MODERATION}
    assert (disliked[AI_MODERATION].downvotes, disliked[AI_MODERATION].upvotes) == (1, 1)
    assert AI_SESSION in disliked[AI_MODERATION].sources[0]["title"]


def test_report_since_a_day_keeps_the_later_questions(filled_store, store_path):
    since = (WEEK_3 - timedelta(days=3)).date()
    result = invoke("report", "--since", since.isoformat(), env=env_for(store_path))

    assert result.exit_code == 0, result.output
    assert f"3 questions since {since.isoformat()}" in result.output
    # Week 3's gap and dislike are listed; week 1's are not.
    assert WEATHER_AGAIN in result.output and AI_MODERATION in result.output
    assert WEATHER not in result.output and AMBASSADORS not in result.output


def test_report_in_the_terminal(filled_store, store_path):
    result = invoke("report", env=env_for(store_path))

    assert result.exit_code == 0, result.output
    out = result.output
    assert "6 questions all questions recorded" in out and "4 answered (67%)" in out
    for heading in (
        "Questions per week",
        "Per channel",
        "Most asked topics",
        "Most cited sessions",
        "Content gaps",
        "Answers marked 👎",
    ):
        assert heading in out
    assert WEATHER_AGAIN in out and AI_SESSION in out and AMBASSADORS in out


def test_report_over_an_empty_period_says_so(filled_store, store_path, tmp_path):
    page = tmp_path / "empty.html"
    result = invoke("report", "--since", "2099-01-01", "--html", str(page), env=env_for(store_path))

    assert result.exit_code == 0
    assert "No questions were asked since 2099-01-01." in result.output
    assert "No questions were asked since 2099-01-01." in page.read_text()
    assert "<svg" not in page.read_text()


def test_report_without_a_store_says_so_and_creates_none(store_path):
    result = invoke("report", env=env_for(store_path))

    assert result.exit_code == 0
    assert "no question store" in result.output and "No questions recorded yet" in result.output
    assert not store_path.exists()


def test_report_on_a_damaged_store_sets_it_aside_and_says_so(store_path):
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"SQLite format 3\x00" + b"this is a damaged database" * 100)

    result = invoke("report", env=env_for(store_path))

    assert result.exit_code == 0
    assert "damaged: set aside as" in result.output and "No questions recorded yet" in result.output
    [aside] = store_path.parent.glob("questions.sqlite3.corrupt-*")
    assert aside.read_bytes().startswith(b"SQLite format 3\x00this is a damaged database")


def test_report_to_an_unwritable_file_is_one_line(filled_store, store_path, tmp_path):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(SmcbotError, match="cannot write .*a-file/report.html"):
        invoke("report", "--html", str(tmp_path / "a-file" / "report.html"), env=env_for(store_path))


def test_report_with_a_bad_date_is_one_line(store_path):
    result = invoke("report", "--since", "last week", env=env_for(store_path))

    assert result.exit_code == 2 and "is not a date; use YYYY-MM-DD" in result.output


def test_html_page_is_self_contained_and_escapes_what_members_typed(store_path, answers):
    store = QuestionStore(store_path, hash_key=HASH_KEY)
    hostile = dataclasses.replace(answers[WEATHER], question='<script>alert("x")</script>')
    store.record_question(channel="telegram", user_id=1, chat_id=1, answer=hostile, latency_ms=10)
    page = render_html(build_report(store.questions()))
    store.close()

    assert "<script" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    for remote in ("src=", "<link", "@import"):
        assert remote not in page
    assert not re.search(r"url\((?!#)", page)  # only the SVGs' own clip paths
    assert page.count("<svg") == 2


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by chromedriver, cut off from every network but loopback."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("needs Debian's chromium and chromium-driver (scripts/test.sh installs them as root)")
    os.environ.setdefault("SE_AVOID_STATS", "true")  # Selenium must not phone home
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-domain-reliability",
        "--disable-client-side-phishing-detection",
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--window-size=1200,2400",
    ):
        options.add_argument(flag)
    profile = Path(os.environ.get("TMPDIR", "/tmp")) / f"smcbot-chromium-{os.getpid()}"
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def coloured_pixels(png: bytes, colour: str) -> int:
    """How many pixels of a PNG are (nearly) the given #rrggbb colour."""
    from PIL import Image

    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    return int((np.abs(pixels - target).max(axis=2) <= 12).sum())


def test_html_report_renders_its_charts_in_headless_chromium(filled_store, store_path, tmp_path, browser):
    page = tmp_path / "out" / "report.html"
    result = invoke("report", "--html", str(page), env=env_for(store_path))
    assert result.exit_code == 0 and page.is_file()

    browser.get(page.as_uri())

    assert browser.title.startswith("smcbot report")
    charts = browser.execute_script(
        "return [...document.querySelectorAll('figure.chart svg')].map(svg => {"
        "  const box = svg.getBoundingClientRect();"
        "  return {id: svg.parentElement.id, width: box.width, height: box.height,"
        "          paths: svg.querySelectorAll('path').length, label: svg.getAttribute('aria-label')}; })"
    )
    assert [chart["id"] for chart in charts] == ["chart-weeks", "chart-answered"]
    for chart in charts:
        assert chart["width"] > 300 and chart["height"] > 100 and chart["paths"] > 10 and chart["label"]
    # Nothing was fetched: the page carries everything it shows.
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    # The bars are really painted, in both colours, in each chart.
    for chart_id in ("chart-weeks", "chart-answered"):
        shot = browser.find_element("id", chart_id).screenshot_as_png
        assert coloured_pixels(shot, ANSWERED_COLOUR) > 500, chart_id
        assert coloured_pixels(shot, UNANSWERED_COLOUR) > 200, chart_id
    text = browser.find_element("tag name", "main").text
    assert WEATHER_AGAIN in text and AI_SESSION in text and "67%" in text
    link = browser.find_element("partial link text", AI_SESSION)
    assert link.get_attribute("href").startswith("https://")


# --- doctor ---------------------------------------------------------------------------


class TokenServer(LocalServer):
    """Plays Telegram's `getMe` and Slack's `auth.test` on 127.0.0.1, port 0.

    The good tokens are accepted; any other is refused the way the real APIs do:
    Telegram with a 401 `{"ok": false, "error_code": 401, "description": "Unauthorized"}`,
    Slack with `{"ok": false, "error": "invalid_auth"}`, under HTTP 200 (as Slack
    does) or 401 when `slack_status` says so.
    """

    def __init__(self, *, slack_status: int = 200) -> None:
        self.slack_status = slack_status
        self.calls: list[str] = []
        super().__init__(self._handler())

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._route()

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._route()

            def _route(self) -> None:
                if self.path.startswith("/bot") and self.path.endswith("/getMe"):
                    server.calls.append("getMe")
                    token = self.path[len("/bot") : -len("/getMe")]
                    if token == TELEGRAM_TOKEN:
                        self._send(
                            200,
                            {
                                "ok": True,
                                "result": {
                                    "id": 4242,
                                    "is_bot": True,
                                    "first_name": "SMC",
                                    "username": "smc_archive_bot",
                                },
                            },
                        )
                    else:
                        self._send(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                elif self.path == "/api/auth.test":
                    server.calls.append("auth.test")
                    if self.headers.get("Authorization") == f"Bearer {SLACK_TOKEN}":
                        self._send(
                            200,
                            {
                                "ok": True,
                                "team": "SMC France",
                                "user": "smcbot",
                                "team_id": "T1",
                                "user_id": "UBOT",
                                "bot_id": "BBOT",
                            },
                        )
                    else:
                        self._send(server.slack_status, {"ok": False, "error": "invalid_auth"})
                else:
                    self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the test output stays readable."""

        return Handler


def doctor_env(index_dir: Path, store_path: Path, server: TokenServer, **more: str) -> dict[str, str]:
    """Everything set and pointing at the stand-in server."""
    return env_for(
        store_path,
        **{
            "SMCBOT_INDEX_DIR": str(index_dir),
            "SMCBOT_TELEGRAM__TOKEN": TELEGRAM_TOKEN,
            "SMCBOT_TELEGRAM__BASE_URL": f"{server.base}/bot",
            "SMCBOT_SLACK__BOT_TOKEN": SLACK_TOKEN,
            "SMCBOT_SLACK__SIGNING_SECRET": "signing-secret-for-tests",
            "SMCBOT_SLACK__API_URL": f"{server.base}/api/",
            **more,
        },
    )


def test_doctor_passes_every_check(bundled_index_dir, store_path, filled_store):
    with TokenServer() as server:
        result = invoke("doctor", env=doctor_env(bundled_index_dir, store_path, server))

    lines = result.output.strip().splitlines()
    assert result.exit_code == 0, result.output
    names = [line.split(":")[0] for line in lines if line[:1] in "✔✘–"]
    assert names == [
        "✔ settings",
        "✔ hash key",
        "✔ index",
        "✔ index model",
        "✔ index checksums",
        "✔ index contents",
        "– model export",  # this index was built in-process, without the ONNX export
        "✔ embedding model",
        "– relevance gate",  # the bundled index was never calibrated: shipped thresholds
        "✔ language resources",
        "✔ second opinion",
        "– written answers",
        "✔ question store",
        "✔ telegram",
        "✔ slack",
    ]
    assert "6 questions kept" in result.output and "@smc_archive_bot" in result.output
    assert server.calls == ["getMe", "auth.test"]
    assert TELEGRAM_TOKEN not in result.output and SLACK_TOKEN not in result.output


def test_doctor_fails_with_a_fix_and_a_non_zero_exit(tmp_path, store_path):
    """No index, default hash key, refused tokens: each ✘ says what to do; the exit code is 1."""
    with TokenServer() as server:
        env = doctor_env(
            tmp_path / "no-index",
            store_path,
            server,
            SMCBOT_STORE__HASH_KEY="change-me",
            SMCBOT_TELEGRAM__TOKEN="1:wrong",
            SMCBOT_SLACK__BOT_TOKEN="xoxb-wrong",
            SMCBOT_EMBEDDING__MODEL="no-such-model",
        )
        result = invoke("doctor", env=env)

    assert result.exit_code == 1
    out = result.output
    assert "✘ hash key" in out and "openssl rand" in out
    assert "✘ index: no index in" in out and "smcbot index build" in out
    # What the index holds cannot be vouched for without one.
    assert "✔ language resources" not in out and "✔ second opinion" not in out
    assert "✘ embedding model" in out and "SMCBOT_EMBEDDING__MODEL" in out
    assert "✘ telegram: the token was refused (401 Unauthorized) — check SMCBOT_TELEGRAM__TOKEN" in out
    assert "✘ slack: the token was refused (200 invalid_auth) — check SMCBOT_SLACK__BOT_TOKEN" in out
    assert "1:wrong" not in out and "xoxb-wrong" not in out


def test_doctor_names_a_wrong_setting(tmp_path):
    result = invoke("doctor", env={"SMCBOT_STORE__RETENTION_DAYS": "0", "NO_COLOR": "1"})

    assert result.exit_code == 1
    assert result.output.startswith("✘ settings: setting SMCBOT_STORE__RETENTION_DAYS")


def without_langchain_openai(folder: Path) -> dict[str, str]:
    """An environment in which `import langchain_openai` fails as it does where the llm extra
    is not installed (a module of that name, first on the path, that raises the same error),
    whether or not the package is installed here."""
    (folder / "langchain_openai.py").write_text(
        'raise ModuleNotFoundError("No module named \'langchain_openai\'", name="langchain_openai")\n'
    )
    return {"PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)])}


def test_doctor_cannot_vouch_for_glosses_or_second_opinion_without_an_index():
    settings = load_settings()
    checks = [check_language_resources(settings, None), check_second_opinion(settings, None)]
    assert [check.ok for check in checks] == [None, None]
    for check in checks:  # where the packages are installed, the line says why it is not ✔
        assert "not installed" in check.detail or "cannot be checked without a readable index" in check.detail


def test_doctor_says_written_answers_need_the_llm_extra(tmp_path):
    shadow = tmp_path / "site"
    shadow.mkdir()
    env = {"SMCBOT_LLM__ENABLED": "true", "SMCBOT_INDEX_DIR": str(tmp_path / "no-index")}
    env |= without_langchain_openai(shadow)
    doctor = run_cli("doctor", env=env)
    asked = run_cli("ask", "brand safety", env=env)

    assert doctor.returncode == 1 and "Traceback" not in doctor.stdout + doctor.stderr
    [line] = [line for line in doctor.stdout.splitlines() if line.startswith(("✔ written", "✘ written", "– written"))]
    assert line == (
        "✘ written answers: SMCBOT_LLM__ENABLED is on but langchain-openai is not installed — "
        "install the llm extra: pip install -e '.[llm]' (or turn SMCBOT_LLM__ENABLED off)"
    )
    assert asked.returncode == 1 and "install the llm extra: pip install -e '.[llm]'" in asked.stderr


def test_doctor_written_answers_line_when_off_or_installed():
    off = check_written_answers(load_settings())
    assert off.ok is None and "SMCBOT_LLM__ENABLED" in off.detail
    pytest.importorskip("langchain_openai", reason="the llm extra is not installed here")
    on = check_written_answers(load_settings(llm={"enabled": True, "base_url": "http://127.0.0.1:9/v1"}))
    assert on.ok is True and "http://127.0.0.1:9" in on.detail


@pytest.mark.parametrize("slack_status", [200, 401])
def test_doctor_token_checks_against_the_stand_in(slack_status):
    with TokenServer(slack_status=slack_status) as server, httpx.Client(timeout=2) as client:
        good = load_settings(
            telegram={"token": TELEGRAM_TOKEN, "base_url": f"{server.base}/bot"},
            slack={"bot_token": SLACK_TOKEN, "api_url": f"{server.base}/api"},
        )
        bad = load_settings(
            telegram={"token": "1:nope", "base_url": f"{server.base}/bot"},
            slack={"bot_token": "xoxb-nope", "api_url": f"{server.base}/api/"},
        )
        accepted = [check_telegram(good, client), check_slack(good, client)]
        refused = [check_telegram(bad, client), check_slack(bad, client)]

    assert [check.ok for check in accepted] == [True, True]
    assert "team SMC France" in accepted[1].detail
    assert [check.ok for check in refused] == [False, False]
    assert refused[0].detail == "the token was refused (401 Unauthorized)"
    assert refused[1].detail == f"the token was refused ({slack_status} invalid_auth)"
    assert all(check.fix for check in refused)


def test_doctor_says_when_telegram_or_slack_cannot_be_reached():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = load_settings(
        telegram={"token": TELEGRAM_TOKEN, "base_url": f"http://127.0.0.1:{port}/bot"},
        slack={"bot_token": SLACK_TOKEN, "api_url": f"http://127.0.0.1:{port}/api/"},
    )
    with httpx.Client(timeout=2) as client:
        checks = [check_telegram(settings, client), check_slack(settings, client)]

    assert [check.ok for check in checks] == [False, False]
    assert checks[0].line() == (
        f"✘ telegram: cannot reach http://127.0.0.1:{port} (ConnectError) — "
        "check the network and SMCBOT_TELEGRAM__BASE_URL"
    )
    assert TELEGRAM_TOKEN not in checks[0].line() and SLACK_TOKEN not in checks[1].line()


def test_doctor_skips_channels_without_tokens(bundled_index_dir, store_path, real_embedder):
    settings = load_settings(index_dir=bundled_index_dir, store={"path": store_path, "hash_key": HASH_KEY})
    checks = run_checks(settings, embedder=real_embedder)

    assert [c.mark for c in checks if c.name in ("telegram", "slack")] == ["–", "–"]
    assert all_passed(checks)


def damage(path: Path) -> None:
    """Overwrite the middle of a file, as a disk or a bad copy would."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 16] = b"\x00garbage-bytes\x00"
    path.write_bytes(bytes(data))


def test_doctor_names_a_corrupted_index_file_and_says_to_rebuild(index_copy):
    damage((index_copy / "current").resolve() / "dense.faiss")
    checks, _ = check_index(load_settings(index_dir=index_copy))

    assert [(c.name, c.ok) for c in checks] == [("index", True), ("index model", True), ("index checksums", False)]
    rebuild = f"rebuild the index with: smcbot index build --index-dir {index_copy}"  # the folder checked
    assert checks[-1].detail.endswith(f"dense.faiss is missing or damaged; {rebuild}")


def test_doctor_on_a_damaged_manifest_or_another_model(index_copy):
    settings = load_settings(index_dir=index_copy, embedding={"model": "another-model"})
    checks, _ = check_index(settings)
    assert checks[-1].name == "index model" and not checks[-1].ok
    assert "'another-model'" in checks[-1].detail and "smcbot index build" in checks[-1].detail

    ((index_copy / "current").resolve() / "manifest.json").write_text("{ not json")
    checks, manifest = check_index(settings)
    assert manifest is None and not checks[0].ok and "manifest.json is damaged" in checks[0].detail

    ((index_copy / "current").resolve() / "manifest.json").write_text("[]")
    checks, manifest = check_index(settings)
    assert manifest is None and not checks[0].ok and "is not a manifest" in checks[0].detail


def test_doctor_model_check_compares_dimensions(real_embedder):
    settings = load_settings()
    assert check_model(settings, embedder=real_embedder, manifest={"dimension": 384}).ok
    mismatch = check_model(settings, embedder=real_embedder, manifest={"dimension": 768})
    assert not mismatch.ok and "384-dimension" in mismatch.detail and "smcbot index build" in mismatch.fix


def test_bots_keep_the_last_good_index_when_a_new_build_is_corrupt(index_copy, real_embedder):
    """A rebuilt index that is damaged is refused; the bot keeps answering from the old one."""
    from smcbot.answering import Answerer
    from smcbot.index import load_index
    from smcbot.settings import RetrievalSettings

    answerer = Answerer(
        load_index(index_copy, model=real_embedder.name), real_embedder, RetrievalSettings(), index_dir=index_copy
    )
    old = (index_copy / "current").resolve()
    broken = old.parent / "20990101T000000-broken"
    shutil.copytree(old, broken)
    damage(broken / "metadata.sqlite3")
    link = index_copy / ".current-test"
    link.symlink_to(Path("builds") / broken.name)
    os.replace(link, index_copy / "current")

    with pytest.raises(SmcbotError, match="metadata.sqlite3 is missing or damaged"):
        answerer.reload()
    answer = answerer.answer(BRAND_SAFETY)
    assert answer.answered and AI_SESSION in answer.sources[0].title
    assert answerer.index.path == old


def test_doctor_settings_and_store_checks(tmp_path):
    slack_without_secret = load_settings(store={"hash_key": HASH_KEY}, slack={"bot_token": SLACK_TOKEN})
    checks = check_settings(slack_without_secret)
    assert [(c.name, c.ok) for c in checks] == [("settings", True), ("hash key", True), ("slack settings", False)]

    path = tmp_path / "store.sqlite3"
    assert check_store(load_settings(store={"path": path})).detail.endswith("will be created on the first question")
    path.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    damaged = check_store(load_settings(store={"path": path}))
    assert not damaged.ok and "is damaged" in damaged.detail and "set it aside" in damaged.fix
    assert path.read_bytes().startswith(b"SQLite format 3")  # the doctor only looked
    path.write_text("root:x:0:0:root:/root:/bin/bash\n")
    foreign = check_store(load_settings(store={"path": path}))
    assert not foreign.ok and foreign.detail == f"{path} is not an SQLite database (left untouched)"
    assert "SMCBOT_STORE__PATH" in foreign.fix and "set it aside" not in foreign.fix


# --- privacy --------------------------------------------------------------------------


def test_member_ids_are_stored_only_as_keyed_hashes(filled_store, store_path):
    data = b"".join(p.read_bytes() for p in store_path.parent.iterdir())
    for member in (ALICE, BOB, CAROL, DAN):
        assert str(member).encode() not in data
    other_key = QuestionStore(store_path.parent / "other.sqlite3", hash_key="another-key")
    assert other_key.member_hash("telegram", ALICE) != filled_store.member_hash("telegram", ALICE)
    other_key.close()


def test_retention_deletes_exactly_the_expired_questions_and_their_votes(filled_store, clock):
    clock.now = WEEK_3 + timedelta(days=3)  # week 1 is now 17 days old, week 3 three days old
    before = filled_store.questions()

    removed = apply_retention(filled_store, load_settings(store={"retention_days": 10}))

    after = filled_store.questions()
    assert removed == 3
    assert [row["question"] for row in after] == [BRAND_SAFETY_FR, WEATHER_AGAIN, AI_MODERATION]
    assert [row for row in before if row["question"] in {r["question"] for r in after}] == after
    with sqlite3.connect(filled_store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] == 2  # the week-1 votes went too


def test_retention_runs_on_a_schedule_in_the_background(filled_store, clock):
    clock.now = WEEK_3 + timedelta(days=2)
    settings = load_settings(store={"retention_days": 1})
    with RetentionSchedule(filled_store, settings, interval=0.05) as schedule:
        deadline = time.monotonic() + 5
        while filled_store.questions() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert filled_store.questions() == [] and schedule.runs >= 1
    runs = schedule.runs
    assert not schedule.running  # stopped: its thread has ended, so no run can follow
    assert schedule.runs == runs


def test_retention_failure_is_logged_not_raised(filled_store, caplog):
    filled_store.close()
    with caplog.at_level(logging.ERROR, logger="smcbot.privacy"):
        assert apply_retention(filled_store, load_settings()) == 0
    assert "could not apply the 365-day retention" in caplog.text


def test_forget_deletes_exactly_one_members_records(filled_store, store_path):
    before = filled_store.questions()
    result = invoke("privacy", "forget", "--slack-user", CAROL, env=env_for(store_path))

    assert result.exit_code == 0
    assert f"forgot slack user {CAROL}: 2 questions and 1 of their votes deleted" in result.output
    after = filled_store.questions()
    assert [r["question"] for r in after] == [BRAND_SAFETY, AMBASSADORS, BRAND_SAFETY_FR, WEATHER_AGAIN]
    u2_question = next(r for r in after if r["question"] == WEATHER_AGAIN)
    assert u2_question == next(r for r in before if r["question"] == WEATHER_AGAIN)
    with sqlite3.connect(store_path) as db:
        voters = {row[0] for row in db.execute("SELECT user_hash FROM feedback")}
    # Dan's 👎 was on Carol's question, so it went with it; Bob's votes stay.
    assert voters == {filled_store.member_hash("telegram", BOB)}


def test_forget_keeps_the_same_id_on_the_other_channel(store_path, answers):
    store = QuestionStore(store_path, hash_key=HASH_KEY)
    for channel in ("telegram", "slack"):
        store.record_question(channel=channel, user_id="77", chat_id="77", answer=answers[BRAND_SAFETY], latency_ms=1)
    result = invoke("privacy", "forget", "--telegram-user", "77", env=env_for(store_path))

    assert "forgot telegram user 77: 1 questions" in result.output
    assert [r["channel"] for r in store.questions()] == ["slack"]
    store.close()


def test_forget_an_unknown_member_or_without_a_store_says_so(filled_store, store_path, tmp_path):
    unknown = invoke("privacy", "forget", "--telegram-user", "999", env=env_for(store_path))
    assert unknown.exit_code == 0
    assert "nothing stored about telegram user 999" in unknown.output
    assert len(filled_store.questions()) == 6

    wrong_key = invoke(
        "privacy",
        "forget",
        "--telegram-user",
        str(ALICE),
        env=env_for(store_path, SMCBOT_STORE__HASH_KEY="not-the-bots-key"),
    )
    assert "check the id, and that SMCBOT_STORE__HASH_KEY is the key the bots use" in wrong_key.output

    nowhere = tmp_path / "none" / "store.sqlite3"
    no_store = invoke("privacy", "forget", "--slack-user", CAROL, env=env_for(nowhere))
    assert no_store.exit_code == 0 and "no question store at" in no_store.output and not nowhere.exists()

    nobody = invoke("privacy", "forget", env=env_for(store_path))
    assert nobody.exit_code == 2 and "give --telegram-user ID or --slack-user ID" in nobody.output


# --- logs -----------------------------------------------------------------------------


def stderr_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


def test_one_text_line_per_answer_without_the_question(answers, capsys):
    settings = load_settings()
    configure_logging(settings)
    log_answer(channel="telegram", latency_ms=812.34, answer=answers[BRAND_SAFETY], settings=settings)
    log_answer(channel="slack", latency_ms=90, answer=answers[WEATHER], settings=settings)

    first, second = stderr_lines(capsys)
    assert "smcbot.answers: answer channel=telegram latency_ms=812.3 answered=yes language=en sources=" in first
    assert "channel=slack latency_ms=90" in second and "answered=no" in second
    assert "brand" not in first.lower() and "weather" not in second.lower()


def test_json_lines_and_question_text_only_when_debugging(answers, capsys):
    settings = load_settings(log_json=True, log_questions=True)
    configure_logging(settings)
    log_answer(channel="telegram", latency_ms=5, answer=answers[BRAND_SAFETY_FR], settings=settings)

    [line] = stderr_lines(capsys)
    record = json.loads(line)
    assert record["logger"] == "smcbot.answers" and record["event"] == "answer"
    assert (record["channel"], record["answered"], record["language"]) == ("telegram", True, "fr")
    assert record["question"] == BRAND_SAFETY_FR and record["sources"] >= 1


def test_tokens_never_reach_the_logs(capsys):
    settings = load_settings(
        telegram={"token": TELEGRAM_TOKEN}, slack={"bot_token": SLACK_TOKEN}, store={"hash_key": HASH_KEY}
    )
    configure_logging(settings)
    log = logging.getLogger("smcbot.test")
    log.warning("POST https://api.telegram.org/bot%s/getMe", TELEGRAM_TOKEN)
    try:
        raise RuntimeError(f"slack refused {SLACK_TOKEN}")
    except RuntimeError:
        log.exception("failed")

    err = capsys.readouterr().err
    assert "bot<secret>/getMe" in err and "slack refused <secret>" in err
    assert TELEGRAM_TOKEN not in err and SLACK_TOKEN not in err
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


def test_the_command_line_sets_up_logging_from_the_settings(store_path):
    invoke("report", env=env_for(store_path, SMCBOT_LOG_JSON="true"))

    [handler] = [h for h in logging.getLogger().handlers if getattr(h, "smcbot", False)]
    assert type(handler.formatter).__name__ == "JsonFormatter"
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
