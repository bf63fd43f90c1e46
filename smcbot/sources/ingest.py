"""Read every source the manifest lists into `Article`s.

The readers live beside this module: `listing` (the club's listing pages),
`files` (folders of Markdown, text, HTML and JSON articles) and `web`
(WordPress, feeds, sitemaps, article pages, read through a
`smcbot.sources.fetching.Fetcher` the caller passes in). This module only picks
the reader for each source and applies `--since` and `--limit`.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from smcbot.errors import SourceError
from smcbot.models import Article
from smcbot.sources.files import read_folder
from smcbot.sources.listing import read_listing
from smcbot.sources.manifest import SourceSpec

if TYPE_CHECKING:
    from smcbot.sources.fetching import Fetcher

log = logging.getLogger(__name__)


def read_sources(
    specs: list[SourceSpec],
    *,
    fetcher: Fetcher | None = None,
    since: date | None = None,
    limit: int | None = None,
    max_file_bytes: int | None = None,
) -> list[Article]:
    """Read every source; articles found twice (same id) are kept once.

    Args:
        specs: the manifest's sources.
        fetcher: reads web sources (one with default settings and no cache is
            made when needed and none is given).
        since: keep only articles published on or after this day.
        limit: read at most this many articles from each source.
        max_file_bytes: refuse a local file larger than this (`SMCBOT_INGEST__MAX_FILE_BYTES`).
    """
    if fetcher is None and any(spec.is_web for spec in specs):
        from smcbot.settings import FetchSettings
        from smcbot.sources.fetching import Fetcher

        with Fetcher(FetchSettings()) as default_fetcher:
            return read_sources(specs, fetcher=default_fetcher, since=since, limit=limit, max_file_bytes=max_file_bytes)
    articles: dict[str, Article] = {}
    for spec in specs:
        found = read_source(spec, fetcher=fetcher, since=since, limit=limit, max_file_bytes=max_file_bytes)
        for article in found:
            articles.setdefault(article.id, article)
    return list(articles.values())


def read_source(
    spec: SourceSpec,
    *,
    fetcher: Fetcher | None = None,
    since: date | None = None,
    limit: int | None = None,
    max_file_bytes: int | None = None,
) -> list[Article]:
    """Read one source into articles; a source that yields none is an error
    (unless `since` left nothing new in it)."""
    if spec.is_web:
        from smcbot.sources.web import read_web_source

        assert fetcher is not None, "web sources need a Fetcher"
        articles = read_web_source(spec, fetcher=fetcher, since=since, limit=limit)
    elif spec.type == "listing":
        assert spec.path is not None
        articles = read_listing(
            spec.path, url=spec.url, year=spec.year or 0, links=spec.links, max_bytes=max_file_bytes
        )
    elif spec.type == "html":
        from smcbot.sources.web import read_saved_pages

        assert spec.path is not None
        articles = read_saved_pages(spec.path, base_url=spec.url, max_bytes=max_file_bytes)
    else:
        assert spec.path is not None
        articles = list(read_folder(spec.path, base_url=spec.url, max_bytes=max_file_bytes))
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
