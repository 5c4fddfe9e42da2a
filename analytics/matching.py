"""Who to help (因人荐岗): open job postings matched to unemployed labour-force members.

Matching scores every pair of a job seeker and an open posting, so it is a cross join: meant for
one building or township (a few hundred seekers × a few hundred postings), not for a whole
county's ledger at once.

A posting is *open* on `as_of` when it was posted on one of the 90 days up to and including
`as_of` (as_of − 90 days ≤ posted_on ≤ as_of) and still has vacancies (vacancies > 0).

Points of a (seeker, posting) pair:

| criterion                                                     | points                |
|---------------------------------------------------------------|-----------------------|
| the posting fits the wish: 外出务工 → a county-outside posting; | 3                     |
| 就近就业 → an in-county posting; 公益性岗位 → a public-welfare    |                       |
| post (自主创业, 暂无意愿 or no wish: nothing fits, nothing lost)   |                       |
| 三无 person and a public-welfare post                           | 3                     |
| each training-need keyword found in the posting's skills/title | 2                     |
| wage_max / 100,000 yuan, at most 0.99                          | < 1, a tie-breaker    |

Postings carry no employment type, so their place decides it: *in county* when the posting
names a township, or its work place starts with 县 (县经济开发区, 县城…) or names the county or a
township of any posting; *outside the county* when it names another place; a *public-welfare
post* by its title (保洁, 护林, 公益…). Out of province and in province but out of county cannot
be told apart without the province's place list: both are "县外".
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from analytics.columns import POSTING_SCHEMA
from analytics.domain import STATUS_UNEMPLOYED
from analytics.rates import labour_force_mask, plain

OPEN_DAYS = 90
WISH_POINTS = 3
THREE_NO_POINTS = 3
SKILL_POINTS = 2
# Wages only break ties: divided so that no wage outweighs a single point.
WAGE_DIVISOR = 100_000
WAGE_CAP = 0.99
# Titles of public-welfare posts (公益性岗位, 十大员, 三保四护). Not 保安: firms hire guards too.
PUBLIC_WELFARE_TITLE_WORDS = ("公益", "保洁", "护林", "护河", "护路", "管护", "协管", "楼层管理")
# A one-character keyword (电, 工) would match nearly every posting.
MIN_KEYWORD_LENGTH = 2

SEEKER_SCHEMA: dict[str, pl.DataType] = {
    "site": pl.String(),
    "building": pl.String(),
    "room": pl.String(),
    "household": pl.String(),
    "name": pl.String(),
    "id_number": pl.String(),
    "gender": pl.String(),
    "birth_date": pl.Date(),
    "wish": pl.String(),
    "training_need": pl.String(),
    "three_no": pl.Boolean(),
    "two_after": pl.Boolean(),
}

_POSTING_COLUMNS = POSTING_SCHEMA  # every column of a posting rides along with its match

MATCH_SCHEMA: dict[str, pl.DataType] = {
    **SEEKER_SCHEMA,
    "rank": pl.Int64(),
    **_POSTING_COLUMNS,
    "score": pl.Float64(),
    "reason": pl.String(),
}

_POSTING_KEY = ("posted_on", "employer", "title")
_PERSON_COLUMNS = ("site", "building", "room", "household", "name", "id_number")
SUITABLE_SCHEMA: dict[str, pl.DataType] = {
    **{c: _POSTING_COLUMNS[c] for c in (*_POSTING_KEY, "work_place", "vacancies")},
    **{c: SEEKER_SCHEMA[c] for c in (*_PERSON_COLUMNS, "wish", "training_need")},
    "rank": pl.Int64(),
    "score": pl.Float64(),
    "reason": pl.String(),
}


def job_seeker_mask() -> pl.Expr:
    """True for job seekers: unemployed (未就业) labour-force members."""
    return labour_force_mask() & (pl.col("status") == STATUS_UNEMPLOYED).fill_null(False)


def job_seekers(labour: pl.DataFrame, month: date) -> pl.DataFrame:
    """The unemployed (未就业) labour-force members of `month`, by site, building and room."""
    return plain(
        labour.filter((pl.col("month") == month.replace(day=1)) & job_seeker_mask())
        .select(list(SEEKER_SCHEMA))
        # By name before the ID number: a list in ID order would tell what a masked ID hides.
        .sort("site", "building", "room", "name", "id_number", nulls_last=True)
    )


def match_postings(
    seekers: pl.DataFrame,
    postings: pl.DataFrame,
    *,
    as_of: date,
    top: int = 3,
    county: str | None = None,
) -> pl.DataFrame:
    """The best `top` open postings for every seeker, best first, with the reason for each.

    One row per (seeker, posting), columns `MATCH_SCHEMA`; scoring in the module docstring.
    Equal scores go to the newer posting, then by employer and title. `county` (e.g. 金沙县)
    marks work places that name it as in county.
    """
    offers = open_postings(postings, as_of).select(list(_POSTING_COLUMNS))
    pairs = (
        seekers.select(list(SEEKER_SCHEMA))
        .join(with_place(offers, county), how="cross")
        .with_row_index("pair")
    )
    scored = pairs.join(_matched_skills(pairs), on="pair", how="left").with_columns(
        _points().alias("score")
    )
    return (
        scored.sort(
            ["id_number", "score", "posted_on", "employer", "title"],
            descending=[False, True, True, False, False],
            nulls_last=True,
        )
        .with_columns(rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("id_number"))
        .filter(pl.col("rank") <= top)
        .with_columns(reason=_reason())
        .select([pl.col(c).cast(t) for c, t in MATCH_SCHEMA.items()])
        .sort("site", "building", "room", "name", "id_number", "rank", nulls_last=True)
    )


def suitable_people(matches: pl.DataFrame) -> pl.DataFrame:
    """The other direction: per posting (newest first), the people it was matched to, best first.

    `rank` stays the posting's rank among that person's matches.
    """
    return matches.select(list(SUITABLE_SCHEMA)).sort(
        ["posted_on", "employer", "title", "score", "rank", "site", "building", "room"],
        descending=[True, False, False, True, False, False, False, False],
        nulls_last=True,
    )


def open_postings(postings: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The postings open on `as_of`: posted on one of the 90 days up to it, vacancies left."""
    return postings.filter(
        pl.col("posted_on").is_between(as_of - timedelta(days=OPEN_DAYS), as_of)
        & (pl.col("vacancies") > 0)
    )


def with_place(postings: pl.DataFrame, county: str | None = None) -> pl.DataFrame:
    """`postings` with booleans `in_county`, `outside_county` and `public_welfare` (module
    docstring). Township names come from `postings` itself: pass the postings being compared."""
    townships = postings.get_column("township").drop_nulls().unique().sort().to_list()
    names = [*townships, *([county] if county else [])]
    place = pl.col("work_place")
    in_county = (
        pl.col("township").is_not_null()
        | place.str.starts_with("县")
        | (place.str.contains_any(names) if names else pl.lit(False))
    ).fill_null(False)
    return postings.with_columns(
        in_county=in_county,
        outside_county=place.is_not_null() & ~in_county,
        public_welfare=pl.col("title")
        .str.contains_any(PUBLIC_WELFARE_TITLE_WORDS)
        .fill_null(False),
    )


def _matched_skills(pairs: pl.DataFrame) -> pl.DataFrame:
    """Per pair, the training-need keywords found in the posting's skills or title."""
    keywords = (
        pl.col("training_need")
        .str.replace_all(r"[、,，/\s]+", " ")
        .str.strip_chars()
        .str.split(" ")
    )
    posting_text = pl.concat_str("skills", "title", separator=" ", ignore_nulls=True)
    return (
        pairs.select("pair", keyword=keywords, text=posting_text)
        .explode("keyword")
        .filter(
            (pl.col("keyword").str.len_chars() >= MIN_KEYWORD_LENGTH)
            & pl.col("text").str.contains(pl.col("keyword"), literal=True)
        )
        .group_by("pair")
        .agg(skills_hit=pl.col("keyword").unique(maintain_order=True))
    )


def _wish_fits() -> pl.Expr:
    wish = pl.col("wish")
    return (
        pl.when(wish == "外出务工")
        .then(pl.col("outside_county"))
        .when(wish == "就近就业")
        .then(pl.col("in_county"))
        .when(wish == "公益性岗位")
        .then(pl.col("public_welfare"))
        .otherwise(False)
        .fill_null(False)
    )


def _three_no_welfare() -> pl.Expr:
    return pl.col("three_no").fill_null(False) & pl.col("public_welfare")


def _points() -> pl.Expr:
    wage = (pl.col("wage_max").fill_null(0) / WAGE_DIVISOR).clip(0, WAGE_CAP)
    return (
        _wish_fits().cast(pl.Float64) * WISH_POINTS
        + _three_no_welfare().cast(pl.Float64) * THREE_NO_POINTS
        + pl.col("skills_hit").list.len().fill_null(0) * SKILL_POINTS
        + wage
    )


def _reason() -> pl.Expr:
    """A short Chinese phrase: wish and place, 三无, skills, wage; parts joined with ；."""
    place = (
        pl.when(pl.col("public_welfare"))
        .then(pl.lit("公益性岗位"))
        .when(pl.col("in_county"))
        .then(pl.lit("县内岗位"))
        .when(pl.col("outside_county"))
        .then(pl.lit("县外岗位"))
        .otherwise(pl.lit("地点不详"))
    )
    wish = pl.col("wish")
    wish_part = (
        pl.when(wish == "自主创业")
        .then(pl.lit("意愿自主创业·无对应岗位"))
        .when(wish.is_in(["外出务工", "就近就业", "公益性岗位"]))
        .then(pl.concat_str(pl.lit("意愿"), wish, pl.lit("·"), place))
        .otherwise(place)
    )
    three_no = pl.when(_three_no_welfare()).then(pl.lit("三无人员优先公益性岗位"))
    skills = pl.when(pl.col("skills_hit").list.len() > 0).then(
        pl.concat_str(pl.lit("技能匹配："), pl.col("skills_hit").list.join("、"))
    )
    low, high = _yuan("wage_min"), _yuan("wage_max")
    wage = (
        pl.when(pl.col("wage_min").is_not_null() & pl.col("wage_max").is_not_null())
        .then(
            pl.when(pl.col("wage_min") == pl.col("wage_max"))
            .then(pl.concat_str(pl.lit("月薪 "), low, pl.lit(" 元")))
            .otherwise(pl.concat_str(pl.lit("月薪 "), low, pl.lit("–"), high, pl.lit(" 元")))
        )
        .when(pl.col("wage_min").is_not_null())
        .then(pl.concat_str(pl.lit("月薪 "), low, pl.lit(" 元起")))
        .when(pl.col("wage_max").is_not_null())
        .then(pl.concat_str(pl.lit("月薪最高 "), high, pl.lit(" 元")))
    )
    return pl.concat_list(wish_part, three_no, skills, wage).list.drop_nulls().list.join("；")


def _yuan(column: str) -> pl.Expr:
    """A monthly wage with a thousands separator (3,500); wages stay below a million."""
    value = pl.col(column)
    thousands = pl.concat_str(
        (value // 1000).cast(pl.String), pl.lit(","), (value % 1000).cast(pl.String).str.zfill(3)
    )
    return pl.when(value >= 1000).then(thousands).otherwise(value.cast(pl.String))
