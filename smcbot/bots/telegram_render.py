"""Telegram replies as HTML: answers, notices, session lists and interface strings.

Pure functions only (text in, text out), so the bot's handlers stay short and
the formatting is tested without Telegram. Every piece of archive text and
user text goes through `html.escape`; the only tags produced are the ones
Telegram's HTML parse mode knows (`b`, `i`, `a`, `blockquote`).

A reply is built as paragraphs of self-contained pieces (a piece never
opens a tag it does not close), so it can be cut between pieces and every
message stays well-formed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from smcbot.answering import Quote, display_quote, session_label
from smcbot.models import Answer, Article
from smcbot.wording import say

if TYPE_CHECKING:  # only the types: the synthesis module is loaded when written answers are on
    from smcbot.bots.conversation import Reply
    from smcbot.synthesis import Synthesis

# Telegram refuses messages over 4,096 characters; the HTML source is always at
# least as long as the text Telegram counts, and the margin covers characters
# that count twice in UTF-16.
MESSAGE_LIMIT = 4000
# No single piece (a quote, a title) may fill a whole message.
PIECE_LIMIT = 1500
Paragraph = list[str]


def text(key: str, language: str | None, **values: object) -> str:
    """A sentence of the wording table as Telegram HTML: escaped, `**bold**` in <b>."""
    escaped = html.escape(say(key, language, **values), quote=False)
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escaped)


def notice_html(reply: Reply) -> str:
    """A notice of the conversation core (why a question got no answer) as HTML."""
    return text(reply.notice, reply.language, **reply.values)


def interface_language(language_code: str | None) -> str:
    """French for French-speaking Telegram users and those who give no language."""
    return "fr" if (language_code or "fr").lower().startswith("fr") else "en"


def escape_clipped(raw: str, limit: int = PIECE_LIMIT) -> str:
    """`html.escape(raw)` cut (with an ellipsis) so that it holds at most `limit` characters."""
    escaped = html.escape(raw, quote=False)
    while len(escaped) > limit:
        raw = raw[: int(len(raw) * 0.9)].rstrip()
        escaped = html.escape(raw, quote=False) + " […]"
    return escaped


def link(title: str, url: str) -> str:
    """A link to a session, its title as the text (the title alone when it has no URL)."""
    if not url:
        return escape_clipped(title, 500)
    return f'<a href="{html.escape(url, quote=True)}">{escape_clipped(title, 500)}</a>'


def session_line(article: Article, language: str, *, bullet: str = "■") -> str:
    """ "■ <title as link> — 5 July 2019"."""
    return f"{bullet} {session_label(article, language, title=link(article.title, article.url))}"


def quote_piece(quote: Quote) -> str:
    """A quote in a blockquote, with the speaker (when known) after it."""
    body = f"« {escape_clipped(display_quote(quote.text))} »"
    if quote.speaker:
        body += f"\n— <i>{escape_clipped(quote.speaker, 300)}</i>"
    return f"<blockquote>{body}</blockquote>"


def answer_paragraphs(answer: Answer, quotes: Sequence[list[Quote]]) -> list[Paragraph]:
    """An answer as HTML paragraphs; `quotes[i]` are the quotes of `answer.sessions[i]`."""
    if not answer.answered:
        return refusal_paragraphs(answer)
    paragraphs: list[Paragraph] = [[escape_clipped(answer.lead)]]
    for session, session_quotes in zip(answer.sessions, quotes, strict=False):
        header = session_line(session.article, answer.language)
        paragraphs.append([header] + [quote_piece(q) for q in session_quotes])
    return paragraphs


def refusal_paragraphs(answer: Answer) -> list[Paragraph]:
    """Nothing found: say so, what the archive covers, and the latest sessions."""
    paragraphs: list[Paragraph] = [[escape_clipped(answer.lead or answer.text)]]
    notes = list(answer.notes)
    heading = notes.pop() if notes and answer.suggestions else None
    paragraphs += [[escape_clipped(note)] for note in notes]
    if heading is not None:
        lines = [session_line(a, answer.language, bullet="•") for a in answer.suggestions]
        paragraphs.append([f"<b>{escape_clipped(heading)}</b>"] + lines)
    return paragraphs


def recent_paragraphs(articles: Sequence[Article], language: str) -> list[Paragraph]:
    """The `/recent` reply: the latest sessions, linked."""
    if not articles:
        return [[text("empty_archive", language)]]
    lines = [session_line(a, language, bullet="•") for a in articles]
    return [[text("recent", language)] + lines]


def series_paragraphs(counts: Sequence[tuple[str, int]], language: str) -> list[Paragraph]:
    """The `/series` reply: each series and how many sessions it has."""
    if not counts:
        return [[text("empty_archive", language)]]
    lines = [f"• {html.escape(name)} — {text('session_count', language, count=n)}" for name, n in counts]
    return [[text("series", language)] + lines]


def help_text(
    language: str,
    *,
    sessions: int,
    series: Sequence[str],
    years: tuple[int, int] | None,
    username: str,
) -> str:
    """The `/start` and `/help` reply: what the bot knows, with examples."""
    span = ""
    if years:
        span = f", {years[0]}" if years[0] == years[1] else f", {years[0]}–{years[1]}"
    return text(
        "help",
        language,
        sessions=sessions,
        span=span,
        series=", ".join(series) or "—",
        mention=f"@{username}" if username else "@bot",
    )


def split_messages(paragraphs: Sequence[Paragraph], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack paragraphs into messages of at most `limit` characters.

    Messages are cut between paragraphs; a paragraph too long for one message
    is cut between its pieces.
    """
    messages: list[str] = []
    current = ""
    for block in _blocks(paragraphs, limit):
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) <= limit:
            current = candidate
            continue
        messages.append(current)
        current = block
    if current:
        messages.append(current)
    return messages


def _blocks(paragraphs: Sequence[Paragraph], limit: int) -> list[str]:
    """Paragraphs joined into text, with each oversized one split between pieces."""
    blocks: list[str] = []
    for pieces in paragraphs:
        joined = "\n".join(pieces)
        if len(joined) <= limit:
            blocks.append(joined)
            continue
        current = ""
        for piece in pieces:
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) > limit and current:
                blocks.append(current)
                candidate = piece
            current = candidate
        blocks.append(current)
    return blocks


def answer_messages(answer: Answer, quotes: Sequence[list[Quote]]) -> list[str]:
    """An answer as the HTML messages to send, each below Telegram's limit."""
    return split_messages(answer_paragraphs(answer, quotes))


def written_paragraphs(synthesis: Synthesis) -> list[Paragraph]:
    """A written answer: the model's text (citations as [1]), then the cited sessions, linked."""
    language = synthesis.answer.language
    # A body paragraph is one piece; any piece this size still fits a message alone.
    paragraphs: list[Paragraph] = [
        [escape_clipped(block, MESSAGE_LIMIT - 200)] for block in synthesis.body.split("\n\n") if block.strip()
    ]
    lines = [
        session_line(entry.session.article, language, bullet=f"[{', '.join(map(str, entry.numbers))}]")
        for entry in synthesis.cited
    ]
    paragraphs.append([f"<b>{text('sources', language)}</b>"] + lines)
    return paragraphs


def written_messages(synthesis: Synthesis) -> list[str]:
    """A written answer as the HTML messages to send, each below Telegram's limit."""
    return split_messages(written_paragraphs(synthesis))


def streaming_html(partial: str) -> str:
    """The checked text a model has written so far, shown while it writes (with "…")."""
    return escape_clipped(partial.strip(), MESSAGE_LIMIT - 100) + " …"


class _PlainText(HTMLParser):
    """Collects the text of a message, writing each link's address after its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.hrefs:
            href = self.hrefs.pop()
            if href:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(message: str) -> str:
    """The plain-text form of an HTML message (for when Telegram refuses its formatting)."""
    parser = _PlainText()
    parser.feed(message)
    parser.close()
    return "".join(parser.parts)


def reply_messages(reply: Reply) -> list[str]:
    """The HTML messages for what the conversation core replied: a notice, the written
    answer, the quoted answer, or, when the model found it does not answer, what it found."""
    if reply.notice:
        return split_messages([[notice_html(reply)]])
    if reply.written:
        return written_messages(reply.synthesis)
    if reply.declined:
        return answer_messages(reply.answer, [])
    return answer_messages(reply.quoted, reply.quotes)
