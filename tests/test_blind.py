"""Blind set A: questions and club-style write-ups written by someone who saw only
the archive's text (not the code, not the gate). The gate was tuned on this set;
these figures hold it where it stands, per language."""

from pathlib import Path

import pytest

from smcbot.answering import Answerer
from smcbot.evaluation import evaluate_file
from smcbot.index import load_index
from smcbot.settings import RetrievalSettings

SET_A = Path(__file__).resolve().parent / "data" / "setA" / "questions.jsonl"


@pytest.fixture(scope="module")
def report(blind_set_index, real_embedder):
    index = load_index(blind_set_index("setA"), model=real_embedder.name)
    return evaluate_file(SET_A, Answerer(index, real_embedder, RetrievalSettings()))


def test_french_questions(report):
    french = report["metrics"]["by_language"]["fr"]
    assert french["hit@1"] >= 0.9
    assert french["false_refusals"] <= 1


def test_english_questions(report):
    english = report["metrics"]["by_language"]["en"]
    assert english["hit@1"] >= 0.92
    assert english["false_refusals"] <= 2


def test_off_topic_and_citations(report):
    metrics = report["metrics"]
    assert metrics["false_answers"] == 0
    assert metrics["citation_precision"] >= 0.99


def test_practical_questions_about_the_club_are_refused(report):
    club = [r for r in report["results"] if "adhésion" in r["q"] or "member of the club" in r["q"]]
    assert len(club) == 2 and not any(r["answered"] for r in club)


def test_questions_written_here_on_the_same_write_ups(blind_set_index, real_embedder):
    """Written after set A, of the same kinds, to check that changes tuned on set A
    generalise (paraphrases in English, practical questions about the club)."""
    index = load_index(blind_set_index("setA"), model=real_embedder.name)
    report = evaluate_file(SET_A.with_name("own.jsonl"), Answerer(index, real_embedder, RetrievalSettings()))
    assert [r["q"] for r in report["results"] if not r["ok"]] == []
