"""The archive's directory: its series and its speakers.

At index time `describe_archive` gives every article its canonical series and
episode, its speakers with clean names, and what they said (`Statement`s),
applying the organisers' corrections from `config/series.toml` and
`config/speakers.toml` (next to the sources manifest). At question time a
`Directory` gathers them from the loaded articles: each person with their
organisation, role, sessions and quotes, and the series with their aliases.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from smcbot.errors import SourceError
from smcbot.models import Article, Speaker, Statement
from smcbot.people import speakers_in, statements_in
from smcbot.series import SeriesCatalog, SeriesDeclaration, load_declarations, spelling_in
from smcbot.text import fold

SERIES_FILE = "series.toml"
SPEAKERS_FILE = "speakers.toml"


@dataclass
class SpeakerCorrection:
    """An organiser's correction of a speaker: the name to show, other spellings, and
    the organisation or role to show instead of what the text gives."""

    name: str
    aliases: list[str] = field(default_factory=list)
    organisation: str | None = None
    role: str | None = None


def load_speaker_corrections(path: Path) -> dict[str, SpeakerCorrection]:
    """`[[speakers]]` entries by folded name and alias; none if the file is absent.

    Raises:
        SourceError: the file is not valid TOML or an entry has no name.
    """
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SourceError(f"{path}: not valid TOML ({error})") from None
    corrections: dict[str, SpeakerCorrection] = {}
    for number, entry in enumerate(data.get("speakers", []), 1):
        if not isinstance(entry, dict) or not str(entry.get("name", "")).strip():
            raise SourceError(f'{path}: speaker #{number} needs name = "..."')
        correction = SpeakerCorrection(
            name=str(entry["name"]).strip(),
            aliases=[str(a) for a in entry.get("aliases", [])],
            organisation=entry.get("organisation"),
            role=entry.get("role"),
        )
        for spelling in [correction.name, *correction.aliases]:
            corrections[fold(spelling)] = correction
    return corrections


def _corrected(speaker: Speaker, corrections: dict[str, SpeakerCorrection]) -> Speaker:
    """The speaker as the organisers want them shown."""
    fix = corrections.get(fold(speaker.name))
    if fix is None:
        return speaker
    return Speaker(
        name=fix.name,
        role=speaker.role if fix.role is None else fix.role,
        organisation=speaker.organisation if fix.organisation is None else fix.organisation,
    )


def describe_archive(articles: list[Article], *, config_dir: Path) -> list[Article]:
    """Give each article its canonical series and episode, clean speakers and statements.

    Args:
        articles: as the sources gave them (changed in place, and returned).
        config_dir: the folder holding `series.toml` and `speakers.toml`, if any.

    Raises:
        SourceError: a correction file is not valid.
    """
    declarations = load_declarations(config_dir / SERIES_FILE)
    corrections = load_speaker_corrections(config_dir / SPEAKERS_FILE)
    catalog = SeriesCatalog.from_titles([a.title for a in articles], declarations)
    for article in articles:
        _describe(article, catalog, corrections)
    return articles


def _describe(article: Article, catalog: SeriesCatalog, corrections: dict[str, SpeakerCorrection]) -> None:
    """Series, episode, speakers and statements of one article."""
    series, episode = catalog.series_of(article.title)
    if not series and article.series and _given_by_source(article):
        series = catalog.canonical(article.series) or article.series
    article.series, article.episode = series, episode
    found = speakers_in(article.body)
    article.speakers = _unique([_corrected(s, corrections) for s in found])
    names = {s.name: _corrected(s, corrections).name for s in found}
    article.statements = [
        Statement(st.text, names.get(st.speaker, st.speaker)) for st in statements_in(article.body, found)
    ]


def _given_by_source(article: Article) -> bool:
    """True when the series came with the article (front matter, JSON), not from its title."""
    from smcbot.sources.articles import series_from_title

    return article.series != series_from_title(article.title)


def _unique(speakers: list[Speaker]) -> list[Speaker]:
    """One entry per person (a correction may merge two spellings)."""
    seen: dict[str, Speaker] = {}
    for speaker in speakers:
        seen.setdefault(fold(speaker.name), speaker)
    return list(seen.values())


# --- question time --------------------------------------------------------------------


@dataclass
class Person:
    """Someone who spoke at the club: who they are, where, and what they said."""

    name: str
    organisation: str = ""
    role: str = ""
    sessions: list[Article] = field(default_factory=list)
    statements: list[tuple[Article, Statement]] = field(default_factory=list)

    def label(self) -> str:
        """ "Name, role (Organisation)" with the parts known."""
        return Speaker(self.name, self.role, self.organisation).label()


class Directory:
    """The people and series of a loaded index, for questions about them."""

    def __init__(self, articles: list[Article]) -> None:
        self.articles = sorted(articles, key=lambda a: (a.date is not None, a.date), reverse=True)
        self.people: dict[str, Person] = {}
        for article in self.articles:  # newest first: a person's latest role and organisation win
            self._add_article(article)
        self.series = _catalog_of(self.articles)

    def _add_article(self, article: Article) -> None:
        """Register the article's speakers and statements."""
        for speaker in article.speakers:
            person = self.people.setdefault(fold(speaker.name), Person(speaker.name))
            person.organisation = person.organisation or speaker.organisation
            person.role = person.role or speaker.role
            if article not in person.sessions:
                person.sessions.append(article)
        for statement in article.statements:
            person = self.people.get(fold(statement.speaker)) if statement.speaker else None
            if person is not None:
                person.statements.append((article, statement))

    def find(self, name: str) -> Person | None:
        """The person a name designates: the full name (any case or accents), or a surname
        only one speaker has."""
        key = fold(" ".join(name.split()))
        if key in self.people:
            return self.people[key]
        by_surname = [p for k, p in self.people.items() if k.split()[-1] == key or k.endswith(" " + key)]
        return by_surname[0] if len(by_surname) == 1 else None

    def speakers_of(self, article: Article) -> list[Person]:
        """The people who spoke at one session, in the order the write-up presents them."""
        return [self.people[fold(s.name)] for s in article.speakers if fold(s.name) in self.people]

    def in_series(self, series: str) -> list[Article]:
        """The sessions of one series, newest first."""
        return [a for a in self.articles if a.series == series]

    def series_counts(self) -> list[tuple[str, int]]:
        """Each series and how many sessions it has, largest first."""
        counts: dict[str, int] = {}
        for article in self.articles:
            if article.series:
                counts[article.series] = counts.get(article.series, 0) + 1
        return sorted(counts.items(), key=lambda item: (-item[1], fold(item[0])))

    def to_stats(self) -> list[dict]:
        """The `speakers` list of `index stats --json`, by name."""
        return [
            {
                "name": p.name,
                "organisation": p.organisation,
                "role": p.role,
                "sessions": [a.title for a in p.sessions],
            }
            for p in sorted(self.people.values(), key=lambda p: fold(p.name))
        ]


def _catalog_of(articles: list[Article]) -> SeriesCatalog:
    """The series of indexed articles, each with the spellings its titles use."""
    spellings: dict[str, list[str]] = {}
    for article in articles:
        if not article.series:
            continue
        spelling = spelling_in(article.title)
        names = spellings.setdefault(article.series, [])
        if spelling is not None and spelling.name not in names:
            names.append(spelling.name)
    return SeriesCatalog([SeriesDeclaration(name, aliases) for name, aliases in spellings.items()])


def mentions(text: str, name: str) -> bool:
    """True if `name` occurs in `text` as whole words, ignoring case and accents."""
    return mentions_folded(fold(text), fold(name))


def mentions_folded(text: str, name: str) -> bool:
    """`mentions` of a text and a name already folded (a question checked against every
    speaker's name is folded once)."""
    return name in text and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None
