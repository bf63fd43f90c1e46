"""The lexical index interface and the FreeDict reader, on small data made here."""

import gzip

import numpy as np

from smcbot.language import Lexicon, build_lexicon, read_freedict
from smcbot.lexical import LexicalIndex
from smcbot.text import content_words


def test_knows_postings_and_scores(tmp_path):
    index = LexicalIndex.build([["crise", "marqu"], ["marqu"], [], ["podcast", "podcast"]])
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert loaded.rows == 4
    assert loaded.knows("marqu") and not loaded.knows("tiktok")
    assert sorted(loaded.postings("marqu").tolist()) == [0, 1]
    assert loaded.postings("tiktok").size == 0
    scores = loaded.scores(["podcast", "tiktok"])
    assert scores.shape == (4,) and int(np.argmax(scores)) == 3
    assert not loaded.scores(["tiktok"]).any()
    assert loaded.idf(["marqu", "crise"]) > loaded.idf(["marqu"]) > 0 == loaded.idf(["tiktok"])


def _dictd(folder, name, entries):
    """Write a dictd dictionary (index + gzip data) the way FreeDict ships it."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    def b64(n):
        digits = ""
        while True:
            digits = alphabet[n % 64] + digits
            n //= 64
            if not n:
                return digits

    data, lines = b"", []
    for head, body in entries.items():
        block = f"{head}\n{body}\n".encode()
        lines.append(f"{head}\t{b64(len(data))}\t{b64(len(block))}")
        data += block
    (folder / f"{name}.index").write_text("\n".join(lines) + "\n")
    with gzip.open(folder / f"{name}.dict.dz", "wb") as handle:
        handle.write(data)


def test_freedict_is_read_and_kept_to_what_the_archive_holds(tmp_path):
    _dictd(
        tmp_path, "freedict-eng-fra", {"calendar": "calendrier", "big": "1. grand\n2. gros, épais", "zebra": "zèbre"}
    )
    _dictd(tmp_path, "freedict-fra-eng", {"stratégie": "strategy", "patron": "boss, pattern"})
    assert read_freedict("freedict-eng-fra", tmp_path)["big"] == ["grand", "gros", "épais"]
    archive = {"calendrier", "grand", "strategie", "patron"}
    lexicon = build_lexicon(lambda word: word in archive, content_words, tmp_path)
    assert lexicon["en_fr"] == {
        "big": ["grand"],
        "boss": ["patron"],
        "calendar": ["calendrier"],
        "pattern": ["patron"],
        "strategy": ["strategie"],
    }
    assert build_lexicon(lambda word: True, content_words, tmp_path / "absent")["en_fr"] == {}


def test_apertium_s_words_fill_only_what_freedict_leaves_untranslated(tmp_path):
    _dictd(tmp_path, "freedict-eng-fra", {"strike": "1. frapper\n2. battre", "zebra": "zèbre"})
    archive = {"frapper", "telephone", "equipage", "greve"}
    gaps = {"strike": "Grève", "phone": "Téléphone", "crew": "Équipage", "zebra": "Zèbre", "sorry": "Triste"}
    lexicon = build_lexicon(lambda word: word in archive, content_words, tmp_path, gaps=gaps)
    # FreeDict's senses stand; a word it lacks, or translates into nothing the archive
    # holds ("zebra"), takes Apertium's when the archive holds that; "sorry" stays out.
    assert lexicon["en_fr"] == {"strike": ["frapper"], "phone": ["telephone"], "crew": ["equipage"]}
    assert "Apertium" in lexicon["source"]


def test_cognates_need_a_long_common_start():
    lexicon = Lexicon(words=["analytique", "actuellement", "revenu", "revenir", "engagement"])
    assert lexicon.cognates("analytics") == ["analytique"]
    assert lexicon.cognates("revenue") == ["revenu"]
    assert lexicon.cognates("actually") == []
    assert lexicon.cognates("engagement") == []  # the archive has the word itself


def test_a_longer_word_starting_like_an_english_one_is_no_cognate():
    lexicon = Lexicon(words=["reviewguard", "analytique"])
    assert lexicon.cognates("review") == []  # a product's name, not "review"
