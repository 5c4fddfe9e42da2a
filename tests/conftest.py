"""Fixtures shared by every test folder: a fresh store on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from data.store import get_engine, init_store

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_engine() -> tuple[Engine, str]:
    """An engine on a schema of its own, so parallel runs and leftovers never meet."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server means "no server"
        pytest.skip(f"PostgreSQL at {PG_URL} does not answer: {exc.__class__.__name__}")
    finally:
        admin.dispose()
    engine = create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    return engine, schema


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """An empty, initialised store on each backend the suite runs against."""
    if request.param == "sqlite":
        eng = get_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
        init_store(eng)
        yield eng
        eng.dispose()
        return
    eng, schema = _postgres_engine()
    init_store(eng)
    yield eng
    eng.dispose()
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    """An empty SQLite store, for tests that need only one backend."""
    eng = get_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    init_store(eng)
    yield eng
    eng.dispose()
