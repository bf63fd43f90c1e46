"""What every reader of articles shares: text lines, takeaways, dates, links.

The listing parser, the file readers and the web readers all turn what they
read into lines of text, find the takeaways under a "Ce que l'on retient…"
heading (bulleted or as short "Label : text" lines), read a "Par X" byline and
an ISO date, and build an `Article` with its series and speakers. Those
helpers live here, below every reader, so the readers depend on this module
and never on each other.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from bs4 import BeautifulSoup, NavigableString, Tag

from smcbot.errors import SourceError
from smcbot.models import Article
from smcbot.people import speakers_in
from smcbot.text import fold

BULLET = re.compile(r"^\s*[•·▪●◦\-–*]\s+")
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


def next_nonempty(lines: list[str], start: int) -> int | None:
    """Index of the first non-empty line at or after `start`."""
    for index in range(start, len(lines)):
        if lines[index]:
            return index
    return None


def take_takeaways(lines: list[str]) -> tuple[list[str], list[str]]:
    """The takeaways under a heading the lines start with, and the lines after
    them (the body); no takeaways and the lines unchanged without a heading."""
    at = next_nonempty(lines, 0)
    if at is None or not is_takeaway_heading(lines[at]):
        return [], lines
    after = lines[at + 1 :]
    first = next_nonempty(after, 0)
    if first is None:
        return [], []
    if BULLET.match(after[first]):
        return _take_bulleted(after, first)
    return _take_unbulleted(after, first)


def _take_bulleted(lines: list[str], first: int) -> tuple[list[str], list[str]]:
    """Bulleted takeaways: every bullet line up to the first non-bullet text."""
    takeaways = []
    index = first
    while index < len(lines) and (not lines[index] or BULLET.match(lines[index])):
        if lines[index]:
            takeaways.append(BULLET.sub("", lines[index]).strip())
        index += 1
    return takeaways, lines[index:]


def _take_unbulleted(lines: list[str], first: int) -> tuple[list[str], list[str]]:
    """Unbulleted takeaways: a block of short lines, or successive "Label : text" lines."""
    block_end = first
    while block_end < len(lines) and lines[block_end]:
        block_end += 1
    if block_end - first >= 2:
        return lines[first:block_end][:MAX_UNBULLETED_TAKEAWAYS], lines[block_end:]
    takeaways: list[str] = []
    index = first
    while index < len(lines) and len(takeaways) < MAX_UNBULLETED_TAKEAWAYS:
        if lines[index]:
            if not LABELLED_LINE.match(lines[index]):
                break
            takeaways.append(lines[index])
        index += 1
    return takeaways, lines[index:]


def split_takeaways(lines: list[str]) -> tuple[list[str], str]:
    """Separate the takeaways that follow a "Ce que l'on retient…" heading from the body."""
    for index, line in enumerate(lines):
        if is_takeaway_heading(line):
            takeaways, rest = take_takeaways(lines[index:])
            return takeaways, _paragraphs(lines[:index] + rest)
    return [], _paragraphs(lines)


def _paragraphs(lines: list[str]) -> str:
    """Join lines into paragraphs separated by blank lines."""
    text = "\n".join(line.strip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


LINK_MARK = re.compile(r"\s*\[\[[^\]]*\]\]")


def content_fields(lines: list[str]) -> tuple[str, list[str], str]:
    """Author (from a "Par X" byline), takeaways and body from an article's text lines."""
    lines = [clean_line(LINK_MARK.sub("", line)) for line in lines]
    author = ""
    first = next((n for n, line in enumerate(lines) if line), None)
    if first is not None and len(lines[first]) < 120 and (match := BYLINE.match(lines[first])):
        author, lines = match.group("author").strip(), lines[first + 1 :]
    takeaways, body = split_takeaways(lines)
    return author, takeaways, body


def new_article(
    *,
    title: str,
    when: date | None,
    url: str,
    author: str = "",
    takeaways: list[str] | None = None,
    body: str = "",
    series: str = "",
) -> Article:
    """An `Article` with its series (read off the title unless given) and the
    speakers its body names."""
    return Article(
        title=title,
        date=when,
        url=url,
        author=author,
        series=series or series_from_title(title),
        takeaways=list(takeaways or []),
        body=body,
        speakers=speakers_in(body),
    )


# --- HTML to lines ------------------------------------------------------------------

BLOCK_TAGS = {
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section", "article",
    "header", "footer", "ul", "ol", "blockquote", "span", "time", "tr", "figure",
}  # fmt: skip
SKIPPED_TAGS = {"script", "style", "noscript", "nav", "form", "svg", "iframe"}
ARTICLE_HREF = re.compile(r"/\d{4}/\d{2}/\d{2}/[^/]+/?")


def html_to_lines(html: str) -> str:
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


# --- files, dates, links ------------------------------------------------------------


def read_utf8(path: Path, *, max_bytes: int | None = None) -> str:
    """Read a text file that must be UTF-8, with a clear error when it is not.

    Args:
        max_bytes: refuse a larger file (one article file of 50 MB would take the
            build minutes and gigabytes to embed).
    """
    try:
        if max_bytes is not None and (size := path.stat().st_size) > max_bytes:
            raise SourceError(
                f"{path}: {size:,} bytes, more than the {max_bytes:,} allowed for one source file "
                "(SMCBOT_INGEST__MAX_FILE_BYTES); split it, or raise the limit"
            )
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    except OSError as error:
        raise SourceError(f"{path}: cannot be read ({error.strerror})") from None


def web_link(url: object) -> str:
    """`url` when it is an http(s) address, else "" (never a `file://` path of this machine)."""
    text = str(url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


def iso_day(value: str) -> date | None:
    """The day of an ISO date or datetime, None when empty or unreadable."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None


def fragment_link(page_url: str, title: str) -> str:
    """Link to a listing page with a text fragment that scrolls to the title."""
    # Text fragments reserve "-", "," and "&": percent-encode everything but letters.
    encoded = quote(title, safe="").replace("-", "%2D")
    return f"{page_url.split('#', 1)[0]}#:~:text={encoded}"


# --- series ------------------------------------------------------------

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
