"""Read the sources manifest and turn every source it lists into `Article`s.

The manifest (default `config/sources.toml`) lists `[[sources]]`, each with a
`type` and paths relative to the manifest. Local sources (`listing`, `folder`,
`html` with a `path`) are read here; web sources (`wordpress`, `feed`,
`sitemap`, `html` with `url`/`urls`) have a `url` and no `path` and are read by
`smcbot.web_sources` through a `smcbot.fetching.Fetcher` the caller passes in.
Every problem is raised as a `SourceError` whose message names the file and
says what to fix.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from bs4 import BeautifulSoup

from smcbot.errors import SourceError
from smcbot.listing import (
    ListingItem,
    html_to_text,
    is_takeaway_heading,
    listing_date,
    parse_listing_text,
    series_from_title,
    speakers_in,
    take_takeaways,
)
from smcbot.models import Article
from smcbot.text import fold

if TYPE_CHECKING:
    from smcbot.fetching import Fetcher

log = logging.getLogger(__name__)

WEB_TYPES = ("wordpress", "feed", "sitemap")
SUPPORTED_TYPES = ("listing", "folder", "html", *WEB_TYPES)
FOLDER_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".json"}


@dataclass
class SourceSpec:
    """One `[[sources]]` entry of the manifest, with its path made absolute."""

    type: str
    path: Path | None
    url: str = ""
    year: int | None = None
    links: dict[str, str] = field(default_factory=dict)
    label: str = ""
    urls: list[str] = field(default_factory=list)  # html sources: the article pages to fetch
    per_page: int = 100  # wordpress: posts asked for per API page
    match: str = ""  # sitemap: a regular expression the URLs to read must match

    @property
    def is_web(self) -> bool:
        """Whether the source is read over HTTP (it has no local path)."""
        return self.path is None


def load_manifest(manifest: Path) -> list[SourceSpec]:
    """Read and check the sources manifest.

    Raises:
        SourceError: the file is missing, is not valid TOML, or an entry is wrong.
    """
    data = _read_toml(manifest)
    entries = data.get("sources")
    if not isinstance(entries, list) or not entries:
        raise SourceError(f"{manifest}: no [[sources]] entries; add at least one source")
    return [_source_spec(manifest, number, entry) for number, entry in enumerate(entries, 1)]


def _read_toml(manifest: Path) -> dict:
    """Parse the manifest, naming the file and line of any syntax error."""
    if not manifest.is_file():
        raise SourceError(f"{manifest}: sources manifest not found; pass --sources FILE")
    try:
        return tomllib.loads(read_utf8(manifest))
    except tomllib.TOMLDecodeError as error:
        raise SourceError(f"{manifest}: not valid TOML ({error})") from None


def _source_spec(manifest: Path, number: int, entry: object) -> SourceSpec:
    """Check one `[[sources]]` entry and resolve its path against the manifest."""
    where = f"{manifest}: source #{number}"
    if not isinstance(entry, dict):
        raise SourceError(f"{where} is not a table")
    kind = str(entry.get("type", ""))
    if kind not in SUPPORTED_TYPES:
        raise SourceError(f"{where}: unknown type '{kind}'; use one of {SUPPORTED_TYPES}")
    if kind in WEB_TYPES or (kind == "html" and "path" not in entry):
        return _web_spec(where, kind, entry)
    if "path" not in entry:
        raise SourceError(f'{where} ({kind}) has no path; add path = "..."')
    path = (manifest.parent / str(entry["path"])).resolve()
    spec = SourceSpec(
        type=kind,
        path=path,
        url=str(entry.get("url", "")),
        year=entry.get("year"),
        links={str(k): str(v) for k, v in dict(entry.get("links", {})).items()},
        label=f"{where} ({kind} {entry['path']})",
    )
    _check_spec(spec)
    return spec


def _web_spec(where: str, kind: str, entry: dict) -> SourceSpec:
    """Check a web source: an http(s) `url` (or `urls` for html pages) and no `path`."""
    if "path" in entry:
        raise SourceError(f'{where} ({kind}) is read from the web: give url = "https://...", not path')
    urls = entry.get("urls", [entry["url"]] if "url" in entry else [])
    if isinstance(urls, str):
        urls = [urls]
    if not urls or not all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in urls):
        raise SourceError(f'{where} ({kind}) needs url = "https://..." (an http or https address)')
    per_page = entry.get("per_page", 100)
    if not isinstance(per_page, int) or not 1 <= per_page <= 100:
        raise SourceError(f"{where} ({kind}): per_page must be a whole number from 1 to 100")
    match = str(entry.get("match", ""))
    try:
        re.compile(match)
    except re.error as error:
        raise SourceError(f"{where} ({kind}): match is not a valid regular expression ({error})") from None
    url = urls[0] if kind != "wordpress" else urls[0].rstrip("/") + "/"
    return SourceSpec(
        type=kind, path=None, url=url, urls=urls, per_page=per_page, match=match, label=f"{where} ({kind} {url})"
    )


def _check_spec(spec: SourceSpec) -> None:
    """Reject entries that cannot give every article a link or a date."""
    assert spec.path is not None
    if not spec.path.exists():
        raise SourceError(f"{spec.label}: {spec.path} not found; fix the path (relative to the manifest)")
    if spec.type == "listing":
        if not spec.url:
            raise SourceError(f'{spec.label}: a listing needs url = "..." (the page readers find it at)')
        if not isinstance(spec.year, int):
            raise SourceError(f"{spec.label}: a listing needs year = YYYY (the year of its newest item)")


def read_utf8(path: Path) -> str:
    """Read a text file that must be UTF-8, with a clear error when it is not."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    except OSError as error:
        raise SourceError(f"{path}: cannot be read ({error.strerror})") from None


def read_sources(
    specs: list[SourceSpec],
    *,
    fetcher: Fetcher | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> list[Article]:
    """Read every source; articles found twice (same id) are kept once.

    Args:
        specs: the manifest's sources.
        fetcher: reads web sources (one with default settings and no cache is
            made when needed and none is given).
        since: keep only articles published on or after this day.
        limit: read at most this many articles from each source.
    """
    if fetcher is None and any(spec.is_web for spec in specs):
        from smcbot.fetching import Fetcher
        from smcbot.settings import FetchSettings

        with Fetcher(FetchSettings()) as default_fetcher:
            return read_sources(specs, fetcher=default_fetcher, since=since, limit=limit)
    articles: dict[str, Article] = {}
    for spec in specs:
        for article in read_source(spec, fetcher=fetcher, since=since, limit=limit):
            articles.setdefault(article.id, article)
    return list(articles.values())


def read_source(
    spec: SourceSpec, *, fetcher: Fetcher | None = None, since: date | None = None, limit: int | None = None
) -> list[Article]:
    """Read one source into articles; a source that yields none is an error
    (unless `since` left nothing new in it)."""
    if spec.is_web:
        from smcbot.web_sources import read_web_source

        assert fetcher is not None, "web sources need a Fetcher"
        articles = read_web_source(spec, fetcher=fetcher, since=since, limit=limit)
    elif spec.type == "listing":
        assert spec.path is not None
        articles = read_listing(spec.path, url=spec.url, year=spec.year or 0, links=spec.links)
    elif spec.type == "html":
        from smcbot.web_sources import read_saved_pages

        assert spec.path is not None
        articles = read_saved_pages(spec.path, base_url=spec.url)
    else:
        assert spec.path is not None
        articles = list(read_folder(spec.path, base_url=spec.url))
    articles = within(articles, since=since, limit=limit)
    if not articles and since is None:
        raise SourceError(f"{spec.label}: no articles found in {spec.path or spec.url}")
    if not articles:
        log.warning("%s: nothing published since %s", spec.label, since)
    return articles


def within(articles: list[Article], *, since: date | None, limit: int | None) -> list[Article]:
    """The articles published on or after `since` (undated ones only without it), at most `limit`."""
    if since is not None:
        articles = [a for a in articles if a.date is not None and a.date >= since]
    return articles[:limit] if limit else articles


# --- listing pages ------------------------------------------------------------------


def read_listing(path: Path, *, url: str, year: int, links: dict[str, str]) -> list[Article]:
    """Parse a listing page saved as text or HTML.

    Args:
        path: the saved page.
        url: where readers find the page; articles without their own URL link to it.
        year: the year of the newest item on the page.
        links: known article URLs by title.
    """
    text = read_utf8(path)
    if path.suffix.lower() in {".html", ".htm"} or text.lstrip()[:1] == "<":
        text = html_to_text(text)
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
    return Article(
        title=item.title,
        date=when,
        url=link,
        author=item.author,
        series=series_from_title(item.title),
        takeaways=item.takeaways,
        body=item.body,
        speakers=speakers_in(item.body),
    )


def fragment_link(page_url: str, title: str) -> str:
    """Link to a listing page with a text fragment that scrolls to the title."""
    # Text fragments reserve "-", "," and "&": percent-encode everything but letters.
    encoded = quote(title, safe="").replace("-", "%2D")
    return f"{page_url.split('#', 1)[0]}#:~:text={encoded}"


# --- folders of articles ------------------------------------------------------------


def read_folder(path: Path, *, base_url: str = "") -> Iterator[Article]:
    """Read one article per file (Markdown, text, HTML, JSON) from a folder or file."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        if file.suffix.lower() not in FOLDER_SUFFIXES:
            continue
        article = read_article_file(file, base_url=base_url)
        if article is not None:
            yield article


def read_article_file(path: Path, *, base_url: str = "") -> Article | None:
    """Read one article file; returns None for a file with neither title nor text."""
    text = read_utf8(path)
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
    takeaways, body = split_takeaways(html_to_text(str(container)).splitlines())
    fields["takeaways"], fields["body"] = takeaways, body
    return fields


def split_takeaways(lines: list[str]) -> tuple[list[str], str]:
    """Separate the takeaways that follow a "Ce que l'on retient…" heading from the body."""
    item = ListingItem(day=1, month=1, title="")
    for index, line in enumerate(lines):
        if is_takeaway_heading(line):
            rest = take_takeaways(lines[index:], item)
            body_lines = lines[:index] + rest
            return item.takeaways, _paragraphs(body_lines)
    return [], _paragraphs(lines)


def _paragraphs(lines: list[str]) -> str:
    """Join lines into paragraphs separated by blank lines."""
    text = "\n".join(line.strip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _article_from_fields(fields: dict, path: Path, base_url: str) -> Article:
    """Build an `Article` from the fields read off one file."""
    title = str(fields["title"]).strip()
    url = str(fields.get("url") or "") or (fragment_link(base_url, title) if base_url else path.resolve().as_uri())
    return Article(
        title=title,
        date=parse_date(str(fields.get("date") or ""), path),
        url=url,
        author=str(fields.get("author") or ""),
        series=str(fields.get("series") or series_from_title(title)),
        takeaways=list(fields.get("takeaways") or []),
        body=str(fields.get("body") or ""),
        speakers=speakers_in(str(fields.get("body") or "")),
    )


def parse_date(value: str, path: Path) -> date | None:
    """Read an ISO date or datetime; an unreadable one is an error naming the file."""
    day = iso_day(value)
    if day is None and value.strip():
        raise SourceError(f"{path}: date '{value.strip()}' is not YYYY-MM-DD")
    return day


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
