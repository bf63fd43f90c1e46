"""Faults in builds and sources, driven through the real `smcbot` command.

Each test breaks something an organiser can meet (a WordPress page that fails,
a damaged cache or model export, a wrong manifest, a folder that cannot be
written, an endless page, a huge file) and checks what they see: the build goes
on or stops with one line, a non-zero exit when it stops, never a traceback, and
nothing indexed is lost. The web sources are the stand-in WordPress site on
127.0.0.1; the model is the bundled one.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from smcbot.embedding import onnx_export_problem
from smcbot.services import make_answerer
from smcbot.settings import load_settings
from tests.helpers.manifest import write_manifest
from tests.wordpress_site import SESSIONS, WordPressSite, article_page

ROOT = Path(__file__).resolve().parent.parent
FAST_FETCH = {
    "SMCBOT_FETCH__PER_HOST_DELAY": "0",
    "SMCBOT_FETCH__BACKOFF": "0.01",
    "SMCBOT_FETCH__RETRIES": "1",
    "SMCBOT_FETCH__TIMEOUT": "5",
}


@pytest.fixture(scope="module")
def onnx_dir(tmp_path_factory) -> Path:
    """One ONNX export of the bundled model shared by this module's builds (made by the first)."""
    return tmp_path_factory.mktemp("onnx")


@pytest.fixture
def site():
    """The stand-in WordPress site, fresh for each test."""
    with WordPressSite() as running:
        yield running


class Smcbot:
    """Runs `python -m smcbot` in a folder, as an organiser would, with test settings."""

    def __init__(self, folder: Path, **env: str) -> None:
        self.folder = folder
        self.env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "NO_COLOR": "1",
            "COLUMNS": "200",
            "PYTHONPATH": str(ROOT),
            "SMCBOT_INDEX_DIR": str(folder / "index"),
            "SMCBOT_SOURCES": str(folder / "sources.toml"),
            "SMCBOT_STORE__PATH": str(folder / "store.sqlite3"),
            "SMCBOT_STORE__HASH_KEY": "a-test-key-that-is-not-the-default",
            **FAST_FETCH,
            **env,
        }

    def __call__(self, *args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "smcbot", *args],
            capture_output=True, text=True, cwd=self.folder, env={**self.env, **env}, timeout=timeout,
        )  # fmt: skip
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def build(self, **env: str) -> tuple[dict, str]:
        """`index build --json` that must succeed: its summary line and its stderr."""
        result = self("index", "build", "--json", **env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.splitlines()[-1]), result.stderr


def write_article(folder: Path, name: str, title: str, *, url: str = "", words: str = "") -> Path:
    """A Markdown article with front matter, in the club's layout."""
    folder.mkdir(parents=True, exist_ok=True)
    head = f"---\ntitle: {title}\ndate: 2024-03-14\n" + (f"url: {url}\n" if url else "") + "---\n"
    body = (
        "Ce que l'on retient des échanges :\n\n• La confiance se construit dans la durée.\n"
        "• Les communautés aiment la transparence.\n\n"
        f"Les intervenants ont parlé de {title.lower()} {words} et de la place des réseaux sociaux."
    )
    path = folder / name
    path.write_text(head + body + "\n", encoding="utf-8")
    return path


def one_line(stderr: str) -> str:
    """The single line an error must be."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


# --- web sources: a page that fails keeps its posts ---------------------------------------


def test_a_wordpress_api_page_that_fails_keeps_its_posts_and_is_named(site, tmp_path, onnx_dir):
    write_manifest(tmp_path, {"type": "wordpress", "url": site.base, "per_page": 2})
    smcbot = Smcbot(tmp_path, SMCBOT_EMBEDDING__ONNX_DIR=str(onnx_dir))
    assert smcbot.build()[0]["articles"] == 5
    site.fail("api:page=2", 404)

    summary, stderr = smcbot.build()

    assert (summary["articles"], summary["removed"]) == (5, 0)  # the two posts of page 2 are kept
    failed = [line for line in stderr.splitlines() if line.strip().startswith("failed")]
    assert len(failed) == 1 and "page=2" in failed[0] and "HTTP 404" in failed[0]


def test_an_article_page_that_fails_makes_the_run_partial(site, tmp_path, onnx_dir):
    write_manifest(tmp_path, {"type": "html", "urls": [site.link(post) for post in SESSIONS]})
    smcbot = Smcbot(tmp_path, SMCBOT_EMBEDDING__ONNX_DIR=str(onnx_dir))
    smcbot.build()
    site.fail(SESSIONS[2].path(), 404)

    summary, stderr = smcbot.build()

    assert (summary["articles"], summary["removed"]) == (5, 0)
    assert f"failed  {site.link(SESSIONS[2])}: HTTP 404" in stderr


def test_a_page_whose_body_never_ends_is_cut_at_the_time_cap(site, tmp_path, onnx_dir):
    site.endless.append("/sans-fin/")
    good = site.link(SESSIONS[0])
    write_manifest(tmp_path, {"type": "html", "urls": [good, site.base + "sans-fin/"]})
    smcbot = Smcbot(tmp_path, SMCBOT_EMBEDDING__ONNX_DIR=str(onnx_dir), SMCBOT_FETCH__MAX_PAGE_SECONDS="2")

    started = time.monotonic()
    summary, stderr = smcbot.build()

    assert summary["articles"] == 1
    assert "sans-fin/: took longer than 2 s to download" in stderr
    # Two seconds for the page, whatever the retries and the read timeout (5 s) allow.
    assert time.monotonic() - started < 25


# --- caches are caches ----------------------------------------------------------------


def test_a_damaged_embedding_cache_is_set_aside_and_rebuilt(tmp_path, onnx_dir):
    articles = tmp_path / "articles"
    write_article(articles, "a.md", "La confiance des communautés", url="https://socialmediaclub.fr/a/")
    write_manifest(tmp_path, {"type": "folder", "path": "articles"})
    smcbot = Smcbot(tmp_path, SMCBOT_EMBEDDING__ONNX_DIR=str(onnx_dir))
    smcbot.build()
    cache = tmp_path / "index" / "cache" / "embeddings.sqlite3"
    with cache.open("r+b") as handle:
        handle.write(b"not a database any more" * 10)
    write_article(articles, "b.md", "Les marques et le brand safety", url="https://socialmediaclub.fr/b/")

    summary, stderr = smcbot.build()

    assert (summary["articles"], summary["added"]) == (2, 1)
    assert "embedding cache is damaged" in stderr and "set aside" in stderr
    assert len(list(cache.parent.glob("embeddings.sqlite3.damaged-*"))) == 1
    write_article(articles, "c.md", "Le community management", url="https://socialmediaclub.fr/c/")
    summary, stderr = smcbot.build()
    assert summary["added"] == 1 and "damaged" not in stderr  # the new cache is sound


@pytest.mark.parametrize("damage", ["entries", "folder"])
def test_a_damaged_http_cache_is_set_aside_and_rebuilt(site, tmp_path, onnx_dir, damage):
    write_manifest(tmp_path, {"type": "wordpress", "url": site.base, "per_page": 2})
    smcbot = Smcbot(tmp_path, SMCBOT_EMBEDDING__ONNX_DIR=str(onnx_dir))
    smcbot.build()
    cache = tmp_path / "index" / "http-cache"
    if damage == "entries":
        for entry in cache.glob("*.json"):
            entry.write_text("[]")
    else:
        shutil.rmtree(cache)
        cache.write_text("a file where the cache folder was")

    summary, stderr = smcbot.build()

    assert (summary["articles"], summary["removed"]) == (5, 0)
    assert "damaged" in stderr if damage == "entries" else "set aside" in stderr
    assert cache.is_dir() and list(cache.glob("*.json"))  # started again
    assert "damaged" not in smcbot.build()[1]


# --- the ONNX export -------------------------------------------------------------------


@pytest.fixture
def built_with_export(tmp_path) -> Smcbot:
    """An index of one local article, built with its own ONNX export in index/models."""
    write_article(tmp_path / "articles", "a.md", "Brand safety et réseaux sociaux", url="https://smc.fr/a/")
    write_manifest(tmp_path, {"type": "folder", "path": "articles"})
    smcbot = Smcbot(tmp_path)
    smcbot.build()
    return smcbot


def damage_export(smcbot: Smcbot, how: str) -> Path:
    """Truncate the exported model, or flip one byte in its middle (same size)."""
    model = next((smcbot.folder / "index" / "models").glob("*/model.onnx"))
    if how == "truncated":
        os.truncate(model, model.stat().st_size // 3)
    else:
        with model.open("r+b") as handle:
            handle.seek(model.stat().st_size // 2)
            byte = handle.read(1)
            handle.seek(-1, os.SEEK_CUR)
            handle.write(bytes([byte[0] ^ 0xFF]))
    return model


def export_line(smcbot: Smcbot) -> str:
    result = smcbot("doctor")
    (line,) = [line for line in result.stdout.splitlines() if "model export" in line]
    return line


@pytest.mark.parametrize("how", ["truncated", "flipped"])
def test_a_damaged_model_export_is_reported_then_exported_again(built_with_export, how):
    smcbot = built_with_export
    assert export_line(smcbot).startswith("✔")
    damage_export(smcbot, how)

    assert export_line(smcbot).startswith("✘ model export") and "does not match its checksum" in export_line(smcbot)
    asked = smcbot("ask", "brand safety", "--json")
    assert asked.returncode == 0 and json.loads(asked.stdout)["answered"]
    assert "damaged" in one_line(asked.stderr) and "smcbot index build" in asked.stderr
    refused = smcbot("ask", "brand safety", SMCBOT_EMBEDDING__BACKEND="onnx")
    assert refused.returncode == 1 and "damaged" in one_line(refused.stderr)

    summary, stderr = smcbot.build()
    assert "exporting it again" in stderr and summary["articles"] == 1
    assert export_line(smcbot).startswith("✔")
    assert smcbot("ask", "brand safety").stderr == ""


def test_a_question_skips_hashing_an_export_a_build_found_whole_and_left_unchanged(built_with_export):
    # Hashing the model took a tenth of a cold start. Any write changes a file's
    # modification time, so only a change that restores it goes unseen by a question;
    # `doctor` and the next build still hash every file.
    model = next((built_with_export.folder / "index" / "models").glob("*/model.onnx"))
    before = model.stat()
    assert onnx_export_problem(model.parent, trust_stamps=True) is None
    damage_export(built_with_export, "flipped")
    assert "does not match" in onnx_export_problem(model.parent, trust_stamps=True)
    os.utime(model, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert onnx_export_problem(model.parent, trust_stamps=True) is None
    assert "does not match" in onnx_export_problem(model.parent)
    assert export_line(built_with_export).startswith("✘ model export")


def test_a_bot_started_on_a_damaged_export_says_so_once_and_answers(built_with_export, caplog):
    damage_export(built_with_export, "truncated")
    settings = load_settings(index_dir=built_with_export.folder / "index")

    with caplog.at_level(logging.WARNING):
        answerer = make_answerer(settings)
        answers = [answerer.answer("brand safety") for _ in range(3)]

    assert all(answer.answered for answer in answers)
    (warning,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "ONNX export" in warning.getMessage() and "damaged" in warning.getMessage()


# --- one line instead of a traceback ---------------------------------------------------

LISTING = {"type": "listing", "path": "listing.txt", "url": "https://socialmediaclub.fr/publications-2/"}


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        ('[[sources]]\n{listing}year = 2019\nlinks = "str"\n', 'links must be a table of "title" = "https://..."'),
        ("[[sources]]\n{listing}year = 99999999999\n", "year must be the year of the newest item"),
        ("[[sources]]\n{listing}year = 0\n", "year must be the year of the newest item"),
        ("# nothing yet\n", "no [[sources]] entries"),
        ('[[sources]]\n{listing}year = 2019\n[sources.links]\n"Un titre" = "file:///etc/passwd"\n', "links must be"),
        ('[[sources]]\ntype = "listing"\npath = "listing.txt"\nurl = "file:///tmp/x"\nyear = 2019\n', "needs url"),
    ],
)
def test_a_wrong_manifest_is_one_line(tmp_path, manifest, expected):
    shutil.copy(ROOT / "data" / "smc-articles-2019.txt", tmp_path / "listing.txt")
    listing = "".join(f"{key} = {json.dumps(value)}\n" for key, value in LISTING.items())
    (tmp_path / "sources.toml").write_text(manifest.format(listing=listing), encoding="utf-8")

    result = Smcbot(tmp_path)("index", "build")

    assert result.returncode == 1 and expected in one_line(result.stderr)
    assert not (tmp_path / "index").exists()


def test_a_read_only_index_folder_is_one_line(tmp_path):
    write_article(tmp_path / "articles", "a.md", "La confiance", url="https://smc.fr/a/")
    write_manifest(tmp_path, {"type": "folder", "path": "articles"})
    index = tmp_path / "index"
    index.mkdir()

    with read_only(index):
        result = Smcbot(tmp_path)("index", "build")

    assert result.returncode == 1 and "cannot write the index" in one_line(result.stderr)
    assert list(index.iterdir()) == []


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make a folder read-only, even for root (which ignores permissions): immutable then."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("running as root on a filesystem where a folder cannot be made immutable")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_doctor_fails_on_a_store_it_cannot_open(tmp_path):
    result = Smcbot(tmp_path, SMCBOT_STORE__PATH="/proc/version")("doctor")

    (line,) = [line for line in result.stdout.splitlines() if "question store" in line]
    assert result.returncode == 1 and line.startswith("✘") and "/proc/version" in line


# --- caps: file size, links --------------------------------------------------------------


def test_a_huge_local_file_is_refused_in_one_line(tmp_path):
    articles = tmp_path / "articles"
    write_article(articles, "a.md", "La confiance", url="https://smc.fr/a/")
    huge = write_article(articles, "huge.md", "Un très long compte rendu", words="bla " * 12_500_000)
    assert huge.stat().st_size > 50_000_000
    write_manifest(tmp_path, {"type": "folder", "path": "articles"})

    started = time.monotonic()
    result = Smcbot(tmp_path)("index", "build", timeout=120)

    assert result.returncode == 1 and time.monotonic() - started < 60
    line = one_line(result.stderr)
    assert "huge.md" in line and "SMCBOT_INGEST__MAX_FILE_BYTES" in line


def test_folder_articles_link_to_their_url_or_to_nothing(tmp_path, onnx_dir):
    anywhere = tmp_path / "somewhere" / "on" / "the" / "disk"
    write_article(anywhere, "linked.md", "Avec un lien", url="https://socialmediaclub.fr/avec-un-lien/")
    write_article(anywhere, "unlinked.md", "Sans lien")
    write_article(anywhere, "local.md", "Un lien local", url="file:///etc/passwd")
    write_manifest(tmp_path, {"type": "folder", "path": str(anywhere)})
    smcbot = Smcbot(tmp_path, SMCBOT_EMBEDDING__ONNX_DIR=str(onnx_dir))
    smcbot.build()

    stats = json.loads(smcbot("index", "stats", "--json").stdout)
    urls = {article["title"]: article["url"] for article in stats["articles"]}
    assert urls == {"Avec un lien": "https://socialmediaclub.fr/avec-un-lien/", "Sans lien": "", "Un lien local": ""}
    answer = smcbot("ask", "Qu'a-t-on dit sans lien ?").stdout
    assert "file:" not in answer


def test_saved_pages_without_a_canonical_url_link_to_nothing(tmp_path, onnx_dir):
    pages = tmp_path / "pages"
    pages.mkdir()
    page = article_page(SESSIONS[1]).replace("{base}", "").replace('rel="canonical"', 'rel="alternate"')
    (pages / "session.html").write_text(page, encoding="utf-8")
    write_manifest(tmp_path, {"type": "html", "path": "pages"})
    smcbot = Smcbot(tmp_path, SMCBOT_EMBEDDING__ONNX_DIR=str(onnx_dir))
    smcbot.build()

    (article,) = json.loads(smcbot("index", "stats", "--json").stdout)["articles"]
    assert not article["url"].startswith("file:")
