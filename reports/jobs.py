"""岗位与培训 (pages/jobs.py), and `python -m analytics jobs | training | two-after`.

Seekers, earners, trainees and youth are people: these numbers read the person rows of the
township chosen (all of the viewer's without one). Postings are public notices: a township cuts
the people, never the postings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from analytics.drill import Place
from analytics.jobs import (
    in_townships,
    jobs_report,
    trainees_of,
    training_outcomes,
    two_after_summary,
    two_after_youth,
    vacancies_by_month,
    vacancies_per_seeker,
    wages_vs_incomes,
)
from data.frames import Frames


def people_of(data: Frames, township: str | None) -> pl.LazyFrame:
    """The ledger rows of `township` (of origin), every row without one: a scan, of which each
    view reads the months and columns it needs."""
    rows = data.labour_scan()
    return rows if township is None else rows.filter(Place(township=township).filter())


def jobs_numbers(data: Frames, township: str | None, month: date) -> dict[str, pl.DataFrame]:
    """Everything the page shows of `township` in `month` (`analytics.jobs.jobs_report`)."""
    return jobs_report(data.labour_scan(), data.training, data.postings, month, township)


def vacancies(data: Frames, month: date, by: Sequence[str], township: str | None) -> pl.DataFrame:
    """Vacancies per job seeker of `township` per `by` in `month`: with `by` holding township,
    that township's row alone."""
    rows = vacancies_per_seeker(people_of(data, township), data.postings, month, by)
    if township is not None and "township" in by:
        rows = in_townships(rows, [township])
    return rows


def vacancy_trend(data: Frames, by: Sequence[str], township: str | None) -> pl.DataFrame:
    """`vacancies` in every month of the ledger."""
    return vacancies_by_month(people_of(data, township), data.postings, by)


def wages(data: Frames, month: date, township: str | None) -> pl.DataFrame:
    """Posted wages against the incomes of `township`'s employed, per category."""
    return wages_vs_incomes(people_of(data, township), data.postings, month)


def training(data: Frames, month: date, township: str | None) -> pl.DataFrame:
    """Trainees (of `township`, when given) per course and provider, and what they went on to."""
    courses = data.training
    if township is not None:
        courses = trainees_of(courses, people_of(data, township))
    return training_outcomes(courses, data.labour_scan(), month)


def two_after(
    data: Frames, month: date, by: Sequence[str], township: str | None, listed: bool = False
) -> pl.DataFrame:
    """The two-after youth of `township` per status and `by`, or with `listed` every one."""
    people = people_of(data, township)
    if listed:
        return two_after_youth(people, month)
    return two_after_summary(people, month, by)
