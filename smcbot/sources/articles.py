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

from bs4 import BeautifulSoup, NavigableString, Tag

from smcbot.models import Speaker
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

BULLET = re.compile(r"^\s*[•·▪●◦\-–*]\s+")
DAY = re.compile(r"^\s*(\d{1,2})\s*$")
READ_MORE = re.compile(r"\s*Lire la suite\s*(?:\[\[(?P<url>[^\]]+)\]\])?\s*$", re.IGNORECASE)
BYLINE = re.compile(r"^\s*Par\s+(?P<author>.+?)\s*(?:[/|–-]\s*Cr[ée]dits?\s+photos?\b.*)?$", re.IGNORECASE)
# "Ce que l'on retient des échanges :", "Ce qu'il faut retenir :", "Les points à retenir :",
# "Ce que nous avons retenu :", "À retenir :", "Key takeaways:"...
TAKEAWAY_HEADING = re.compile(
    r"^\s*(?:ce\s+qu|les?\s+points?|[àa]\s+retenir|l?es?\s+enseignements|en\s+bref|"
    r"key\s+takeaways|takeaways|nos\s+enseignements|les\s+id[ée]es)"
    r".{0,60}?(?:retien\w*|retenir|retenu\w*|cl[ée]s?|enseignements|takeaways|bref|retenir)?"
    r"[^:]{0,40}:\s*$",
    re.IGNORECASE,
)
LABELLED_LINE = re.compile(r"^[^:.!?]{2,60}\s?:\s+\S")
MAX_UNBULLETED_TAKEAWAYS = 6


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


def is_takeaway_heading(line: str) -> bool:
    """True for "Ce que l'on retient…"-like headings that open the takeaways."""
    text = fold(line).strip()
    if not text.endswith(":") or len(text) > 90:
        return False
    return bool(TAKEAWAY_HEADING.match(text)) and bool(
        re.search(r"reten|retien|retenu|cle|enseignement|takeaway|bref|points", text)
    )


def clean_line(line: str) -> str:
    """Trim a line and turn non-breaking and odd spaces into plain ones."""
    return re.sub(r"[\u00a0\u2009\u202f\t ]+", " ", line).strip()


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
        following = _next_nonempty(lines, index + 1)
        if following is not None and month_number(lines[following]) is not None:
            starts.append((index, int(match.group(1)), month_number(lines[following]) or 0))
    return starts


def _next_nonempty(lines: list[str], start: int) -> int | None:
    """Index of the first non-empty line at or after `start`."""
    for index in range(start, len(lines)):
        if lines[index]:
            return index
    return None


def _parse_item(lines: list[str], day: int, month: int) -> ListingItem | None:
    """Read one item: skip day and month, then title, byline, takeaways, body."""
    rest = [line for line in lines]
    position = _next_nonempty(rest, 0)
    position = _next_nonempty(rest, (position or 0) + 1)  # the month line
    title_at = _next_nonempty(rest, (position or 0) + 1)
    if title_at is None:
        return None
    title, url = _split_link(rest[title_at])
    item = ListingItem(day=day, month=month, title=title, url=url)
    remaining = rest[title_at + 1 :]
    remaining = _take_byline(remaining, item)
    remaining = take_takeaways(remaining, item)
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
    at = _next_nonempty(lines, 0)
    if at is None:
        return []
    match = BYLINE.match(lines[at])
    if match and len(lines[at]) < 120:
        item.author = match.group("author").strip()
        return lines[at + 1 :]
    return lines


def take_takeaways(lines: list[str], item: ListingItem) -> list[str]:
    """Read the heading and takeaways into `item` if the lines start with them;
    return the lines after them (the body)."""
    at = _next_nonempty(lines, 0)
    if at is None or not is_takeaway_heading(lines[at]):
        return lines
    after = lines[at + 1 :]
    first = _next_nonempty(after, 0)
    if first is None:
        return []
    if BULLET.match(after[first]):
        return _take_bulleted(after, first, item)
    return _take_unbulleted(after, first, item)


def _take_bulleted(lines: list[str], first: int, item: ListingItem) -> list[str]:
    """Bulleted takeaways: every bullet line up to the first non-bullet text."""
    index = first
    while index < len(lines) and (not lines[index] or BULLET.match(lines[index])):
        if lines[index]:
            item.takeaways.append(BULLET.sub("", lines[index]).strip())
        index += 1
    return lines[index:]


def _take_unbulleted(lines: list[str], first: int, item: ListingItem) -> list[str]:
    """Unbulleted takeaways: a block of short lines, or successive "Label : text" lines."""
    block_end = first
    while block_end < len(lines) and lines[block_end]:
        block_end += 1
    if block_end - first >= 2:
        item.takeaways = lines[first:block_end][:MAX_UNBULLETED_TAKEAWAYS]
        return lines[block_end:]
    index = first
    while index < len(lines) and len(item.takeaways) < MAX_UNBULLETED_TAKEAWAYS:
        if lines[index]:
            if not LABELLED_LINE.match(lines[index]):
                break
            item.takeaways.append(lines[index])
        index += 1
    return lines[index:]


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


# --- HTML listing pages -------------------------------------------------------------

BLOCK_TAGS = {
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section", "article",
    "header", "footer", "ul", "ol", "blockquote", "span", "time", "tr", "figure",
}  # fmt: skip
SKIPPED_TAGS = {"script", "style", "noscript", "nav", "form", "svg", "iframe"}
ARTICLE_HREF = re.compile(r"/\d{4}/\d{2}/\d{2}/[^/]+/?")


def html_to_text(html: str) -> str:
    """Turn a listing page's HTML into the same line layout as its text copy.

    List items become "• " bullets; links to articles are kept as `[[url]]`
    marks after their text so the parser can give each article its own URL.
    """
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(SKIPPED_TAGS):
        tag.decompose()
    lines: list[str] = []
    _walk(soup.body or soup, lines, [""])
    return "\n".join(line.strip() for line in lines)


def _walk(node: Tag, lines: list[str], current: list[str]) -> None:
    """Depth-first walk that starts a new line at each block element."""
    for child in node.children:
        if isinstance(child, NavigableString):
            current[0] += str(child)
            continue
        if not isinstance(child, Tag):
            continue
        if child.name in BLOCK_TAGS:
            _flush(lines, current)
            if child.name == "li":
                current[0] = "• "
            _walk(child, lines, current)
            _flush(lines, current)
        elif child.name == "a" and ARTICLE_HREF.search(child.get("href") or ""):
            current[0] += child.get_text(" ", strip=True) + f" [[{child['href']}]]"
        else:
            _walk(child, lines, current)


def _flush(lines: list[str], current: list[str]) -> None:
    """End the line being built, if it holds anything."""
    text = clean_line(current[0])
    if text and text != "•":
        lines.append(text)
        lines.append("")
    current[0] = ""


# --- series and speakers ------------------------------------------------------------

QUOTED = re.compile(r"[«“\"]\s*(?P<name>[^»”\"]{3,60}?)\s*[»”\"]")
NUMBERED = re.compile(r"^(?:SMC\s+)?(?:Cycle\s+)?(?P<name>[^#«“\"]{3,50}?)\s*#\s*\d+")
PREFIXED = re.compile(r"^(?P<name>SMC\s+[^–:\-]{2,30}?)\s*[–:\-]\s")


def series_from_title(title: str) -> str:
    """The series a session belongs to, read from its title ("" for other posts)."""
    for pattern in (QUOTED, NUMBERED, PREFIXED):
        match = pattern.search(title)
        if match:
            name = match.group("name").strip(" ,–-:")
            if name.lower().startswith("session"):
                continue
            return name
    return ""


NAME = r"[A-ZÉÈÀÂÎÔÛÇ][\w'’\-]+(?:\s+(?:de\s+|du\s+|van\s+|von\s+|le\s+)?[A-ZÉÈÀÂÎÔÛÇ][\w'’\-]+){1,3}"
ROLE_START = (
    r"(?:[a-zéèàâêîôûç]|CEO|CTO|COO|CMO|VP|Head|Chief|Creative|Social|Digital|Community|"
    r"Directeur|Directrice|Responsable|Fondat|Co-fondat|Président|Manager|Senior|Lead)"
)
NAME_ROLE = re.compile(
    rf"(?P<name>{NAME}),\s+(?P<role>{ROLE_START}[^,.;:«»“”()]{{2,110}})(?:\s*\((?P<org>[^)]{{2,40}})\))?"
)
NAME_ORG = re.compile(rf"(?P<name>{NAME})\s+\((?P<org>[A-Z][^)]{{1,40}})\)")
ORG_SPLIT = re.compile(r"\s(?:chez|pour|au|à|de la|de l'|de l’|du|des|de)\s+(?=[A-Z0-9])")
NOT_A_NAME = {
    "le", "la", "les", "dans", "pour", "comment", "avec", "si", "sur", "en", "depuis",
    "social", "media", "club", "cette", "ce", "un", "une", "des", "au", "aux", "et",
}  # fmt: skip


def speakers_in(text: str) -> list[Speaker]:
    """Find people the text presents with a role or an organisation."""
    found: dict[str, Speaker] = {}
    position = 0
    while match := NAME_ROLE.search(text, position):
        role, org = _role_and_org(match.group("role"), match.group("org"))
        _add_speaker(found, match.group("name"), role, org)
        # A role ends where the next person starts ("… pour Danone et Charlotte Sandret,
        # Directrice …"): search again from the end of what this one kept.
        position = max(match.start("role") + len(role), match.start() + 1)
    for match in NAME_ORG.finditer(text):
        _add_speaker(found, match.group("name"), "", match.group("org").strip())
    return list(found.values())


def _role_and_org(role: str, org: str | None) -> tuple[str, str]:
    """Split "directrice de la communication de la MAIF" into role and organisation,
    dropping what follows the role ("… et Charlotte Sandret", "… qui a dit")."""
    role = re.split(r"\s+et\s+(?=anim|mod[ée]r|fond|co-?fond|[A-Z]\w+\s+[A-Z])|\s+(?:qui|dont|a|est)\s", role)[
        0
    ].strip()
    if org:
        return role, org.strip()
    parts = list(ORG_SPLIT.finditer(role))
    if not parts:
        return role, ""
    last = parts[-1]
    return role[: last.start()].strip(), role[last.end() :].strip()


def _add_speaker(found: dict[str, Speaker], name: str, role: str, org: str) -> None:
    """Keep the first, fullest mention of each person."""
    words = name.split()
    if fold(words[0]) in NOT_A_NAME or any(fold(w) in {"social", "media", "club"} for w in words):
        return
    key = fold(name)
    if key not in found or (not found[key].role and role):
        found[key] = Speaker(name=name, role=role, organisation=org)
