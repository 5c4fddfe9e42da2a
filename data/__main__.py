"""`python -m data init | demo | import | history`: the store from the command line."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from data.store import data_version, database_url, get_engine, init_store


def _month(text: str):
    from data.ledger import parse_month

    month = parse_month(text)
    if month is None:
        raise argparse.ArgumentTypeError(f"不是月份 / not a month: {text!r} (YYYY-MM)")
    return month


def _prepare_frames(engine) -> int:
    """Write the new data version's frames snapshot now, so no viewer waits for it."""
    from data.frames import load_frames

    started = time.perf_counter()
    load_frames(engine)
    seconds = time.perf_counter() - started
    print(f"frames ready (data version {data_version(engine)}, {seconds:.1f} s)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line: one subcommand per task."""
    parser = argparse.ArgumentParser(prog="python -m data", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("init", help="create the store's tables (safe to repeat)")

    demo = sub.add_parser("demo", help="build the demo county and load it through the importer")
    demo.add_argument("--seed", type=int, default=2020)
    demo.add_argument("--scale", type=int, default=None, help="number of persons (default ~17,000)")
    demo.add_argument("--months", type=int, default=24, help="monthly reports (default 24)")
    demo.add_argument("--out", type=Path, default=None, help="where to write the ledger files")
    demo.add_argument(
        "--if-empty", action="store_true", help="do nothing when the store already holds data"
    )

    imp = sub.add_parser("import", help="import ledger files (xlsx, xls, csv, geojson)")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--month", type=_month, help="reporting month for rows without one")
    imp.add_argument(
        "--keep-valid",
        type=Path,
        metavar="REJECTS.xlsx",
        help="import the valid rows and write the rejected ones to this workbook",
    )
    imp.add_argument("--user", default="cli", help="who imports (recorded in the history)")

    sub.add_parser("history", help="list past imports")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    engine = get_engine()
    init_store(engine)

    if args.command == "init":
        print(f"store ready: {database_url()} (data version {data_version(engine)})")
        return 0

    if args.command == "demo":
        from data.demo import build_demo

        if args.if_empty and data_version(engine) > 0:
            print("store already holds data; demo not loaded")
            return 0
        result = build_demo(
            engine, seed=args.seed, scale=args.scale, months=args.months, out_dir=args.out
        )
        print(result.report())
        return _prepare_frames(engine) if result.ok else 1

    if args.command == "import":
        from data.importer import import_files

        missing = [str(f) for f in args.files if not f.is_file()]
        if missing:
            print(f"文件不存在 / no such file: {', '.join(missing)}", file=sys.stderr)
            return 2
        result = import_files(
            engine, args.files, month=args.month, keep_valid=args.keep_valid, user=args.user
        )
        print(result.report(), file=sys.stdout if result.ok else sys.stderr)
        return _prepare_frames(engine) if result.ok else 1

    if args.command == "history":
        from data.frames import load_frames

        batches = load_frames(engine).batches
        with __import__("polars").Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=60):
            print(batches)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
