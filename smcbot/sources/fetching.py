"""A polite, sturdy HTTP fetcher for the web sources.

Every request names the bot in its User-Agent, asks robots.txt first, waits its
turn per host, retries 429, 5xx and connection errors with backoff (honouring
`Retry-After`), caps the size of what it reads, and revalidates what it fetched
before (ETag / Last-Modified) from a small on-disk cache: one JSON file of
headers and one file of bytes per URL, never pickle.

Outcomes are counted in a `FetchSummary` for the caller to print. A page that
cannot be had raises `FetchError`, whose `kind` tells a page the site failed to
give ("failed": network, an HTTP error status; the build that needed it cannot
tell a deleted article from a missing one) from a page that is not worth having
("skipped": robots.txt, redirect loop, too large); one bad page never stops the
others.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from protego import Protego

from smcbot.errors import SourceError
from smcbot.settings import FetchSettings

log = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}


class FetchError(SourceError):
    """A URL that could not be fetched; `kind` is "failed" or "skipped", `status`
    the HTTP status when the server answered with an error (else None)."""

    def __init__(self, url: str, reason: str, *, kind: str = "failed", status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.kind, self.status = url, reason, kind, status


@dataclass
class Page:
    """A fetched (or cached) response body with what is needed to read it."""

    url: str
    final_url: str
    content: bytes
    content_type: str = ""
    encoding: str = "utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    from_cache: bool = False

    @property
    def text(self) -> str:
        """The body decoded with the charset the server gave (UTF-8 by default)."""
        try:
            return self.content.decode(self.encoding or "utf-8", errors="replace")
        except LookupError:  # an unknown charset name
            return self.content.decode("utf-8", errors="replace")


@dataclass
class FetchSummary:
    """What a build fetched, reused, skipped and failed to get."""

    fetched: int = 0
    revalidated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, outcome: str) -> None:
        """Add one to `fetched`, `revalidated` or `unchanged`."""
        with self._lock:
            setattr(self, outcome, getattr(self, outcome) + 1)

    def skip(self, url: str, reason: str) -> None:
        """Record a URL left out on purpose, with a warning naming it."""
        log.warning("skipped %s: %s", url, reason)
        with self._lock:
            self.skipped.append((url, reason))

    def fail(self, url: str, reason: str) -> None:
        """Record a URL that could not be had, with a warning naming it."""
        log.warning("failed %s: %s", url, reason)
        with self._lock:
            self.failed.append((url, reason))

    @property
    def requested(self) -> int:
        """How many URLs were asked of the web or the cache at all."""
        return self.fetched + self.revalidated + self.unchanged + len(self.skipped) + len(self.failed)

    def to_dict(self) -> dict:
        """Plain JSON-ready form."""
        return {
            "fetched": self.fetched,
            "revalidated": self.revalidated,
            "unchanged": self.unchanged,
            "skipped": [{"url": u, "reason": r} for u, r in self.skipped],
            "failed": [{"url": u, "reason": r} for u, r in self.failed],
        }

    def describe(self) -> str:
        """A few lines for the terminal: the counts, then each skipped and failed URL."""
        lines = [
            f"web: {self.fetched} fetched, {self.revalidated} not modified, "
            f"{self.unchanged} unchanged (sitemap), {len(self.skipped)} skipped, {len(self.failed)} failed"
        ]
        lines += [f"  skipped {url}: {reason}" for url, reason in self.skipped]
        lines += [f"  failed  {url}: {reason}" for url, reason in self.failed]
        return "\n".join(lines)


class HttpCache:
    """Bodies and validators of earlier responses: `<key>.json` + `<key>.body` per URL.

    It is a cache: a damaged entry is dropped (and fetched again) with a warning,
    a cache folder that cannot be used is set aside and started again, and if
    even that fails the build goes on without a cache.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._lock = threading.Lock()

    def _paths(self, url: str) -> tuple[Path, Path]:
        assert self.folder is not None
        key = hashlib.sha256(url.encode()).hexdigest()[:40]
        return self.folder / f"{key}.json", self.folder / f"{key}.body"

    def load(self, url: str) -> tuple[dict, bytes] | None:
        """The stored headers and body of `url`, or None (a damaged entry is dropped)."""
        if self.folder is None:
            return None
        meta_path, body_path = self._paths(url)
        if not meta_path.exists():
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError) as error:
            return self._drop(url, f"unreadable ({error})")
        if not _sound_meta(meta) or meta["url"] != url or meta["size"] != len(body):
            return self._drop(url, "it does not match its body or its URL")
        return meta, body

    def _drop(self, url: str, why: str) -> None:
        """Forget a damaged entry, so the page is fetched again."""
        log.warning("HTTP cache entry of %s is damaged (%s); fetching it again", url, why)
        for path in self._paths(url):
            with contextlib.suppress(OSError):  # the next store() replaces it, or finds the folder unusable
                path.unlink(missing_ok=True)
        return None

    def store(self, url: str, meta: dict, body: bytes | None = None) -> None:
        """Save an entry (the body first, so a half-written entry is never read back)."""
        if self.folder is None:
            return
        try:
            self._store(url, meta, body)
        except OSError as error:
            self._store_after_repair(url, meta, body, error)

    def _store(self, url: str, meta: dict, body: bytes | None) -> None:
        meta_path, body_path = self._paths(url)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        if body is not None:
            _write_atomic(body_path, body)
            meta = {**meta, "size": len(body)}
        _write_atomic(meta_path, json.dumps({**meta, "url": url}, ensure_ascii=False).encode())

    def _store_after_repair(self, url: str, meta: dict, body: bytes | None, error: OSError) -> None:
        """The folder refused an entry: set it aside and start a new one, else go on without a cache."""
        with self._lock:  # one thread repairs; the others find it repaired
            folder = self.folder
            if folder is None:
                return
            with contextlib.suppress(OSError):
                self._store(url, meta, body)
                return  # another thread has repaired it meanwhile
            try:
                aside = folder.with_name(f"{folder.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
                if folder.exists() or folder.is_symlink():
                    os.replace(folder, aside)
                log.warning("the HTTP cache %s could not be written (%s): set aside as %s", folder, error, aside)
                self._store(url, meta, body)
            except OSError as second:
                log.warning("the HTTP cache %s cannot be used (%s); fetching without it", folder, second)
                self.folder = None

    def update(self, url: str, **changes: object) -> None:
        """Change some fields of an existing entry (e.g. the sitemap's lastmod)."""
        entry = self.load(url)
        if entry is not None:
            self.store(url, {**entry[0], **changes})


def _sound_meta(meta: object) -> bool:
    """Whether a cache entry's JSON has the fields, of the types, the fetcher reads."""
    if not isinstance(meta, dict) or not isinstance(meta.get("url"), str) or not isinstance(meta.get("size"), int):
        return False
    text_fields = ("final_url", "content_type", "encoding", "etag", "last_modified", "lastmod")
    if not all(isinstance(meta.get(name, ""), str) for name in text_fields):
        return False
    headers = meta.get("headers", {})
    return isinstance(headers, dict) and all(isinstance(v, str) for v in headers.values())


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a file under a temporary name, then rename it into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


class HostGate:
    """Spaces requests to one host by at least `delay` seconds."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str, delay: float | None = None) -> None:
        """Block until this host may be asked again, and book the next slot."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + (self.delay if delay is None else delay)
        if start > now:
            time.sleep(start - now)


class Fetcher:
    """Fetches URLs politely; use as a context manager or call `close()`.

    Args:
        settings: user agent, timeouts, retries, concurrency, per-host delay, size cap.
        cache_dir: the on-disk HTTP cache folder, or None for no cache.
    """

    def __init__(self, settings: FetchSettings, *, cache_dir: Path | None = None) -> None:
        self.settings = settings
        self.summary = FetchSummary()
        self.cache = HttpCache(cache_dir)
        self._gate = HostGate(settings.per_host_delay)
        # Per site: the parsed robots.txt, None when it has none, or why it could not be read.
        self._robots: dict[str, Protego | str | None] = {}
        self._robots_lock = threading.Lock()
        self._slots = threading.Semaphore(settings.concurrency)
        self._http: httpx.Client | None = None
        self._http_lock = threading.Lock()

    @property
    def _client(self) -> httpx.Client:
        """The connection pool, made on the first request (a build of local files needs none)."""
        with self._http_lock:
            if self._http is None:
                self._http = httpx.Client(
                    headers={"User-Agent": self.settings.user_agent},
                    timeout=httpx.Timeout(self.settings.timeout),
                    follow_redirects=True,
                    max_redirects=self.settings.max_redirects,
                )
            return self._http

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        if self._http is not None:
            self._http.close()

    # --- public ----------------------------------------------------------------------

    def get(self, url: str, *, params: dict | None = None, record: bool = True) -> Page:
        """Fetch one URL (revalidating a cached copy), counting the outcome.

        Args:
            record: record a failure in the summary (False when the caller decides
                what the failure means, e.g. WordPress's 400 past its last page).

        Raises:
            FetchError: the URL is disallowed, unreachable, too large or answered
                with an error status; it is recorded in the summary first.
        """
        full = str(httpx.URL(url).copy_merge_params(params)) if params else url
        try:
            return self._get(full)
        except FetchError as error:
            if record:
                (self.summary.skip if error.kind == "skipped" else self.summary.fail)(full, error.reason)
            raise

    def get_many(self, urls: Iterable[str]) -> Iterator[tuple[str, Page | FetchError]]:
        """Fetch URLs `concurrency` at a time; yields (url, page or error) in input order."""
        urls = list(urls)
        with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
            yield from zip(urls, pool.map(self._get_or_error, urls), strict=True)

    def reuse_if_unchanged(self, url: str, lastmod: str) -> Page | None:
        """The cached page if the sitemap's `lastmod` is the one it had when fetched."""
        if not lastmod or not self.allowed(url):
            return None
        entry = self.cache.load(url)
        if entry is None or entry[0].get("lastmod") != lastmod:
            return None
        self.summary.count("unchanged")
        return _page_from_cache(url, *entry)

    def remember_lastmod(self, url: str, lastmod: str) -> None:
        """Note the sitemap `lastmod` of a page just fetched, for the next build."""
        if lastmod:
            self.cache.update(url, lastmod=lastmod)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this bot fetch `url`."""
        robots = self._robots_for(url)
        if isinstance(robots, str):
            return False
        return robots is None or robots.can_fetch(url, self.settings.user_agent)

    # --- one request -----------------------------------------------------------------

    def _get_or_error(self, url: str) -> Page | FetchError:
        try:
            return self.get(url)
        except FetchError as error:
            return error

    def _get(self, url: str) -> Page:
        """Robots, then a conditional request with retries; the cache answers a 304."""
        if not url.startswith(("http://", "https://")):
            raise FetchError(url, "not an http(s) URL", kind="skipped")
        self._check_robots(url)
        cached = self.cache.load(url)
        status, headers, body, final_url = self._request(url, _validators(cached))
        if status == 304 and cached is not None:
            self.summary.count("revalidated")
            return _page_from_cache(url, *cached)
        if status >= 400:
            raise FetchError(url, f"HTTP {status}", status=status)
        page = _page(url, final_url, headers, body)
        self.cache.store(url, _cache_meta(page), body)
        self.summary.count("fetched")
        return page

    def _request(self, url: str, headers: dict[str, str]) -> tuple[int, httpx.Headers, bytes, str]:
        """Send a GET, retrying 429/5xx and connection errors with backoff, all within
        `max_page_seconds`."""
        attempts = self.settings.retries + 1
        deadline = time.monotonic() + self.settings.max_page_seconds
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                status, response_headers, body, final_url = self._send_once(url, headers, deadline)
            except httpx.TooManyRedirects:
                raise FetchError(url, "too many redirects (a redirect loop?)", kind="skipped") from None
            except httpx.TransportError as error:
                if last or time.monotonic() >= deadline:
                    raise FetchError(url, f"{_describe(error)} after {attempt + 1} tries") from None
                self._pause(url, attempt, None, deadline)
                continue
            if status in RETRY_STATUSES and not last and time.monotonic() < deadline:
                self._pause(url, attempt, response_headers.get("Retry-After"), deadline)
                continue
            if status in RETRY_STATUSES:
                raise FetchError(url, f"HTTP {status} after {attempt + 1} tries", status=status)
            return status, response_headers, body, final_url
        raise AssertionError("unreachable")

    def _send_once(self, url: str, headers: dict[str, str], deadline: float) -> tuple[int, httpx.Headers, bytes, str]:
        """One GET through the concurrency limit and the host's delay, capped in size and time."""
        cap = self.settings.max_page_bytes
        with self._slots:
            self._gate.wait(_host(url), self._crawl_delay(url))
            # The timeout bounds each wait for bytes; the deadline bounds a server that drips them.
            timeout = max(0.1, min(self.settings.timeout, deadline - time.monotonic()))
            with self._client.stream("GET", url, headers=headers, timeout=timeout) as response:
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > cap:
                    raise FetchError(url, f"larger than {cap} bytes", kind="skipped")
                body = bytearray()
                for piece in response.iter_bytes():
                    body += piece
                    if len(body) > cap:
                        raise FetchError(url, f"larger than {cap} bytes", kind="skipped")
                    if time.monotonic() > deadline:
                        raise FetchError(url, self._too_slow())
                return response.status_code, response.headers, bytes(body), str(response.url)

    def _too_slow(self) -> str:
        seconds = self.settings.max_page_seconds
        return f"took longer than {seconds:g} s to download (SMCBOT_FETCH__MAX_PAGE_SECONDS)"

    def _pause(self, url: str, attempt: int, retry_after: str | None, deadline: float) -> None:
        """Wait before a retry: the server's Retry-After if it gave one, else backoff
        (never past the page's deadline)."""
        wait = _retry_after_seconds(retry_after)
        if wait is None:
            wait = self.settings.backoff * (2**attempt)
        wait = max(0.0, min(wait, self.settings.max_retry_after, deadline - time.monotonic()))
        log.info("retrying %s in %.1fs", url, wait)
        time.sleep(wait)

    # --- robots.txt ------------------------------------------------------------------

    def _check_robots(self, url: str) -> None:
        """Raise unless robots.txt lets this bot fetch `url`."""
        robots = self._robots_for(url)
        if isinstance(robots, str):  # unreadable: RFC 9309 says fetch nothing from the site
            raise FetchError(url, f"robots.txt cannot be read ({robots}), so nothing is fetched from this site")
        if robots is not None and not robots.can_fetch(url, self.settings.user_agent):
            raise FetchError(url, "disallowed by robots.txt", kind="skipped")

    def _robots_for(self, url: str) -> Protego | str | None:
        """The parsed robots.txt of the URL's site, fetched once per build."""
        origin = _origin(url)
        with self._robots_lock:
            if origin not in self._robots:
                self._robots[origin] = self._read_robots(origin)
            return self._robots[origin]

    def _read_robots(self, origin: str) -> Protego | str | None:
        """Parse `<origin>/robots.txt`; a missing one (4xx) allows everything.

        Returns the reason instead when it cannot be read (5xx after retries,
        unreachable): the site is then treated as disallowing everything.
        """
        robots_url = f"{origin}/robots.txt"
        try:
            status, _, body, _ = self._request(robots_url, {})
        except FetchError as error:
            return error.reason
        if status >= 400:
            return None
        # Protego follows RFC 9309: `*` and `$` wildcards, the longest matching rule wins.
        return Protego.parse(body.decode("utf-8", errors="replace"))

    def _crawl_delay(self, url: str) -> float | None:
        """The site's Crawl-delay when it asks for more than our own per-host delay."""
        if url.endswith("/robots.txt"):
            return None
        robots = self._robots.get(_origin(url))
        delay = robots.crawl_delay(self.settings.user_agent) if isinstance(robots, Protego) else None
        return max(float(delay), self.settings.per_host_delay) if delay else None


# --- helpers -------------------------------------------------------------------------


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _host(url: str) -> str:
    return urlsplit(url).netloc


def _validators(cached: tuple[dict, bytes] | None) -> dict[str, str]:
    """Conditional request headers from a cached response."""
    if cached is None:
        return {}
    meta = cached[0]
    headers = {}
    if meta.get("etag"):
        headers["If-None-Match"] = meta["etag"]
    if meta.get("last_modified"):
        headers["If-Modified-Since"] = meta["last_modified"]
    return headers


def _page(url: str, final_url: str, headers: httpx.Headers, body: bytes) -> Page:
    """A `Page` from a fresh response."""
    content_type = headers.get("Content-Type", "")
    return Page(
        url=url,
        final_url=final_url,
        content=body,
        content_type=content_type.split(";")[0].strip().lower(),
        encoding=_charset(content_type),
        headers={k: headers[k] for k in ("ETag", "Last-Modified", "X-WP-Total", "X-WP-TotalPages") if k in headers},
    )


def _cache_meta(page: Page) -> dict:
    """What the cache keeps besides the body."""
    return {
        "final_url": page.final_url,
        "content_type": page.content_type,
        "encoding": page.encoding,
        "etag": page.headers.get("ETag", ""),
        "last_modified": page.headers.get("Last-Modified", ""),
        "headers": page.headers,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _page_from_cache(url: str, meta: dict, body: bytes) -> Page:
    """A `Page` rebuilt from a cache entry."""
    return Page(
        url=url,
        final_url=meta.get("final_url") or url,
        content=body,
        content_type=meta.get("content_type", ""),
        encoding=meta.get("encoding", "utf-8"),
        headers=dict(meta.get("headers") or {}),
        from_cache=True,
    )


def _charset(content_type: str) -> str:
    """The charset parameter of a Content-Type header, UTF-8 when absent."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ")
    return "utf-8"


def _retry_after_seconds(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _describe(error: httpx.TransportError) -> str:
    """A short name for a connection-level error."""
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    if isinstance(error, httpx.ConnectError):
        return "cannot connect"
    return type(error).__name__
