"""Blind set D: questions and club-style write-ups written by a fourth writer who saw
only the archive's text, kept untouched while the answers were worked on, then
scored once. As it came out: French hit@1 0.75 (5 refused), English 0.69 (8
refused), 4 of 14 off-topic questions answered. Its misses then showed what the
other sets had not (hyphenated words, the field's abbreviations, light verbs, "last
night" read as "the last session"); after those general fixes it is a tuning set like
the others, and these bounds hold the figures it reached."""

from pathlib import Path

import pytest

from smcbot.answering import Answerer
from smcbot.evaluation import evaluate_file
from smcbot.index import load_index
from smcbot.settings import RetrievalSettings

SET_D = Path(__file__).resolve().parent / "data" / "setD" / "questions.jsonl"


@pytest.fixture(scope="module")
def report(blind_d_index_dir, real_embedder):
    index = load_index(blind_d_index_dir, model=real_embedder.name)
    return evaluate_file(SET_D, Answerer(index, real_embedder, RetrievalSettings()))


def test_french_questions(report):
    french = report["metrics"]["by_language"]["fr"]
    assert french["hit@1"] >= 0.95
    assert french["false_refusals"] == 0
    assert french["false_answers"] <= 2


def test_english_questions(report):
    english = report["metrics"]["by_language"]["en"]
    assert english["hit@1"] >= 0.73
    assert english["false_refusals"] <= 7
    assert english["false_answers"] <= 1


def test_citations(report):
    assert report["metrics"]["citation_precision"] >= 0.91
