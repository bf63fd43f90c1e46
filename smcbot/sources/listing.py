"""Parse the club's listing pages (text or HTML) into articles.

A listing item is laid out as: a day line, a French month abbreviation, the
title, an optional byline ("Par X", "Par X / Crédit photos : Y"), a takeaway
heading ("Ce que l'on retient des échanges :" and its variants), the takeaways
(bulleted or as short "Label : text" lines), the body, and "Lire la suite".
The parser reads that layout, not one particular page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from smcbot.errors import SourceError
from smcbot.models import Article
from smcbot.sources.articles import (
    BYLINE,
    clean_line,
    fragment_link,
    html_to_lines,
    new_article,
    next_nonempty,
    read_utf8,
    take_takeaways,
)
from smcbot.text import fold

MONTHS = {
    "janv": 1, "janvier": 1, "jan": 1,
    "fevr": 2, "fev": 2, "fevrier": 2, "feb": 2,
    "mars": 3, "mar": 3,
    "avr": 4, "avril": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juin": 6, "jun": 6,
    "juil": 7, "juillet": 7, "jul": 7,
    "aout": 8, "aou": 8, "aug": 8,
    "sept": 9, "sep": 9, "septembre": 9,
    "oct": 10, "octobre": 10,
    "nov": 11, "novembre": 11,
    "dec": 12, "decembre": 12,
}  # fmt: skip
DAY = re.compile(r"^\s*(\d{1,2})\s*$")
READ_MORE = re.compile(r"\s*Lire la suite\s*(?:\[\[(?P<url>[^\]]+)\]\])?\s*$", re.IGNORECASE)


@dataclass
class ListingItem:
    """One article as read off a listing page, before it becomes an `Article`."""

    day: int
    month: int
    title: str
    author: str = ""
    takeaways: list[str] = field(default_factory=list)
    body: str = ""
    url: str = ""


def month_number(line: str) -> int | None:
    """Return the month a French (or English) abbreviation names, else None."""
    key = fold(line).strip().rstrip(".").strip()
    return MONTHS.get(key)


def parse_listing_text(text: str) -> list[ListingItem]:
    """Split a listing page's text into items, one per day+month marker."""
    lines = [clean_line(line) for line in text.splitlines()]
    starts = _item_starts(lines)
    items = []
    for number, (index, day, month) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(lines)
        item = _parse_item(lines[index:end], day, month)
        if item is not None:
            items.append(item)
    return items


def _item_starts(lines: list[str]) -> list[tuple[int, int, int]]:
    """Find (line index, day, month) where a day line is followed by a month line."""
    starts = []
    for index, line in enumerate(lines):
        match = DAY.match(line)
        if not match or not 1 <= int(match.group(1)) <= 31:
            continue
        following = next_nonempty(lines, index + 1)
        if following is not None and month_number(lines[following]) is not None:
            starts.append((index, int(match.group(1)), month_number(lines[following]) or 0))
    return starts


def _parse_item(lines: list[str], day: int, month: int) -> ListingItem | None:
    """Read one item: skip day and month, then title, byline, takeaways, body."""
    rest = [line for line in lines]
    position = next_nonempty(rest, 0)
    position = next_nonempty(rest, (position or 0) + 1)  # the month line
    title_at = next_nonempty(rest, (position or 0) + 1)
    if title_at is None:
        return None
    title, url = _split_link(rest[title_at])
    item = ListingItem(day=day, month=month, title=title, url=url)
    remaining = rest[title_at + 1 :]
    remaining = _take_byline(remaining, item)
    item.takeaways, remaining = take_takeaways(remaining)
    item.body, more_url = _body_text(remaining)
    item.url = item.url or more_url
    return item


LINK_MARK = re.compile(r"\s*\[\[(?P<url>[^\]]+)\]\]\s*$")


def _split_link(line: str) -> tuple[str, str]:
    """Separate a `[[url]]` mark that the HTML reader appends to linked titles."""
    match = LINK_MARK.search(line)
    if not match:
        return line, ""
    return line[: match.start()].strip(), match.group("url")


def _take_byline(lines: list[str], item: ListingItem) -> list[str]:
    """Read "Par X" right after the title; return the lines after it."""
    at = next_nonempty(lines, 0)
    if at is None:
        return []
    match = BYLINE.match(lines[at])
    if match and len(lines[at]) < 120:
        item.author = match.group("author").strip()
        return lines[at + 1 :]
    return lines


def _body_text(lines: list[str]) -> tuple[str, str]:
    """Join body lines into paragraphs, dropping "Lire la suite" and keeping its link."""
    url = ""
    paragraphs = []
    for line in lines:
        match = READ_MORE.search(line)
        if match:
            url = url or (match.group("url") or "")
            line = line[: match.start()].strip()
        if line:
            paragraphs.append(line)
    return "\n\n".join(paragraphs), url


def listing_date(items: list[ListingItem], newest_year: int) -> list[date | None]:
    """Give each item its year: the newest takes `newest_year`, and the year steps
    back by one each time the months wrap past January going down the page."""
    dates: list[date | None] = []
    year, previous_month = newest_year, None
    for item in items:
        if previous_month is not None and item.month > previous_month:
            year -= 1
        previous_month = item.month
        try:
            dates.append(date(year, item.month, item.day))
        except ValueError:
            dates.append(None)
    return dates


def read_listing(
    path: Path, *, url: str, year: int, links: dict[str, str], max_bytes: int | None = None
) -> list[Article]:
    """Parse a listing page saved as text or HTML.

    Args:
        path: the saved page.
        url: where readers find the page; articles without their own URL link to it.
        year: the year of the newest item on the page.
        links: known article URLs by title.
        max_bytes: the largest file accepted (a larger one is a `SourceError`).
    """
    text = read_utf8(path, max_bytes=max_bytes)
    if path.suffix.lower() in {".html", ".htm"} or text.lstrip()[:1] == "<":
        text = html_to_lines(text)
    items = parse_listing_text(text)
    if not items:
        raise SourceError(
            f"{path}: no articles found; expected the SMC listing layout "
            "(a day line, a month such as 'Juin', then the title)"
        )
    folded_links = {_title_key(title): link for title, link in links.items()}
    dates = listing_date(items, year)
    return [_article_from_item(item, when, url, folded_links) for item, when in zip(items, dates, strict=True)]


def _title_key(title: str) -> str:
    """Compare titles ignoring case, spacing and typographic quotes."""
    return re.sub(r"\s+", " ", fold(title)).strip()


def _article_from_item(item: ListingItem, when: date | None, page_url: str, links: dict[str, str]) -> Article:
    """Build an `Article` from a listing item, giving it the best link known."""
    link = links.get(_title_key(item.title)) or item.url or fragment_link(page_url, item.title)
    return new_article(
        title=item.title, when=when, url=link, author=item.author, takeaways=item.takeaways, body=item.body
    )
