"""Web sources and incremental rebuilds, end to end against a stand-in WordPress site.

The site (tests/wordpress_site.py) runs on 127.0.0.1 with the standard library
and speaks the REST API, RSS, sitemaps, robots.txt and article pages. Builds go
through `smcbot.services.build_from_sources` (and the CLI) for real; the fake
embedder is used where what is found does not matter, the bundled model where
it does.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smcbot.answering import Answerer
from smcbot.errors import IndexLockedError, SourceError
from smcbot.index import build_lock, load_index
from smcbot.machine_translation import FRENCH_TO_ENGLISH, available
from smcbot.services import build_from_sources
from smcbot.settings import FetchSettings, RetrievalSettings, load_settings
from smcbot.sources.fetching import Fetcher, FetchError
from smcbot.sources.manifest import load_manifest
from tests.conftest import HashingEmbedder
from tests.helpers.manifest import write_manifest
from tests.wordpress_site import LOGIN_PAGE, NOT_FOUND_PAGE, PODCAST_POST, SESSIONS, WordPressSite, article_page

TESTS = Path(__file__).resolve().parent
QUICK_FETCH = {"per_host_delay": 0, "backoff": 0.01, "retries": 2, "timeout": 5, "concurrency": 4}


class RecordingEmbedder(HashingEmbedder):
    """The hashing embedder, remembering every text it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def encode(self, texts, *, batch_size: int = 64):
        self.texts += list(texts)
        return super().encode(texts, batch_size=batch_size)


@pytest.fixture
def site():
    """The stand-in WordPress site, fresh for each test."""
    with WordPressSite() as running:
        yield running


def settings_for(tmp_path: Path, manifest: Path, **fetch):
    """Settings pointing at the test's manifest and index, fetching without delays."""
    return load_settings(sources=manifest, index_dir=tmp_path / "index", fetch={**QUICK_FETCH, **fetch})


def wordpress(site: WordPressSite, **extra) -> dict:
    return {"type": "wordpress", "url": site.base, "per_page": 2, **extra}


def indexed(tmp_path: Path, model: str = HashingEmbedder.name) -> dict:
    """The articles of the current build, by URL."""
    index = load_index(tmp_path / "index", model=model)
    return {a.url: a for a in index.articles.values()}


def current_target(tmp_path: Path) -> str:
    return os.readlink(tmp_path / "index" / "current")


def serving_answerer(tmp_path: Path, embedder) -> Answerer:
    """An answerer over the current build, as a running bot holds it."""
    index_dir = tmp_path / "index"
    return Answerer(load_index(index_dir, model=embedder.name), embedder, RetrievalSettings(), index_dir=index_dir)


# --- WordPress ------------------------------------------------------------------------


def test_every_wordpress_post_is_ingested_with_its_link_date_and_takeaways(site, tmp_path, fake_embedder):
    site.retry_after = "1"
    site.fail("api:page=2", 503)
    settings = settings_for(tmp_path, write_manifest(tmp_path, wordpress(site)))

    report = build_from_sources(settings, embedder=fake_embedder)

    assert report.to_dict() | {"seconds": 0} == {
        "articles": 5, "added": 5, "updated": 0, "removed": 0, "unchanged": 0,
        "chunks_embedded": report.chunks, "seconds": 0,
    }  # fmt: skip
    articles = indexed(tmp_path)
    for post in SESSIONS:
        article = articles[site.link(post)]
        assert article.title == post.title  # "&#8217;", "&#171;" and "&#8211;" unescaped
        assert article.date == post.date.date()
        assert article.takeaways == post.takeaways
        assert article.author == post.author
        assert post.paragraphs[1][:80] in article.body
        assert "Crédit photos" not in article.body
    assert articles[site.link(SESSIONS[1])].series == "Tous influenceurs"
    # Page 2 answered 503 once: retried after the server's Retry-After, and
    # X-WP-TotalPages stopped the reading at page 3 without asking for page 4.
    pages = [(r.query["page"], r.status, r.at) for r in site.requests_to("/wp-json/")]
    assert [(p, s) for p, s, _ in pages] == [("1", 200), ("2", 503), ("2", 200), ("3", 200)]
    assert pages[2][2] - pages[1][2] >= 0.9
    assert all(r.query["per_page"] == "2" for r in site.requests_to("/wp-json/"))
    assert all(r.headers["user-agent"].startswith("smcbot/") for r in site.log)
    assert report.fetch is not None and report.fetch.failed == [] and not report.partial


def test_an_unchanged_rebuild_embeds_nothing_and_writes_nothing(site, tmp_path):
    settings = settings_for(tmp_path, write_manifest(tmp_path, wordpress(site)))
    build_from_sources(settings, embedder=HashingEmbedder())
    before = current_target(tmp_path)
    embedder = RecordingEmbedder()

    report = build_from_sources(settings, embedder=embedder)

    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 5)
    assert report.chunks_embedded == 0 and embedder.texts == []
    assert not report.written and current_target(tmp_path) == before


def test_an_edited_and_a_removed_post_are_one_update_and_one_removal(site, tmp_path):
    settings = settings_for(tmp_path, write_manifest(tmp_path, wordpress(site)))
    build_from_sources(settings, embedder=HashingEmbedder())
    edited = site.post(103)
    edited.takeaways[1] = "Chaque réseau social a ses formats : une vidéo verticale ne devient pas un carrousel."
    edited.modified = datetime(2020, 2, 1, 10, 0)
    site.posts.remove(site.post(105))
    embedder = RecordingEmbedder()

    report = build_from_sources(settings, embedder=embedder)

    assert report.to_dict() | {"seconds": 0} == {
        "articles": 4, "added": 0, "updated": 1, "removed": 1, "unchanged": 3, "chunks_embedded": 1, "seconds": 0,
    }  # fmt: skip
    # Only the edited takeaway was new text; it is the only thing embedded (with its
    # English gloss, when Apertium is installed).
    assert embedder.texts[0] == f"{edited.title} ({edited.date.date()})\n{edited.takeaways[1]}"
    assert len(embedder.texts) == (2 if available(FRENCH_TO_ENGLISH) else 1)
    articles = indexed(tmp_path)
    assert site.link(SESSIONS[4]) not in articles
    assert articles[site.link(edited)].takeaways[1] == edited.takeaways[1]


def test_a_site_without_total_headers_is_read_until_the_400_past_the_last_page(site, tmp_path, fake_embedder, caplog):
    site.total_headers = False
    settings = settings_for(tmp_path, write_manifest(tmp_path, wordpress(site, per_page=5)))

    with caplog.at_level(logging.WARNING):
        report = build_from_sources(settings, embedder=fake_embedder)

    assert report.articles == 5
    assert [(r.query["page"], r.status) for r in site.requests_to("/wp-json/")] == [("1", 200), ("2", 400)]
    assert any("page=2" in record.getMessage() and "HTTP 400" in record.getMessage() for record in caplog.records)


def test_the_cli_reports_the_counts_and_a_partial_run_removes_nothing(site, tmp_path, monkeypatch, real_embedder):
    from smcbot.cli import app

    manifest = write_manifest(tmp_path, wordpress(site))
    # The first build in-process with the session's model, the same one the CLI loads.
    build_from_sources(settings_for(tmp_path, manifest), embedder=real_embedder)
    monkeypatch.setenv("SMCBOT_FETCH__PER_HOST_DELAY", "0")
    monkeypatch.setenv("SMCBOT_EMBEDDING__BACKEND", "torch")  # no ONNX export in this test
    runner = CliRunner()
    args = ["index", "build", "--sources", str(manifest), "--index-dir", str(tmp_path / "index"), "--json"]

    def build(*extra: str) -> dict:
        result = runner.invoke(app, [*args, *extra])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout.strip().splitlines()[-1])

    site.posts.remove(site.post(101))  # the oldest post (2019-09-18)
    newest = site.post(105)
    newest.paragraphs.append("Un compte rendu complété après la session, avec les chiffres de l’enquête.")

    partial = build("--since", "2019-11-01")
    assert {k: partial[k] for k in ("articles", "added", "updated", "removed", "unchanged")} == {
        "articles": 5, "added": 0, "updated": 1, "removed": 0, "unchanged": 4,
    }  # fmt: skip
    assert site.requests_to("/wp-json/")[-1].query["after"] == "2019-10-31T23:59:59"

    limited = build("--limit", "1")
    assert limited["removed"] == 0 and limited["articles"] == 5
    assert site.requests_to("/wp-json/")[-1].query == {"per_page": "1", "page": "1"}

    full = build()
    assert (full["removed"], full["articles"], full["chunks_embedded"]) == (1, 4, 0)
    assert set(full) == {"articles", "added", "updated", "removed", "unchanged", "chunks_embedded", "seconds"}
    assert site.link(SESSIONS[0]) not in {a["url"] for a in stats(runner, tmp_path)["articles"]}


def stats(runner: CliRunner, tmp_path: Path) -> dict:
    from smcbot.cli import app

    result = runner.invoke(app, ["index", "stats", "--index-dir", str(tmp_path / "index"), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_since_rejects_a_date_that_is_not_one(site, tmp_path):
    from smcbot.cli import app

    manifest = write_manifest(tmp_path, wordpress(site))
    result = CliRunner().invoke(app, ["index", "build", "--sources", str(manifest), "--since", "hier"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output
    assert site.log == []


# --- sitemaps, robots.txt, feeds, pages ---------------------------------------------------


def test_robots_txt_disallows_are_obeyed(site, tmp_path, fake_embedder):
    blocked = SESSIONS[1]
    site.robots = f"User-agent: *\nDisallow: /prive/\nDisallow: {blocked.path()}\n"
    site.page_sitemap = ["/prive/compte-rendu-du-bureau/"]
    settings = settings_for(tmp_path, write_manifest(tmp_path, {"type": "sitemap", "url": site.base + "sitemap.xml"}))

    report = build_from_sources(settings, embedder=fake_embedder)

    assert report.articles == 4 and site.link(blocked) not in indexed(tmp_path)
    assert site.requests_to("/prive/") == [] and site.requests_to(blocked.path()) == []
    reasons = dict(report.fetch.skipped)
    assert (
        reasons[site.link(blocked)]
        == reasons[site.base + "prive/compte-rendu-du-bureau/"]
        == "disallowed by robots.txt"
    )


def test_robots_txt_is_read_as_rfc_9309_says(site, tmp_path, fake_embedder):
    # Wildcards, and the longest matching rule wins whatever the order: the standard
    # library's parser read `/20` first and blocked every post.
    site.robots = "User-agent: *\nDisallow: /20\nAllow: /*/cercle-dircoms-\nDisallow: /*.pdf$\n"
    settings = settings_for(tmp_path, write_manifest(tmp_path, {"type": "sitemap", "url": site.base + "sitemap.xml"}))

    report = build_from_sources(settings, embedder=fake_embedder)

    circles = {site.link(post) for post in SESSIONS if "/cercle-dircoms-" in post.path()}
    assert len(circles) == 2 and set(indexed(tmp_path)) == circles
    assert report.articles == 2 and len(report.fetch.skipped) == len(SESSIONS) - 2


def test_a_source_robots_txt_forbids_entirely_fails_the_build(site, tmp_path, fake_embedder):
    site.robots = "User-agent: smcbot\nDisallow: /\n\nUser-agent: *\nDisallow:\n"
    settings = settings_for(tmp_path, write_manifest(tmp_path, wordpress(site)))

    with pytest.raises(SourceError, match="robots.txt"):
        build_from_sources(settings, embedder=fake_embedder)
    assert site.requests_to("/wp-json/") == []


def test_sitemap_lastmod_spares_unchanged_pages(site, tmp_path, fake_embedder):
    settings = settings_for(tmp_path, write_manifest(tmp_path, {"type": "sitemap", "url": site.base + "sitemap.xml"}))
    build_from_sources(settings, embedder=fake_embedder)
    articles = {p.path() for p in SESSIONS}
    assert {r.path for r in site.log} >= articles
    site.log.clear()

    again = build_from_sources(settings, embedder=fake_embedder)
    assert again.fetch.unchanged == 5 and again.unchanged == 5
    assert not articles & {r.path for r in site.log}  # no article page asked for

    site.log.clear()
    edited = site.post(104)
    edited.paragraphs[2] = "Les participants ont recommandé de publier la charte de modération."
    edited.modified = datetime(2020, 3, 2, 9, 30)
    third = build_from_sources(settings, embedder=fake_embedder)
    assert [r.path for r in site.log if r.path in articles] == [edited.path()]
    assert (third.updated, third.unchanged) == (1, 4)


def test_a_feed_of_excerpts_is_followed_to_the_article_pages(site, tmp_path, fake_embedder):
    settings = settings_for(tmp_path, write_manifest(tmp_path, {"type": "feed", "url": site.base + "feed/"}))

    report = build_from_sources(settings, embedder=fake_embedder)

    articles = indexed(tmp_path)
    assert report.articles == 5
    for post in SESSIONS:
        article = articles[site.link(post)]
        assert (article.title, article.date, article.takeaways) == (post.title, post.date.date(), post.takeaways)
        assert "Articles récents" not in article.body and "Mentions légales" not in article.body
    # A second read revalidates each page with its ETag and gets 304s.
    site.log.clear()
    again = build_from_sources(settings, embedder=fake_embedder)
    pages = [r for r in site.log if r.path in {p.path() for p in SESSIONS}]
    assert len(pages) == 5 and all(r.status == 304 and r.headers.get("if-none-match") for r in pages)
    assert again.fetch.revalidated == 5 and again.unchanged == 5


def test_a_post_missing_from_a_feed_is_not_removed(site, tmp_path, fake_embedder):
    settings = settings_for(tmp_path, write_manifest(tmp_path, {"type": "feed", "url": site.base + "feed/"}))
    build_from_sources(settings, embedder=fake_embedder)
    site.posts.remove(site.post(101))  # feeds show the latest posts only: this one may just be old

    report = build_from_sources(settings, embedder=fake_embedder)

    assert (report.removed, report.articles) == (0, 5) and "feed" in report.partial_reason
    assert site.link(SESSIONS[0]) in indexed(tmp_path)


def test_a_full_content_feed_is_read_without_visiting_pages(site, tmp_path, fake_embedder):
    site.full_feed = True
    settings = settings_for(tmp_path, write_manifest(tmp_path, {"type": "feed", "url": site.base + "feed/"}))

    build_from_sources(settings, embedder=fake_embedder)

    article = indexed(tmp_path)[site.link(SESSIONS[2])]
    assert article.takeaways == SESSIONS[2].takeaways and article.date == date(2019, 10, 16)
    assert [r.path for r in site.log] == ["/robots.txt", "/feed/"]


def test_a_feed_with_broken_xml_keeps_what_can_be_read(site, tmp_path, fake_embedder, caplog):
    good = site.rss()
    broken = good.replace("</description></item>", "</description> <b>non fermé & </item>", 1)
    site.add_page("/feed-casse/", broken, headers={"Content-Type": "application/rss+xml"})
    settings = settings_for(tmp_path, write_manifest(tmp_path, {"type": "feed", "url": site.base + "feed-casse/"}))

    with caplog.at_level(logging.WARNING):
        report = build_from_sources(settings, embedder=fake_embedder)

    assert report.articles == 5  # feedparser's lenient parser recovers every entry
    assert any("feed-casse" in r.getMessage() and "broken feed XML" in r.getMessage() for r in caplog.records)

    site.add_page("/pas-un-flux/", NOT_FOUND_PAGE)
    manifest = write_manifest(tmp_path, {"type": "feed", "url": site.base + "pas-un-flux/"})
    with pytest.raises(SourceError, match="pas-un-flux/ is not a readable RSS/Atom feed"):
        build_from_sources(settings_for(tmp_path, manifest), embedder=fake_embedder)
    assert len(indexed(tmp_path)) == 5


def test_bad_pages_are_skipped_with_a_warning_and_the_build_goes_on(site, tmp_path, fake_embedder, caplog):
    undated = SESSIONS[3]
    bad = {
        site.add_page("/page-introuvable/", NOT_FOUND_PAGE): "not an article",
        site.add_page("/connexion/", LOGIN_PAGE): "login page",
        site.add_page(
            "/sans-date/", article_page(undated, with_date=False, canonical="/sans-date/")
        ): "no publication date",
        site.add_page("/sans-titre/", untitled_page(SESSIONS[1])): "no title",
        site.add_page("/boucle/", "", status=302, headers={"Location": "/boucle-2/"}): "redirect",
        site.add_page("/boucle-2/", "", status=302, headers={"Location": "/boucle/"}): "redirect",
        site.add_page("/enorme/", article_page(SESSIONS[0], padding="<p>bla bla</p>" * 40_000)): "larger than",
        site.add_page("/erreur-serveur/", "<h1>Erreur</h1>", status=500): "HTTP 500",
    }
    good = site.link(SESSIONS[2])
    source = {"type": "html", "urls": [good, *bad]}
    settings = settings_for(tmp_path, write_manifest(tmp_path, source), max_page_bytes=200_000)

    with caplog.at_level(logging.WARNING):
        report = build_from_sources(settings, embedder=fake_embedder)

    assert list(indexed(tmp_path)) == [good]
    problems = dict(report.fetch.skipped + report.fetch.failed)
    for url, reason in bad.items():
        if url.endswith("/boucle-2/"):
            continue  # only reached through the loop
        assert reason in problems[url], (url, problems.get(url))
        assert any(url in record.getMessage() for record in caplog.records)
    assert report.partial  # a 500 may be temporary: nothing is removed this time


def untitled_page(post) -> str:
    """An article page stripped of its <title>, <h1> and og:title."""
    page = article_page(post, canonical="/sans-titre/")
    return re.sub(r"<title>.*?</title>|<meta property=\"og:title\"[^>]*>|<h1 class=\"entry-title\">.*?</h1>", "", page)


def test_saved_article_pages_are_read_with_trafilatura(tmp_path, fake_embedder):
    pages = tmp_path / "pages"
    pages.mkdir()
    post = SESSIONS[4]
    (pages / "session.html").write_text(article_page(post).replace("{base}", "https://socialmediaclub.fr/"))
    (pages / "404.html").write_text(NOT_FOUND_PAGE)
    settings = settings_for(tmp_path, write_manifest(tmp_path, {"type": "html", "path": "pages"}))

    build_from_sources(settings, embedder=fake_embedder)

    (article,) = indexed(tmp_path).values()
    assert article.url == "https://socialmediaclub.fr" + post.path()
    assert (article.title, article.takeaways, article.author) == (post.title, post.takeaways, post.author)
    assert "Newsletter" not in article.body


# --- failures never reach the index ---------------------------------------------------------


def test_a_source_that_fails_entirely_fails_the_build_and_keeps_the_index(site, tmp_path, fake_embedder):
    manifest = write_manifest(tmp_path, wordpress(site))
    build_from_sources(settings_for(tmp_path, manifest), embedder=fake_embedder)
    before = current_target(tmp_path)
    answerer = serving_answerer(tmp_path, fake_embedder)
    site.posts.append(PODCAST_POST)
    site.fail("/feed/", 500, 500, 500)
    manifest = write_manifest(tmp_path, wordpress(site), {"type": "feed", "url": site.base + "feed/"})

    with pytest.raises(SourceError) as failure:
        build_from_sources(settings_for(tmp_path, manifest), embedder=fake_embedder)

    message = str(failure.value)
    assert "\n" not in message and "source #2" in message and "HTTP 500" in message and "/feed/" in message
    assert current_target(tmp_path) == before
    assert site.link(PODCAST_POST) not in indexed(tmp_path)
    assert not answerer.refresh_if_rebuilt()


SLOW_BUILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from conftest import HashingEmbedder
from smcbot.services import build_from_sources
from smcbot.settings import load_settings

class SlowEmbedder(HashingEmbedder):
    def encode(self, texts, *, batch_size=64):
        Path(sys.argv[3]).write_text("embedding")
        time.sleep(120)
        return super().encode(texts, batch_size=batch_size)

settings = load_settings(sources=Path(sys.argv[1]), index_dir=Path(sys.argv[2]), fetch={"per_host_delay": 0})
build_from_sources(settings, embedder=SlowEmbedder())
"""


def test_a_build_killed_while_embedding_leaves_the_old_index_serving(site, tmp_path, fake_embedder):
    manifest = write_manifest(tmp_path, wordpress(site))
    build_from_sources(settings_for(tmp_path, manifest), embedder=fake_embedder)
    before = current_target(tmp_path)
    answerer = serving_answerer(tmp_path, fake_embedder)
    site.posts.append(PODCAST_POST)
    marker = tmp_path / "embedding-started"
    build = subprocess.Popen(
        [sys.executable, "-c", SLOW_BUILD, str(manifest), str(tmp_path / "index"), str(marker), str(TESTS)],
        cwd=TESTS.parent,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert build.poll() is None and time.monotonic() < deadline, "the build never started embedding"
            time.sleep(0.05)
        with pytest.raises(IndexLockedError):  # the lock keeps a second build out meanwhile
            build_from_sources(settings_for(tmp_path, manifest), embedder=fake_embedder)
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait()

    assert current_target(tmp_path) == before
    assert not answerer.refresh_if_rebuilt()
    assert answerer.answer("les micro-influenceurs en B2B").sources[0].url == site.link(SESSIONS[1])
    assert site.link(PODCAST_POST) not in {a.url for a in answerer.index.articles.values()}
    # The killed build held the lock only while alive: the next build runs and is picked up.
    report = build_from_sources(settings_for(tmp_path, manifest), embedder=fake_embedder)
    assert report.added == 1 and current_target(tmp_path) != before
    assert answerer.refresh_if_rebuilt()
    assert site.link(PODCAST_POST) in {a.url for a in answerer.index.articles.values()}


def test_a_second_build_on_the_same_folder_is_refused_before_fetching(site, tmp_path, fake_embedder):
    settings = settings_for(tmp_path, write_manifest(tmp_path, wordpress(site)))
    (tmp_path / "index").mkdir()
    with build_lock(tmp_path / "index"), pytest.raises(IndexLockedError, match="another build"):
        build_from_sources(settings, embedder=fake_embedder)
    assert site.log == []


def test_a_page_that_fails_to_download_is_kept_from_the_previous_build(site, tmp_path, fake_embedder):
    settings = settings_for(tmp_path, write_manifest(tmp_path, {"type": "sitemap", "url": site.base + "sitemap.xml"}))
    build_from_sources(settings, embedder=fake_embedder)
    flaky = site.post(102)
    flaky.modified = datetime(2020, 1, 5)  # a new lastmod, so the page is asked for again
    site.fail(flaky.path(), 503, 503, 503)

    report = build_from_sources(settings, embedder=fake_embedder)

    assert report.partial and [url for url, _ in report.fetch.failed] == [site.link(flaky)]
    assert (report.removed, report.articles) == (0, 5)
    assert "HTTP 503 after 3 tries" in report.fetch.describe()


# --- a running bot picks up the rebuilt index --------------------------------------------


def test_a_running_answerer_switches_to_the_rebuilt_index(site, tmp_path, real_embedder):
    settings = settings_for(tmp_path, write_manifest(tmp_path, wordpress(site)))
    build_from_sources(settings, embedder=real_embedder)
    answerer = serving_answerer(tmp_path, real_embedder)
    question = "Qu'est-ce qui a été dit sur les podcasts de marque ?"
    before = answerer.answer(question)
    assert site.link(PODCAST_POST) not in {s.url for s in before.sources}
    assert answerer.answer("Comment sensibiliser le Comex aux réseaux sociaux ?").sources[0].url == site.link(
        SESSIONS[4]
    )

    site.posts.append(PODCAST_POST)
    report = build_from_sources(settings, embedder=real_embedder)
    assert report.added == 1

    after = answerer.answer(question)  # same object, no restart
    assert after.answered and after.sources[0].url == site.link(PODCAST_POST)
    assert any("podcast" in q.chunk.text.lower() for q in after.sessions[0].quotes)


# --- the fetcher on its own ---------------------------------------------------------------


def test_the_fetcher_limits_concurrency_and_spaces_requests_per_host(site):
    site.latency = 0.15
    urls = [site.link(post) for post in SESSIONS]
    with Fetcher(FetchSettings(**{**QUICK_FETCH, "concurrency": 2})) as fetcher:
        results = list(fetcher.get_many(urls))
    assert [url for url, _ in results] == urls and site.most_in_flight == 2

    site.latency, site.log = 0.0, []
    with Fetcher(FetchSettings(**{**QUICK_FETCH, "per_host_delay": 0.2})) as fetcher:
        list(fetcher.get_many(urls))
    times = sorted(r.at for r in site.log)  # robots.txt, then the five pages
    # Spacing is kept between request starts; arrival at the server jitters a little.
    assert times[-1] - times[0] >= 5 * 0.2 - 0.15
    assert min(later - earlier for earlier, later in zip(times, times[1:], strict=False)) >= 0.05


def test_the_fetcher_gives_up_on_a_dead_host_with_a_clear_reason(tmp_path):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/feed/"
    settings = FetchSettings(**QUICK_FETCH)
    with Fetcher(settings, cache_dir=tmp_path / "cache") as fetcher, pytest.raises(FetchError) as failure:
        fetcher.get(url)
    assert failure.value.kind == "failed"
    assert "robots.txt" in str(failure.value) or "cannot connect" in str(failure.value)


def test_fetch_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SMCBOT_FETCH__USER_AGENT", "smcbot-test/1.0")
    monkeypatch.setenv("SMCBOT_FETCH__CONCURRENCY", "2")
    settings = load_settings()
    assert (settings.fetch.user_agent, settings.fetch.concurrency) == ("smcbot-test/1.0", 2)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"type": "wordpress", "path": "site"}, "not path"),
        ({"type": "feed"}, "needs url"),
        ({"type": "sitemap", "url": "ftp://example.org/sitemap.xml"}, "needs url"),
        ({"type": "wordpress", "url": "https://socialmediaclub.fr/", "per_page": 500}, "per_page"),
    ],
)
def test_web_sources_are_checked_in_the_manifest(tmp_path, entry, message):
    with pytest.raises(SourceError, match=message):
        load_manifest(write_manifest(tmp_path, entry))
