"""The whole store's audit cases (`analytics.audit.cases`), kept beside its frames' snapshot
in a file per standards: worked out once per data version and standards, by the import
(`python -m data import`, with the standards in force) or the first process to ask, and read
by every other worker. A province's audit reads millions of person-months; its file, a few
thousand cases.

A scope's cut is audited on its own frames, as before: a payee outside a township's people is
a case of that township's audit, not of the county's.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
from pathlib import Path

import polars as pl
from sqlalchemy.engine import Engine

import analytics.audit
import analytics.domain
from analytics import rates
from analytics.audit import CASE_SCHEMA, Standards, cases
from data.frames import Frames, load_frames, write_frame
from data.standards import load_standards


def audit_cases(frames: Frames, standards: Standards) -> pl.DataFrame:
    """Every case of `frames` under `standards` (`analytics.audit.cases`, all months)."""
    folder = frames.snapshot
    if folder is None:
        return _audit(frames, standards)
    path = folder / f"audit-{_fingerprint(standards)}.parquet"
    try:
        return pl.read_parquet(path)
    except FileNotFoundError:
        pass
    found = _audit(frames, standards)
    # Written beside, then renamed: a reader finds the whole file or none. Two processes
    # that miss it at once both work it out, and the second rename replaces an equal file.
    partial = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}")
    try:
        write_frame(found, partial)
        os.replace(partial, path)
    except OSError:  # the snapshot went (a newer version's clean-up), or the disk is full
        partial.unlink(missing_ok=True)
    return found


def prepare_version(engine: Engine) -> Frames:
    """The store's frames and their audit cases under the standards in force, worked out now
    (after an import or an undo) so that no viewer waits for them."""
    frames = load_frames(engine)
    audit_cases(frames, load_standards(engine))
    return frames


def _audit(frames: Frames, standards: Standards) -> pl.DataFrame:
    return cases(frames.labour_scan(), frames.subsidies, standards).cast(CASE_SCHEMA)


# The rules' code, and what they read of the domain: a release that changes a rule never reads
# the cases an older one kept in a snapshot it reuses.
_RULES_CODE = hashlib.sha256(
    b"".join(Path(m.__file__).read_bytes() for m in (analytics.audit, analytics.domain, rates))
).hexdigest()


def _fingerprint(standards: Standards) -> str:
    text = repr((sorted(dataclasses.asdict(standards).items()), _RULES_CODE))
    return hashlib.sha256(text.encode()).hexdigest()[:12]
