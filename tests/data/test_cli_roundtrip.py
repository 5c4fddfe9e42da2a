"""A ledger file through both command lines: `python -m data import`, then `python -m analytics`.

The expected numbers are counted by hand from the rows below (domain.md definitions).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from stdnum.cn import ric

ROOT = Path(__file__).resolve().parents[2]
HEADER = "统计月份,乡镇(街道),安置点,楼栋,房号,户主姓名,姓名,身份证号,劳动能力,就业状态,就业形式"


def _id(n: int) -> str:
    s17 = f"52242419800101{n:03d}"
    return s17 + ric.calc_check_digit(s17 + "0")


# room 101: 2 labour, 1 employed, plus a student  -> covered
# room 102: 1 labour, unemployed; 1 retiree         -> zero-employment
# room 201 (building 2): 1 weak labour employed, 1 without capacity -> covered
# room 301 (other site): only a student             -> no labour force at all
ROWS = [
    ("龙溪镇", "幸福家园", "1栋", "101", "王一", "王一", 1, "有劳动能力", "已就业", "县内务工"),
    ("龙溪镇", "幸福家园", "1栋", "101", "王一", "王二", 2, "有劳动能力", "未就业", ""),
    ("龙溪镇", "幸福家园", "1栋", "101", "王一", "王三", 3, "有劳动能力", "在校生", ""),
    ("龙溪镇", "幸福家园", "1栋", "102", "李一", "李一", 4, "有劳动能力", "未就业", ""),
    ("龙溪镇", "幸福家园", "1栋", "102", "李一", "李二", 5, "丧失劳动能力", "退休", ""),
    ("岩孔镇", "幸福家园", "2号楼", "201", "张一", "张一", 6, "弱劳动力", "已就业", "公益性岗位"),
    ("岩孔镇", "幸福家园", "2号楼", "201", "张一", "张二", 7, "无劳动能力", "其他", ""),
    ("岩孔镇", "光明小镇", "3", "301", "赵一", "赵一", 8, "有劳动能力", "在校生", ""),
]


def _run(module: str, *args: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.fixture
def imported(tmp_path: Path) -> str:
    ledger = tmp_path / "台账.csv"
    lines = [HEADER] + [",".join(["2020-08", *r[:6], _id(r[6]), *r[7:]]) for r in ROWS]
    ledger.write_bytes("\r\n".join(lines).encode("gbk"))  # as Excel in China saves it
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    done = _run("data", "import", str(ledger), url=url)
    assert done.returncode == 0, done.stderr
    return url


def _rates(url: str, by: str) -> list[dict[str, str]]:
    done = _run("analytics", "rates", "--by", by, "--format", "csv", url=url)
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def test_county_matches_hand_count(imported: str) -> None:
    [county] = _rates(imported, "county")
    assert county["labour_force"] == "4"
    assert county["employed"] == "2"
    assert float(county["employment_rate"]) == pytest.approx(0.5, abs=1e-6)
    assert county["households"] == "3"  # households with labour: 101, 102, 201
    assert county["households_covered"] == "2"
    assert county["zero_employment_households"] == "1"


def test_buildings_match_hand_count(imported: str) -> None:
    rows = {(r["site"], r["building"]): r for r in _rates(imported, "building")}
    assert rows[("幸福家园", "1")]["labour_force"] == "3"
    assert float(rows[("幸福家园", "1")]["employment_rate"]) == pytest.approx(1 / 3, abs=1e-4)
    assert rows[("幸福家园", "2")]["employed"] == "1"  # "2号楼" and "2" are one building
    # A building without labour force has no rate, never a false 0 %.
    assert rows[("光明小镇", "3")]["labour_force"] == "0"
    assert rows[("光明小镇", "3")]["employment_rate"] == ""


def test_reimport_changes_nothing(imported: str, tmp_path: Path) -> None:
    before = _rates(imported, "township")
    ledger = tmp_path / "台账.csv"
    assert _run("data", "import", str(ledger), url=imported).returncode == 0
    assert _rates(imported, "township") == before
