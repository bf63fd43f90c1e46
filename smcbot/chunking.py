"""Cut articles into chunks: the title, each takeaway on its own, and the body in
bounded, overlapping pieces (langchain-text-splitters), each carrying its
article's title and date as context."""

from __future__ import annotations

from langchain_text_splitters import RecursiveCharacterTextSplitter

from smcbot.models import Article, Chunk


def article_context(article: Article) -> str:
    """The line prepended to each chunk's embedding text: title and date."""
    when = f" ({article.date.isoformat()})" if article.date else ""
    return f"{article.title}{when}"


def chunk_article(article: Article, *, body_size: int, body_overlap: int) -> list[Chunk]:
    """Split one article into its title, takeaway and body chunks.

    Args:
        article: the article to split.
        body_size: the largest body chunk, in characters.
        body_overlap: characters shared by consecutive body chunks.
    """
    context = article_context(article)
    chunks = [Chunk(article.id, "title", 0, article.title, context="")]
    for position, takeaway in enumerate(article.takeaways):
        chunks.append(Chunk(article.id, "takeaway", position, takeaway, context=context))
    for position, piece in enumerate(_split_body(article.body, body_size, body_overlap)):
        chunks.append(Chunk(article.id, "body", position, piece, context=context))
    return chunks


def _split_body(body: str, size: int, overlap: int) -> list[str]:
    """Group paragraphs up to `size` characters, splitting long ones at sentences."""
    if not body.strip():
        return []
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size,
        chunk_overlap=min(overlap, size // 2),
        separators=["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""],
        keep_separator="end",
    )
    return [piece.strip() for piece in splitter.split_text(body) if piece.strip()]
