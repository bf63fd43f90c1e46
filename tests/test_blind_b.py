"""Blind set B: questions and club-style write-ups written by someone who saw only
the archive's text. Unlike set A, nothing was tuned on it: it was first scored when
the answering work was finished, and these bounds are the figures it came out with,
so that a later change cannot make them worse unnoticed."""

from pathlib import Path

import pytest

from smcbot.answering import Answerer
from smcbot.evaluation import evaluate_file
from smcbot.index import load_index
from smcbot.settings import RetrievalSettings

SET_B = Path(__file__).resolve().parent / "data" / "setB" / "questions.jsonl"


@pytest.fixture(scope="module")
def report(blind_b_index_dir, real_embedder):
    index = load_index(blind_b_index_dir, model=real_embedder.name)
    return evaluate_file(SET_B, Answerer(index, real_embedder, RetrievalSettings()))


def test_french_questions(report):
    french = report["metrics"]["by_language"]["fr"]
    assert french["hit@1"] >= 0.95
    assert french["false_refusals"] == 0
    assert french["false_answers"] <= 1


def test_english_questions(report):
    english = report["metrics"]["by_language"]["en"]
    assert english["hit@1"] >= 0.8
    assert english["false_refusals"] <= 2
    assert english["false_answers"] <= 1


def test_citations(report):
    assert report["metrics"]["citation_precision"] >= 0.92
