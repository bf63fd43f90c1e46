"""A LangChain `BaseRetriever` over the archive, so it can be used inside chains.

Each returned `Document` is one passage the hybrid search found in a session that
passed the relevance gate: an off-topic question returns no documents.
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from smcbot.retrieval import HybridRetriever, SearchFilters


class ArchiveRetriever(BaseRetriever):
    """Finds the passages of the club's sessions that answer a question.

    Args:
        retriever: the hybrid retriever over a loaded index.
        filters: optional date range and series restriction.
        include_unanswered: also return passages of sessions the gate rejected.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: HybridRetriever
    filters: SearchFilters | None = None
    include_unanswered: bool = False

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        """Run the hybrid search and turn each chosen passage into a Document."""
        result = self.retriever.search(query, self.filters)
        sessions = result.sessions if self.include_unanswered else result.answering
        return [
            Document(
                page_content=passage.chunk.text,
                metadata={
                    "title": session.article.title,
                    "url": session.article.url,
                    "date": session.article.date.isoformat() if session.article.date else None,
                    "series": session.article.series,
                    "kind": passage.chunk.kind,
                    "score": passage.score,
                    "session_score": session.score,
                    "answers": session.answers,
                },
            )
            for session in sessions
            for passage in session.passages
        ]
