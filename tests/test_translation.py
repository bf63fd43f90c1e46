"""With written answers on, an English question is also searched in French, translated
by the model (the stand-in OpenAI-compatible server of tests/helpers/openai_api.py); a slow
or failing model changes nothing but the time taken."""

import logging
from collections.abc import Iterator

import pytest

from smcbot.answering import Answerer
from smcbot.settings import LLMSettings, RetrievalSettings
from smcbot.translation import QuestionTranslator
from tests.helpers.openai_api import ChatCompletionsStandIn

KEY = "sk-test-translation"
ENGLISH = "Who pays the science video makers?"
FRENCH = "Qui finance les vidéastes scientifiques ?"
# The multilingual second opinion off, so that what the translation adds shows alone.
ALONE = RetrievalSettings(min_second_opinion_lift=1.0, min_agreement_lift=1.0)


@pytest.fixture
def llm() -> Iterator[ChatCompletionsStandIn]:
    """The stand-in chat endpoint, on a free port of 127.0.0.1."""
    with ChatCompletionsStandIn(api_key=KEY) as server:
        yield server


def translating(answerer, server: ChatCompletionsStandIn, timeout: float = 5.0) -> Answerer:
    """The bundled answerer with a translator pointed at the stand-in."""
    settings = LLMSettings(enabled=True, base_url=server.base_url, model="test-model", api_key=KEY, timeout=timeout)
    return Answerer(answerer.index, answerer.embedder, ALONE, translator=QuestionTranslator(settings))


def test_an_english_question_is_also_searched_in_french(answerer, llm):
    plain = Answerer(answerer.index, answerer.embedder, ALONE)
    assert not plain.answer(ENGLISH).answered  # English words alone find too little
    llm.script(FRENCH)
    answer = translating(answerer, llm).answer(ENGLISH)
    assert answer.answered and answer.language == "en"
    assert "science sur YouTube" in answer.sources[0].title
    [request] = llm.received()
    assert ENGLISH in request.content("user") and "French" in request.content("system")


def test_a_french_question_is_not_translated(answerer, llm):
    llm.script("unused")
    answer = translating(answerer, llm).answer("Quels sont les freins à l'employee advocacy ?")
    assert answer.answered and llm.received() == []


@pytest.mark.parametrize("failure", [{"status": 500}, {"delay": 3.0}])
def test_a_failing_or_slow_model_changes_nothing_but_time(answerer, llm, caplog, failure):
    question = "What are the obstacles to employee advocacy?"
    plain = Answerer(answerer.index, answerer.embedder, ALONE).answer(question)
    llm.script("Quels sont les freins à l'employee advocacy ?", **failure)
    with caplog.at_level(logging.WARNING, logger="smcbot.translation"):
        answer = translating(answerer, llm, timeout=0.5).answer(question)
    assert [s.title for s in answer.sources] == [s.title for s in plain.sources]
    assert answer.text == plain.text
    assert len([r for r in caplog.records if "not translated" in r.getMessage()]) == 1


def test_a_reply_that_is_no_translation_is_ignored(answerer, llm, caplog):
    llm.script("x" * 2000)
    with caplog.at_level(logging.WARNING, logger="smcbot.translation"):
        answer = translating(answerer, llm).answer(ENGLISH)
    assert not answer.answered
    assert any("unusable" in r.getMessage() for r in caplog.records)
