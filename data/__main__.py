"""`python -m data init | demo | import | history | undo | user | export`: the store."""

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
    """Write the new data version's frames snapshot and its audit cases now, so no viewer
    waits for them."""
    from data.audit_cases import prepare_version

    started = time.perf_counter()
    prepare_version(engine)
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

    undo = sub.add_parser("undo", help="take back one batch of the history (an import, an edit)")
    undo.add_argument("batch_id", type=int, metavar="BATCH_ID")
    undo.add_argument("--user", default="cli", help="who undoes (recorded in the history)")

    user = sub.add_parser("user", help="manage who may sign in (accounts, roles, places)")
    users = user.add_subparsers(dest="user_command", required=True)
    add = users.add_parser("add", help="create a user; asks for the password")
    add.add_argument("username")
    add.add_argument("--role", required=True, help="leader|analyst|township|captain|clerk|admin")
    add.add_argument("--name", help="display name (default: the user name)")
    add.add_argument("--township", action="append", default=[], help="a township officer's")
    add.add_argument("--site", action="append", default=[], help="a captain's whole site")
    add.add_argument(
        "--building", action="append", default=[], metavar="SITE/BUILDING", help="a captain's"
    )
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin, not a prompt"
    )
    passwd = users.add_parser("passwd", help="set a new password (ends the user's sessions)")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true")
    places = users.add_parser("places", help="give a township officer or captain new places")
    places.add_argument("username")
    places.add_argument("--township", action="append", default=[])
    places.add_argument("--site", action="append", default=[])
    places.add_argument("--building", action="append", default=[], metavar="SITE/BUILDING")
    users.add_parser("list", help="list users with role, places and state")
    disable = users.add_parser("disable", help="stop a user from signing in (sessions end)")
    disable.add_argument("username")
    enable = users.add_parser("enable", help="let a disabled user sign in again")
    enable.add_argument("username")
    users.add_parser("demo", help="create the demo accounts, one per role (when missing)")
    users.add_parser("remove-demo", help="delete the demo accounts")

    export = sub.add_parser("export", help="write reports from the store")
    what = export.add_subparsers(dest="export", required=True)
    pack = what.add_parser(
        "pack",
        help="the captains' meeting pack (summary page and member roll per building, or Excel)",
    )
    pack.add_argument("--site", required=True)
    pack.add_argument("--building", help="one building (default: every building of the site)")
    pack.add_argument("--month", type=_month, help="YYYY-MM (default: the latest in the ledger)")
    pack.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.xlsx")
    rosters = what.add_parser(
        "rosters", help="一库六册: the six rosters of a month, one workbook, one sheet each"
    )
    rosters.add_argument("--month", type=_month, help="YYYY-MM (default: the latest)")
    place = rosters.add_mutually_exclusive_group()
    place.add_argument("--township")
    place.add_argument("--site")
    rosters.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    rosters.add_argument(
        "--full", action="store_true", help="full ID numbers and phones (default: masked)"
    )
    return parser


def _export_pack(engine, args: argparse.Namespace) -> int:
    """Write the meeting pack; anything that cannot be packed is said on stderr, exit 2."""
    import polars as pl

    from analytics.building import roster
    from data.audit import record_event
    from data.frames import load_frames
    from ui.format import fmt_month

    def refuse(message: str) -> int:
        print(message, file=sys.stderr)
        return 2

    kind = args.out.suffix.lower()
    if kind not in (".pdf", ".xlsx"):
        return refuse(f"只能导出 .pdf 或 .xlsx / --out must end in .pdf or .xlsx: {args.out}")
    frames = load_frames(engine)
    if frames.labour.is_empty():
        return refuse("库中没有台账数据 / the store holds no labour records")
    buildings = roster(frames.buildings, frames.labour)
    in_site = buildings.filter(pl.col("site") == args.site).get_column("building").to_list()
    if not in_site:
        known = ", ".join(buildings.get_column("site").unique(maintain_order=True))
        return refuse(f"没有安置点 {args.site} / no site {args.site} (有 / known: {known})")
    if args.building is not None and args.building not in in_site:
        return refuse(
            f"{args.site} 没有楼栋 {args.building} / {args.site} has no building {args.building}"
            f" (有 / known: {', '.join(in_site)})"
        )
    month = args.month or frames.labour.get_column("month").max()
    here = (pl.col("site") == args.site) & (pl.col("month") == month)
    if args.building is not None:
        here &= pl.col("building") == args.building
    if frames.labour.filter(here).is_empty():
        place = " ".join(filter(None, [args.site, args.building]))
        when = f"{fmt_month(month)} 没有 {place} 的台账数据"
        return refuse(f"{when} / no labour records for {place} in {month:%Y-%m}")

    from ui.pack import FontMissing, pack_pdf, pack_xlsx, site_reviews

    reviews = site_reviews(frames, args.site, month, args.building)
    if kind == ".pdf":
        try:
            content = pack_pdf(reviews)
        except FontMissing as exc:
            print(exc, file=sys.stderr)
            return 1
        what = f"{len(reviews)} 页 / pages"
    else:
        content = pack_xlsx(reviews)
        what = "Excel"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(content)
    # On record like every other file that leaves the store (masked: the pack has no --full).
    record_event(engine, "cli", "export", f"月例会材料 {args.site} {month:%Y-%m} → {args.out.name}")
    print(f"{args.site} {fmt_month(month)}: {len(reviews)} 栋 / buildings, {what} → {args.out}")
    return 0


def _export_rosters(engine, args: argparse.Namespace) -> int:
    """一库六册 as one workbook; a place or month without records is said on stderr, exit 2."""
    import polars as pl

    from analytics.rosters import rosters
    from data.audit import record_event
    from data.export import ROSTER_SHEETS, rosters_workbook
    from data.frames import Scope, load_frames

    if args.out.suffix.lower() != ".xlsx":
        print(f"只能导出 .xlsx / --out must end in .xlsx: {args.out}", file=sys.stderr)
        return 2
    labour = load_frames(engine).labour
    if args.township or args.site:
        scope = Scope(
            townships=frozenset([args.township] if args.township else []),
            sites=frozenset([args.site] if args.site else []),
        )
        labour = labour.filter(scope.place_filter())
    month = args.month or labour.get_column("month").max()
    if month is None or labour.filter(pl.col("month") == month).is_empty():
        place = args.township or args.site or "全县"
        print(f"{place} 没有该月的台账数据 / no labour records there", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(rosters_workbook(labour, month, full=args.full))
    for name, frame in rosters(labour, month).items():
        print(f"{ROSTER_SHEETS[name]}: {frame.height:,}")
    what = f"一库六册 {month:%Y-%m} {args.township or args.site or '全县'} → {args.out.name}"
    record_event(engine, "cli", "export_full" if args.full else "export", what)
    print(f"→ {args.out}")
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("密码 / password: ")
    if getpass.getpass("再输一次 / again: ") != first:
        raise SystemExit("两次输入的密码不一致 / the passwords differ")
    return first


def _user(engine, args: argparse.Namespace) -> int:
    """`python -m data user …`: an error is said on stderr with exit 2, nothing changed."""
    from data import accounts

    try:
        buildings = []
        for text in getattr(args, "building", []):
            site, sep, building = text.partition("/")
            if not sep or not site.strip() or not building.strip():
                raise accounts.AccountError(
                    f"楼栋须写作 安置点/楼栋：{text}",
                    f"write a building as SITE/BUILDING: {text}",
                )
            buildings.append((site.strip(), building.strip()))
        if args.user_command == "places":
            accounts.set_places(
                engine,
                args.username,
                townships=tuple(args.township),
                sites=tuple(args.site),
                buildings=tuple(buildings),
            )
            print(f"范围已更新 / places set: {args.username}")
        elif args.user_command == "add":
            accounts.add_user(
                engine,
                args.username,
                role=args.role,
                display_name=args.name,
                password=_password(args),
                townships=tuple(args.township),
                sites=tuple(args.site),
                buildings=tuple(buildings),
            )
            print(f"用户已创建 / user created: {args.username} ({args.role})")
        elif args.user_command == "passwd":
            accounts.set_password(engine, args.username, _password(args))
            print(f"密码已更新 / password changed: {args.username}")
        elif args.user_command in ("disable", "enable"):
            accounts.set_disabled(engine, args.username, args.user_command == "disable")
            print(f"{args.user_command}d: {args.username}")
        elif args.user_command == "demo":
            created = accounts.ensure_demo_accounts(engine)
            print(f"演示账号 / demo accounts created: {', '.join(created) or '—'}")
            if not accounts.demo_store(engine):
                # `make run` on a county's store: the demo accounts have no business there.
                removed = accounts.remove_demo_accounts(engine)
                print(
                    "库中有演示县以外的数据，不提供演示登录；已删除演示账号 / the store holds more"
                    f" than the demo county: no demo sign-in; demo accounts removed: {removed}"
                )
        elif args.user_command == "remove-demo":
            print(
                f"已删除演示账号 / demo accounts removed: {accounts.remove_demo_accounts(engine)}"
            )
        else:
            import polars as pl

            with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=60):
                print(accounts.list_users(engine))
    except accounts.AccountError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


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
        # Wide: with undone_by the columns no longer fit 100 characters, and names got cut.
        with __import__("polars").Config(
            tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200
        ):
            print(batches)
        return 0

    if args.command == "undo":
        from data.undo import undo_batch

        result = undo_batch(engine, args.batch_id, user=args.user)
        print(result.report(), file=sys.stdout if result.ok else sys.stderr)
        return _prepare_frames(engine) if result.ok else 1

    if args.command == "user":
        return _user(engine, args)

    if args.command == "export" and args.export == "rosters":
        return _export_rosters(engine, args)
    if args.command == "export":
        return _export_pack(engine, args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
