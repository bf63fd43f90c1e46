"""General language resources that bridge an English question to the French archive
and tell a common word from a rare one.

- **FreeDict** English–French and French–English dictionaries (Debian packages
  `dict-freedict-eng-fra` and `dict-freedict-fra-eng`, GPL; installed by
  `scripts/setup.sh`). They are read at index build, never shipped with the code:
  the English words whose French translations the archive holds are written to
  `lexicon.json` in the build folder, and questions read that file.
- **Apertium's bilingual dictionaries** (English–Spanish, Spanish–French, the packages
  the glosses use): FreeDict lacks common words ("phone", "crew", "theater"); the
  30,000 commonest English words are translated word by word through Spanish at
  build (seconds, cached beside the word tables) and fill in where FreeDict gives
  nothing the archive holds.
- **wordfreq**: how common a word is in general English or French (Zipf scale,
  0 = unseen, 7 = "the"), so that a common word the archive lacks ("biggest")
  does not weigh like a rare subject it lacks ("Mastodon").
- **simplemma**: lemmas ("biggest" → "big", "posts" → "post") before translating.
- **Cognates**: an English word the archive lacks matches archive words that
  start the same way ("analytics" → "analytique").
- **The club's own words** ("session", "membre", "Social Media Club") say nothing
  about a topic and carry no weight in a question; nor do the words of practical
  questions about the club (joining, fees, the next event, the organisers), which
  the archive of past sessions does not answer.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import math
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FREEDICT_DIR = Path("/usr/share/dictd")
LEXICON_FILE = "lexicon.json"
COGNATE_PREFIX = 5
# A cognate ends a few letters differently ("analytics" → "analytique"); a longer word
# starting like it is another word ("review" → "reviewguard", a product's name).
COGNATE_GROWTH = 3
SENSES = 3  # translations kept per English word, in the dictionary's order

# Phrases and words that name the club, its format and its members, not a topic.
CLUB_PHRASES = ("social media club", "table ronde", "tables rondes", "round table", "round tables")
CLUB_WORDS = frozenset(
    """
    smc club session sessions roundtable roundtables membre membres member members membership
    adhesion adhesions adherent adherents adherer intervenant intervenants intervenante intervenantes
    speaker speakers panel panels panelist panelists paneliste panelistes conference conferences
    evenement evenements event events rencontre rencontres meetup meetups soiree soirees
    cotisation cotisations cotiser inscription inscriptions inscrire fee fees join joining organisateur
    organisateurs organisatrice organiser organisers organizer organizers prochain prochaine
    prochains prochaines next upcoming agenda billet billets ticket tickets intervenir
    """.split()
)

# --- FreeDict ----------------------------------------------------------------------


def read_freedict(name: str, folder: Path = FREEDICT_DIR) -> dict[str, list[str]]:
    """Headword → translations of one dictd dictionary (`freedict-eng-fra`), empty if absent."""
    index_path, data_path = folder / f"{name}.index", folder / f"{name}.dict.dz"
    if not index_path.exists() or not data_path.exists():
        return {}
    with gzip.open(data_path) as handle:
        data = handle.read()
    entries: dict[str, list[str]] = {}
    for line in index_path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00database"):
            continue
        start, size = _b64(parts[1]), _b64(parts[2])
        body = data[start : start + size].decode("utf-8", "replace")
        entries.setdefault(parts[0].lower(), []).extend(_translations(body))
    return entries


def _b64(text: str) -> int:
    """A dictd offset or length (base 64, most significant digit first)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    value = 0
    for char in text:
        value = value * 64 + alphabet.index(char)
    return value


def _translations(body: str) -> list[str]:
    """The translations of one entry: the lines after the headword, split at commas."""
    out = []
    for line in body.splitlines()[1:]:
        line = re.sub(r"^\s*\d+\.\s*", "", line).strip()
        line = re.sub(r"<[^>]*>|\([^)]*\)", "", line)
        out.extend(t.strip() for t in line.split(",") if t.strip())
    return out


def build_lexicon(
    known: Callable[[str], bool],
    tokenize: Callable[[str], list[str]],
    folder: Path = FREEDICT_DIR,
    gaps: Mapping[str, str] | None = None,
) -> dict:
    """English word → the French words translating it that the archive holds.

    Both FreeDict directions are read (the French–English one inverted, after the
    English–French senses); the first `SENSES` translations of a word are kept, those
    that `known(french_word)` says the archive holds.
    `tokenize` turns text into the folded content words the index uses.
    `gaps` (English word → French, from Apertium's dictionaries) fill in the common words
    FreeDict lacks or translates into nothing the archive holds ("phone", "crew",
    "sorry"): only there, since a second sense beside FreeDict's was measured to add
    off-topic answers (README, "What each resource adds").
    """
    pairs: dict[str, list[str]] = {}
    for english, frenches in read_freedict("freedict-eng-fra", folder).items():
        pairs.setdefault(english, []).extend(frenches)
    for french, englishes in read_freedict("freedict-fra-eng", folder).items():
        for english in englishes:
            pairs.setdefault(english.lower(), []).append(french)
    lexicon: dict[str, list[str]] = {}
    for english, frenches in pairs.items():
        tokens = tokenize(english)
        if len(tokens) != 1 or " " in english.strip():  # one-word headwords only
            continue
        key = tokens[0]
        # An entry lists its common senses first; the rare ones only add noise.
        # A phrase's words are not translations of the word ("account" → "faire part"
        # is not "faire"): only one-word translations are kept.
        singles = [tokenize(french) for french in frenches[:SENSES]]
        found = [words[0] for words in singles if len(words) == 1 and len(words[0]) > 2 and known(words[0])]
        kept = lexicon.setdefault(key, [])
        kept.extend(w for w in dict.fromkeys(found) if w != key and w not in kept)
    filled = _fill_gaps(lexicon, gaps or {}, known, tokenize)
    lexicon = {key: kept for key, kept in lexicon.items() if kept}
    source = "FreeDict eng-fra + fra-eng (GPL)"
    if filled:
        source += ", Apertium eng-spa + fr-es where FreeDict has none (GPL)"
    return {"source": source, "en_fr": lexicon}


def _fill_gaps(
    lexicon: dict[str, list[str]],
    gaps: Mapping[str, str],
    known: Callable[[str], bool],
    tokenize: Callable[[str], list[str]],
) -> int:
    """Give each English word without a translation the archive holds its one-word
    translation in `gaps`, if the archive holds that; returns how many were filled."""
    filled = 0
    for english, french in gaps.items():
        keys, words = tokenize(english), tokenize(french)
        if len(keys) != 1 or lexicon.get(keys[0]) or len(words) != 1:
            continue
        if len(words[0]) > 2 and words[0] != keys[0] and known(words[0]):
            lexicon[keys[0]] = [words[0]]
            filled += 1
    return filled


# How many of the commonest English words are given a translation from Apertium's
# dictionaries where FreeDict has none (the words members use; seconds at build, cached).
ENGLISH_VOCABULARY = 30_000


def english_vocabulary(size: int = ENGLISH_VOCABULARY) -> list[str]:
    """The commonest English words of three letters or more (wordfreq), commonest first."""
    from wordfreq import top_n_list

    words = [word for word in top_n_list("en", size * 2) if word.isalpha() and len(word) > 2]
    return words[:size]


def lexicon_key(folder: Path = FREEDICT_DIR) -> str:
    """What the lexicon of a build is made from (a rebuild redoes it when this changes)."""
    present = [n for n in ("freedict-eng-fra", "freedict-fra-eng") if (folder / f"{n}.index").exists()]
    return "lexicon-4:" + "+".join(present) + "|" + word_tables_key()


def write_lexicon(path: Path, lexicon: dict) -> None:
    """Write the lexicon of one build."""
    path.write_text(json.dumps(lexicon, ensure_ascii=False, sort_keys=True))


@dataclass
class Lexicon:
    """What an index knows of words: English→French translations (empty when built
    without FreeDict) and the archive's own words, for cognates."""

    en_fr: dict[str, list[str]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    general: WordTables | LibraryWords = field(default_factory=lambda: LibraryWords())

    def __post_init__(self) -> None:
        self._known = set(self.words)
        self._by_prefix: dict[str, list[str]] = {}
        for word in self.words:
            self._by_prefix.setdefault(word[:COGNATE_PREFIX], []).append(word)

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        """Read `lexicon.json` and the word tables beside it; an index built before
        they existed has none (its questions then import wordfreq and simplemma)."""
        tables = path.parent / WORDS_DIR
        if tables.is_dir():
            general: WordTables | LibraryWords = WordTables.load(tables)
        else:
            log.warning("this index has no word tables: rebuild the index for a faster start (smcbot index build)")
            general = LibraryWords()
        if not path.exists():
            return cls(general=general)
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data.get("en_fr", {}), data.get("words", []), general)

    def knows(self, word: str) -> bool:
        """True if the archive's text holds this folded word."""
        return word in self._known

    def translate(self, word: str) -> list[str]:
        """French words for a folded English word."""
        return self.en_fr.get(word, [])

    def correction(self, word: str) -> str | None:
        """The archive word one typing slip away from a folded word of at least
        `MIN_TYPO_LENGTH` letters the archive lacks ("comunity" → "community"; a letter
        left out, doubled, swapped or struck for another), the commonest in general
        language when several are; None when there is none."""
        if len(word) < MIN_TYPO_LENGTH or word in self._known:
            return None
        found = [candidate for candidate in _one_slip_away(word) if candidate in self._known]
        if not found:
            return None
        return max(sorted(found), key=lambda candidate: max(self.general.zipf(candidate, lang) for lang in LANGUAGES))

    def cognates(self, word: str) -> list[str]:
        """Archive words spelt like an English word the archive lacks: all but its last
        two letters in common ("analytics" → "analytique", "revenue" → "revenu"; not
        "actually" → "actuellement", nor "revenue" → "revenir")."""
        if len(word) < COGNATE_PREFIX + 1 or word in self._known:
            return []
        found = []
        for candidate in self._by_prefix.get(word[:COGNATE_PREFIX], []):
            shared = len(os.path.commonprefix([word, candidate]))
            if shared >= max(COGNATE_PREFIX + 1, len(word) - 2) and len(candidate) <= len(word) + COGNATE_GROWTH:
                found.append(candidate)
        return found


MIN_TYPO_LENGTH = 5  # shorter words are one slip away from too many others
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_slip_away(word: str) -> set[str]:
    """The words one deletion, transposition, substitution or insertion away."""
    splits = [(word[:n], word[n:]) for n in range(len(word) + 1)]
    deleted = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    struck = {a + letter + b[1:] for a, b in splits if b for letter in LETTERS}
    inserted = {a + letter + b for a, b in splits for letter in LETTERS}
    return (deleted | swapped | struck | inserted) - {word}


# --- frequencies and lemmas --------------------------------------------------------


@lru_cache(maxsize=100_000)
def zipf(word: str, language: str) -> float:
    """How common a word is in general `language` text (Zipf scale, 0 if unseen), from
    wordfreq itself: builds use it; questions read the build's `WordTables`."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, language)


def more_english(word: str) -> bool:
    """True if the word is more common in English than in French ("online", not "ligne")."""
    return zipf(word, "en") > zipf(word, "fr")


@lru_cache(maxsize=100_000)
def lemma(word: str, language: str) -> str:
    """The dictionary form of a word ("biggest" → "big"); the word itself when unknown."""
    import simplemma

    return simplemma.lemmatize(word, lang=language).lower()


def warm_up() -> None:
    """Load the frequency lists and lemma tables now, not on the first question."""
    for language in LANGUAGES:
        zipf("the", language)
        lemma("posts", language)


class LibraryWords:
    """Frequencies and lemmas from wordfreq and simplemma themselves, imported on first
    use (about 2 s and 100 MB): for an index built before word tables existed."""

    zipf = staticmethod(zipf)
    lemma = staticmethod(lemma)
    more_english = staticmethod(more_english)
    warm_up = staticmethod(warm_up)


# --- word tables: the same answers, precomputed at index build ----------------------

LANGUAGES = ("en", "fr")
WORDS_DIR = "words"
WORDS_FORMAT = 2  # 2: a folded word is as common in French as the accented words it folds from
# wordfreq words at least this common (Zipf) are kept whatever the archive holds.
# A rarer word the archive lacks counts as unseen, which the relevance gate already
# treats like any word rarer than `rare_zipf`: full weight, specific.
COMMON_ZIPF = 2.0
MAX_WORD_BYTES = 48  # longer "words" are not words; they count as unseen


def word_tables_key() -> str:
    """What the word tables of a build are made from (a rebuild redoes them when this changes)."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "absent"

    return f"words-{WORDS_FORMAT}:{COMMON_ZIPF}:wordfreq-{installed('wordfreq')}:simplemma-{installed('simplemma')}"


def build_word_tables(
    words: Iterable[str], fold: Callable[[str], str], *, cache: Path | None = None, fold_key: str = ""
) -> WordTables:
    """The Zipf frequencies (English and French) and lemmas of the words that can matter.

    Args:
        words: the archive's words, folded and as written (lowercase, accents kept),
            and the dictionary words a question may be bridged with.
        fold: how the index folds a word (lemmas are asked of folded words).
        cache: a folder where the tables of wordfreq's common words are kept between
            builds (they are the same for every archive); None computes them.
        fold_key: what names `fold`'s version in the cache (a new one recomputes them).

    wordfreq's words at least `COMMON_ZIPF` common in either language are added. A
    question word outside the tables answers as wordfreq and simplemma answer for a
    word they do not know: Zipf 0, its own lemma.
    """
    common = common_tables(fold, cache, fold_key) if cache else _common_tables(fold, COMMON_ZIPF)
    entries: dict[str, Entry] = {}
    _add_entries(entries, {word for word in words if common._row(word) is None}, fold, common)
    _lift_folded(entries, fold)
    return _merge(common, entries)


# One word's Zipf × 100 in English and French, and its English and French lemmas (None: itself).
Entry = tuple[int, int, str | None, str | None]


COMMON_PREFIX = "common-words-"


def common_tables(fold: Callable[[str], str], cache: Path, fold_key: str = "") -> WordTables:
    """The tables of wordfreq's common words, read from `cache` when a build made them
    with the same wordfreq, simplemma and fold; otherwise computed (about 10 s of CPU)
    and written there, whole or not at all, for the next build."""
    key = f"{word_tables_key()}|{fold_key}"
    folder = cache / (COMMON_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:16])
    tables = _read_common(folder, key)
    if tables is None:
        tables = _common_tables(fold, COMMON_ZIPF)
        try:
            _write_common(folder, key, tables)
        except OSError as error:  # a read-only cache only costs the next build the same 10 s
            log.warning("%s: cannot keep the common word tables (%s)", folder, error)
    return tables


def _read_common(folder: Path, key: str) -> WordTables | None:
    """The tables `_write_common` left in `folder`, None if missing, for another key or damaged."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("key") != key:
            return None
        for name in WORD_ARRAYS:
            if hashlib.sha256((folder / f"{name}.npy").read_bytes()).hexdigest() != meta["sha256"][name]:
                return None
        arrays = [np.load(folder / f"{name}.npy", allow_pickle=False) for name in WORD_ARRAYS]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return WordTables(*arrays)


def _write_common(folder: Path, key: str, tables: WordTables) -> None:
    """Write the tables under a temporary name, then rename it to `folder` (atomic: a
    build that reads it sees all of it or nothing)."""
    temporary = folder.with_name(f".{folder.name}.{os.getpid()}.{threading.get_ident()}")
    shutil.rmtree(temporary, ignore_errors=True)
    tables.save(temporary)
    digests = {name: hashlib.sha256((temporary / f"{name}.npy").read_bytes()).hexdigest() for name in WORD_ARRAYS}
    (temporary / "meta.json").write_text(json.dumps({"key": key, "sha256": digests}), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)  # a damaged copy
    try:
        temporary.rename(folder)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        if _read_common(folder, key) is None:  # another build wrote it first: keep theirs
            raise


@lru_cache(maxsize=2)
def _common_tables(fold: Callable[[str], str], floor: float) -> WordTables:
    """The tables of wordfreq's words at least `floor` common in either language (the
    same for every archive: made once per process, in about two seconds)."""
    from wordfreq import get_frequency_dict

    keys: set[str] = set()
    for language in LANGUAGES:
        for word, frequency in get_frequency_dict(language).items():
            if frequency >= 10 ** (floor - 9):
                keys.add(word)
                if not word.isascii():  # wordfreq's words are lowercase: ASCII ones are folded
                    keys.add(fold(word))
    entries: dict[str, Entry] = {}
    _add_entries(entries, keys, fold)
    _lift_folded(entries, fold)
    return _merge(WordTables(np.zeros(0, dtype="S1"), np.zeros((0, 2), np.uint16), np.zeros((0, 2), np.int32)), entries)


def _add_entries(
    entries: dict[str, Entry], words: set[str], fold: Callable[[str], str], known: WordTables | None = None
) -> None:
    """Add the entries of `words`, then of the lemmas they point to that neither
    `entries` nor `known` holds."""
    while words:
        added = _entries(words, fold)
        entries.update(added)
        words = {
            found
            for entry in added.values()
            for found in entry[2:]
            if found and found not in entries and (known is None or known._row(found) is None)
        }


def _merge(tables: WordTables, entries: dict[str, Entry]) -> WordTables:
    """`tables` with the words of `entries` added, in one sorted array."""
    if not entries:
        return tables
    added = sorted(entries)
    encoded = [key.encode() for key in added]
    width = max(tables.keys.dtype.itemsize, *map(len, encoded))
    keys = np.concatenate([tables.keys.astype(f"S{width}"), np.array(encoded, dtype=f"S{width}")])
    order = np.argsort(keys, kind="stable")
    moved = np.empty(len(keys), dtype=np.int64)
    moved[order] = np.arange(len(keys))  # old row → new row
    keys = keys[order]
    zipfs = np.array([entries[key][:2] for key in added], dtype=np.uint16).reshape(-1, len(LANGUAGES))
    old = np.asarray(tables.lemmas, dtype=np.int64)
    kept = np.where(old >= 0, moved[np.maximum(old, 0)], -1)
    targets = np.array([(found or "").encode() for key in added for found in entries[key][2:]], dtype=f"S{width}")
    found = np.where(targets != b"", np.searchsorted(keys, targets), -1).reshape(-1, len(LANGUAGES))
    lemmas = np.concatenate([kept, found])[order].astype(np.int32)
    return WordTables(keys, np.concatenate([tables.zipfs, zipfs])[order], lemmas)


def _entries(keys: Iterable[str], fold: Callable[[str], str]) -> dict[str, Entry]:
    """What `zipf` and `lemma` answer for each word (lemmas only for folded words: only
    those are asked); empty and over-long words are left out."""
    import simplemma
    from wordfreq import get_frequency_dict

    lists = [get_frequency_dict(language) for language in LANGUAGES]
    entries: dict[str, Entry] = {}
    for key in keys:
        if not key or len(key.encode()) > MAX_WORD_BYTES:
            continue
        english, french = (round(_exact_zipf(key, language, lists[n]) * 100) for n, language in enumerate(LANGUAGES))
        lemmas: list[str | None] = [None, None]
        if (key.isascii() and key.islower()) or fold(key) == key:
            for n, language in enumerate(LANGUAGES):
                found = simplemma.lemmatize(key, lang=language).lower()
                if found != key and len(found.encode()) <= MAX_WORD_BYTES:
                    lemmas[n] = found
        entries[key] = (english, french, lemmas[0], lemmas[1])
    return entries


def _lift_folded(entries: dict[str, Entry], fold: Callable[[str], str]) -> None:
    """Give a folded word the French frequency of the commonest accented word it folds
    from: members often type French without accents, and "meteo" is as common a word as
    "météo", not the rare string wordfreq counts (which would make it a specific
    subject). English frequencies stay as they are: English words carry no accents."""
    for word, (_, french, *_) in list(entries.items()):
        folded = fold(word)
        if folded != word and folded in entries:
            english, kept, *lemmas = entries[folded]
            entries[folded] = (english, max(kept, french), *lemmas)


def _exact_zipf(word: str, language: str, frequencies: dict[str, float]) -> float:
    """`zipf(word, language)`, without wordfreq's tokenizer for the words where it can
    only find the word itself (a listed word, or plain lowercase ASCII letters)."""
    if word in frequencies:
        return round(math.log10(frequencies[word]) + 9, 2)
    if word.isascii() and word.isalpha() and word.islower():
        return 0.0
    return zipf(word, language)


class WordTables:
    """What `zipf`, `lemma` and `more_english` answer, for the words that can matter,
    read from a build's `words/` folder (numpy arrays, memory-mapped: a question reads
    a few rows, never the whole tables, and never imports wordfreq or simplemma).

    `keys` are the words (UTF-8, sorted); `zipf` their Zipf frequency × 100 in
    English and French; `lemmas` the row of each word's lemma (-1: the word itself).
    """

    def __init__(self, keys: np.ndarray, zipf: np.ndarray, lemmas: np.ndarray) -> None:
        self.keys, self.zipfs, self.lemmas = keys, zipf, lemmas
        self._width = keys.dtype.itemsize

    def save(self, folder: Path) -> None:
        """Write the three arrays as .npy files (no pickle)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, array in (("keys", self.keys), ("zipf", self.zipfs), ("lemmas", self.lemmas)):
            np.save(folder / f"{name}.npy", array, allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> WordTables:
        """Map the arrays written by `save`."""
        arrays = [np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in WORD_ARRAYS]
        return cls(*arrays)

    def _row(self, word: str) -> int | None:
        """The row of a word, None when the tables do not hold it."""
        key = word.encode()
        if not key or len(key) > self._width:
            return None
        row = int(np.searchsorted(self.keys, key))
        return row if row < len(self.keys) and self.keys[row] == key else None

    def zipf(self, word: str, language: str) -> float:
        """How common a word is in general `language` text (Zipf scale, 0 if unseen)."""
        row = self._row(word)
        if row is not None:
            return int(self.zipfs[row, LANGUAGES.index(language)]) / 100
        if "-" in word:
            return self._compound_zipf(word, language)
        return 0.0

    def _compound_zipf(self, word: str, language: str) -> float:
        """A hyphenated word the tables lack, as wordfreq rates it: its parts' frequencies
        combined (1/f = 1/f1 + 1/f2 …, three significant digits); 0 if a part is unseen."""
        parts = [self.zipf(part, language) for part in word.split("-")]
        if not parts or not all(parts):
            return 0.0
        frequency = 1 / sum(1 / 10 ** (part - 9) for part in parts)
        frequency = round(frequency, math.floor(-math.log10(frequency)) + 3)
        return round(math.log10(frequency) + 9, 2)

    def lemma(self, word: str, language: str) -> str:
        """The dictionary form of a folded word; the word itself when unknown."""
        row = self._row(word)
        if row is None:
            return word
        found = int(self.lemmas[row, LANGUAGES.index(language)])
        return word if found < 0 else self.keys[found].decode()

    def more_english(self, word: str) -> bool:
        """True if the word is more common in English than in French."""
        return self.zipf(word, "en") > self.zipf(word, "fr")

    def warm_up(self) -> None:
        """Nothing to load: the arrays are mapped and read on demand."""


WORD_ARRAYS = ("keys", "zipf", "lemmas")
GeneralWords = WordTables | LibraryWords  # where word frequencies and lemmas come from
