"""The question store: questions, answers, feedback and the state that bot processes
share, in an SQLite file (one process, the default) or PostgreSQL (several replicas).

    tables       the schema at the newest migration (SQLAlchemy Core)
    engine       connections to SQLite or PostgreSQL (psycopg 3)
    migrations   Alembic migrations, applied in place on opening (`smcbot store upgrade`)
    questions    `QuestionStore`, the one interface every front end uses
"""

from smcbot.store.questions import Forgotten, QuestionStore

__all__ = ["Forgotten", "QuestionStore"]
