"""Building, updating, loading and refusing indexes (fast: the hashing embedder)."""

import json
import os
import shutil
from pathlib import Path

import pytest

from smcbot.errors import IndexCorruptError, IndexLockedError, IndexMismatchError, IndexNotFoundError
from smcbot.index import BuildOptions, build_index, build_lock, index_stats, load_index
from smcbot.machine_translation import FRENCH_TO_ENGLISH, available
from smcbot.sources.files import read_folder
from smcbot.sources.ingest import read_sources
from smcbot.sources.manifest import load_manifest

from .conftest import SOURCES


def bundled_articles():
    return read_sources(load_manifest(SOURCES))


def build(articles, index_dir: Path, embedder):
    return build_index(articles, index_dir=index_dir, embedder=embedder, options=BuildOptions())


def test_build_writes_a_complete_index(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    report = build(bundled_articles(), index_dir, fake_embedder)
    assert report.to_dict().keys() == {
        "articles", "added", "updated", "removed", "unchanged", "chunks_embedded", "seconds"
    }  # fmt: skip
    assert (report.articles, report.added, report.chunks_embedded) == (10, 10, report.chunks)
    manifest = json.loads((index_dir / "manifest.json").read_text())
    assert manifest["format_version"] == 1
    assert manifest["model"] == fake_embedder.name
    assert manifest["dimension"] == fake_embedder.dimension
    assert manifest["counts"] == {"articles": 10, "chunks": report.chunks}
    glosses = {"gloss.faiss"} if available(FRENCH_TO_ENGLISH) else set()
    expected = {"dense.faiss", "metadata.sqlite3", "bm25", "lexicon.json", "words", "multilingual.faiss"} | glosses
    assert set(manifest["checksums"]) == expected
    index = load_index(index_dir, model=fake_embedder.name)
    assert len(index.articles) == 10 and len(index.chunks) == report.chunks == index.dense.ntotal
    assert index.second_opinion.ntotal == index.dense.ntotal and index.second_opinion.d == 384
    assert not list((index_dir / "builds").rglob("*.pkl")) and not list((index_dir / "builds").rglob("*.pickle"))


def test_a_build_without_the_second_opinion_holds_no_multilingual_vectors(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    options = BuildOptions(second_opinion=False)
    build_index(bundled_articles(), index_dir=index_dir, embedder=fake_embedder, options=options)
    assert "multilingual.faiss" not in json.loads((index_dir / "manifest.json").read_text())["checksums"]
    assert load_index(index_dir, model=fake_embedder.name).second_opinion is None


def test_unchanged_rebuild_embeds_nothing_and_writes_nothing(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    build(bundled_articles(), index_dir, fake_embedder)
    target = os.readlink(index_dir / "current")
    encoded = fake_embedder.texts_encoded
    report = build(bundled_articles(), index_dir, fake_embedder)
    assert (report.unchanged, report.added, report.updated, report.removed) == (10, 0, 0, 0)
    assert report.chunks_embedded == 0 and fake_embedder.texts_encoded == encoded
    assert os.readlink(index_dir / "current") == target


def test_changed_article_reembeds_only_its_new_chunks(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    articles = bundled_articles()
    build(articles, index_dir, fake_embedder)
    articles[0].takeaways[0] = "Une nouvelle idée sur la modération des réseaux sociaux."
    removed = articles.pop()
    report = build(articles, index_dir, fake_embedder)
    assert (report.updated, report.removed, report.unchanged, report.added) == (1, 1, 8, 0)
    assert report.chunks_embedded == 1
    index = load_index(index_dir, model=fake_embedder.name)
    assert removed.id not in index.articles
    assert any("nouvelle idée" in c.text for c in index.chunks)


def test_other_model_is_refused_with_a_rebuild_hint(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    build(bundled_articles(), index_dir, fake_embedder)
    with pytest.raises(IndexMismatchError, match="rebuild it with: smcbot index build"):
        load_index(index_dir, model="another-model")


def test_other_format_version_is_refused(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    build(bundled_articles(), index_dir, fake_embedder)
    manifest_path = (index_dir / "current").resolve() / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["format_version"] = 99
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="format 99"):
        load_index(index_dir, model=fake_embedder.name)


def test_missing_and_damaged_indexes_are_named(tmp_path, fake_embedder):
    with pytest.raises(IndexNotFoundError, match="smcbot index build"):
        load_index(tmp_path / "nowhere", model=fake_embedder.name)
    index_dir = tmp_path / "index"
    build(bundled_articles(), index_dir, fake_embedder)
    faiss_file = (index_dir / "current").resolve() / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(IndexCorruptError, match="dense.faiss"):
        load_index(index_dir, model=fake_embedder.name)


def test_a_second_build_on_the_same_folder_is_refused(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    with build_lock(index_dir), pytest.raises(IndexLockedError, match="another build"):
        build(bundled_articles(), index_dir, fake_embedder)


def test_old_builds_are_pruned_and_current_is_a_symlink(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    articles = bundled_articles()
    for n in range(4):
        articles[0].body += f" Paragraphe {n}."
        build(articles, index_dir, fake_embedder)
    assert (index_dir / "current").is_symlink()
    assert len([p for p in (index_dir / "builds").iterdir()]) <= 2


def test_stats_shape(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    build(bundled_articles(), index_dir, fake_embedder)
    stats = index_stats(load_index(index_dir, model=fake_embedder.name))
    assert stats["model"] == fake_embedder.name
    assert isinstance(stats["chunks"], int)
    assert len(stats["articles"]) == 10
    assert set(stats["articles"][0]) == {"title", "date", "url", "author", "series", "takeaways"}


def test_folder_source_reads_markdown_json_and_html(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: Cercle Dircoms #7 : la marque employeur\ndate: 2020-02-03\n"
        "url: https://socialmediaclub.fr/2020/02/03/cercle-7/\nauthor: Jeanne Martin\n---\n"
        "Ce que l'on retient des échanges :\n\n• Un\n• Deux\n• Trois\n\nLe corps du texte.\n",
        encoding="utf-8",
    )
    (folder / "b.json").write_text(
        json.dumps(
            {
                "title": "SMC Focus – Les podcasts",
                "date": "2020-03-01",
                "url": "https://x.test/b",
                "takeaways": ["A", "B", "C"],
                "body": "Texte.",
            }
        ),
        encoding="utf-8",
    )
    (folder / "c.html").write_text(
        "<html><head><title>t</title><link rel='canonical' href='https://x.test/c'>"
        "<meta property='article:published_time' content='2020-04-05T10:00:00+00:00'></head>"
        "<body><article><h1>Tous influenceurs #9 : la micro-influence</h1>"
        "<p>Ce qu’il faut retenir :</p><ul><li>Un</li><li>Deux</li><li>Trois</li></ul>"
        "<p>Le corps.</p></article></body></html>",
        encoding="utf-8",
    )
    (folder / "ignored.png").write_bytes(b"\x89PNG")
    articles = {a.url: a for a in read_folder(folder)}
    md = articles["https://socialmediaclub.fr/2020/02/03/cercle-7/"]
    assert (md.title, str(md.date), md.author, md.series) == (
        "Cercle Dircoms #7 : la marque employeur",
        "2020-02-03",
        "Jeanne Martin",
        "Cercle Dircoms",
    )
    assert md.takeaways == ["Un", "Deux", "Trois"] and md.body == "Le corps du texte."
    assert articles["https://x.test/b"].takeaways == ["A", "B", "C"]
    html = articles["https://x.test/c"]
    assert html.title == "Tous influenceurs #9 : la micro-influence"
    assert str(html.date) == "2020-04-05" and html.takeaways == ["Un", "Deux", "Trois"]


def test_copying_an_index_folder_keeps_it_usable(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    build(bundled_articles(), index_dir, fake_embedder)
    flat = tmp_path / "copy"
    shutil.copytree((index_dir / "current").resolve(), flat)
    assert len(load_index(flat, model=fake_embedder.name).articles) == 10
