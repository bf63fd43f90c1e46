"""Wiring shared by the front ends: settings in, ready objects out.

Front ends (CLI, Telegram, Slack) call these instead of assembling the layers
themselves, so each of them stays thin.
"""

from __future__ import annotations

from smcbot.embedding import SentenceTransformerEmbedder
from smcbot.index import ArchiveIndex, BuildOptions, BuildReport, Progress, build_index, load_index
from smcbot.ingest import load_manifest, read_sources
from smcbot.settings import Settings


def make_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    """The embedding model the settings name (loaded on first use)."""
    return SentenceTransformerEmbedder(settings.embedding.model, device=settings.embedding.device)


def build_from_sources(settings: Settings, *, progress: Progress | None = None, embedder=None) -> BuildReport:
    """Read the sources manifest and build or update the index.

    All sources are read before anything is written: a bad source leaves the
    existing index exactly as it was.
    """
    specs = load_manifest(settings.sources)
    articles = read_sources(specs)
    options = BuildOptions(
        body_size=settings.chunking.body_size,
        body_overlap=settings.chunking.body_overlap,
        batch_size=settings.embedding.batch_size,
    )
    return build_index(
        articles,
        index_dir=settings.index_dir,
        embedder=embedder or make_embedder(settings),
        options=options,
        progress=progress,
    )


def open_index(settings: Settings) -> ArchiveIndex:
    """Load the index the settings point at, checking it matches the configured model."""
    return load_index(settings.index_dir, model=settings.embedding.model)


def make_answerer(settings: Settings, *, embedder=None):
    """An `Answerer` over the index the settings point at."""
    from smcbot.answering import Answerer

    embedder = embedder or make_embedder(settings)
    index = load_index(settings.index_dir, model=embedder.name)
    return Answerer(index, embedder, settings.retrieval, index_dir=settings.index_dir)


def open_store(settings: Settings):
    """The question store the settings name, with retention applied."""
    from smcbot.store import QuestionStore

    store = QuestionStore(settings.store.path, hash_key=settings.store.hash_key.get_secret_value())
    store.apply_retention(settings.store.retention_days)
    return store
