"""The data model shared by every layer: articles, chunks, passages and answers."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Literal

ChunkKind = Literal["title", "takeaway", "body"]


@dataclass(frozen=True)
class Speaker:
    """Someone the text names as speaking, with role and organisation when given."""

    name: str
    role: str = ""
    organisation: str = ""

    def label(self) -> str:
        """Return "Name, role (Organisation)" with the parts the text gave."""
        text = self.name
        if self.role:
            text += f", {self.role}"
        if self.organisation:
            text += f" ({self.organisation})"
        return text


@dataclass(frozen=True)
class Statement:
    """Words a write-up reports as said, without the narration around them, and the
    name of who said them ("" when the text does not say)."""

    text: str
    speaker: str = ""


@dataclass
class Article:
    """One published write-up of a session (or another post of the club)."""

    title: str
    date: date | None
    url: str
    author: str = ""
    series: str = ""
    takeaways: list[str] = field(default_factory=list)
    body: str = ""
    speakers: list[Speaker] = field(default_factory=list)
    id: str = ""
    episode: int | None = None  # the number in its series ("#10", "Session #3")
    statements: list[Statement] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = article_id(self.url, self.title, self.date)

    def content_hash(self) -> str:
        """Hash of everything that is indexed, so a rebuild can tell what changed."""
        parts = [self.title, str(self.date), self.url, self.author, self.series, self.body]
        parts += self.takeaways
        parts += [s.label() for s in self.speakers]
        parts += [f"{s.speaker}\x1e{s.text}" for s in self.statements] + [str(self.episode)]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def to_dict(self) -> dict:
        """Plain JSON-ready form."""
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        """Inverse of `to_dict`."""
        data = dict(data)
        data["date"] = date.fromisoformat(data["date"]) if data.get("date") else None
        data["speakers"] = [Speaker(**s) for s in data.get("speakers", [])]
        data["statements"] = [Statement(**s) for s in data.get("statements", [])]
        return cls(**data)


def article_id(url: str, title: str, when: date | None) -> str:
    """A stable id: the hash of the canonical URL, or of title and date without one."""
    key = url.split("#", 1)[0] if url and "#:~:text=" not in url else f"{title}|{when}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Chunk:
    """A piece of an article that is embedded and searched."""

    article_id: str
    kind: ChunkKind
    position: int
    text: str
    context: str = ""

    @property
    def id(self) -> str:
        """Identifier unique within an index."""
        return f"{self.article_id}:{self.kind}:{self.position}"

    def embedding_text(self) -> str:
        """The text given to the embedding model: the passage with its article's title."""
        return f"{self.context}\n{self.text}" if self.context else self.text


@dataclass
class Passage:
    """A chunk found by a search, with the scores that ranked it."""

    chunk: Chunk
    article: Article
    score: float
    dense: float = 0.0
    lexical: float = 0.0


@dataclass
class Source:
    """A session an answer cites."""

    title: str
    url: str
    date: date | None
    score: float

    def to_dict(self) -> dict:
        """JSON shape of the `ask --json` contract."""
        return {
            "title": self.title,
            "url": self.url,
            "date": self.date.isoformat() if self.date else None,
            "score": round(self.score, 4),
        }


@dataclass
class Quote:
    """What an answer shows from a session, and who said it when the text tells.

    `kind` is "takeaway" (the write-up's summary), "speech" (words a speaker said;
    `speaker` is set only when the write-up says who), or "narration" (the
    write-up's own words); `speaker` is then the label saying so.
    """

    text: str
    speaker: str
    kind: str


@dataclass
class SessionQuotes:
    """One cited session and the passages of it that answer the question.

    `shown` holds the quotes to show when they were chosen with the answer (the
    same for every front end); None lets the front end ask the answerer.
    """

    article: Article
    quotes: list[Passage]
    score: float
    shown: list[Quote] | None = None


@dataclass
class Answer:
    """What the bot replies: text in the asker's language, and the sessions it cites.

    `text` is the whole reply as plain text. Front ends that format richer
    replies use the parts: `lead` (the first sentence), `sessions` (cited
    sessions with their passages), and for a refusal `notes` (what the archive
    covers) and `suggestions` (recent sessions). `terms` are the question's
    search terms, for choosing what to quote.
    """

    question: str
    answered: bool
    text: str
    language: str
    sources: list[Source] = field(default_factory=list)
    sessions: list[SessionQuotes] = field(default_factory=list)
    lead: str = ""
    notes: list[str] = field(default_factory=list)
    suggestions: list[Article] = field(default_factory=list)
    terms: list[list[str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON shape of the `ask --json` contract."""
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.text,
            "sources": [s.to_dict() for s in self.sources],
        }
