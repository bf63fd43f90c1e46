"""Measure smcbot on this machine: encoding, building, rebuilding, answering, cold start.

Runs with the project installed and nothing else:

    python benchmarks/run.py                 # a readable table, 20,000-chunk query index
    python benchmarks/run.py --json --chunks 100000

It writes a synthetic archive in the club's listing layout, made of real French
sentences recombined from the bundled archive (so BM25 has real words to work
on), and ingests it through the real parser. The vectors of the large query
index are cached in `--work-dir` between runs (the embedding cache), so only the
first run at a given size pays for embedding it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from smcbot.chunking import chunk_article  # noqa: E402
from smcbot.services import build_from_sources, make_answerer, make_embedder  # noqa: E402
from smcbot.settings import Settings, load_settings  # noqa: E402
from smcbot.sources.articles import speakers_in  # noqa: E402
from smcbot.sources.ingest import read_sources  # noqa: E402
from smcbot.sources.manifest import load_manifest  # noqa: E402

MONTHS = ["Janv", "Févr", "Mars", "Avr", "Mai", "Juin", "Juil", "Août", "Sept", "Oct", "Nov", "Déc"]
SERIES = ["Cercle Dircoms", "Tous influenceurs", "Sciences et réseaux sociaux", "Tous plateformisés", "SMC Focus"]
HEADINGS = ["Ce que l’on retient des échanges :", "Les points à retenir :", "Ce qu’il faut retenir :"]
# One listing page's size at most: under the default limit on a source file (5 MB).
PAGE_BYTES = 4_000_000
KEYS = [
    "encode_ceiling_chunks_per_s", "build_chunks_per_s", "full_build_s", "rebuild_unchanged_s",
    "ask_p50_ms", "ask_p95_ms", "cold_start_s", "peak_rss_mb", "chunks",
]  # fmt: skip


# --- the synthetic archive ---------------------------------------------------------


def source_sentences() -> tuple[list[str], list[str]]:
    """Real sentences and content words of the bundled archive."""
    settings = load_settings(sources=ROOT / "config" / "sources.toml")
    articles = read_sources(load_manifest(settings.sources))
    text = " ".join([a.body for a in articles] + [t for a in articles for t in a.takeaways])
    sentences = [s.strip() for s in re.split(r"(?<=[.!?»])\s+", text) if 40 < len(s.strip()) < 400]
    words = sorted({w for w in re.findall(r"[A-Za-zÀ-ÿ’'-]{6,}", text)})
    return sentences, words


def vary(sentence: str, words: list[str], rng: random.Random) -> str:
    """A real sentence with a few of its longer words swapped for other archive words."""
    tokens = sentence.split(" ")
    for _ in range(3):
        spot = rng.randrange(len(tokens))
        if len(tokens[spot]) >= 6:
            tokens[spot] = rng.choice(words)
    return " ".join(tokens)


def listing_item(number: int, sentences: list[str], words: list[str], rng: random.Random) -> str:
    """One article in the club's listing layout."""
    series = rng.choice(SERIES)
    topic = " ".join(rng.sample(words, 3))
    lines = [str(rng.randint(1, 28)), MONTHS[11 - number % 12], "", f"{series} #{number} : {topic}", ""]
    lines += [
        f"Par {rng.choice(['Margot Hemmerich', 'Elise Koutnouyan', 'Brice Andlauer'])}",
        "",
        rng.choice(HEADINGS),
        "",
    ]
    lines += [f"  • {vary(rng.choice(sentences), words, rng)}" for _ in range(3)]
    for _ in range(rng.randint(2, 6)):
        lines += ["", " ".join(vary(rng.choice(sentences), words, rng) for _ in range(rng.randint(2, 4)))]
    return "\n".join(lines + ["", "Lire la suite", ""])


def write_archive(folder: Path, chunks: int, seed: int = 7) -> Path:
    """Write listing pages of about `chunks` chunks in all and their manifest; returns the
    manifest. Each page stays under the default limit on one source file
    (`SMCBOT_INGEST__MAX_FILE_BYTES`), as a real club's pages would."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "sources.toml"
    marker = folder / "chunks.txt"
    if manifest.exists() and marker.exists() and marker.read_text() == f"{chunks}:{PAGE_BYTES}":
        return manifest
    rng = random.Random(seed)
    sentences, words = source_sentences()
    pages, items, size, total, number = [], [], 0, 0, 0
    settings = Settings()
    while total < chunks:
        number += 1
        item = listing_item(number, sentences, words, rng)
        item_bytes = len(item.encode())
        if items and size + item_bytes > PAGE_BYTES:
            pages.append(items)
            items, size = [], 0
        items.append(item)
        size += item_bytes + 1  # and the line break joining it to the next
        total += _chunks_in(item, settings)
    pages.append(items)
    for old in folder.glob("listing*.txt"):
        old.unlink()
    entries = []
    for index, page_items in enumerate(pages, start=1):
        name = f"listing-{index}.txt"
        (folder / name).write_text("Les articles du Social Media Club\n\n" + "\n".join(page_items), encoding="utf-8")
        entries.append(
            f'[[sources]]\ntype = "listing"\npath = "{name}"\n'
            f'url = "https://socialmediaclub.fr/publications-2/?page={index}"\nyear = 2026\n'
        )
    manifest.write_text("\n".join(entries), encoding="utf-8")
    marker.write_text(f"{chunks}:{PAGE_BYTES}")
    return manifest


def _chunks_in(item: str, settings: Settings) -> int:
    """How many chunks one listing item makes (the real parser and chunker)."""
    from smcbot.models import Article
    from smcbot.sources.listing import parse_listing_text

    parsed = parse_listing_text(item)[0]
    article = Article(title=parsed.title, date=None, url=f"u{hash(item)}", takeaways=parsed.takeaways, body=parsed.body)
    article.speakers = speakers_in(parsed.body)
    return len(
        chunk_article(article, body_size=settings.chunking.body_size, body_overlap=settings.chunking.body_overlap)
    )


# --- the measures ------------------------------------------------------------------


def settings_for(work: Path, name: str, manifest: Path) -> Settings:
    """Settings for one index of the benchmark; the ONNX export is shared."""
    return load_settings(index_dir=work / name, sources=manifest, embedding={"onnx_dir": work / "models"})


def measure_encoder(embedder, settings: Settings, texts: list[str]) -> float:
    """Chunks per second of the model alone, in the build's batch size."""
    embedder.encode(texts[:16], batch_size=settings.embedding.batch_size)  # warm up
    started = time.perf_counter()
    embedder.encode(texts, batch_size=settings.embedding.batch_size)
    return len(texts) / (time.perf_counter() - started)


def measure_build(work: Path, embedder) -> dict:
    """A full build of about 1,000 chunks from an empty folder, then the same again."""
    import shutil

    manifest = write_archive(work / "small-archive", 1000)
    settings = settings_for(work, "small-index", manifest)
    shutil.rmtree(settings.index_dir, ignore_errors=True)
    articles = read_sources(load_manifest(manifest))
    texts = [
        c.embedding_text()
        for a in articles
        for c in chunk_article(a, body_size=settings.chunking.body_size, body_overlap=settings.chunking.body_overlap)
    ]
    ceiling = measure_encoder(embedder, settings, texts)
    started = time.perf_counter()
    report = build_from_sources(settings, embedder=embedder)
    full = time.perf_counter() - started
    started = time.perf_counter()
    again = build_from_sources(settings, embedder=embedder)
    unchanged = time.perf_counter() - started
    assert again.chunks_embedded == 0, "an unchanged rebuild embedded text"
    return {
        "encode_ceiling_chunks_per_s": ceiling,
        "build_chunks_per_s": report.chunks / full,
        "full_build_s": full,
        "rebuild_unchanged_s": unchanged,
    }


def questions(rng: random.Random, words: list[str], count: int = 200) -> list[str]:
    """Varied questions, French and English, on archive words and on others."""
    templates = [
        "Qu'est-ce qui a été dit sur {a} ?", "What was said about {a} and {b}?", "Comment {a} change-t-il {b} ?",
        "Quels outils pour {a} ?", "Who talked about {a}?", "Pourquoi {a} est-il important pour {b} ?",
        "What did the speakers say about brand safety and {a}?", "Quel est le meilleur restaurant de {a} ?",
    ]  # fmt: skip
    return [rng.choice(templates).format(a=rng.choice(words), b=rng.choice(words)) for _ in range(count)]


def measure_asks(work: Path, embedder, chunks: int) -> tuple[dict, Settings]:
    """Warm, in-process, end-to-end answers against an index of `chunks` chunks."""
    manifest = write_archive(work / f"archive-{chunks}", chunks)
    settings = settings_for(work, f"index-{chunks}", manifest)
    build_from_sources(settings, embedder=embedder)
    # Answered as `smcbot ask` and the bots answer: their own model, one thread a question.
    # The build's model runs onnxruntime's threads on every core, spinning between runs,
    # which took the core the multilingual model answers on and doubled its time.
    answerer = make_answerer(settings)
    _, words = source_sentences()
    asked = questions(random.Random(11), words)
    for question in asked[:10]:
        answerer.answer(question)
    timings = []
    for question in asked:
        started = time.perf_counter()
        answerer.answer(question)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "ask_p50_ms": statistics.median(timings),
        "ask_p95_ms": timings[int(len(timings) * 0.95) - 1],
        "chunks": len(answerer.index.chunks),
    }, settings


# Runs `smcbot` and, at exit, reports the process's own peak memory (VmHWM): the
# rusage of a child also counts the parent's memory shared before exec.
PEAK_REPORTER = """
import atexit, re, runpy, sys
def report():
    status = open('/proc/self/status').read()
    sys.stderr.write('peak_rss_kb=' + re.search(r'VmHWM:\\s+(\\d+)', status).group(1) + '\\n')
atexit.register(report)
sys.argv = ['smcbot'] + sys.argv[1:]
runpy.run_module('smcbot', run_name='__main__')
"""


def measure_cold_start(settings: Settings) -> dict:
    """A new `smcbot ask` process, from start to its first printed line; median of 3."""
    seconds, peaks = [], []
    env = {**os.environ, "SMCBOT_EMBEDDING__ONNX_DIR": str(settings.embedding.onnx_dir)}
    question = "What was said about brand safety?"
    command = [sys.executable, "-c", PEAK_REPORTER, "ask", question, "--index-dir", str(settings.index_dir)]
    for _ in range(3):
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        assert process.stdout is not None
        first = process.stdout.readline()
        seconds.append(time.perf_counter() - started)
        process.stdout.read()
        errors = process.stderr.read().decode() if process.stderr else ""
        if process.wait() != 0 or not first:
            raise SystemExit(f"smcbot ask failed: {errors}")
        peaks.append(int(re.search(r"peak_rss_kb=(\d+)", errors).group(1)) / 1024)
    return {"cold_start_s": statistics.median(seconds), "peak_rss_mb": max(peaks)}


def main() -> None:
    """Run every measure and print a table, or one JSON line with --json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=20_000, help="size of the query index (default 20000)")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument(
        "--work-dir", type=Path, default=ROOT / "benchmarks" / ".work", help="cached archives and indexes"
    )
    args = parser.parse_args()
    work = args.work_dir.resolve()
    base = settings_for(work, "small-index", ROOT / "config" / "sources.toml")
    embedder = make_embedder(base, export=True)
    figures = measure_build(work, embedder)
    asks, settings = measure_asks(work, embedder, args.chunks)
    figures |= asks | measure_cold_start(settings)
    figures = {key: round(figures[key], 3) if isinstance(figures[key], float) else figures[key] for key in KEYS}
    if args.json:
        print(json.dumps(figures))
        return
    for key in KEYS:
        print(f"{key:<30} {figures[key]}")


if __name__ == "__main__":
    main()
