"""General language resources that bridge an English question to the French archive
and tell a common word from a rare one.

- **FreeDict** English–French and French–English dictionaries (Debian packages
  `dict-freedict-eng-fra` and `dict-freedict-fra-eng`, GPL; installed by
  `scripts/setup.sh`). They are read at index build, never shipped with the code:
  the English words whose French translations the archive holds are written to
  `lexicon.json` in the build folder, and questions read that file.
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
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

FREEDICT_DIR = Path("/usr/share/dictd")
LEXICON_FILE = "lexicon.json"
COGNATE_PREFIX = 5
SENSES = 3  # translations kept per English word, in the dictionary's order

# Phrases and words that name the club, its format and its members, not a topic.
CLUB_PHRASES = ("social media club", "table ronde", "tables rondes", "round table", "round tables")
CLUB_WORDS = frozenset(
    """
    smc club clubs session sessions roundtable roundtables membre membres member members membership
    adhesion adhesions adherent adherents adherer intervenant intervenants intervenante intervenantes
    speaker speakers panel panels panelist panelists paneliste panelistes conference conferences
    evenement evenements event events rencontre rencontres meetup meetups soiree soirees
    cotisation cotisations inscription inscriptions inscrire fee fees join joining organisateur
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
    known: Callable[[str], bool], tokenize: Callable[[str], list[str]], folder: Path = FREEDICT_DIR
) -> dict:
    """English word → the French words translating it that the archive holds.

    Both FreeDict directions are read (the French–English one inverted, after the
    English–French senses); the first `SENSES` translations of a word are kept, those
    that `known(french_word)` says the archive holds.
    `tokenize` turns text into the folded content words the index uses.
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
    lexicon = {key: kept for key, kept in lexicon.items() if kept}
    return {"source": "FreeDict eng-fra + fra-eng (GPL)", "en_fr": lexicon}


def archive_words(texts: list[str], tokenize: Callable[[str], list[str]]) -> list[str]:
    """The distinct folded content words of the archive, for spotting cognates."""
    return sorted({word for text in texts for word in tokenize(text) if word.isalpha()})


def lexicon_key(folder: Path = FREEDICT_DIR) -> str:
    """What the lexicon of a build is made from (a rebuild redoes it when this changes)."""
    present = [n for n in ("freedict-eng-fra", "freedict-fra-eng") if (folder / f"{n}.index").exists()]
    return "lexicon-4:" + "+".join(present)


def write_lexicon(path: Path, lexicon: dict) -> None:
    """Write the lexicon of one build."""
    path.write_text(json.dumps(lexicon, ensure_ascii=False, sort_keys=True))


@dataclass
class Lexicon:
    """What an index knows of words: English→French translations (empty when built
    without FreeDict) and the archive's own words, for cognates."""

    en_fr: dict[str, list[str]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._known = set(self.words)
        self._by_prefix: dict[str, list[str]] = {}
        for word in self.words:
            self._by_prefix.setdefault(word[:COGNATE_PREFIX], []).append(word)

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        """Read `lexicon.json`; an index built before it existed has none."""
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data.get("en_fr", {}), data.get("words", []))

    def knows(self, word: str) -> bool:
        """True if the archive's text holds this folded word."""
        return word in self._known

    def translate(self, word: str) -> list[str]:
        """French words for a folded English word."""
        return self.en_fr.get(word, [])

    def cognates(self, word: str) -> list[str]:
        """Archive words spelt like an English word the archive lacks: all but its last
        two letters in common ("analytics" → "analytique", "revenue" → "revenu"; not
        "actually" → "actuellement", nor "revenue" → "revenir")."""
        if len(word) < COGNATE_PREFIX + 1 or word in self._known:
            return []
        found = []
        for candidate in self._by_prefix.get(word[:COGNATE_PREFIX], []):
            shared = len(os.path.commonprefix([word, candidate]))
            if shared >= max(COGNATE_PREFIX + 1, len(word) - 2):
                found.append(candidate)
        return found


# --- frequencies, lemmas, cognates --------------------------------------------------


@lru_cache(maxsize=100_000)
def zipf(word: str, language: str) -> float:
    """How common a word is in general `language` text (Zipf scale, 0 if unseen)."""
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
    for language in ("en", "fr"):
        zipf("the", language)
        lemma("posts", language)
