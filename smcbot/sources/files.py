"""Read articles from files: a folder (or one file) of Markdown, text, HTML or JSON.

One article per file. Markdown and text files may open with `key: value`
front matter between `---` lines (title, date, url, author, series) or a
`# Title` line; JSON files hold an object with the same keys and a body; HTML
files are saved article pages (their `<h1>`, canonical link and published
time). The takeaways are the lines under a "Ce que l'on retient…" heading.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup

from smcbot.errors import SourceError
from smcbot.models import Article
from smcbot.sources.articles import (
    fragment_link,
    html_to_lines,
    iso_day,
    new_article,
    read_utf8,
    split_takeaways,
    web_link,
)

FOLDER_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".json"}


def read_folder(path: Path, *, base_url: str = "", max_bytes: int | None = None) -> Iterator[Article]:
    """Read one article per file (Markdown, text, HTML, JSON) from a folder or file.

    Args:
        path: the folder (read recursively) or one file.
        base_url: where readers find these articles, if anywhere: an article
            without its own `url` links to it with a text fragment, else to nothing.
        max_bytes: the largest file accepted (a larger one is a `SourceError`).
    """
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        if file.suffix.lower() not in FOLDER_SUFFIXES:
            continue
        article = read_article_file(file, base_url=base_url, max_bytes=max_bytes)
        if article is not None:
            yield article


def read_article_file(path: Path, *, base_url: str = "", max_bytes: int | None = None) -> Article | None:
    """Read one article file; returns None for a file with neither title nor text."""
    text = read_utf8(path, max_bytes=max_bytes)
    suffix = path.suffix.lower()
    if suffix == ".json":
        fields = _json_fields(path, text)
    elif suffix in {".html", ".htm"}:
        fields = _html_fields(text)
    else:
        fields = _front_matter_fields(text)
    fields.setdefault("title", path.stem.replace("-", " ").replace("_", " "))
    if not fields.get("body") and not fields.get("takeaways"):
        return None
    return _article_from_fields(fields, path, base_url)


def _json_fields(path: Path, text: str) -> dict:
    """Fields of a JSON article: title, date, url, author, series, takeaways, body."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(f"{path}: not valid JSON ({error.msg}, line {error.lineno})") from None
    if not isinstance(data, dict):
        raise SourceError(f"{path}: expected a JSON object with title, date, url and body")
    body = data.get("body") or data.get("content") or data.get("text") or ""
    fields = {k: data[k] for k in ("title", "date", "url", "author", "series") if data.get(k)}
    fields["body"] = str(body)
    if isinstance(data.get("takeaways"), list):
        fields["takeaways"] = [str(t) for t in data["takeaways"]]
    return fields


FRONT_MATTER = re.compile(r"\A---\s*\n(?P<head>.*?)\n---\s*\n", re.DOTALL)


def _front_matter_fields(text: str) -> dict:
    """Fields from `key: value` front matter between `---` lines, then the body."""
    fields: dict = {}
    match = FRONT_MATTER.match(text)
    if match:
        for line in match.group("head").splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                fields[key.strip().lower()] = value.strip().strip("'\"")
        text = text[match.end() :]
    lines = [line.strip() for line in text.splitlines()]
    if "title" not in fields and lines and lines[0].startswith("# "):
        fields["title"], lines = lines[0][2:].strip(), lines[1:]
    takeaways, body = split_takeaways(lines)
    fields["takeaways"], fields["body"] = takeaways, body
    return fields


def _html_fields(html: str) -> dict:
    """Fields of a saved article page: its title, meta date and canonical URL, and text."""
    soup = BeautifulSoup(html, "html.parser")
    fields: dict = {}
    heading = soup.find("h1") or soup.find("title")
    if heading:
        fields["title"] = heading.get_text(" ", strip=True)
    canonical = soup.find("link", rel="canonical")
    if canonical and canonical.get("href"):
        fields["url"] = canonical["href"]
    published = soup.find("meta", attrs={"property": "article:published_time"}) or soup.find("time")
    if published:
        fields["date"] = published.get("content") or published.get("datetime") or ""
    container = soup.find("article") or soup.body or soup
    if heading and heading.name == "h1":
        heading.decompose()
    takeaways, body = split_takeaways(html_to_lines(str(container)).splitlines())
    fields["takeaways"], fields["body"] = takeaways, body
    return fields


def _article_from_fields(fields: dict, path: Path, base_url: str) -> Article:
    """Build an `Article` from the fields read off one file."""
    title = str(fields["title"]).strip()
    # A folder may sit anywhere on the disk: its files are never offered as file:// links.
    url = web_link(fields.get("url")) or (fragment_link(base_url, title) if web_link(base_url) else "")
    return new_article(
        title=title,
        when=parse_date(str(fields.get("date") or ""), path),
        url=url,
        author=str(fields.get("author") or ""),
        takeaways=list(fields.get("takeaways") or []),
        body=str(fields.get("body") or ""),
        series=str(fields.get("series") or ""),
    )


def parse_date(value: str, path: Path) -> date | None:
    """Read an ISO date or datetime; an unreadable one is an error naming the file."""
    day = iso_day(value)
    if day is None and value.strip():
        raise SourceError(f"{path}: date '{value.strip()}' is not YYYY-MM-DD")
    return day
