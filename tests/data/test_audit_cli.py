"""`python -m analytics audit` end to end on SQLite and PostgreSQL: a store with planted cases,
the CLI as a subprocess, exactly the cases domain.md's rules define.

The store holds May and June 2024 (one household; able unless noted). Planted:

- 张岗 on his post both months: two post payments in June (600 + 800) → 一人多岗 600;
  500.00 of transport and a 140.00 living allowance → nothing (the standards exactly).
- 李挂 in county work in June only, paid for a post → 挂岗 800.
- 王老 (born 1950, retired, no capacity) paid for a post in June → 挂岗 800 and 替岗 800.
- 赵交 away both months: 300 of transport in February (a month not held) + 200.01 in May →
  交通补贴超标 2024 0.01; a 141 living allowance in June → 生活补贴超标 1.
- 孙稳 in county work May and June (April is not held) paid 稳岗 → nothing; 周短 unemployed in May →
  稳岗补贴未满三个月 1000.
- an ID in no record, paid a living allowance → 发放对象不明 100; an employer → never a case.
- 吴走 recorded in May only, paid a living allowance in June → 离开后发放 100.
- 郑少, unemployed in June, 15 on 30 June → 劳动力年龄不符; 郑成, 16 that day → nothing.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import urllib.parse
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.engine import Engine
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
)
from tests.data.test_analytics_cli import run as run_analytics

MAY, JUNE = date(2024, 5, 1), date(2024, 6, 1)
TOWNSHIP, SITE = "岩孔街道", "光明小镇"
E, U = "已就业", "未就业"
POST, TRANSPORT, LIVING, STABLE = "公益性岗位补贴", "交通补贴", "生活补贴", "稳岗就业补贴"

GANG = "520523199001010011"
LI = "520523199001010022"
WANG = "520523195003010033"
ZHAO = "520523199001010044"
SUN = "520523199001010055"
ZHOU = "520523199001010066"
WU = "520523199001010077"
ZHENG = "520523200807010088"
ZHENG_16 = "520523200806300099"
STRANGER = "520523199001019999"

# (id, name, capacity, {month: (status, employment type)})
PEOPLE = [
    (GANG, "张岗", "有劳动能力", {MAY: (E, "公益性岗位"), JUNE: (E, "公益性岗位")}),
    (LI, "李挂", "有劳动能力", {JUNE: (E, "县内务工")}),
    (WANG, "王老", "无劳动能力", {JUNE: ("退休", None)}),
    (ZHAO, "赵交", "有劳动能力", {MAY: (E, "省外务工"), JUNE: (E, "省外务工")}),
    (SUN, "孙稳", "有劳动能力", {MAY: (E, "县内务工"), JUNE: (E, "县内务工")}),
    (ZHOU, "周短", "有劳动能力", {MAY: (U, None), JUNE: (E, "县内务工")}),
    (WU, "吴走", "有劳动能力", {MAY: (E, "县内务工")}),
    (ZHENG, "郑少", "有劳动能力", {JUNE: (U, None)}),
    (ZHENG_16, "郑成", "有劳动能力", {JUNE: (U, None)}),
]
# (kind, paid_on, name, id or None, yuan)
PAYMENTS = [
    (POST, date(2024, 6, 5), "张岗", GANG, 600),
    (POST, date(2024, 6, 25), "张岗", GANG, 800),
    (TRANSPORT, date(2024, 5, 10), "张岗", GANG, 500),
    (LIVING, date(2024, 6, 3), "张岗", GANG, 140),
    (POST, date(2024, 6, 25), "李挂", LI, 800),
    (POST, date(2024, 6, 25), "王老", WANG, 800),
    (TRANSPORT, date(2024, 2, 10), "赵交", ZHAO, 300),
    (TRANSPORT, date(2024, 5, 10), "赵交", ZHAO, 200.01),
    (LIVING, date(2024, 6, 3), "赵交", ZHAO, 141),
    (STABLE, date(2024, 6, 20), "孙稳", SUN, 1000),
    (STABLE, date(2024, 6, 20), "周短", ZHOU, 1000),
    (LIVING, date(2024, 6, 9), "冒名", STRANGER, 100),
    ("吸纳就业补贴", date(2024, 6, 15), "金沙扶贫车间", None, 2000),
    (LIVING, date(2024, 6, 15), "吴走", WU, 100),
]

# (rule, id, name, period, amount at risk or "" for the data-quality rule), in the CLI's order.
EXPECTED = [
    ("一人多岗", GANG, "张岗", "2024-06", "600.00"),
    ("挂岗", WANG, "王老", "2024-06", "800.00"),
    ("挂岗", LI, "李挂", "2024-06", "800.00"),
    ("替岗", WANG, "王老", "2024-06", "800.00"),
    ("交通补贴超标", ZHAO, "赵交", "2024", "0.01"),
    ("生活补贴超标", ZHAO, "赵交", "2024-06", "1.00"),
    ("稳岗补贴未满三个月", ZHOU, "周短", "2024-06", "1000.00"),
    ("发放对象不明", STRANGER, "冒名", "2024-06", "100.00"),
    ("离开后发放", WU, "吴走", "2024-06", "100.00"),
    ("劳动力年龄不符", ZHENG, "郑少", "2024-06", ""),
]
COLUMNS = [
    "rule",
    "id_number",
    "name",
    "period",
    "amount_at_risk",
    "township",
    "site",
    "paid",
    "payments",
    "evidence",
]


def _build(engine: Engine) -> None:
    with Session(engine) as session:
        batch = ImportBatch(
            created_at=datetime(2024, 7, 1, tzinfo=UTC),
            user="test",
            source="import",
            files="t.xlsx",
            formats="test",
        )
        township, site = Township(name=TOWNSHIP), Site(name=SITE)
        session.add_all([batch, township, site])
        session.flush()
        building = Building(site_id=site.id, name="1栋")
        session.add(building)
        session.flush()
        household = Household(
            code="H1",
            site_id=site.id,
            building_id=building.id,
            room="101",
            head_name="张岗",
            township_id=township.id,
        )
        people = {pid: Person(id_number=pid, name=name) for pid, name, *_ in PEOPLE}
        session.add_all([household, *people.values()])
        session.flush()
        for pid, _, capacity, months in PEOPLE:
            for month, (status, employment_type) in months.items():
                session.add(
                    LabourRecord(
                        person_id=people[pid].id,
                        month=month,
                        household_id=household.id,
                        capacity=capacity,
                        status=status,
                        employment_type=employment_type,
                        batch_id=batch.id,
                    )
                )
        for kind, paid_on, name, id_number, yuan in PAYMENTS:
            session.add(
                SubsidyPayment(
                    paid_on=paid_on,
                    kind=kind,
                    payee=id_number or name,
                    name=name if id_number else None,
                    id_number=id_number,
                    employer=None if id_number else name,
                    amount_fen=round(yuan * 100),
                    township_id=township.id,
                    site_id=site.id,
                    batch_id=batch.id,
                )
            )
        session.commit()


def _url(engine: Engine) -> str:
    """A URL the CLI's process can open on the same store (PostgreSQL: the test's own schema)."""
    if engine.dialect.name == "sqlite":
        return str(engine.url)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    options = urllib.parse.quote(f"-csearch_path={schema}")
    return engine.url.render_as_string(hide_password=False) + f"?options={options}"


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_analytics(url, "audit", *args)


def rows(url: str, *args: str) -> list[dict[str, str]]:
    result = run(url, *args, "--format", "csv")
    assert result.returncode == 0, result.stderr
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames == COLUMNS
    return list(reader)


def _masked(id_number: str) -> str:
    return id_number[:4] + "*" * 10 + id_number[-4:]


def test_audit_lists_exactly_the_planted_cases(engine: Engine) -> None:
    _build(engine)
    url = _url(engine)

    full = rows(url, "--full")
    masked = rows(url)

    assert [tuple(r[c] for c in COLUMNS[:5]) for r in full] == EXPECTED
    assert [r["id_number"] for r in masked] == [_masked(pid) for _, pid, *_ in EXPECTED]
    assert {(r["township"], r["site"]) for r in full} == {(TOWNSHIP, SITE)}
    posts = full[0]
    assert (posts["paid"], posts["payments"]) == ("1400.00", "2")
    assert (
        posts["evidence"]
        == "2024-06-05 公益性岗位补贴 600.00 元; 2024-06-25 公益性岗位补贴 800.00 元"
    )
    assert full[1]["evidence"].endswith("台账 2024-06 退休/—/无劳动能力")
    assert full[-1]["paid"] == "" and full[-1]["payments"] == "0"


def test_audit_rule_range_formats_and_usage(engine: Engine) -> None:
    _build(engine)
    url = _url(engine)

    may = rows(url, "--from", "2024-05", "--to", "2024-05", "--full")
    hanging = json.loads(run(url, "--rule", "挂岗", "--format", "json", "--full").stdout)
    table = run(url, "--rule", "劳动力年龄不符")
    wrong = run(url, "--rule", "吃空饷")

    # Only the year's case reaches into May.
    assert [(r["rule"], r["period"]) for r in may] == [("交通补贴超标", "2024")]
    assert [(r["rule"], r["id_number"], r["amount_at_risk"]) for r in hanging] == [
        ("挂岗", WANG, 800.0),
        ("挂岗", LI, 800.0),
    ]
    title = table.stdout.splitlines()[0]
    assert "2024-05 – 2024-06" in title
    assert all(s in title for s in ("500.00", "140.00", "16–65", "3 个月"))
    assert _masked(ZHENG) in table.stdout and ZHENG not in table.stdout
    assert wrong.returncode == 2
    assert "一人多岗" in wrong.stderr and "劳动力年龄不符" in wrong.stderr
