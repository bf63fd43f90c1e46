"""Apertium: French passages glossed in English at build, and what happens when
Apertium is missing or fails."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from smcbot.embedding import text_hash
from smcbot.glosses import GLOSS_FILE, GlossCache, english_glosses
from smcbot.index import BuildOptions, build_index, load_index
from smcbot.machine_translation import (
    ENGLISH_TO_FRENCH,
    FRENCH_TO_ENGLISH,
    available,
    cached_english_words_in_french,
    english_words_in_french,
    french_to_english,
)
from smcbot.sources.ingest import read_sources
from smcbot.sources.manifest import load_manifest

from .conftest import SOURCES

pytestmark = pytest.mark.skipif(
    not available(FRENCH_TO_ENGLISH),
    reason="Apertium is not installed (scripts/setup.sh installs it as root)",
)


@pytest.fixture
def to_english():
    translator = french_to_english()
    yield translator
    translator.close()


def test_a_french_passage_comes_out_in_english(to_english):
    english = to_english("Les intervenants ont parlé de la sécurité des marques.").lower()
    assert "security" in english or "safety" in english


@pytest.mark.skipif(not available(ENGLISH_TO_FRENCH), reason="Apertium's English–Spanish pair is not installed")
def test_english_words_come_out_in_french_and_unknown_ones_are_left_out():
    found = english_words_in_french(["phone", "crew", "bigots", "seo"])
    assert found["phone"].lower() == "téléphone" and found["crew"].lower() == "équipage"
    # unknown to the English–Spanish dictionary: not read again as Spanish ("seo")
    assert "bigots" not in found and "seo" not in found


@pytest.mark.skipif(not available(ENGLISH_TO_FRENCH), reason="Apertium's English–Spanish pair is not installed")
def test_words_apertium_knows_only_capitalised_are_translated_too():
    found = english_words_in_french(["christmas", "monday", "french", "phone", "qwzx"])
    assert found["christmas"] == "Noël" and found["monday"].lower() == "lundi"
    assert found["french"].lower() == "français" and found["phone"].lower() == "téléphone"
    assert "qwzx" not in found  # unknown however written


@pytest.mark.skipif(not available(ENGLISH_TO_FRENCH), reason="Apertium's English–Spanish pair is not installed")
def test_many_words_are_translated_in_one_pass_and_kept_for_the_next_build(tmp_path, monkeypatch):
    from smcbot import machine_translation

    words = ["phone", "crew", "theater", "discount", "walkout"] * 60  # several texts of words
    cache = tmp_path / "models" / "apertium-words.json"
    found = cached_english_words_in_french(words, cache)
    assert found["theater"].lower() == "théâtre" and len(found) >= 4
    other = tmp_path / "other" / "apertium-words.json"  # another index folder, same process
    assert cached_english_words_in_french(words, other) == found and other.exists()
    monkeypatch.setattr(machine_translation, "_LAST_WORDS", {})  # as a new process
    saved = cache.read_text(encoding="utf-8")
    cache.write_text(saved.replace("Téléphone", "Combiné"), encoding="utf-8")
    assert cached_english_words_in_french(words, cache)["phone"] == "Combiné"  # read back, not redone
    assert cached_english_words_in_french(words[:5], cache)["phone"].lower() == "téléphone"  # other words: redone


def test_a_broken_apertium_gives_no_words_at_once_not_word_by_word(tmp_path):
    for pair in ENGLISH_TO_FRENCH:  # installed, but every pipeline stops at once
        (tmp_path / f"{pair}.mode").write_text("false", encoding="utf-8")
    started = time.monotonic()
    assert english_words_in_french(["phone", "crew"] * 1000, modes=tmp_path) == {}
    assert time.monotonic() - started < 10  # one failed text, not 2,000 restarts


@pytest.mark.skipif(not available(ENGLISH_TO_FRENCH), reason="Apertium's English–Spanish pair is not installed")
@pytest.mark.parametrize("damaged", ["[]", "null", '{"stamp": 1, "words": {"phone": 3}}', "{not json"])
def test_a_damaged_word_cache_is_made_again(tmp_path, damaged, monkeypatch):
    from smcbot import machine_translation

    monkeypatch.setattr(machine_translation, "_LAST_WORDS", {})  # read from the file, as a new process does
    cache = tmp_path / "apertium-words.json"
    cache.write_text(damaged, encoding="utf-8")
    assert cached_english_words_in_french(["phone"], cache)["phone"].lower() == "téléphone"


def test_apertium_s_reserved_characters_do_not_break_the_pipeline(to_english):
    assert to_english("[astuces] 5 $ ^ / @ * <b> {x} #marque ~ \\ sécurité ?") is not None
    assert "company" in to_english("l'entreprise").lower()


def test_a_nul_in_a_text_does_not_shift_the_replies(to_english):
    # Members' questions go through the same pipelines: a NUL would end the text early
    # for every stage and leave the next text with the rest of this one.
    assert to_english("la sécurité\x00 de la marque") is not None
    assert "company" in to_english("l'entreprise").lower()
    assert "safety" not in to_english("l'entreprise").lower()


def test_a_pipeline_that_dies_costs_one_text_and_starts_again(to_english):
    assert to_english("l'entreprise")
    os.killpg(to_english._pipes[0].pid, signal.SIGKILL)
    to_english._pipes[0].wait()
    assert to_english("l'entreprise") is None  # that passage keeps its French text as gloss
    assert "company" in to_english("l'entreprise").lower()  # restarted


def test_without_apertium_there_is_no_translator(tmp_path):
    assert french_to_english(modes=tmp_path) is None
    assert not available(FRENCH_TO_ENGLISH, modes=tmp_path)


def test_glosses_are_english_and_cached_by_text(tmp_path):
    cache_path = tmp_path / "glosses.sqlite3"
    texts = ["La sécurité des marques sur les réseaux sociaux.", "Les salariés ambassadeurs de leur entreprise."]
    glosses = english_glosses(texts, cache_path)
    assert "brand" in glosses[0].lower() or "marks" in glosses[0].lower()
    assert "company" in glosses[1].lower() or "enterprise" in glosses[1].lower()
    cache = GlossCache(cache_path)
    assert cache.get([text_hash(t) for t in texts]) == {text_hash(t): g for t, g in zip(texts, glosses, strict=True)}
    cache.close()
    assert english_glosses(texts[:1], cache_path) == glosses[:1]
    cache = GlossCache(cache_path)
    assert len(cache.get([text_hash(t) for t in texts])) == 1  # the cache holds what the archive holds
    cache.close()


def bundled_articles():
    return read_sources(load_manifest(SOURCES))


def test_a_build_embeds_each_passage_s_english_gloss_on_the_same_rows(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    build_index(bundled_articles(), index_dir=index_dir, embedder=fake_embedder, options=BuildOptions())
    index = load_index(index_dir, model=fake_embedder.name)
    assert index.gloss is not None and index.gloss.ntotal == index.dense.ntotal == len(index.chunks)
    assert "gloss.faiss" in index.manifest["checksums"]
    french, english = index.dense.reconstruct(0), index.gloss.reconstruct(0)
    assert not np.allclose(french, english)  # the gloss is another text


@pytest.mark.skipif(not available(ENGLISH_TO_FRENCH), reason="Apertium's English–Spanish pair is not installed")
def test_a_build_s_lexicon_translates_common_words_freedict_lacks(tmp_path, fake_embedder):
    from smcbot.language import LEXICON_FILE, Lexicon

    index_dir = tmp_path / "index"
    build_index(bundled_articles(), index_dir=index_dir, embedder=fake_embedder, options=BuildOptions())
    lexicon = Lexicon.load(index_dir / "current" / LEXICON_FILE)
    assert lexicon.translate("censorship") == ["censure"]  # FreeDict has no "censorship"
    assert (index_dir / "models" / "apertium-words.json").exists()  # the next build reads it


def test_glosses_can_be_turned_off(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    options = BuildOptions(english_glosses=False)
    build_index(bundled_articles(), index_dir=index_dir, embedder=fake_embedder, options=options)
    index = load_index(index_dir, model=fake_embedder.name)
    assert index.gloss is None and not (index.path / GLOSS_FILE).exists()


def test_an_english_paraphrase_finds_its_french_session_through_the_glosses(answerer):
    answer = answerer.answer("Which talk was about employees acting as ambassadors for their company?")
    assert answer.sources and "Employee advocacy" in answer.sources[0].title


def test_doctor_says_whether_the_index_has_english_glosses(bundled_index_dir):
    from smcbot.doctor import check_language_resources
    from smcbot.index import current_build, read_manifest
    from smcbot.settings import load_settings

    settings = load_settings(index_dir=bundled_index_dir)
    manifest = read_manifest(current_build(bundled_index_dir))
    assert check_language_resources(settings, manifest).line().startswith("✔")
    without = {**manifest, "checksums": {k: v for k, v in manifest["checksums"].items() if k != GLOSS_FILE}}
    assert "rebuild it with: smcbot index build" in check_language_resources(settings, without).line()
