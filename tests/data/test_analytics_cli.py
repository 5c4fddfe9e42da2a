"""`python -m analytics` end to end: a small SQLite store, the CLI as a subprocess, hand counts.

The store, two months (May → June; able unless noted):

- H1 光明小镇 1栋 101, 岩孔街道: 张三 未就业 → 已就业; 李四 (weak) 已就业 → 未就业; 张小 在校生
- H2 光明小镇 1栋 102, 岩孔街道: 王五 未就业; 王母 (disabled) 其他; 钱十 已就业 in May only
- H3 光明小镇 2栋 201, 西洛街道: 赵六 已就业; 赵妻 已就业 in June only
- H4 鼎新社区 B栋 101, 西洛街道: 孙七 (no capacity) 退休
- H5 鼎新社区 A栋 302, 西洛街道: 周八 (weak) 已就业; 周九 在校生 → 其他

June: labour force 张三 李四 王五 赵六 赵妻 周八 = 6, employed 4; households with labour H1 H2 H3
H5 = 4, covered H1 H3 H5 = 3, zero-employment H2. 鼎新社区 B栋 has people but no labour force.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from data.store import (
    Building,
    Household,
    ImportBatch,
    LabourRecord,
    Person,
    Site,
    SubsidyPayment,
    Township,
    get_engine,
    init_store,
)

ROOT = Path(__file__).resolve().parents[2]
MAY, JUNE = date(2024, 5, 1), date(2024, 6, 1)

ABLE, WEAK, DISABLED, NONE = "有劳动能力", "弱劳动力", "丧失劳动能力", "无劳动能力"
E, U = "已就业", "未就业"

# household: (site, building, room, township)
HOUSEHOLDS = {
    "H1": ("光明小镇", "1栋", "101", "岩孔街道"),
    "H2": ("光明小镇", "1栋", "102", "岩孔街道"),
    "H3": ("光明小镇", "2栋", "201", "西洛街道"),
    "H4": ("鼎新社区", "B栋", "101", "西洛街道"),
    "H5": ("鼎新社区", "A栋", "302", "西洛街道"),
}
# (id_number, name, household, capacity, status in May or None, status in June or None)
PEOPLE = [
    ("520523199001010011", "张三", "H1", ABLE, U, E),
    ("520523199001010022", "李四", "H1", WEAK, E, U),
    ("520523201001010033", "张小", "H1", ABLE, "在校生", "在校生"),
    ("520523199001010044", "王五", "H2", ABLE, U, U),
    ("520523195001010055", "王母", "H2", DISABLED, "其他", "其他"),
    ("520523199001010066", "钱十", "H2", ABLE, E, None),
    ("520523199001010077", "赵六", "H3", ABLE, E, E),
    ("520523199001010088", "赵妻", "H3", ABLE, None, E),
    ("520523195001010099", "孙七", "H4", NONE, "退休", "退休"),
    ("520523199001010101", "周八", "H5", WEAK, E, E),
    ("520523200501010112", "周九", "H5", ABLE, "在校生", "其他"),
]
# (kind, paid_on, payee, id_number or None, employer or None, yuan, township, site or None)
PAYMENTS = [
    ("公益性岗位补贴", date(2024, 5, 31), "赵六", "520523199001010077", None, "800.00",
     "西洛街道", "光明小镇"),
    ("公益性岗位补贴", date(2024, 6, 30), "赵六", "520523199001010077", None, "800.00",
     "西洛街道", "光明小镇"),
    ("交通补贴", date(2024, 6, 1), "张三", "520523199001010011", None, "500.00",
     "岩孔街道", "光明小镇"),
    ("吸纳就业补贴", date(2024, 6, 15), "金沙扶贫车间", None, "金沙扶贫车间", "2000.00",
     "岩孔街道", None),
    ("创业补贴", date(2024, 4, 10), "周八", "520523199001010101", None, "5000.00",
     "西洛街道", "鼎新社区"),
    ("生活补贴", date(2024, 6, 2), "李四", "520523199001010022", None, "140.10",
     "岩孔街道", "光明小镇"),
    ("生活补贴", date(2024, 6, 3), "李四", "520523199001010022", None, "140.20",
     "岩孔街道", "光明小镇"),
]  # fmt: skip


def _build_store(url: str) -> None:
    engine = get_engine(url)
    init_store(engine)
    with Session(engine) as session:
        batch = ImportBatch(
            created_at=datetime(2024, 7, 1, tzinfo=UTC),
            user="test",
            source="import",
            files="t.xlsx",
            formats="test",
        )
        townships = {name: Township(name=name) for name in ("岩孔街道", "西洛街道")}
        sites = {name: Site(name=name) for name in ("光明小镇", "鼎新社区")}
        session.add_all([batch, *townships.values(), *sites.values()])
        session.flush()
        buildings = {}
        for site, building, _, _ in HOUSEHOLDS.values():
            if (site, building) not in buildings:
                buildings[site, building] = Building(site_id=sites[site].id, name=building)
        session.add_all(buildings.values())
        session.flush()
        households = {
            code: Household(
                code=code,
                site_id=sites[site].id,
                building_id=buildings[site, building].id,
                room=room,
                head_name=code,
                township_id=townships[township].id,
            )
            for code, (site, building, room, township) in HOUSEHOLDS.items()
        }
        people = {pid: Person(id_number=pid, name=name) for pid, name, *_ in PEOPLE}
        session.add_all([*households.values(), *people.values()])
        session.flush()
        for pid, _, code, capacity, may, june in PEOPLE:
            for month, status in ((MAY, may), (JUNE, june)):
                if status is not None:
                    session.add(
                        LabourRecord(
                            person_id=people[pid].id,
                            month=month,
                            household_id=households[code].id,
                            capacity=capacity,
                            status=status,
                            employment_type="县内务工" if status == E else None,
                            batch_id=batch.id,
                        )
                    )
        for kind, paid_on, payee, id_number, employer, yuan, township, site in PAYMENTS:
            session.add(
                SubsidyPayment(
                    paid_on=paid_on,
                    kind=kind,
                    payee=payee,
                    name=None if employer else payee,
                    id_number=id_number,
                    employer=employer,
                    amount_fen=round(float(yuan) * 100),
                    township_id=townships[township].id,
                    site_id=sites[site].id if site else None,
                    batch_id=batch.id,
                )
            )
        session.commit()
    engine.dispose()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('analytics') / 'store.sqlite'}"
    _build_store(url)
    yield url


@pytest.fixture
def empty_store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    init_store(get_engine(url))
    get_engine(url).dispose()
    return url


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def csv_rows(url: str, *args: str) -> list[dict[str, str]]:
    result = run(url, *args, "--format", "csv")
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def json_rows(url: str, *args: str) -> list[dict]:
    result = run(url, *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


RATE_COLUMNS = [
    "labour_force",
    "employed",
    "employment_rate",
    "households",
    "households_covered",
    "zero_employment_households",
]


@pytest.mark.parametrize(
    ("by", "groups", "expected"),
    [
        # labour_force, employed, employment_rate, households, covered, zero-employment
        ("county", [], [((), (6, 4, 4 / 6, 4, 3, 1))]),
        (
            "township",
            ["township"],
            [(("岩孔街道",), (3, 1, 1 / 3, 2, 1, 1)), (("西洛街道",), (3, 3, 1.0, 2, 2, 0))],
        ),
        (
            "site",
            ["site"],
            [(("光明小镇",), (5, 3, 0.6, 3, 2, 1)), (("鼎新社区",), (1, 1, 1.0, 1, 1, 0))],
        ),
        (
            "building",
            ["site", "building"],
            [
                (("光明小镇", "1栋"), (3, 1, 1 / 3, 2, 1, 1)),
                (("光明小镇", "2栋"), (2, 2, 1.0, 1, 1, 0)),
                (("鼎新社区", "A栋"), (1, 1, 1.0, 1, 1, 0)),
                # People but no labour force: an empty rate, never 0 %.
                (("鼎新社区", "B栋"), (0, 0, None, 0, 0, 0)),
            ],
        ),
    ],
)
def test_rates_csv(store: str, by: str, groups: list[str], expected: list) -> None:
    result = run(store, "rates", "--by", by, "--month", "2024-06", "--format", "csv")

    assert result.returncode == 0, result.stderr
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames == [*groups, *RATE_COLUMNS]
    rows = list(reader)
    assert [tuple(row[g] for g in groups) for row in rows] == [keys for keys, _ in expected]
    for row, (_, (lf, emp, rate, hh, covered, zero)) in zip(rows, expected, strict=True):
        assert int(row["labour_force"]) == lf
        assert int(row["employed"]) == emp
        if rate is None:
            assert row["employment_rate"] == ""
        else:
            assert len(row["employment_rate"].split(".")[1]) >= 4
            assert float(row["employment_rate"]) == pytest.approx(rate, abs=1e-6)
        assert int(row["households"]) == hh
        assert int(row["households_covered"]) == covered
        assert int(row["zero_employment_households"]) == zero


def test_rates_json_previous_month(store: str) -> None:
    # May: 张三 王五 unemployed; 李四 钱十 赵六 周八 employed. H2 is covered by 钱十.
    result = json_rows(store, "rates", "--by", "county", "--month", "2024-05")

    expected = [
        {
            "labour_force": 6,
            "employed": 4,
            "employment_rate": pytest.approx(4 / 6),
            "households": 4,
            "households_covered": 4,
            "zero_employment_households": 0,
        }
    ]
    assert result == expected


@pytest.mark.parametrize("month", [None, "2024/6", "2024年6月", "2024-06"])
def test_rates_month_forms_and_default(store: str, month: str | None) -> None:
    args = ["rates", "--by", "site"] + (["--month", month] if month else [])

    result = csv_rows(store, *args)

    assert [(r["site"], r["labour_force"], r["employed"]) for r in result] == [
        ("光明小镇", "5", "3"),
        ("鼎新社区", "1", "1"),
    ]


def test_rates_table(store: str) -> None:
    result = run(store, "rates", "--by", "building", "--month", "2024-06")

    assert result.returncode == 0, result.stderr
    assert "2024-06" in result.stdout
    assert "33.3 %" in result.stdout
    assert "100.0 %" in result.stdout
    assert "—" in result.stdout
    assert re.search(r"(?<!\d)0\.0 %", result.stdout) is None


CHANGES_JUNE = [
    ("newly_employed", "张三", "光明小镇", "1栋", "101", U, E),
    ("lost_work", "李四", "光明小镇", "1栋", "101", E, U),
    ("joined", "赵妻", "光明小镇", "2栋", "201", "", E),
    ("left", "钱十", "光明小镇", "1栋", "102", E, ""),
]


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ([], CHANGES_JUNE),
        (["--site", "光明小镇", "--building", "1栋"], [CHANGES_JUNE[i] for i in (0, 1, 3)]),
        (["--site", "鼎新社区"], []),
    ],
)
def test_changes_csv(store: str, place: list[str], expected: list[tuple]) -> None:
    result = csv_rows(store, "changes", "--month", "2024-06", *place)

    columns = ("change", "name", "site", "building", "room", "status_before", "status_after")
    assert [tuple(row[c] for c in columns) for row in result] == expected


def test_changes_json_columns(store: str) -> None:
    result = json_rows(store, "changes", "--month", "2024-06", "--full")

    assert result[2] == {
        "change": "joined",
        "township": "西洛街道",
        "site": "光明小镇",
        "building": "2栋",
        "room": "201",
        "household": "H3",
        "name": "赵妻",
        "id_number": "520523199001010088",
        "status_before": None,
        "status_after": E,
        "employment_type_before": None,
        "employment_type_after": "县内务工",
    }


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--by", "kind"],
            [
                ("创业补贴", "1", "5000.00"),
                ("吸纳就业补贴", "1", "2000.00"),
                ("公益性岗位补贴", "2", "1600.00"),
                ("交通补贴", "1", "500.00"),
                ("生活补贴", "2", "280.30"),
            ],
        ),
        # Both ends inclusive: 06-01 transport and 06-30 public-welfare are in, 05-31 is out.
        (
            ["--by", "kind", "--from", "2024-06-01", "--to", "2024-06-30"],
            [
                ("吸纳就业补贴", "1", "2000.00"),
                ("公益性岗位补贴", "1", "800.00"),
                ("交通补贴", "1", "500.00"),
                ("生活补贴", "2", "280.30"),
            ],
        ),
        # A month alone: --to means its last day.
        (
            ["--by", "kind", "--from", "2024-06", "--to", "2024-06"],
            [
                ("吸纳就业补贴", "1", "2000.00"),
                ("公益性岗位补贴", "1", "800.00"),
                ("交通补贴", "1", "500.00"),
                ("生活补贴", "2", "280.30"),
            ],
        ),
        (
            ["--by", "township"],
            [("西洛街道", "3", "6600.00"), ("岩孔街道", "4", "2780.30")],
        ),
        # The employer payment has no site: its own group, last among equals and empty in csv.
        (
            ["--by", "site"],
            [("鼎新社区", "1", "5000.00"), ("光明小镇", "5", "2380.30"), ("", "1", "2000.00")],
        ),
    ],
)
def test_subsidies_csv(store: str, args: list[str], expected: list[tuple]) -> None:
    by = args[1]

    result = csv_rows(store, "subsidies", *args)

    assert [tuple(row[c] for c in (by, "payments", "amount")) for row in result] == expected


def test_subsidies_json_grand_amount(store: str) -> None:
    result = json_rows(store, "subsidies", "--by", "township")

    assert result == [
        {"township": "西洛街道", "payments": 3, "amount": 6600.0},
        {"township": "岩孔街道", "payments": 4, "amount": 2780.3},
    ]


# Grouped several ways; time groups come in time order, then by amount.
@pytest.mark.parametrize(
    ("by", "expected"),
    [
        (
            "township,kind",
            [
                ("西洛街道", "创业补贴", "1", "5000.00"),
                ("岩孔街道", "吸纳就业补贴", "1", "2000.00"),
                ("西洛街道", "公益性岗位补贴", "2", "1600.00"),
                ("岩孔街道", "交通补贴", "1", "500.00"),
                ("岩孔街道", "生活补贴", "2", "280.30"),
            ],
        ),
        (
            "month,kind",
            [
                ("2024-04-01", "创业补贴", "1", "5000.00"),
                ("2024-05-01", "公益性岗位补贴", "1", "800.00"),
                ("2024-06-01", "吸纳就业补贴", "1", "2000.00"),
                ("2024-06-01", "公益性岗位补贴", "1", "800.00"),
                ("2024-06-01", "交通补贴", "1", "500.00"),
                ("2024-06-01", "生活补贴", "2", "280.30"),
            ],
        ),
        # Only 吸纳就业补贴 goes to an employer.
        ("payee_type", [("person", "6", "7380.30"), ("employer", "1", "2000.00")]),
        (
            "township,site",
            [
                ("西洛街道", "鼎新社区", "1", "5000.00"),
                ("岩孔街道", "", "1", "2000.00"),
                ("西洛街道", "光明小镇", "2", "1600.00"),
                ("岩孔街道", "光明小镇", "3", "780.30"),
            ],
        ),
    ],
)
def test_subsidies_by_several(store: str, by: str, expected: list[tuple]) -> None:
    result = csv_rows(store, "subsidies", "--by", by)

    columns = [*by.split(","), "payments", "amount"]
    assert [tuple(row[c] for c in columns) for row in result] == expected


def test_subsidies_by_year_json(store: str) -> None:
    result = json_rows(store, "subsidies", "--by", "year,payee_type")

    assert result == [
        {"year": 2024, "payee_type": "person", "payments": 6, "amount": 7380.3},
        {"year": 2024, "payee_type": "employer", "payments": 1, "amount": 2000.0},
    ]


PER_CAPITA_COLUMNS = (
    "payments",
    "amount",
    "person_amount",
    "employer_amount",
    "labour_force",
    "employed",
    "amount_per_capita",
    "amount_per_employed",
)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            # June's payments over June's ledger: 岩孔 2,780.30 of which 780.30 to persons / 3
            # members, 1 employed (the employer's 2,000 is beside, not per member); 西洛 800 / 3,
            # all employed.
            ["--by", "township", "--month", "2024-06", "--from", "2024-06", "--to", "2024-06"],
            [
                ("西洛街道", "1", "800.00", "800.00", "0.00", "3", "3", "266.67", "266.67"),
                ("岩孔街道", "4", "2780.30", "780.30", "2000.00", "3", "1", "260.10", "780.30"),
            ],
        ),
        (
            # All payments over May's ledger: 光明小镇 has 张三 李四 王五 钱十 赵六, 3 employed;
            # the employer payment has no site, so no labour and no per-capita figure.
            ["--by", "site", "--month", "2024-05"],
            [
                ("鼎新社区", "1", "5000.00", "5000.00", "0.00", "1", "1", "5000.00", "5000.00"),
                ("光明小镇", "5", "2380.30", "2380.30", "0.00", "5", "3", "476.06", "793.43"),
                ("", "1", "2000.00", "0.00", "2000.00", "0", "0", "", ""),
            ],
        ),
    ],
)
def test_subsidies_per_capita_csv(store: str, args: list[str], expected: list[tuple]) -> None:
    result = csv_rows(store, "subsidies", "--per-capita", *args)

    place = args[1]
    assert [tuple(row[c] for c in (place, *PER_CAPITA_COLUMNS)) for row in result] == expected


def test_subsidies_per_capita_is_the_analytics_function(store: str) -> None:
    from analytics.subsidies import subsidy_per_capita
    from data.frames import load_frames

    frames = load_frames(get_engine(store))
    expected = subsidy_per_capita(frames.subsidies, frames.labour, ["site"], JUNE)

    # Default month: the latest in the store.
    result = json_rows(store, "subsidies", "--by", "site", "--per-capita")

    assert result == expected.to_dicts()


def test_subsidies_per_capita_table(store: str) -> None:
    result = run(store, "subsidies", "--by", "township", "--per-capita")

    assert result.returncode == 0, result.stderr
    assert "labour 2024-06" in result.stdout
    assert "amount_per_employed" in result.stdout


# 补贴金额 budgets on top of the store (and a target of another metric, which is no budget).
BUDGETS = [
    (2024, "补贴金额", "县", 20000.0),
    (2024, "补贴金额", "西洛街道", 10000.0),
    (2024, "补贴金额", "光明小镇", 4000.0),
    (2024, "补贴金额", "鼎新社区", 0.0),
    (2024, "就业率", "县", 95.0),
    (2023, "补贴金额", "县", 1000.0),
]


def _store_with(url: str, targets: list[tuple], *, trainee: bool = False) -> str:
    """The test store with `targets` (year, metric, scope, value) and, with `trainee`, one
    training record (张三, electrics, from March), written in the store's batch."""
    from sqlmodel import select

    from data.store import Target, TrainingRecord

    _build_store(url)
    engine = get_engine(url)
    with Session(engine) as session:
        batch = session.exec(select(ImportBatch)).one()
        session.add_all(
            Target(year=year, metric=metric, scope=scope, target=value, batch_id=batch.id)
            for year, metric, scope, value in targets
        )
        if trainee:
            session.add(
                TrainingRecord(
                    id_number="520523199001010011",
                    name="张三",
                    course="电工",
                    start=date(2024, 3, 1),
                    batch_id=batch.id,
                )
            )
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def budget_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _store_with(f"sqlite:///{tmp_path_factory.mktemp('budget') / 'store.sqlite'}", BUDGETS)


BUDGET_COLUMNS = ("budget", "paid", "progress", "expected_progress")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            # Default month: June, the latest ledger month of 2024. Paid January to June:
            # everything; 西洛 800 + 800 + 5,000; 光明小镇 800 + 800 + 500 + 140.10 + 140.20.
            ["--year", "2024"],
            [
                ("县", 20000.0, 9380.30, 0.469015, 0.5),
                ("光明小镇", 4000.0, 2380.30, 0.595075, 0.5),
                ("西洛街道", 10000.0, 6600.0, 0.66, 0.5),
                # A budget of 0: no progress ("—"), never a division by zero.
                ("鼎新社区", 0.0, 5000.0, None, 0.5),
            ],
        ),
        (
            ["--month", "2024-05"],
            [
                ("县", 20000.0, 5800.0, 0.29, 5 / 12),
                ("光明小镇", 4000.0, 800.0, 0.2, 5 / 12),
                ("西洛街道", 10000.0, 5800.0, 0.58, 5 / 12),
                ("鼎新社区", 0.0, 5000.0, None, 5 / 12),
            ],
        ),
        # No ledger month in 2023: the whole year, and nothing was paid in it.
        (["--year", "2023"], [("县", 1000.0, 0.0, 0.0, 1.0)]),
    ],
)
def test_subsidies_budget_csv(budget_store: str, args: list[str], expected: list[tuple]) -> None:
    result = csv_rows(budget_store, "subsidies", "--budget", *args)

    assert [row["scope"] for row in result] == [scope for scope, *_ in expected]
    for row, (_, *numbers) in zip(result, expected, strict=True):
        values = [float(row[c]) if row[c] else None for c in BUDGET_COLUMNS]
        assert values == pytest.approx(numbers, abs=1e-6)


def test_subsidies_budget_matches_the_target_board(budget_store: str) -> None:
    board = csv_rows(budget_store, "targets", "--month", "2024-06")
    budget = csv_rows(budget_store, "subsidies", "--budget", "--year", "2024")

    on_board = next(row for row in board if row["metric"] == "补贴金额")
    assert float(budget[0]["paid"]) == float(on_board["actual"])
    assert float(budget[0]["progress"]) == pytest.approx(float(on_board["progress"]))


def test_subsidies_budget_table(budget_store: str) -> None:
    result = run(budget_store, "subsidies", "--budget", "--year", "2024")

    assert result.returncode == 0, result.stderr
    assert "2024-01 – 2024-06" in result.stdout
    assert "50.0 %" in result.stdout
    assert "—" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "quarter"], "cannot group by 'quarter'"),
        (["--by", "kind,kind"], "each once"),
        (["--per-capita"], "--per-capita needs --by township or --by site"),
        (["--per-capita", "--by", "township,kind"], "--per-capita needs --by township"),
        (["--per-capita", "--by", "site", "--budget", "--year", "2024"], "do not combine"),
        (["--budget"], "--budget needs --year"),
        (["--budget", "--year", "2024", "--by", "kind"], "--budget takes no --by"),
        (["--budget", "--year", "2024", "--from", "2024-01"], "--budget takes no --by"),
        (["--budget", "--year", "2024", "--month", "2023-12"], "is not in that year"),
        (["--month", "2024-06"], "--month needs --per-capita or --budget"),
        (["--year", "2024"], "--year needs --budget"),
    ],
)
def test_subsidies_usage_errors(store: str, args: list[str], message: str) -> None:
    result = run(store, "subsidies", *args)

    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--budget", "--year", "2025"], "no 补贴金额 targets for 2025"),
        (["--per-capita", "--by", "site", "--month", "2023-01"], "no labour records for 2023-01"),
        (["--per-capita", "--by", "site", "--from", "2025-01"], "no subsidy payments"),
        (["--by", "month,kind", "--to", "2024-03"], "no subsidy payments"),
    ],
)
def test_subsidies_no_data(budget_store: str, args: list[str], message: str) -> None:
    result = run(budget_store, "subsidies", *args)

    assert result.returncode == 1
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args", [["--budget", "--year", "2024"], ["--per-capita", "--by", "township"]]
)
def test_subsidies_modes_on_an_empty_store(empty_store: str, args: list[str]) -> None:
    result = run(empty_store, "subsidies", *args)

    assert result.returncode == 1
    assert "the store holds no subsidy payments" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rates", "--month", "2023-01"], "no labour records for 2023-01"),
        # 2024-04 has no ledger: nothing to compare May with.
        (["changes", "--month", "2024-05"], "no labour records for 2024-04"),
        (["changes", "--month", "2024-06", "--site", "不存在"], "no labour records for 不存在"),
        (["subsidies", "--from", "2025-01-01"], "no subsidy payments"),
    ],
)
def test_no_data_for_what_was_asked(store: str, args: list[str], message: str) -> None:
    result = run(store, *args)

    assert result.returncode == 1
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rates"], "库中没有劳动力台账数据"),
        (["changes"], "the store holds no labour records"),
        (["subsidies"], "the store holds no subsidy payments"),
    ],
)
def test_empty_store(empty_store: str, args: list[str], message: str) -> None:
    result = run(empty_store, *args)

    assert result.returncode == 1
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("month", ["2024-13", "June", "2024-6-31"])
def test_bad_month_is_a_usage_error(store: str, month: str) -> None:
    result = run(store, "rates", "--month", month)

    assert result.returncode == 2
    assert "not a month" in result.stderr


# -- mix, targets, children ----------------------------------------------------------------------

TYPES = [
    "省外务工",
    "省内县外务工",
    "县内务工",
    "公益性岗位",
    "扶贫车间",
    "居家就业",
    "自主创业",
    "灵活就业",
]


def test_mix_csv(store: str) -> None:
    # June: 张三 赵六 赵妻 周八 employed, all 县内务工.
    result = csv_rows(store, "mix", "--month", "2024-06")

    assert [(r["employment_type"], r["employed"]) for r in result] == [
        (kind, "4" if kind == "县内务工" else "0") for kind in TYPES
    ]
    assert [float(r["share"]) for r in result] == [1.0 if k == "县内务工" else 0.0 for k in TYPES]


def test_mix_table_and_default_month(store: str) -> None:
    result = run(store, "mix")

    assert result.returncode == 0, result.stderr
    assert "2024-06" in result.stdout
    assert "100.0 %" in result.stdout
    assert "灵活就业" in result.stdout


# Targets of 2024 (县 unless noted) and one training record (张三, March), on top of the store.
TARGETS = [
    (2024, "就业率", "县", 95.0),
    (2024, "零就业家庭", "县", 0.0),
    (2024, "已就业人数", "县", 4.0),
    (2024, "培训人数", "县", 2.0),
    (2024, "补贴金额", "县", 20000.0),
    (2024, "就业率", "西洛街道", 100.0),
]


@pytest.fixture(scope="module")
def target_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('targets') / 'store.sqlite'}"
    return _store_with(url, TARGETS, trainee=True)


BOARD_COLUMNS = ("metric", "target", "actual", "progress", "expected_progress", "status")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            # June: 4 of 6 employed; H2 zero-employment; 1 trainee of 2 at half the year gone;
            # 9,380.30 yuan paid from January to June (the 7-01 payment is none).
            ["--month", "2024-06"],
            [
                ("就业率", 95.0, 400 / 6, 400 / 6 / 95, 1.0, "red"),
                ("零就业家庭", 0.0, 1.0, 0.0, 1.0, "amber"),
                ("已就业人数", 4.0, 4.0, 1.0, 1.0, "green"),
                ("培训人数", 2.0, 1.0, 0.5, 0.5, "green"),
                ("补贴金额", 20000.0, 9380.30, 0.469015, 0.5, "amber"),
            ],
        ),
        (
            ["--year", "2024", "--scope", "西洛街道"],
            [("就业率", 100.0, 100.0, 1.0, 1.0, "green")],
        ),
    ],
)
def test_targets_csv(target_store: str, args: list[str], expected: list[tuple]) -> None:
    result = csv_rows(target_store, "targets", *args)

    assert [r["metric"] for r in result] == [row[0] for row in expected]
    for row, (_, *numbers, status) in zip(result, expected, strict=True):
        assert [float(row[c]) for c in BOARD_COLUMNS[1:-1]] == pytest.approx(numbers, abs=1e-6)
        assert row["status"] == status


def test_targets_table(target_store: str) -> None:
    result = run(target_store, "targets")

    assert result.returncode == 0, result.stderr
    assert "县 2024-06" in result.stdout
    assert "50.0 %" in result.stdout  # progress of 培训人数
    assert "amber" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--year", "2023"], 1, "no targets for 县 in 2023"),
        (["--scope", "鼎新社区"], 1, "no targets for 鼎新社区 in 2024"),
        (["--month", "2023-01"], 1, "no labour records for 2023-01"),
        (["--year", "2023", "--month", "2024-06"], 2, "is not in that year"),
    ],
)
def test_targets_errors(target_store: str, args: list[str], code: int, message: str) -> None:
    result = run(target_store, "targets", *args)

    assert result.returncode == code
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("place", "key", "expected"),
    [
        # key, labour_force, employed, zero-employment households: lowest rate first.
        ([], "site", [("光明小镇", "5", "3", "1"), ("鼎新社区", "1", "1", "0")]),
        (
            ["--township", "西洛街道"],
            "site",
            [("光明小镇", "2", "2", "0"), ("鼎新社区", "1", "1", "0")],
        ),
        # B栋 has people but no labour force: its empty rate comes last.
        (["--site", "鼎新社区"], "building", [("A栋", "1", "1", "0"), ("B栋", "0", "0", "0")]),
        (
            ["--site", "光明小镇", "--building", "1栋"],
            "household",
            [("H2", "1", "0", "1"), ("H1", "2", "1", "0")],
        ),
    ],
)
def test_children_csv(store: str, place: list[str], key: str, expected: list[tuple]) -> None:
    result = csv_rows(store, "children", "--month", "2024-06", *place)

    columns = (key, "labour_force", "employed", "zero_employment_households")
    assert [tuple(row[c] for c in columns) for row in result] == expected


def test_children_households_have_rooms_and_members(store: str) -> None:
    result = json_rows(store, "children", "--site", "光明小镇", "--building", "1栋")

    assert [(r["room"], r["head_name"], r["members"]) for r in result] == [
        ("102", "H2", 2),  # 钱十 left in June
        ("101", "H1", 3),
    ]


@pytest.mark.parametrize("household", ["H1", "101"])
def test_children_members(store: str, household: str) -> None:
    args = ["--site", "光明小镇", "--building", "1栋", "--household", household]

    result = json_rows(store, "children", *args, "--month", "2024-06")

    # Unemployed labour first, then employed, then people outside the labour force.
    assert [
        (r["name"], r["status"], r["employment_type"], r["in_labour_force"]) for r in result
    ] == [
        ("李四", U, None, True),
        ("张三", E, "县内务工", True),
        ("张小", "在校生", None, False),
    ]
    assert set(result[0]) == {
        "name",
        "id_number",
        "relation",
        "capacity",
        "status",
        "employment_type",
        "employer",
        "work_place",
        "monthly_income",
        "in_labour_force",
    }


def test_children_table(store: str) -> None:
    result = run(store, "children", "--site", "鼎新社区")

    assert result.returncode == 0, result.stderr
    assert "鼎新社区" in result.stdout
    assert "2024-06" in result.stdout
    assert "100.0 %" in result.stdout
    assert "—" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--site", "不存在"], 1, "no labour records for 不存在"),
        (["--site", "光明小镇", "--building", "9栋"], 1, "no labour records for 光明小镇 9栋"),
        (["--month", "2023-01"], 1, "no labour records for 2023-01"),
        (["--building", "1栋"], 2, "--building needs --site"),
        (["--site", "光明小镇", "--household", "H1"], 2, "--household needs --building"),
        (["--township", "西洛街道", "--site", "光明小镇"], 2, "not allowed with argument"),
    ],
)
def test_children_errors(store: str, args: list[str], code: int, message: str) -> None:
    result = run(store, "children", *args)

    assert result.returncode == code
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args", [["mix"], ["targets"], ["children"], ["children", "--site", "光明小镇"]]
)
def test_new_reports_on_an_empty_store(empty_store: str, args: list[str]) -> None:
    result = run(empty_store, *args)

    assert result.returncode == 1
    assert "the store holds no labour records" in result.stderr
    assert result.stdout == ""


def test_personal_data_is_masked_unless_full(store: str) -> None:
    masked = json_rows(store, "changes", "--month", "2024-06")
    assert masked[2]["id_number"] == "5205**********0088"
    listed = run(store, "children", "--site", "光明小镇", "--building", "2栋", "--household", "H3")
    assert "520523199001010088" not in listed.stdout
    assert "5205**********0088" in listed.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # June: 张三, 李四, 王五, 赵六, 赵妻 in 光明小镇 are labour force; 周八 in 鼎新社区.
        (["--rows", "site"], [("光明小镇", "5"), ("鼎新社区", "1"), ("合计", "6")]),
        (["--where", "status=未就业", "--measure", "persons"], [("合计", "2")]),
        (["--where", "status=未就业", "--where", "status=已就业"], [("合计", "6")]),
        # Over May and June, month by month; the total is June's.
        (
            ["--rows", "month", "--measure", "employed", "--from", "2024-05"],
            [("2024-05", "4"), ("2024-06", "4"), ("合计", "4")],
        ),
    ],
)
def test_pivot_csv(store: str, args: list[str], expected: list[tuple]) -> None:
    result = csv_rows(store, "pivot", "--to", "2024-06", *args)
    assert [tuple(row.values()) for row in result] == expected


def test_pivot_rates_agree_with_rates(store: str) -> None:
    pivot = json_rows(
        store, "pivot", "--rows", "site", "--measure", "employment_rate", "--to", "2024-06"
    )
    rates = json_rows(store, "rates", "--by", "site", "--month", "2024-06")
    assert [row["合计"] for row in pivot[:-1]] == [row["employment_rate"] for row in rates]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--where", "phone=1"], "DIMENSION=VALUE"),
        (["--where", "two_after=也许"], "yes or no"),
        (["--rows", "salary"], "unknown dimension"),
        (["--rows", "site", "--cols", "site"], "either a row or a column"),
    ],
)
def test_pivot_usage_errors(store: str, args: list[str], message: str) -> None:
    result = run(store, "pivot", *args)
    assert result.returncode == 2
    assert message in result.stderr
