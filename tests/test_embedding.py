"""The embedding backends: the ONNX export gives the PyTorch model's vectors and the
same answers, and the embedding cache re-embeds only new text."""

import numpy as np
import pytest

from smcbot.answering import Answerer
from smcbot.embedding import EmbeddingCache, OnnxEmbedder, embed_with_cache, export_onnx, onnx_folder
from smcbot.evaluation import evaluate_file
from smcbot.index import load_index
from smcbot.settings import RetrievalSettings

from .test_answers import DEV, HERE

TEXTS = [
    "Un nouveau défi pour les IA dans la communication en ligne : le brand safety",
    "What was said about brand safety?",
    "court",
    "Les réseaux sociaux agissent comme une chambre d’écho pour les militants. " * 30,  # past the token limit
]


@pytest.fixture(scope="module")
def onnx_embedder(tmp_path_factory, real_embedder) -> OnnxEmbedder:
    folder = onnx_folder(tmp_path_factory.mktemp("models"), real_embedder.name, quantized=False)
    return OnnxEmbedder(real_embedder.name, export_onnx(real_embedder.name, folder))


def test_onnx_vectors_match_the_pytorch_model(onnx_embedder, real_embedder):
    onnx = onnx_embedder.encode(TEXTS, batch_size=2)
    torch = real_embedder.encode(TEXTS)
    assert onnx.shape == torch.shape == (len(TEXTS), 384)
    assert np.abs(onnx - torch).max() < 1e-4
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)


def test_onnx_gives_the_same_answers_as_pytorch(onnx_embedder, answerer, bundled_index_dir):
    index = load_index(bundled_index_dir, model=onnx_embedder.name)
    onnx_answerer = Answerer(index, onnx_embedder, RetrievalSettings())
    for questions in (DEV, HERE / "heldout.jsonl"):
        expected = evaluate_file(questions, answerer)["results"]
        got = evaluate_file(questions, onnx_answerer)["results"]
        assert [(r["q"], r["answered"], r["sources"]) for r in got] == [
            (r["q"], r["answered"], r["sources"]) for r in expected
        ]


def test_export_is_made_once(onnx_embedder, real_embedder):
    before = (onnx_embedder.folder / "model.onnx").stat().st_mtime_ns
    export_onnx(real_embedder.name, onnx_embedder.folder)
    assert (onnx_embedder.folder / "model.onnx").stat().st_mtime_ns == before


def test_cache_embeds_only_new_text(tmp_path, fake_embedder):
    cache = EmbeddingCache(tmp_path / "cache.sqlite3")
    first, computed = embed_with_cache(fake_embedder, ["a b", "c d", "a b"], cache, batch_size=2)
    assert computed == 2 and np.array_equal(first[0], first[2])
    again, computed = embed_with_cache(fake_embedder, ["c d", "e f", "a b"], cache, batch_size=2)
    assert computed == 1 and fake_embedder.texts_encoded == 3
    assert np.array_equal(again[0], first[1]) and np.array_equal(again[2], first[0])


def test_cache_forgets_text_that_left_the_archive(tmp_path, fake_embedder):
    cache = EmbeddingCache(tmp_path / "cache.sqlite3")
    embed_with_cache(fake_embedder, ["old text", "kept text"], cache, batch_size=2)
    cache.put_many("another-model", {"x": np.ones(4, dtype=np.float32)})
    embed_with_cache(fake_embedder, ["kept text", "new text"], cache, batch_size=2)
    rows = cache._db.execute("SELECT model, COUNT(*) FROM embeddings GROUP BY model ORDER BY model").fetchall()
    assert rows == [("another-model", 1), (fake_embedder.name, 2)]
    _, computed = embed_with_cache(fake_embedder, ["old text"], cache, batch_size=2)
    assert computed == 1  # it was forgotten, so it is embedded again
