"""The SQL console through AppTest: a SELECT shows the rows polars finds in the store, an example
fills in and runs, writes and file reads are refused and change nothing, roles without the
console cannot reach it, ID numbers stay masked unless full view is on, results are cut at the
limit, and analysts may download them.
"""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.query import DEFAULT_LIMIT, EXAMPLE_QUERIES
from data import console as console_runner
from data.frames import Frames, load_frames
from data.store import data_version, get_engine
from tests.app.test_roles import full_ids, rendered_text
from ui.strings import STRINGS
from ui.views import MAX_TABLE_ROWS

PAGE = "pages/query.py"
SECRET = "秘密数据-42"


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


@pytest.fixture(scope="module")
def data(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


def console(app_for, url: str, user: str = "demo-analyst"):
    at = app_for(url, user=user).switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def run_sql(at, sql: str):
    at.text_area(key="query_sql").input(sql)
    at.button(key="query_run").click().run()
    assert not at.exception, at.exception
    return at


def result(at) -> pl.DataFrame:
    return pl.from_pandas(at.dataframe[0].value)


def test_a_select_shows_the_rows_polars_finds(app_for, demo_store_url, data) -> None:
    at = console(app_for, demo_store_url)
    assert not at.dataframe and not at.error
    run_sql(
        at,
        "SELECT township, COUNT(*) AS people FROM labour\n"
        "WHERE month = (SELECT MAX(month) FROM labour) AND status = '未就业'\n"
        "GROUP BY township ORDER BY township",
    )
    latest = data.labour.filter(pl.col("month") == pl.col("month").max())
    expected = (
        latest.filter(pl.col("status") == "未就业")
        .group_by("township")
        .agg(people=pl.len())
        .sort("township")
    )
    assert_frame_equal(result(at), expected, check_dtypes=False)
    assert zh("qry_rows", rows=f"{expected.height:,}") in [c.value for c in at.caption]


def test_an_example_fills_in_and_runs(app_for, demo_store_url, data) -> None:
    at = console(app_for, demo_store_url)
    at.button(key="query_example_rate_by_township").click().run()
    assert not at.exception
    assert at.text_area(key="query_sql").value == EXAMPLE_QUERIES["rate_by_township"]
    shown = result(at)
    assert shown.columns == ["township", "labour_force", "employed", "employment_rate"]
    latest = data.labour.filter(
        pl.col("month") == pl.col("month").max(),
        pl.col("capacity").is_in(["有劳动能力", "弱劳动力"]),
        pl.col("status").is_in(["已就业", "未就业"]),
    )
    assert shown.height == latest.get_column("township").n_unique()
    assert shown["labour_force"].sum() == latest.height


@pytest.mark.parametrize(
    "sql",
    [
        "DROP TABLE labour",
        "DELETE FROM labour",
        "CREATE TABLE copy AS SELECT * FROM labour",
        "SELECT 1 AS one FROM labour; DROP TABLE labour",
        "SELECT * FROM READ_CSV ('{path}')",
        "SELECT * FROM labour, read_csv/**/('{path}')",
        "SELECT * FROM user_account",
    ],
)
def test_writes_and_file_reads_are_refused_and_change_nothing(
    app_for, own_store_url, tmp_path, sql: str
) -> None:
    path = tmp_path / "secret.csv"
    path.write_text(f"a,b\n1,{SECRET}\n", encoding="utf-8")
    engine = get_engine(own_store_url)
    version = data_version(engine)
    labour = load_frames(engine).labour
    at = console(app_for, own_store_url)

    run_sql(at, sql.format(path=path))
    assert len(at.error) == 1
    assert not at.dataframe and not at.get("download_button")
    assert SECRET not in rendered_text(at)
    assert data_version(engine) == version
    # The next query still sees every row.
    run_sql(at, "SELECT COUNT(*) AS n FROM labour")
    assert result(at)["n"].item() == labour.height
    assert_frame_equal(load_frames(engine).labour, labour)


def test_a_refusal_says_why_in_the_viewers_language(app_for, demo_store_url) -> None:
    at = console(app_for, demo_store_url)
    run_sql(at, "UPDATE labour SET status = '已就业'")
    assert "UPDATE" in at.error[0].value and "只能读取" in at.error[0].value
    run_sql(at, "SELECT nosuch FROM labour")
    assert at.error[0].value.startswith("查询无法运行") and "nosuch" in at.error[0].value
    english = app_for(demo_store_url, user="demo-analyst", lang="en").switch_page(PAGE).run()
    run_sql(english, "SELECT * FROM read_csv('/etc/hosts')")
    assert english.error[0].value.startswith("Reading files and table functions are not allowed")


@pytest.mark.parametrize("role", ["leader", "township", "captain", "clerk"])
def test_other_roles_cannot_reach_the_console(app_for, demo_store_url, role: str) -> None:
    at = app_for(demo_store_url, user=f"demo-{role}").switch_page(PAGE).run()
    assert zh("nav_query") not in [title.value for title in at.title]
    assert not [area for area in at.text_area if area.key == "query_sql"]
    # The role's default page ran instead, and its navigation does not offer the console.
    assert not any(PAGE in str(p) for p in at._tree.children)


@pytest.mark.parametrize("user", ["demo-analyst", "demo-admin"])
def test_id_numbers_are_masked_unless_full_view(app_for, demo_store_url, data, user) -> None:
    at = console(app_for, demo_store_url, user=user)
    run_sql(
        at,
        "SELECT name, id_number AS renamed, phone FROM labour WHERE phone IS NOT NULL "
        "ORDER BY renamed LIMIT 20",
    )
    shown = result(at)
    assert shown["renamed"].str.contains(r"^\d{4}\*{10}[\dX]{4}$").all()
    assert shown["phone"].str.contains(r"^\d{3}\*{4}\d{4}$").all()
    assert not full_ids(rendered_text(at))

    at.toggle(key="full_view").set_value(True).run()
    assert not at.exception
    full = result(at)
    assert set(full["renamed"]) <= set(data.labour["id_number"])
    assert full_ids(rendered_text(at))


def test_results_are_cut_at_the_limit(app_for, demo_store_url, data) -> None:
    assert data.labour.height > DEFAULT_LIMIT
    at = console(app_for, demo_store_url)
    run_sql(at, "SELECT month, name FROM labour")
    captions = [c.value for c in at.caption]
    assert zh("qry_truncated", limit=f"{DEFAULT_LIMIT:,}") in captions
    # The screen shows the first rows of the 10,000 kept; the download has them all.
    assert result(at).height == MAX_TABLE_ROWS
    assert zh("table_cut", shown=f"{MAX_TABLE_ROWS:,}", rows=f"{DEFAULT_LIMIT:,}") in captions


def test_analysts_may_download_the_result(app_for, demo_store_url) -> None:
    at = console(app_for, demo_store_url)
    assert not at.get("download_button")
    run_sql(at, "SELECT kind, SUM(amount) AS amount FROM subsidies GROUP BY kind")
    downloads = at.get("download_button")
    assert [(d.key, d.label) for d in downloads] == [("query_excel", zh("download_excel"))]


def test_the_last_query_is_kept_when_the_page_is_left(app_for, demo_store_url) -> None:
    at = console(app_for, demo_store_url)
    sql = "SELECT COUNT(*) AS n FROM training"
    run_sql(at, sql)
    at.switch_page("pages/overview.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.text_area(key="query_sql").value == sql
    assert result(at).columns == ["n"]


def test_a_query_over_the_time_limit_is_stopped_and_the_page_says_so(
    app_for, demo_store_url, monkeypatch
) -> None:
    monkeypatch.setattr(console_runner, "TIMEOUT_S", 2.0)
    at = console(app_for, demo_store_url)
    assert "超过 2 秒的查询自动停止" in at.caption[0].value
    # Three self-joins of the labour ledger: more than 10¹² rows, which once kept every other
    # user's page waiting for minutes.
    run_sql(
        at,
        "SELECT COUNT(*) AS n FROM labour a, labour b, labour c WHERE a.name < b.name",
    )
    assert [e.value for e in at.error] == [
        "查询超过 2 秒，已停止。请缩小范围（加 WHERE 条件、先汇总再关联）后再试。"
    ]
    assert not at.dataframe and not at.get("download_button")
    # The console works on: the next query runs.
    run_sql(at, "SELECT COUNT(*) AS n FROM training")
    assert not at.error and result(at).columns == ["n"]
