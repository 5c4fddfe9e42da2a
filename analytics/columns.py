"""Each stored table's columns as frames carry them: one declaration per table.

`data.frames` reads the store into these columns and types; analytics takes frames of them and
tests build them from here, so a column is named and typed once. Pure declarations: nothing here
reads the store (`data` imports analytics, never the other way round).
"""

from __future__ import annotations

import polars as pl

# One row per person per reporting month: the labour ledger, joined to its places.
# Repeated text is categorical: 4 bytes a value instead of a 16-byte string view plus its bytes,
# which takes a labour record from 338 to 122 bytes (measured on Parquet reads). ID numbers and
# household codes stay text: as categoricals they would save 500 MiB at a million persons, but
# a million distinct values make polars' category list slow to build, and every process builds
# it on reading the snapshot (4.2 s → 8.4 s at a million persons; 9.4 s → 19.9 s at a province).
# Analytics hands back plain text (`analytics.rates.plain`).
LABOUR_SCHEMA: dict[str, pl.DataType] = {
    "month": pl.Date(),
    "township": pl.Categorical(),
    "village": pl.Categorical(),
    "site": pl.Categorical(),
    "building": pl.Categorical(),
    "unit": pl.Categorical(),
    "room": pl.Categorical(),
    "household": pl.String(),  # household code: 户编号, else "site|building|room"
    "head_name": pl.Categorical(),
    "id_number": pl.String(),
    "name": pl.Categorical(),
    "gender": pl.Categorical(),
    "birth_date": pl.Date(),
    "relation": pl.Categorical(),
    "education": pl.Categorical(),
    "capacity": pl.Categorical(),
    "status": pl.Categorical(),
    "employment_type": pl.Categorical(),
    "employer": pl.Categorical(),
    "work_place": pl.Categorical(),
    "monthly_income": pl.Float64(),
    "wish": pl.Categorical(),
    "training_need": pl.Categorical(),
    "two_after": pl.Boolean(),
    "three_no": pl.Boolean(),
    "monitoring": pl.Categorical(),
    "phone": pl.Categorical(),
}

SUBSIDY_SCHEMA: dict[str, pl.DataType] = {
    "paid_on": pl.Date(),
    "kind": pl.String(),
    "name": pl.String(),
    "id_number": pl.String(),
    "employer": pl.String(),
    "amount": pl.Float64(),  # yuan
    "township": pl.String(),
    "site": pl.String(),
    "note": pl.String(),
}

POSTING_SCHEMA: dict[str, pl.DataType] = {
    "posted_on": pl.Date(),
    "employer": pl.String(),
    "title": pl.String(),
    "work_place": pl.String(),
    "township": pl.String(),
    "vacancies": pl.Int64(),
    "wage_min": pl.Int64(),
    "wage_max": pl.Int64(),
    "skills": pl.String(),
    "source": pl.String(),
}

TRAINING_SCHEMA: dict[str, pl.DataType] = {
    "id_number": pl.String(),
    "name": pl.String(),
    "course": pl.String(),
    "provider": pl.String(),
    "start": pl.Date(),
    "end": pl.Date(),
    "certified": pl.Boolean(),
}

TARGET_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "metric": pl.String(),
    "scope": pl.String(),
    "target": pl.Float64(),
}

SITE_SCHEMA: dict[str, pl.DataType] = {
    "site": pl.String(),
    "township": pl.String(),
    "lon": pl.Float64(),
    "lat": pl.Float64(),
    "planned_buildings": pl.Int64(),
    "planned_households": pl.Int64(),
}

BUILDING_SCHEMA: dict[str, pl.DataType] = {
    "site": pl.String(),
    "building": pl.String(),
    "captain": pl.String(),
    "department": pl.String(),
    "captain_phone": pl.String(),
}

TOWNSHIP_SCHEMA: dict[str, pl.DataType] = {"township": pl.String(), "boundary": pl.String()}

BATCH_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "created_at": pl.Datetime("us", "UTC"),
    "user": pl.String(),
    "source": pl.String(),
    "files": pl.String(),
    "formats": pl.String(),
    "months": pl.String(),
    "rows_read": pl.Int64(),
    "rows_imported": pl.Int64(),
    "rows_replaced": pl.Int64(),
    "rows_rejected": pl.Int64(),
    "note": pl.String(),
    "undone_by": pl.Int64(),  # the undo batch that took this one back
}

# 跟进记录: one row per note, with its household's place.
NOTE_SCHEMA: dict[str, pl.DataType] = {
    "noted_on": pl.Date(),
    "township": pl.String(),
    "site": pl.String(),
    "building": pl.String(),
    "room": pl.String(),
    "household": pl.String(),
    "head_name": pl.String(),
    "author": pl.String(),
    "text": pl.String(),
    "next_step": pl.String(),
    "recorded_at": pl.Datetime("us", "UTC"),
    "user": pl.String(),
    "batch_id": pl.Int64(),
}

# Hand edits of labour records (状态更新), one row per changed field: who, when, old → new.
EDIT_SCHEMA: dict[str, pl.DataType] = {
    "edited_at": pl.Datetime("us", "UTC"),
    "user": pl.String(),
    "month": pl.Date(),
    "township": pl.String(),
    "site": pl.String(),
    "building": pl.String(),
    "room": pl.String(),
    "id_number": pl.String(),
    "name": pl.String(),
    "field": pl.String(),
    "old_value": pl.String(),
    "new_value": pl.String(),
    "batch_id": pl.Int64(),
}

# 工单: the stored owner, due date, state and note of a subject (data.casework, analytics.casework),
# with who changed it last and when, and when its state was last set.
CASE_WORK_SCHEMA: dict[str, pl.DataType] = {
    "kind": pl.String(),  # audit | household | person
    "rule": pl.String(),
    "subject": pl.String(),  # ID number (audit, person) or household code
    "period": pl.String(),
    "state": pl.String(),
    "owner": pl.String(),
    "due": pl.Date(),
    "note": pl.String(),
    "township": pl.String(),  # the subject's place when it was last written
    "site": pl.String(),
    "building": pl.String(),
    "changed_at": pl.Datetime("us", "UTC"),
    "changed_by": pl.String(),
    "state_changed_at": pl.Datetime("us", "UTC"),
    "batch_id": pl.Int64(),
}
