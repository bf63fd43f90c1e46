"""No token, secret or key the suite set ever appears in a log line, a traceback, a
command's output or a reply the bots sent (named to run after every other test file,
so it reads all they produced; run alone, it checks what its own scenario produced)."""

from __future__ import annotations

import logging

from smcbot.logs import configure_logging
from smcbot.settings import load_settings
from tests.helpers import leaks
from tests.helpers.slack import SECRET
from tests.helpers.slack import TOKEN as SLACK_TOKEN
from tests.helpers.telegram import TOKEN as TELEGRAM_TOKEN
from tests.helpers.telegram import running_bot
from tests.helpers.telegram_api import FakeBotApi, message

LLM_KEY = "sk-test-key"
SECRETS = [TELEGRAM_TOKEN, TELEGRAM_TOKEN.split(":")[1], SLACK_TOKEN, SECRET, LLM_KEY]


async def test_no_secret_reaches_a_log_or_a_reply(answerer, tmp_path, capsys):
    # Its own scenario: debug logs on, a failing send, a refused call, then everything kept.
    configure_logging(load_settings(telegram={"token": TELEGRAM_TOKEN}, log_level="DEBUG"))
    try:
        with FakeBotApi(TELEGRAM_TOKEN) as api:
            api.fail_next("sendMessage", 502, "Bad Gateway")
            async with running_bot(api, answerer, tmp_path):
                api.push(message=message("What was said about brand safety?", chat_id=9101))
                await api.wait_sent(9101)
        logging.getLogger("smcbot.test").error("a failure with the url %s", f"{api.base_url}{TELEGRAM_TOKEN}/getMe")
    finally:
        leaks.add(capsys.readouterr().err)
        configure_logging(load_settings())

    seen = leaks.everything()
    assert "getUpdates" in seen or "sendMessage" in seen  # debug lines were really kept
    found = [secret for secret in SECRETS if secret in seen]
    assert found == []
    assert TELEGRAM_TOKEN not in capsys.readouterr().err
