"""Word frequencies and lemmas precomputed at index build: questions read them from the
index folder and never import wordfreq or simplemma, with the same answers."""

from __future__ import annotations

import json
import logging
import shutil

import numpy as np
import pytest

from smcbot.answering import Answerer
from smcbot.index import load_index
from smcbot.language import COMMON_PREFIX, WORDS_DIR, WordTables, _read_common, build_word_tables, lemma, zipf
from smcbot.settings import RetrievalSettings
from smcbot.text import fold
from tests.helpers.cli import run_cli
from tests.helpers.openai_api import ChatCompletionsStandIn

ARCHIVE_WORDS = {"télétravail", "teletravail", "mastodon", "brand", "safety", "subcontractor", "co-construire"}
ASKED = [
    "the", "biggest", "posts", "online", "ligne", "télétravail", "mastodon", "subcontractor",
    "moderates", "freine", "apprentices", "e-commerce", "e-réputation", "real-time", "co-construire",
]  # fmt: skip


@pytest.fixture(scope="module")
def tables() -> WordTables:
    return build_word_tables(ARCHIVE_WORDS, fold)


@pytest.mark.parametrize("word", ASKED)
def test_the_tables_answer_as_wordfreq_and_simplemma(tables, word):
    for language in ("en", "fr"):
        assert tables.zipf(word, language) == zipf(word, language)
        folded = fold(word)
        assert tables.lemma(folded, language) == lemma(folded, language)
    # A folded word is as common in French as the accented word it folds from ("e-reputation").
    en, fr = zipf(fold(word), "en"), max(zipf(fold(word), "fr"), zipf(word, "fr"))
    assert tables.more_english(fold(word)) == (en > fr)


def test_a_word_typed_without_its_accents_is_as_common_as_the_word_meant(tables):
    # Members type "meteo" for "météo": the rare string is not a rare subject.
    assert tables.zipf("meteo", "fr") == zipf("météo", "fr") > zipf("meteo", "fr")
    # An archive word too.
    assert tables.zipf("teletravail", "fr") == max(zipf("télétravail", "fr"), zipf("teletravail", "fr"))
    assert tables.zipf("creation", "en") == zipf("creation", "en")  # English frequencies stay


def test_a_word_outside_the_tables_is_unseen_and_its_own_lemma(tables):
    # As wordfreq and simplemma answer for a word they do not know; a word rarer than
    # the tables' floor weighs the same as an unseen one in the relevance gate.
    assert tables.zipf("zorglubesque", "en") == zipf("zorglubesque", "en") == 0.0
    assert tables.lemma("zorglubesque", "fr") == "zorglubesque"
    assert tables.zipf("x" * 200, "fr") == 0.0


def test_the_tables_are_saved_as_numpy_arrays_and_read_back(tables, tmp_path):
    tables.save(tmp_path / WORDS_DIR)
    assert sorted(p.suffix for p in (tmp_path / WORDS_DIR).iterdir()) == [".npy"] * 3
    loaded = WordTables.load(tmp_path / WORDS_DIR)
    for word in ASKED:
        assert loaded.zipf(word, "fr") == tables.zipf(word, "fr")
        assert loaded.lemma(fold(word), "en") == tables.lemma(fold(word), "en")


def test_the_common_words_are_kept_between_builds_and_made_again_when_damaged(tables, tmp_path):
    made = build_word_tables(ARCHIVE_WORDS, fold, cache=tmp_path, fold_key="f")
    (kept,) = tmp_path.glob(f"{COMMON_PREFIX}*")
    assert sorted(p.name for p in kept.iterdir()) == ["keys.npy", "lemmas.npy", "meta.json", "zipf.npy"]
    again = build_word_tables(ARCHIVE_WORDS, fold, cache=tmp_path, fold_key="f")
    for built in (made, again):
        for name in ("keys", "zipfs", "lemmas"):
            assert np.array_equal(getattr(built, name), getattr(tables, name))
    with open(kept / "zipf.npy", "r+b") as handle:  # a flipped byte in the frequencies
        handle.seek(-1, 2)
        byte = handle.read(1)
        handle.seek(-1, 2)
        handle.write(bytes([byte[0] ^ 0xFF]))
    assert _read_common(kept, json.loads((kept / "meta.json").read_text())["key"]) is None
    repaired = build_word_tables(ARCHIVE_WORDS, fold, cache=tmp_path, fold_key="f")
    assert np.array_equal(repaired.zipfs, tables.zipfs)
    assert _read_common(kept, json.loads((kept / "meta.json").read_text())["key"]) is not None
    build_word_tables(ARCHIVE_WORDS, fold, cache=tmp_path, fold_key="another fold")
    assert len(list(tmp_path.glob(f"{COMMON_PREFIX}*"))) == 2  # another analysis, other tables


def imported_by(result) -> set[str]:
    """The modules a process imported, from its `PYTHONPROFILEIMPORTTIME` log."""
    return {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}


def test_a_question_imports_neither_wordfreq_nor_simplemma(bundled_index_dir):
    result = run_cli(
        "ask", "What was said about the biggest brand safety posts?", "--index-dir", str(bundled_index_dir),
        env={"PYTHONPROFILEIMPORTTIME": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    imported = imported_by(result)
    assert "smcbot.language" in imported  # the import log is there
    assert not {name for name in imported if name.split(".")[0] in {"wordfreq", "simplemma"}}


def test_a_written_answer_checks_its_sentences_with_the_index_tables_too(bundled_index_dir, tmp_path):
    with ChatCompletionsStandIn(api_key="sk-test") as llm:
        llm.script("Brand safety was presented as a new challenge for AI in online communication [1].")
        environment = {
            "SMCBOT_LLM__ENABLED": "true", "SMCBOT_LLM__BASE_URL": llm.base_url, "SMCBOT_LLM__MODEL": "m",
            "SMCBOT_LLM__API_KEY": "sk-test", "SMCBOT_LLM__TIMEOUT": "10", "PYTHONPROFILEIMPORTTIME": "1",
        }  # fmt: skip
        question = "What was said about brand safety?"
        result = run_cli("ask", question, "--index-dir", str(bundled_index_dir), env=environment)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("Brand safety was presented")  # written, and its sentence held
    assert not {name for name in imported_by(result) if name.split(".")[0] in {"wordfreq", "simplemma"}}


def test_an_index_built_before_the_tables_still_answers_the_same(bundled_index_dir, answerer, tmp_path, caplog):
    old = tmp_path / "index"
    shutil.copytree(bundled_index_dir, old, symlinks=True)
    build = old / "current"
    shutil.rmtree(build / WORDS_DIR)
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    del manifest["checksums"][WORDS_DIR]
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="smcbot.language"):
        index = load_index(old, model=answerer.embedder.name)
    assert caplog.text.count("rebuild the index for a faster start") == 1
    question = "What was said about the biggest brand safety posts?"
    answer = Answerer(index, answerer.embedder, RetrievalSettings()).answer(question)
    assert answer.text == answerer.answer(question).text
