"""The sources manifest: which sources to read, checked before anything is read.

The manifest (default `config/sources.toml`) lists `[[sources]]`, each with a
`type` and paths relative to the manifest. Local sources (`listing`, `folder`,
`html` with a `path`) have a `path`; web sources (`wordpress`, `feed`,
`sitemap`, `html` with `url`/`urls`) have a `url` and no `path`. Every problem
is raised as a `SourceError` whose message names the file and says what to fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from smcbot.errors import SourceError
from smcbot.sources.articles import read_utf8, web_link

WEB_TYPES = ("wordpress", "feed", "sitemap")
SUPPORTED_TYPES = ("listing", "folder", "html", *WEB_TYPES)
FIRST_YEAR = 1900  # a listing's items step back a year at each January: leave room below


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
    if not isinstance(entry["path"], str) or not isinstance(entry.get("url", ""), str):
        raise SourceError(f'{where} ({kind}): path and url must be strings in quotes, e.g. path = "../articles"')
    spec = SourceSpec(
        type=kind,
        path=_local_path(where, manifest, entry["path"]),
        url=entry.get("url", ""),
        year=_year(where, kind, entry),
        links=_links(where, kind, entry),
        label=f"{where} ({kind} {entry['path']})",
    )
    _check_spec(spec)
    return spec


def _local_path(where: str, manifest: Path, path: str) -> Path:
    """The source's path made absolute against the manifest's folder."""
    try:
        return (manifest.parent / path).resolve()
    except (OSError, ValueError) as error:  # a NUL byte, a loop of symbolic links
        raise SourceError(f"{where}: path {path!r} cannot be used ({error})") from None


def _year(where: str, kind: str, entry: dict) -> int | None:
    """`year`, when given: a whole number a date can have, not later than next year."""
    year = entry.get("year")
    if year is None:
        return None
    latest = date.today().year + 1
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= latest:
        raise SourceError(
            f"{where} ({kind}): year must be the year of the newest item, from {FIRST_YEAR} to {latest} (got {year!r})"
        )
    return year


def _links(where: str, kind: str, entry: dict) -> dict[str, str]:
    """`[sources.links]`, when given: article titles mapped to their own URLs."""
    links = entry.get("links", {})
    if not isinstance(links, dict) or not all(web_link(v) for v in links.values()):
        raise SourceError(
            f'{where} ({kind}): links must be a table of "title" = "https://..." lines under [sources.links]'
        )
    return {str(title): url for title, url in links.items()}


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
        if not web_link(spec.url):
            raise SourceError(f'{spec.label}: a listing needs url = "https://..." (the page readers find it at)')
        if not isinstance(spec.year, int):
            raise SourceError(f"{spec.label}: a listing needs year = YYYY (the year of its newest item)")
