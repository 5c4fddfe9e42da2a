"""Fixtures shared by every test folder: a fresh store on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from data.accounts import ensure_demo_accounts
from data.store import get_engine, init_store

# Frame snapshots of throwaway PostgreSQL stores go to a throwaway folder, not data/store/.
os.environ.setdefault("FRAMES_CACHE_DIR", tempfile.mkdtemp(prefix="frames-"))


def pytest_configure(config: pytest.Config) -> None:
    """A temporary folder of this run's own, removed at its end.

    pytest keeps its numbered folders (pytest-of-USER/pytest-N) for the last three runs and
    deletes older ones when a run starts: a second run on the same machine would delete the
    demo store under a run still using it ("disk I/O error", a server that cannot sign in).
    """
    if config.option.basetemp is None and not hasattr(config, "workerinput"):
        config.option.basetemp = tempfile.mkdtemp(prefix="dashboard-tests-")
        config.add_cleanup(lambda: shutil.rmtree(config.option.basetemp, ignore_errors=True))


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


@contextmanager
def fresh_store(backend: str, folder: Path, name: str = "store.sqlite") -> Iterator[Engine]:
    """An empty, initialised store on `backend` ("sqlite": a file `name` in `folder`;
    "postgresql": a schema of its own, dropped afterwards)."""
    if backend == "sqlite":
        eng = get_engine(f"sqlite:///{folder / name}")
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


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """An empty, initialised store on each backend the suite runs against."""
    with fresh_store(request.param, tmp_path) as eng:
        yield eng


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    """An empty SQLite store, for tests that need only one backend."""
    eng = get_engine(f"sqlite:///{tmp_path / 'single.sqlite'}")
    init_store(eng)
    yield eng
    eng.dispose()


# The small demo county of `demo_store_url` (data.demo.planted_cases takes the same arguments).
DEMO_ARGS = {"seed": 7, "scale": 3000, "months": 6}


@pytest.fixture(scope="session")
def demo_store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store holding a small demo county (built once per test session)."""
    from data.demo import build_demo

    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    result = build_demo(get_engine(url), **DEMO_ARGS, out_dir=folder / "ledgers")
    assert result.ok, result.report()
    return url


@pytest.fixture(scope="session")
def empty_store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store with its tables and no data."""
    url = f"sqlite:///{tmp_path_factory.mktemp('empty') / 'empty.sqlite'}"
    init_store(get_engine(url))
    ensure_demo_accounts(get_engine(url))  # no places yet: the county roles only
    return url


def copy_store(url: str, folder: Path) -> str:
    """A copy of the SQLite store at `url` in `folder` (SQLite's online backup): a test writes
    to the copy and the session's store stays as built."""
    copy = folder / "own.sqlite"
    source = sqlite3.connect(url.removeprefix("sqlite:///"))
    with sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    return f"sqlite:///{copy}"


@pytest.fixture
def own_store_url(demo_store_url: str, tmp_path: Path) -> str:
    """A copy of the demo store (batch #1, the demo, and its demo users) a test may write to."""
    return copy_store(demo_store_url, tmp_path)
