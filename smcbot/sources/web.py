"""Read the club's articles from the web: the WordPress REST API, RSS/Atom feeds,
sitemaps, and article pages (fetched or saved).

Every reader turns what it finds into `Article`s with their own link, date and
takeaways (the list after a "Ce que l'on retient…" heading). Bad input is not
fatal: a page that is not an article (an error page served with status 200, a
login page, a page without title or date), a broken feed, a redirect loop or a
huge page is skipped with a warning naming its URL, and the build goes on. Only
a source whose root (the API, the feed, the sitemap) cannot be read at all, or
that yields no article, fails with a `SourceError`.

`since` keeps articles published on or after a date and `limit` caps how many
each source reads; both also spare requests (WordPress `after=`, sitemap
`<lastmod>`).
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from xml.etree import ElementTree

from bs4 import BeautifulSoup

from smcbot.errors import SourceError
from smcbot.models import Article
from smcbot.sources.articles import (
    clean_line,
    content_fields,
    html_to_lines,
    iso_day,
    new_article,
    read_utf8,
    web_link,
)
from smcbot.sources.fetching import Fetcher, FetchError, Page
from smcbot.sources.manifest import SourceSpec

log = logging.getLogger(__name__)

MIN_ARTICLE_CHARS = 200
MAX_SITEMAP_DEPTH = 3
MAX_API_PAGES = 10_000
PASSWORD_FIELD = re.compile(r"<input[^>]+type\s*=\s*[\"']?password", re.IGNORECASE)
# A page states its title in <title>, an <h1> or og:title; trafilatura would otherwise
# fall back to any heading ("Partager :").
STATED_TITLE = re.compile(r"<title[^>]*>\s*[^<\s]|<h1[\s>]|property\s*=\s*[\"']og:title", re.IGNORECASE)
NOINDEX = re.compile(r"<meta[^>]+name\s*=\s*[\"']robots[\"'][^>]+noindex", re.IGNORECASE)
# Titles of error and login pages; kept narrow so a session about "l'erreur" stays in.
ERROR_TITLE = re.compile(
    r"\b404\b|page (?:non trouv[ée]e|introuvable)|page not found|est introuvable|"
    r"^(?:oups|oops|erreur|error|not found|se connecter|connexion|log ?in|acc[èe]s refus[ée])\b",
    re.IGNORECASE,
)


class NotAnArticle(Exception):
    """A page or post that is not an article; the message says why."""


def read_web_source(
    spec: SourceSpec, *, fetcher: Fetcher, since: date | None = None, limit: int | None = None
) -> list[Article]:
    """Read one web source (wordpress, feed, sitemap, or html with URLs).

    Raises:
        SourceError: the source's root cannot be read, or it yields no article.
    """
    readers: dict[str, Callable[..., list[Article]]] = {
        "wordpress": read_wordpress,
        "feed": read_feed,
        "sitemap": read_sitemap,
        "html": read_article_urls,
    }
    articles = readers[spec.type](spec, fetcher, since=since, limit=limit)
    if not articles and since is None:
        summary = fetcher.summary
        raise SourceError(
            f"{spec.label}: no article could be read from {spec.url or spec.urls[0]} "
            f"({len(summary.skipped)} skipped, {len(summary.failed)} failed so far; see the warnings)"
        )
    return articles


# --- WordPress REST API -------------------------------------------------------------


def read_wordpress(
    spec: SourceSpec, fetcher: Fetcher, *, since: date | None = None, limit: int | None = None
) -> list[Article]:
    """Read posts page by page from `<url>wp-json/wp/v2/posts`, newest first.

    Pages follow `X-WP-TotalPages`; without it, reading stops at a short page or
    at the 400 WordPress returns past the last page.
    """
    endpoint = spec.url.rstrip("/") + "/wp-json/wp/v2/posts"
    per_page = min(spec.per_page, limit) if limit else spec.per_page
    articles: list[Article] = []
    for posts in _wordpress_pages(endpoint, fetcher, per_page=per_page, since=since, label=spec.label):
        for post in posts:
            article = _article_or_skip(fetcher, _post_where(post, endpoint), lambda p=post: article_from_post(p))
            if article is not None and _on_or_after(article, since):
                articles.append(article)
            if limit and len(articles) >= limit:
                return articles
    return articles


def _wordpress_pages(
    endpoint: str, fetcher: Fetcher, *, per_page: int, since: date | None, label: str
) -> Iterator[list[dict]]:
    """Yield each page of posts; a page that fails is recorded as failed and the next one read.

    A failed page makes the build partial (its posts are kept, not removed),
    except WordPress's 400 past the last page of a site that sends no totals.
    """
    query: dict[str, str | int] = {"per_page": per_page}
    if since is not None:
        # `after` is strict: ask from the last second of the day before.
        query["after"] = (datetime.combine(since, time()) - timedelta(seconds=1)).isoformat()
    page, total = 1, None
    while page <= (total or MAX_API_PAGES):
        try:
            response = fetcher.get(endpoint, params={**query, "page": page}, record=False)
        except FetchError as error:
            if not _after_failed_page(fetcher, error, page=page, total=total, label=label):
                return
            page += 1
            continue
        posts = _posts_json(response, fetcher, label=label, first=page == 1)
        total = _total_pages(response) or total
        yield posts
        if total is None and len(posts) < per_page:
            return
        page += 1


def _after_failed_page(fetcher: Fetcher, error: FetchError, *, page: int, total: int | None, label: str) -> bool:
    """Record a page of the API that failed; whether to read the next one.

    Raises:
        SourceError: the first page failed: the API cannot be read at all.
    """
    if page > 1 and total is None and error.status == 400:
        fetcher.summary.skip(error.url, f"{error.reason}: past the last page")
        return False
    fetcher.summary.fail(error.url, error.reason)  # even a "skipped" page held posts that must not be lost
    if page == 1:
        raise SourceError(f"{label}: cannot read the WordPress API ({error})") from None
    return total is not None  # without totals, no way to know whether more pages follow


def _posts_json(response: Page, fetcher: Fetcher, *, label: str, first: bool) -> list[dict]:
    """The list of posts a page of the API holds."""
    try:
        posts = json.loads(response.text)
    except json.JSONDecodeError:
        posts = None
    if isinstance(posts, list):
        return [p for p in posts if isinstance(p, dict)]
    if first:
        raise SourceError(f"{label}: {response.url} did not answer with a JSON list of posts; is url the site root?")
    fetcher.summary.skip(response.url, "not a JSON list of posts")
    return []


def _total_pages(response: Page) -> int | None:
    """`X-WP-TotalPages`, when the server sent it."""
    value = response.headers.get("X-WP-TotalPages", "")
    return int(value) if value.isdigit() else None


def _post_where(post: dict, endpoint: str) -> str:
    """The URL that names a post in warnings."""
    return str(post.get("link") or f"{endpoint}/{post.get('id', '?')}")


def article_from_post(post: dict) -> Article:
    """Build an `Article` from one post of the REST API.

    Raises:
        NotAnArticle: the post has no title, date or link.
    """
    title = _plain(_rendered(post, "title"))
    when = iso_day(str(post.get("date") or post.get("date_gmt") or ""))
    link = str(post.get("link") or "")
    if not title:
        raise NotAnArticle("no title")
    if when is None:
        raise NotAnArticle("no publication date")
    if not link.startswith(("http://", "https://")):
        raise NotAnArticle("no link")
    html = _rendered(post, "content") or _rendered(post, "excerpt")
    author, takeaways, body = content_fields(html_to_lines(html).splitlines())
    return new_article(title=title, when=when, url=link, author=author, takeaways=takeaways, body=body)


def _rendered(post: dict, name: str) -> str:
    """`post[name]["rendered"]` (or a plain string), empty when absent."""
    value = post.get(name)
    if isinstance(value, dict):
        value = value.get("rendered")
    return str(value or "")


def _plain(html: str) -> str:
    """Text of an HTML fragment with entities unescaped (`&#8217;` → ’)."""
    return clean_line(BeautifulSoup(html, "html.parser").get_text(" "))


# --- article text ---------------------------------------------------------------------


def article_from_page(html: str, url: str, *, title: str = "", when: date | None = None) -> Article:
    """Extract the article of a page with trafilatura (menus, sidebars and footers left out).

    Args:
        html: the page.
        url: where it was found; its canonical URL wins when it declares one.
        title, when: what a feed said about the page, used when the page lacks them.

    Raises:
        NotAnArticle: a login or error page, no title, no date, or too little text.
    """
    import trafilatura

    if PASSWORD_FIELD.search(html):
        raise NotAnArticle("a login page (it asks for a password)")
    if NOINDEX.search(html[:20_000]):
        raise NotAnArticle("the page asks not to be indexed (noindex): an error or private page?")
    document = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        output_format="python",
        # Only dates the page states (meta tags, <time>, the URL): the wider search
        # takes a footer's "© 2019" for a publication date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = (document.text if document else "") or ""
    stated = document.title if document and STATED_TITLE.search(html) else ""
    page_title = clean_line(stated or "") or title
    if not page_title:
        raise NotAnArticle("no title")
    if ERROR_TITLE.search(page_title):
        raise NotAnArticle(f"an error page ('{page_title[:60]}')")
    day = iso_day(str(document.date or "")) if document else None
    if (day or when) is None:
        raise NotAnArticle("no publication date")
    if len(text) < MIN_ARTICLE_CHARS:
        raise NotAnArticle(f"too little text for an article ({len(text)} characters)")
    # Blank lines between paragraphs give the layout the takeaway reader expects.
    lines = [part for line in text.splitlines() for part in (line, "")]
    author, takeaways, body = content_fields(lines)
    author = author or re.sub(r"^par\s+", "", (document.author or ""), flags=re.IGNORECASE)
    link = _canonical(document.url or "", url)
    return new_article(title=page_title, when=day or when, url=link, author=author, takeaways=takeaways, body=body)


def _canonical(declared: str, fetched: str) -> str:
    """The page's canonical URL when it is a web address, else where it was fetched."""
    return declared if declared.startswith(("http://", "https://")) else fetched


def _article_or_skip(fetcher: Fetcher, url: str, make: Callable[[], Article]) -> Article | None:
    """Run `make`; a `NotAnArticle` is recorded as skipped with its reason."""
    try:
        return make()
    except NotAnArticle as reason:
        fetcher.summary.skip(url, f"not an article: {reason}")
        return None


# --- pages by URL (html sources, sitemaps, feed entries) ------------------------------


def read_article_urls(
    spec: SourceSpec, fetcher: Fetcher, *, since: date | None = None, limit: int | None = None
) -> list[Article]:
    """Fetch each article URL the manifest lists."""
    return read_pages(fetcher, [(url, "") for url in spec.urls], since=since, limit=limit)


def read_pages(
    fetcher: Fetcher,
    entries: list[tuple[str, str]],
    *,
    since: date | None = None,
    limit: int | None = None,
    hints: dict[str, tuple[str, date | None]] | None = None,
) -> list[Article]:
    """Fetch pages (url, sitemap lastmod) a batch at a time and extract their articles.

    A page whose lastmod matches the cached one is not requested again. With a
    `limit`, only as many pages as still needed are fetched in each batch.
    """
    hints = hints or {}
    articles: list[Article] = []
    pending = list(entries)
    while pending and (limit is None or len(articles) < limit):
        size = len(pending) if limit is None else limit - len(articles)
        batch, pending = pending[:size], pending[size:]
        for url, page in _fetch_batch(fetcher, batch):
            title, when = hints.get(url, ("", None))
            make = lambda page=page, url=url, title=title, when=when: article_from_page(  # noqa: E731
                page.text, page.final_url or url, title=title, when=when
            )
            article = _article_or_skip(fetcher, url, make)
            if article is not None and _on_or_after(article, since):
                articles.append(article)
    return articles[:limit] if limit else articles


def _fetch_batch(fetcher: Fetcher, batch: list[tuple[str, str]]) -> Iterator[tuple[str, Page]]:
    """The pages of a batch: from the cache when the lastmod is unchanged, else fetched."""
    reused = {url: page for url, lastmod in batch if (page := fetcher.reuse_if_unchanged(url, lastmod))}
    lastmods = dict(batch)
    fetched = dict(fetcher.get_many([url for url, _ in batch if url not in reused]))
    for url, _ in batch:
        page = reused.get(url) or fetched.get(url)
        if isinstance(page, Page):
            if url not in reused:
                fetcher.remember_lastmod(url, lastmods[url])
            yield url, page


def read_saved_pages(path: Path, *, base_url: str = "", max_bytes: int | None = None) -> list[Article]:
    """Read saved article pages (one file or a folder of .html/.htm files).

    A page links to its canonical URL, else to `base_url`, else to nothing (never
    to the file). A file that is not an article is skipped with a warning naming it.
    """
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix.lower() in {".html", ".htm"})
    articles = []
    for file in files:
        try:
            articles.append(article_from_page(read_utf8(file, max_bytes=max_bytes), web_link(base_url)))
        except NotAnArticle as reason:
            log.warning("skipped %s: not an article: %s", file, reason)
    return articles


# --- feeds ------------------------------------------------------------------------------


def read_feed(
    spec: SourceSpec, fetcher: Fetcher, *, since: date | None = None, limit: int | None = None
) -> list[Article]:
    """Read an RSS or Atom feed; entries that hold only an excerpt are followed to their page."""
    import feedparser

    page = _root(fetcher, spec.url, spec.label, "feed")
    parsed = feedparser.parse(page.content)  # bytes: feedparser makes no request of its own
    if not parsed.entries:
        problem = parsed.get("bozo_exception") or "no entries"
        raise SourceError(f"{spec.label}: {spec.url} is not a readable RSS/Atom feed ({problem})")
    if parsed.bozo:
        log.warning(
            "%s: broken feed XML (%s); reading the %d entries that could be parsed",
            spec.url,
            parsed.get("bozo_exception"),
            len(parsed.entries),
        )
    entries = [e for e in parsed.entries if since is None or (_entry_day(e) or since) >= since]
    return _feed_articles(entries, fetcher, since=since, limit=limit)


def _feed_articles(entries: list, fetcher: Fetcher, *, since: date | None, limit: int | None) -> list[Article]:
    """Articles from entries: full content read in place, excerpts followed to their page."""
    articles: list[Article] = []
    to_follow: list[tuple[str, str]] = []
    hints: dict[str, tuple[str, date | None]] = {}
    for entry in entries[:limit] if limit else entries:
        link = str(entry.get("link") or "")
        if entry.get("content"):
            article = _article_or_skip(fetcher, link or "(feed entry)", lambda e=entry: article_from_entry(e))
            if article is not None:
                articles.append(article)
        elif link:
            to_follow.append((link, ""))
            hints[link] = (str(entry.get("title") or ""), _entry_day(entry))
        else:
            fetcher.summary.skip(str(entry.get("title") or "(feed entry)"), "feed entry without a link")
    articles += read_pages(fetcher, to_follow, since=since, hints=hints)
    return articles


def article_from_entry(entry) -> Article:
    """An `Article` from a feed entry that carries the full content.

    Raises:
        NotAnArticle: the entry has no title, date or link.
    """
    title = clean_line(str(entry.get("title") or ""))
    when = _entry_day(entry)
    link = str(entry.get("link") or "")
    if not title:
        raise NotAnArticle("no title")
    if when is None:
        raise NotAnArticle("no publication date")
    html = entry["content"][0].get("value", "")
    author, takeaways, body = content_fields(html_to_lines(html).splitlines())
    author = author or str(entry.get("author") or "")
    return new_article(title=title, when=when, url=link, author=author, takeaways=takeaways, body=body)


def _entry_day(entry) -> date | None:
    """The publication day as the feed wrote it (its own time zone, not UTC)."""
    for name in ("published", "updated"):
        value = str(entry.get(name) or "")
        if not value:
            continue
        try:
            return email.utils.parsedate_to_datetime(value).date()
        except (TypeError, ValueError):
            day = iso_day(value)
            if day:
                return day
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return date(*parsed[:3]) if parsed else None


# --- sitemaps ---------------------------------------------------------------------------


def read_sitemap(
    spec: SourceSpec, fetcher: Fetcher, *, since: date | None = None, limit: int | None = None
) -> list[Article]:
    """Read the pages a sitemap (or sitemap index) lists, newest `<lastmod>` first.

    `match` (a regular expression) keeps only the URLs it finds; a page older
    than `since` by its lastmod is not requested.
    """
    root = _root(fetcher, spec.url, spec.label, "sitemap")
    try:
        entries = _sitemap_entries(fetcher, root, depth=0, seen={spec.url})
    except ElementTree.ParseError as error:
        raise SourceError(f"{spec.label}: {spec.url} is not a valid sitemap ({error})") from None
    if spec.match:
        entries = [(url, mod) for url, mod in entries if re.search(spec.match, url)]
    if since is not None:
        entries = [(url, mod) for url, mod in entries if not mod or (iso_day(mod) or since) >= since]
    entries.sort(key=lambda entry: entry[1], reverse=True)
    return read_pages(fetcher, entries, since=since, limit=limit)


def _sitemap_entries(fetcher: Fetcher, page: Page, *, depth: int, seen: set[str]) -> list[tuple[str, str]]:
    """(url, lastmod) of every page listed, following a sitemap index to its sitemaps."""
    root = ElementTree.fromstring(_unzipped(page.content, fetcher.settings.max_page_bytes))
    entries: list[tuple[str, str]] = []
    for item in root:
        loc, lastmod = _child_text(item, "loc"), _child_text(item, "lastmod")
        if not loc:
            continue
        if _local(root.tag) == "urlset":
            entries.append((loc, lastmod))
        elif depth < MAX_SITEMAP_DEPTH and loc not in seen:
            seen.add(loc)
            entries += _child_sitemap(fetcher, loc, depth=depth + 1, seen=seen)
    return entries


def _child_sitemap(fetcher: Fetcher, url: str, *, depth: int, seen: set[str]) -> list[tuple[str, str]]:
    """The entries of a sitemap named by an index; one that fails is skipped."""
    try:
        return _sitemap_entries(fetcher, fetcher.get(url), depth=depth, seen=seen)
    except FetchError:
        return []  # already recorded by the fetcher
    except ElementTree.ParseError as error:
        fetcher.summary.skip(url, f"not a valid sitemap ({error})")
        return []


def _unzipped(content: bytes, cap: int) -> bytes:
    """The XML of a sitemap, gunzipping a `.xml.gz` one (no more than `cap` bytes)."""
    if content[:2] != b"\x1f\x8b":
        return content
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = inflater.decompress(content, cap)
    except zlib.error as error:
        raise ElementTree.ParseError(f"bad gzip data: {error}") from None
    if inflater.unconsumed_tail:
        raise ElementTree.ParseError(f"larger than {cap} bytes once unzipped")
    return data


def _local(tag: str) -> str:
    """A tag's name without its XML namespace."""
    return tag.rsplit("}", 1)[-1]


def _child_text(item: ElementTree.Element, name: str) -> str:
    """The stripped text of the first child called `name` (any namespace)."""
    for child in item:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


# --- shared -----------------------------------------------------------------------------


def _root(fetcher: Fetcher, url: str, label: str, what: str) -> Page:
    """Fetch a source's root document; failing that, the whole source fails."""
    try:
        return fetcher.get(url)
    except FetchError as error:
        raise SourceError(f"{label}: cannot read the {what} ({error.reason}): {url}") from None


def _on_or_after(article: Article, since: date | None) -> bool:
    """Whether an article is kept by `--since` (undated ones are kept only without it)."""
    return since is None or (article.date is not None and article.date >= since)
