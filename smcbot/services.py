"""Wiring shared by the front ends: settings in, ready objects out.

Front ends (CLI, Telegram, Slack) call these instead of assembling the layers
themselves, so each of them stays thin.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from smcbot import machine_translation
from smcbot.directory import describe_archive
from smcbot.embedding import (
    ONNX_META,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
    export_onnx,
    onnx_export_problem,
    onnx_folder,
    record_stamps,
)
from smcbot.errors import IndexCorruptError, IndexWriteError, SmcbotError, SourceError
from smcbot.index import (
    ArchiveIndex,
    BuildOptions,
    BuildReport,
    Progress,
    build_command,
    build_index,
    build_lock,
    current_build,
    load_index,
    read_manifest,
)
from smcbot.models import Article
from smcbot.settings import Settings

if TYPE_CHECKING:  # building needs these; answering a question does not (faster start)
    from smcbot.sources.fetching import Fetcher, FetchSummary
    from smcbot.sources.manifest import SourceSpec

log = logging.getLogger(__name__)


def make_embedder(settings: Settings, *, export: bool = False, progress: Progress | None = None):
    """The embedding model the settings name, on the backend they choose (loaded on first use).

    The ONNX export is checked against its checksums first. A damaged one is made
    again when `export` is set; otherwise the "auto" backend warns in one line and
    uses the PyTorch model, and "onnx" refuses with one line.

    Args:
        export: make the ONNX export if the backend wants one and it is missing or
            damaged (`index build` does; a question never waits for an export under "auto").
        progress: told about the export, which takes a few seconds the first time.

    Raises:
        IndexCorruptError: the "onnx" backend and a damaged export.
    """
    backend, name = settings.embedding.backend, settings.embedding.model
    threads = None if export else 1  # a build embeds batches on every core; a question is one short text
    if backend == "torch":
        return SentenceTransformerEmbedder(name, device=settings.embedding.device)
    models_dir = settings.embedding.onnx_dir or settings.index_dir / "models"
    folder = onnx_folder(models_dir, name, quantized=backend == "onnx-int8")
    exported = (folder / ONNX_META).is_file()
    problem = onnx_export_problem(folder, require_checksums=export, trust_stamps=not export) if exported else None
    if export and exported and not problem:
        record_stamps(folder)  # a question then trusts the files this build found whole
    if (export or backend != "auto") and (not exported or (export and problem)):
        if problem:
            log.warning("%s: the ONNX export of the model is damaged (%s); exporting it again", folder, problem)
        _export(name, folder, quantized=backend == "onnx-int8", progress=progress)
        return OnnxEmbedder(name, folder, threads=threads)
    if problem:
        message = (
            f"{folder}: the ONNX export of the model is damaged ({problem}); "
            f"run `{build_command(settings.index_dir)}` to export it again"
        )
        if backend != "auto":
            raise IndexCorruptError(message)
        log.warning("%s; answering with the PyTorch model meanwhile (slower)", message)
        return SentenceTransformerEmbedder(name, device=settings.embedding.device)
    if exported:
        return OnnxEmbedder(name, folder, threads=threads)
    return SentenceTransformerEmbedder(name, device=settings.embedding.device)


def _export(name: str, folder: Path, *, quantized: bool, progress: Progress | None) -> None:
    """Export the model to ONNX (a few seconds), telling `progress`."""
    if progress:
        progress("export", 0, 1)
    export_onnx(name, folder, quantized=quantized)
    if progress:
        progress("export", 1, 1)


@dataclass
class SourcesReport(BuildReport):
    """A `BuildReport` with what the web sources fetched, and whether the run was partial.

    A partial run only adds and updates: articles it did not read keep their
    indexed version, so nothing is counted as removed. A run is partial with
    `--since` or `--limit`, when pages failed to download (they may be back
    tomorrow), and when the manifest lists a feed (a feed shows only the latest
    posts, so an older post missing from it is not a deleted one). `to_dict`
    stays the `index build --json` contract.
    """

    partial: bool = False
    partial_reason: str = ""
    fetch: FetchSummary | None = None


def build_from_sources(
    settings: Settings,
    *,
    progress: Progress | None = None,
    embedder=None,
    since: date | None = None,
    limit: int | None = None,
) -> SourcesReport:
    """Read the sources manifest and build or update the index.

    All sources are read before anything is written: a bad source leaves the
    existing index exactly as it was.

    Args:
        settings: where the manifest and the index are, how to fetch and embed.
        progress: called with (stage, done, total) while embedding and writing.
        embedder: the model to embed with (the configured one by default).
        since: read only articles published on or after this day (a partial run).
        limit: read at most this many articles per source (a partial run).

    Raises:
        SourceError: the manifest or a whole source cannot be read.
        IndexLockedError: another build is running on the same index folder.
    """
    from smcbot.sources.ingest import read_sources
    from smcbot.sources.manifest import load_manifest

    specs = load_manifest(settings.sources)
    with _writing(settings.index_dir):
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        with build_lock(settings.index_dir):
            pass  # fail now rather than after fetching every page; build_index holds it for real
    with make_fetcher(settings) as fetcher:
        articles = read_sources(
            specs, fetcher=fetcher, since=since, limit=limit, max_file_bytes=settings.ingest.max_file_bytes
        )
    reason = _partial_reason(specs, since=since, limit=limit, failed=[url for url, _ in fetcher.summary.failed])
    if reason:
        articles = _with_unread_articles(articles, settings.index_dir)
    if not articles:
        raise SourceError(f"nothing to index: no article published since {since} and no index yet")
    articles = describe_archive(articles, config_dir=settings.sources.parent)
    options = BuildOptions(
        body_size=settings.chunking.body_size,
        body_overlap=settings.chunking.body_overlap,
        batch_size=settings.embedding.batch_size,
        english_glosses=settings.embedding.english_glosses,
        second_opinion=settings.embedding.second_opinion,
        models_dir=settings.embedding.onnx_dir or settings.index_dir / "models",
    )
    embedder = embedder or make_embedder(settings, export=True, progress=progress)
    with _writing(settings.index_dir):
        report = build_index(
            articles, index_dir=settings.index_dir, embedder=embedder, options=options, progress=progress
        )
    fetched = fetcher.summary if fetcher.summary.requested else None
    return SourcesReport(**asdict(report), partial=bool(reason), partial_reason=reason, fetch=fetched)


@contextmanager
def _writing(index_dir: Path) -> Iterator[None]:
    """Turn a failure to write the index folder into one line saying what to do."""
    try:
        yield
    except OSError as error:
        where = error.filename or index_dir
        raise IndexWriteError(
            f"{where}: cannot write the index ({error.strerror or error}); give this user write access to "
            f"{index_dir}, free some disk space, or pass --index-dir DIR"
        ) from None


def _partial_reason(specs: list[SourceSpec], *, since: date | None, limit: int | None, failed: list[str]) -> str:
    """Why this run cannot tell which articles were deleted ("" when it can)."""
    if since is not None:
        return f"--since {since}"
    if limit is not None:
        return f"--limit {limit}"
    if failed:
        more = f" and {len(failed) - 1} more" if len(failed) > 1 else ""
        return f"{len(failed)} page(s) failed to download: {failed[0]}{more}"
    if any(spec.type == "feed" for spec in specs):
        return "a feed lists only recent posts"
    return ""


def make_fetcher(settings: Settings) -> Fetcher:
    """The web fetcher, with its HTTP cache in `<index_dir>/http-cache` unless set elsewhere."""
    from smcbot.sources.fetching import Fetcher

    cache_dir = settings.fetch.cache_dir or Path(settings.index_dir) / "http-cache"
    return Fetcher(settings.fetch, cache_dir=cache_dir)


def _with_unread_articles(articles: list[Article], index_dir: Path) -> list[Article]:
    """Add the indexed articles a partial run did not read, so they are kept, not removed."""
    try:
        model = read_manifest(current_build(index_dir)).get("model", "")
        previous = load_index(index_dir, model=model).articles
    except SmcbotError as error:
        log.info("no previous index to keep articles from (%s)", error)
        return articles
    read = {article.id for article in articles}
    return articles + [article for key, article in previous.items() if key not in read]


def open_index(settings: Settings) -> ArchiveIndex:
    """Load the index the settings point at, checking it matches the configured model."""
    return load_index(settings.index_dir, model=settings.embedding.model)


def make_answerer(settings: Settings, *, embedder=None):
    """An `Answerer` over the index the settings point at."""
    from smcbot.answering import Answerer

    embedder = embedder or make_embedder(settings)
    index = load_index(settings.index_dir, model=embedder.name)
    translator = word_translator = None
    if settings.llm.enabled:  # English questions are also searched in French
        from smcbot.translation import QuestionTranslator

        translator = QuestionTranslator(settings.llm)
    elif settings.retrieval.translate_questions:
        word_translator = machine_translation.english_to_french()
    return Answerer(
        index,
        embedder,
        settings.retrieval,
        index_dir=settings.index_dir,
        translator=translator,
        word_translator=word_translator,
    )


def open_store(settings: Settings):
    """The question store the settings name (`SMCBOT_STORE__URL`, else `SMCBOT_STORE__PATH`),
    upgraded to the newest schema, with retention applied.

    Raises:
        StoreError: it cannot be opened, or was written by a newer smcbot (one line).
    """
    from smcbot.store import QuestionStore

    store = QuestionStore.from_settings(settings)
    store.apply_retention(settings.store.retention_days)
    return store


def make_synthesizer(settings: Settings):
    """The writer of optional written answers, or None when `SMCBOT_LLM__ENABLED` is off.

    Nothing of the LLM packages is imported while it is off.

    Raises:
        SettingsError: it is on but langchain-openai is not installed.
    """
    if not settings.llm.enabled:
        return None
    from smcbot.synthesis import Synthesizer

    return Synthesizer(settings.llm)
