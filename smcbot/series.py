"""Series: one canonical name per series, whatever spelling a title uses.

Titles name their series in many ways: "#CercleDircom #10 – …", "Cercle Dircoms #6 : …",
"SMC #Focus – …", "Focus : …", "Cycle « Parcours utilisateurs » #3",
"Commission Social Data : …", "SMC | Social Data: …". `spelling_in(title)` reads the
spelling and the episode number off one title; a `SeriesCatalog` groups spellings
under one canonical name: the organisers' declarations (`config/series.toml`) first,
then a key that ignores case, accents, "#", quotation marks, plurals and the club's
prefixes ("SMC", "Cycle", "Commission").
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from smcbot.errors import SourceError
from smcbot.text import fold

# A title's head ends at the first separator between the series and the session's topic.
SEPARATOR = re.compile(r"\s+[–—-]\s+|\s*:\s+|\s+\|\s+|\s*[,;]\s+(?=session\b)", re.IGNORECASE)
QUOTED = re.compile(r"[«“\"]\s*(?P<name>[^»”\"]{2,60}?)\s*[»”\"]")
EPISODE = re.compile(r"#\s*(?P<number>\d{1,3})\b")
HASHTAG = re.compile(r"#(?P<tag>[A-Za-zÀ-ÖØ-öø-ÿ][\w'’]*[A-Za-zÀ-ÖØ-öø-ÿ])")
CLUB_PREFIX = re.compile(r"^SMC\s*[|–—:-]\s*", re.IGNORECASE)
CAMEL = re.compile(r"(?<=[a-zà-öø-ÿ])(?=[A-ZÀ-ÖØ-Þ])")
# Words that introduce a series without being its name ("SMC Cycle « … »", "Session #3").
LEAD_WORDS = {"smc", "cycle", "cycles", "session", "sessions", "serie", "series", "episode"}
# Words a title's head may start with that mark it as a series on their own.
SERIES_WORDS = {"smc", "cycle", "cercle", "commission", "club", "atelier", "ateliers"}
# Not part of a key: so "Commission Social Data" and "SMC | Social Data" are one series.
KEY_DROPPED = LEAD_WORDS | {"commission", "le", "la", "les", "l", "du", "des", "de", "d"}
MAX_SERIES_WORDS = 6


@dataclass(frozen=True)
class Spelling:
    """How one title names its series: the words as written, and the episode number."""

    name: str
    episode: int | None = None
    explicit: bool = True  # False: a bare "Name :" head, a series only if seen elsewhere
    compact: bool = False  # read off a hashtag ("#CercleDircom"): a poor display name


def series_key(name: str) -> str:
    """The comparison key of a series name: case, accents, "#", quotes, plurals and
    the club's prefixes do not count ("#CercleDircom" == "Cercle Dircoms")."""
    name = CAMEL.sub(" ", name.replace("#", " "))
    tokens = re.findall(r"[a-z0-9]+", fold(name))
    kept = [_singular(t) for t in tokens if t not in KEY_DROPPED]
    return " ".join(kept)


def _singular(word: str) -> str:
    """French and English plurals folded to the singular ("utilisateurs", "dircoms")."""
    if len(word) > 3 and word.endswith(("s", "x")) and not word.endswith("ss"):
        return word[:-1]
    return word


def clean_name(name: str) -> str:
    """A display name: hashtags split into words, club prefixes and stray marks removed."""
    name = HASHTAG.sub(lambda m: CAMEL.sub(" ", m.group("tag")), name)
    name = re.sub(r"[«»“”\"|#]", " ", name)
    words = name.split()
    while words and fold(words[0]) in LEAD_WORDS | {"smc"}:
        words = words[1:]
    return " ".join(words).strip(" ,–-:")


def spelling_in(title: str) -> Spelling | None:
    """The series a title names and its episode number, None for a one-off post."""
    title = title.strip()
    club = CLUB_PREFIX.match(title)  # "SMC | Social Data: …": the club's mark, then the series
    if club:
        title = title[club.end() :]
    head = SEPARATOR.split(title, maxsplit=1)[0]
    episode = _episode(title, head)
    quoted = QUOTED.search(head) or (
        QUOTED.search(title, len(head), len(head) + 60) if _quote_after(title, head) else None
    )
    if quoted and _quoted_is_series(title, quoted):
        return Spelling(clean_name(quoted.group("name")), episode)
    spelling = _head_spelling(head, episode)
    if spelling is not None and club:
        spelling = Spelling(spelling.name, spelling.episode, explicit=True, compact=spelling.compact)
    return spelling


def _quote_after(title: str, head: str) -> bool:
    """Whether a quoted name just after the head may name the series: when the head has
    no name of its own ("Session #2 – « … »", "Session 2 – « … »"), or a series word
    introduces the quote ("SMC Lyon – Cycle « Commerce et réseaux sociaux » #2"). In
    "Tous influenceurs #7 – Banques et « finfluenceurs »" the quotes are the topic's."""
    unnamed = not re.sub(r"\d+", " ", series_key(clean_name(EPISODE.sub(" ", head)))).strip()
    introduced = re.match(r"\W*(?:cycle|session|serie)\b", fold(title[len(head) :]))
    return unnamed or bool(introduced)


def _episode(title: str, head: str) -> int | None:
    """The session's number: "#10", "Session #3", in the head or just after it."""
    match = EPISODE.search(head) or EPISODE.search(title[: len(head) + 20])
    return int(match.group("number")) if match else None


def _quoted_is_series(title: str, quoted: re.Match) -> bool:
    """A quoted name is a series when a series word or a number comes with it:
    "Cycle « … »", "Session #2 « … »", "« … » #3" — not a quoted phrase in a topic."""
    around = fold(title[max(0, quoted.start() - 25) : quoted.end() + 12])
    return bool(re.search(r"\b(?:cycle|session|serie|smc)\b|#\s*\d", around))


def _head_spelling(head: str, episode: int | None) -> Spelling | None:
    """The series named by a title's head ("Cercle Dircoms #6", "SMC #Focus", "Focus")."""
    name = clean_name(EPISODE.sub(" ", head))
    words = name.split()
    if not words or len(words) > MAX_SERIES_WORDS or head.strip() == "" or not series_key(name):
        return None
    first = fold(head.split()[0].lstrip("#"))
    marked = first in SERIES_WORDS or head.lstrip().startswith("#") or episode is not None
    if head.strip().endswith(("?", "!", ".")):
        return None
    return Spelling(name, episode, explicit=marked, compact=_is_hashtag(head))


def _is_hashtag(head: str) -> bool:
    """True for a head that is one hashtag and a number ("#CercleDircom #10")."""
    return bool(re.fullmatch(r"#\S+", EPISODE.sub("", head).strip()))


@dataclass
class SeriesDeclaration:
    """A series an organiser declared: its canonical name and other spellings."""

    name: str
    aliases: list[str] = field(default_factory=list)


def load_declarations(path: Path) -> list[SeriesDeclaration]:
    """Read `[[series]]` entries (name, aliases) from a TOML file; none if it is absent.

    Raises:
        SourceError: the file is not valid TOML or an entry has no name.
    """
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SourceError(f"{path}: not valid TOML ({error})") from None
    declared = []
    for number, entry in enumerate(data.get("series", []), 1):
        if not isinstance(entry, dict) or not str(entry.get("name", "")).strip():
            raise SourceError(f'{path}: series #{number} needs name = "..."')
        aliases = [str(a) for a in entry.get("aliases", [])]
        declared.append(SeriesDeclaration(str(entry["name"]).strip(), aliases))
    return declared


class SeriesCatalog:
    """The series of an archive: canonical names, their spellings, and lookups by alias."""

    def __init__(self, declarations: list[SeriesDeclaration] | None = None) -> None:
        self._by_key: dict[str, str] = {}  # key of any spelling -> canonical name
        self.aliases: dict[str, list[str]] = {}  # canonical name -> spellings seen or declared
        self._declared_keys: set[str] = set()
        for declaration in declarations or []:
            self._declare(declaration)

    def _declare(self, declaration: SeriesDeclaration) -> None:
        """Register a declared series; its keys win over any heuristic grouping."""
        self.aliases.setdefault(declaration.name, [])
        for spelling in [declaration.name, *declaration.aliases]:
            key = series_key(spelling)
            if key:
                self._by_key[key] = declaration.name
                self._declared_keys.add(key)
                self._add_alias(declaration.name, spelling)

    def _add_alias(self, canonical: str, spelling: str) -> None:
        """Remember a spelling of a series (once)."""
        spellings = self.aliases.setdefault(canonical, [])
        if spelling and spelling not in spellings:
            spellings.append(spelling)

    @classmethod
    def from_titles(cls, titles: list[str], declarations: list[SeriesDeclaration] | None = None) -> SeriesCatalog:
        """Group the series that `titles` name; the most used spelling names each group.

        A bare head ("Focus : …") counts only when the same series is named elsewhere
        with a mark of a series (a number, "SMC", "Cycle"…), or by two titles.
        """
        catalog = cls(declarations)
        spellings = [s for s in (spelling_in(t) for t in titles) if s is not None]
        counts = Counter(series_key(s.name) for s in spellings)
        marked = {series_key(s.name) for s in spellings if s.explicit}
        groups: dict[str, Counter] = {}
        for spelling in spellings:
            key = series_key(spelling.name)
            if key in catalog._declared_keys or key in marked or counts[key] >= 2:
                # A hashtag's words ("Cercle Dircom") name a series only if nothing better does.
                groups.setdefault(key, Counter())[spelling.name] += 0.1 if spelling.compact else 1
        for key, names in groups.items():
            if key in catalog._declared_keys:
                canonical = catalog._by_key[key]
            else:
                canonical = max(names, key=lambda n: (names[n], " " in n, len(n)))
                catalog._by_key[key] = canonical
            for name in names:
                catalog._add_alias(canonical, name)
        return catalog

    def series_of(self, title: str) -> tuple[str, int | None]:
        """The canonical series of a title and its episode ("", None for a one-off post)."""
        spelling = spelling_in(title)
        if spelling is None:
            return "", None
        canonical = self._by_key.get(series_key(spelling.name), "")
        return canonical, spelling.episode if canonical else None

    def canonical(self, name: str) -> str | None:
        """The canonical series an alias names (any spelling, case or accents), else None."""
        key = series_key(name)
        if not key:
            return None
        if key in self._by_key:
            return self._by_key[key]
        # "Dircoms" or "Social Data" alone: the one series whose key holds those words.
        found = {c for k, c in self._by_key.items() if re.search(rf"(?:^| ){re.escape(key)}(?: |$)", k)}
        return found.pop() if len(found) == 1 else None

    def named_in(self, text: str) -> str:
        """The series a text names by any spelling, the longest spelling winning; ""
        if none. Reads the spellings' keys made once, at registration: a question is
        compared with every spelling of every series (a thousand on a large archive)."""
        key = f" {series_key(text)} "
        found = [(len(alias), canonical) for alias, canonical in self._by_key.items() if f" {alias} " in key]
        return max(found)[1] if found else ""

    @property
    def names(self) -> list[str]:
        """Every canonical series name, sorted."""
        return sorted(self.aliases, key=fold)
