"""Accounts, roles and sign-in: who may see and change what.

Passwords are hashed with argon2 (argon2-cffi); a password equal to the user name or on the list
of common passwords (data/common_passwords.txt) is refused. Repeated failed sign-ins for one
user name lock that name for a while, with the same message whether or not the user exists; an
administrator's password reset lifts the lock. Past GLOBAL_MAX_FAILURES failures a minute across
all names, failures are no longer listed one by one in the audit log (one `sign_in_throttled`
event says so), so a flood of guessed names cannot push real events out of it; the right
password still signs in, so nobody can lock the administrator out by flooding. A signed-in
browser holds a random token; the store keeps only its hash, so a stolen store cannot sign
anyone in.

A user's `Scope` comes from the role: county roles see the whole county; township officers and
building captains see the places listed for them, and nothing when none is listed (default deny).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.engine import Engine

from data.audit import record
from data.frames import Scope
from data.store import (
    AuditEvent,
    Building,
    Household,
    ImportBatch,
    SignInFailure,
    Site,
    Township,
    UserAccount,
    UserScope,
    UserSession,
    init_store,
)

ROLES = ("leader", "analyst", "township", "captain", "clerk", "admin")
# Pages by role: a page left out is absent from the navigation and unreachable by URL. The first
# is the landing page, where "/" leads (ui/shell.py): the overview
# for every role but the captain, whose own building's review is the landing page (the county
# layout cut to one building told a captain nothing), followed by the meeting mode.
# The analyst workbench; a township officer gets it for their own townships. The SQL console is
# for county analysts and administrators only.
ANALYSIS_PAGES = ("explore", "rosters", "jobs", "income")
PAGES: dict[str, tuple[str, ...]] = {
    "leader": ("overview", "subsidies", "building", "present"),
    "analyst": (
        "overview",
        "subsidies",
        "building",
        "present",
        *ANALYSIS_PAGES,
        "compliance",
        "casework",
        "query",
        "imports",
    ),
    "township": (
        "overview",
        "subsidies",
        "building",
        "present",
        *ANALYSIS_PAGES,
        "compliance",
        "casework",
    ),
    "captain": ("building", "meeting"),
    "clerk": ("overview", "upload", "imports"),
    "admin": (
        "overview",
        "subsidies",
        "building",
        "meeting",
        "present",
        *ANALYSIS_PAGES,
        "compliance",
        "casework",
        "query",
        "upload",
        "imports",
        "users",
        "audit",
    ),
}
COUNTY_ROLES = frozenset({"leader", "analyst", "clerk", "admin"})
# Excel and PDF downloads; a captain gets the meeting pack of their own buildings.
EXPORT_ROLES = frozenset({"analyst", "admin", "captain"})
# May switch personal data to full view (each full-view export is recorded).
FULL_VIEW_ROLES = frozenset({"analyst", "admin"})
# May record status updates and follow-up notes (within their scope).
EDIT_ROLES = frozenset({"captain", "admin"})
# Throttling: this many failures for one user name within the window lock it for the window.
MAX_FAILURES = 5
LOCK_WINDOW = dt.timedelta(minutes=15)
# The global limit: past this many failures within the window, whatever the names, further
# failures are counted (for the locks) but not listed in the audit log one by one. A flood of
# about 8 a second reaches it within 4 seconds; a county's staff mistyping never does.
GLOBAL_MAX_FAILURES = 30
GLOBAL_WINDOW = dt.timedelta(minutes=1)
# A signed-in browser lapses after this long without use, and after the absolute limit anyway.
IDLE_LIMIT = dt.timedelta(hours=2)
SESSION_LIMIT = dt.timedelta(hours=12)
MIN_PASSWORD = 8
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
DEMO_NAMES = {
    "leader": "演示·县领导",
    "analyst": "演示·分析员",
    "township": "演示·乡镇干部",
    "captain": "演示·楼长",
    "clerk": "演示·录入员",
    "admin": "演示·管理员",
}

# Core tables: rows read through a plain connection, with attribute access by column name.
_USERS = UserAccount.__table__
_PLACES = UserScope.__table__
_SESSIONS = UserSession.__table__
_FAILURES = SignInFailure.__table__
_hasher = PasswordHasher()
# Verified against when the user name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class Account:
    """A signed-in user as the app sees them."""

    username: str
    display_name: str
    role: str
    scope: Scope
    demo: bool = False

    def may(self, page: str) -> bool:
        return page in PAGES.get(self.role, ())

    @property
    def may_export(self) -> bool:
        return self.role in EXPORT_ROLES

    @property
    def may_see_full(self) -> bool:
        return self.role in FULL_VIEW_ROLES

    @property
    def may_edit(self) -> bool:
        return self.role in EDIT_ROLES


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: `locked_until` is set when the name is locked,
    `throttled` when the global limit held (the attempt failed all the same)."""

    account: Account | None
    locked_until: dt.datetime | None = None
    throttled: bool = False


# What demo accounts may write without the store ceasing to be the demo's: status updates,
# follow-up notes, casework and undoing them. Any import that is not the demo's own (a ledger, a
# roster, a boundary file; even one undone later) makes it a county's store for good.
_DEMO_WRITES = ("edit", "note", "case", "undo")


class AccountError(ValueError):
    """A user command that cannot be done, with the reason in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@cache
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip()[:1] not in ("", "#"))


def check_password(password: str, username: str | None = None) -> None:
    """Refuse a password that is short, the user name itself, or a common one (AccountError)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            f"密码至少 {MIN_PASSWORD} 位", f"a password needs at least {MIN_PASSWORD} characters"
        )
    if username is not None and password.strip().lower() == username.strip().lower():
        raise AccountError("密码不能与用户名相同", "the password must not be the user name")
    if password.strip().lower() in _common_passwords():
        raise AccountError(
            "这是常见密码，容易被猜中，请换一个（可用几个词加数字）",
            "this is a common password, easily guessed: choose another (a few words and digits)",
        )


def hash_password(password: str, username: str | None = None) -> str:
    """An argon2id hash of `password`, once `check_password` accepts it."""
    check_password(password, username)
    return _hasher.hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def add_user(
    engine: Engine,
    username: str,
    *,
    role: str,
    display_name: str | None = None,
    password: str | None = None,
    townships: tuple[str, ...] = (),
    sites: tuple[str, ...] = (),
    buildings: tuple[tuple[str, str], ...] = (),
    demo: bool = False,
    by: str = "cli",
) -> None:
    """Create a user. Township officers need townships; captains need buildings or sites."""
    username = username.strip()
    if not username:
        raise AccountError("用户名不能为空", "the user name is empty")
    if role not in ROLES:
        raise AccountError(
            f"没有角色 {role}（可用：{'、'.join(ROLES)}）",
            f"no role {role!r} (known: {', '.join(ROLES)})",
        )
    if role == "township" and not townships:
        raise AccountError("乡镇干部须指定乡镇", "a township officer needs a township")
    if role == "captain" and not (buildings or sites):
        raise AccountError(
            "楼长须指定楼栋（或整个安置点）", "a captain needs a building (or a whole site)"
        )
    password_hash = hash_password(password, username) if password is not None else None
    init_store(engine)
    with engine.begin() as conn:
        _refuse_demo_manager(conn, by)
        if conn.execute(select(UserAccount.id).where(UserAccount.username == username)).first():
            raise AccountError(f"用户 {username} 已存在", f"user {username!r} already exists")
        user_id = conn.execute(
            insert(UserAccount)
            .values(
                username=username,
                display_name=display_name or username,
                role=role,
                password_hash=password_hash,
                disabled=False,
                demo=demo,
                created_at=_now(),
                password_changed_at=_now() if password_hash else None,
            )
            .returning(UserAccount.id)
        ).scalar_one()
        if role not in COUNTY_ROLES:
            _check_places(conn, townships, sites, buildings)
            _insert_places(conn, user_id, townships, sites, buildings)
        record(conn, by, "user_add", f"{username} ({role})")


def set_places(
    engine: Engine,
    username: str,
    *,
    townships: tuple[str, ...] = (),
    sites: tuple[str, ...] = (),
    buildings: tuple[tuple[str, str], ...] = (),
    by: str = "cli",
) -> None:
    """Give a township officer or captain new places (a captain moves to other buildings)."""
    with engine.begin() as conn:
        _refuse_demo_manager(conn, by)
        user_id = _user_id(conn, username)
        role = conn.execute(select(_USERS.c.role).where(_USERS.c.id == user_id)).scalar_one()
        if role in COUNTY_ROLES:
            raise AccountError(
                f"{username} 的角色看全县，无需指定范围",
                f"{username} sees the whole county: a {role} has no places",
            )
        if not (townships or sites or buildings):
            raise AccountError("至少指定一个范围", "give at least one place")
        _check_places(conn, townships, sites, buildings)
        conn.execute(delete(UserScope).where(UserScope.user_id == user_id))
        _insert_places(conn, user_id, townships, sites, buildings)
        described = "、".join([*townships, *sites, *(f"{s}/{b}" for s, b in buildings)])
        record(conn, by, "user_places", f"{username}: {described}")


def _check_places(conn, townships, sites, buildings) -> None:
    """Refuse places the store does not hold, naming the close ones (a typo would otherwise
    give a township officer or captain an empty scope, silently). An empty store is refused
    too: places come from the ledgers, so they are imported first."""
    known_townships = set(conn.execute(select(Township.name)).scalars())
    known_sites = set(conn.execute(select(Site.name)).scalars())
    if not (known_townships or known_sites):
        raise AccountError(
            "库中还没有乡镇和安置点：请先导入台账，再给用户指定范围",
            "the store holds no townships or sites yet: import the ledgers first, then give"
            " users their places",
        )
    in_site: dict[str, set[str]] = {}
    for site, building in conn.execute(
        select(Site.name, Building.name).join(Site, Site.id == Building.site_id)
    ):
        in_site.setdefault(site, set()).add(building)
    zh, en = [], []
    for township in townships:
        if township not in known_townships:
            near = _near(township, known_townships)
            zh.append(f"没有乡镇 {township}（{near}）")
            en.append(f"no township {township!r} ({near})")
    for site in {*sites, *(s for s, _ in buildings)}:
        if site not in known_sites:
            near = _near(site, known_sites)
            zh.append(f"没有安置点 {site}（{near}）")
            en.append(f"no site {site!r} ({near})")
    for site, building in buildings:
        if site in known_sites and building not in in_site.get(site, set()):
            near = _near(building, in_site.get(site, set()))
            zh.append(f"{site} 没有楼栋 {building}（{near}）")
            en.append(f"{site} has no building {building!r} ({near})")
    if zh:
        raise AccountError("；".join(zh), "; ".join(en))


def _near(name: str, known: set[str]) -> str:
    """The known names close to `name`, else the first few known ones."""
    close = difflib.get_close_matches(name, sorted(known), n=5, cutoff=0.5)
    if close:
        return "相近 / close: " + "、".join(close)
    listed = sorted(known)
    more = "…" if len(listed) > 10 else ""
    return "有 / known: " + ("、".join(listed[:10]) + more if listed else "—")


def _insert_places(conn, user_id: int, townships, sites, buildings) -> None:
    places = [{"township": t} for t in townships]
    places += [{"site": s} for s in sites]
    places += [{"site": s, "building": b} for s, b in buildings]
    if places:
        conn.execute(
            insert(UserScope),
            [
                {"user_id": user_id, "township": None, "site": None, "building": None, **p}
                for p in places
            ],
        )


def set_password(engine: Engine, username: str, password: str, *, by: str = "cli") -> None:
    """Give `username` a new password, end their open sessions and lift a lock on the name."""
    password_hash = hash_password(password, username)
    with engine.begin() as conn:
        _refuse_demo_manager(conn, by)
        user_id = _user_id(conn, username)
        if conn.execute(select(_USERS.c.demo).where(_USERS.c.id == user_id)).scalar_one():
            raise AccountError(
                "演示账号没有密码，只能一键登录演示库",
                "a demo account has no password: it signs in by one click, on the demo only",
            )
        conn.execute(
            update(UserAccount)
            .where(UserAccount.id == user_id)
            .values(password_hash=password_hash, password_changed_at=_now())
        )
        _end_sessions(conn, user_id)
        # The failures before the reset were against the old password: they lock nothing now.
        conn.execute(delete(SignInFailure).where(SignInFailure.username == username))
        record(conn, by, "user_passwd", username)


def set_disabled(engine: Engine, username: str, disabled: bool = True, *, by: str = "cli") -> None:
    """Disable (or enable again) `username`; a disabled user's sessions end at once."""
    with engine.begin() as conn:
        _refuse_demo_manager(conn, by)
        user_id = _user_id(conn, username)
        conn.execute(update(UserAccount).where(UserAccount.id == user_id).values(disabled=disabled))
        if disabled:
            _end_sessions(conn, user_id)
        record(conn, by, "user_disable" if disabled else "user_enable", username)


def list_users(engine: Engine) -> pl.DataFrame:
    """Every user with role, state and places (one row each, places joined by "、")."""
    init_store(engine)
    with engine.connect() as conn:
        users = conn.execute(select(_USERS).order_by(UserAccount.username)).all()
        scopes = conn.execute(select(_PLACES).order_by(UserScope.id)).all()
    places: dict[int, list[str]] = {}
    for row in scopes:
        places.setdefault(row.user_id, []).append(_place_name(row))
    return pl.DataFrame(
        [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role,
                "places": "、".join(places.get(u.id, [])) or None,
                "disabled": bool(u.disabled),
                "demo": bool(u.demo),
                "created_at": u.created_at,
                "password_changed_at": u.password_changed_at,
            }
            for u in users
        ],
        schema={
            "username": pl.String(),
            "display_name": pl.String(),
            "role": pl.String(),
            "places": pl.String(),
            "disabled": pl.Boolean(),
            "demo": pl.Boolean(),
            "created_at": pl.Datetime("us"),
            "password_changed_at": pl.Datetime("us"),
        },
    )


def _place_name(row: UserScope) -> str:
    if row.building:
        return f"{row.site}/{row.building}"
    return row.township or row.site or ""


def has_users(engine: Engine) -> bool:
    """Whether anyone may sign in yet (the sign-in page says how to create the first admin)."""
    init_store(engine)
    with engine.connect() as conn:
        return conn.execute(select(_USERS.c.id).limit(1)).first() is not None


def get_account(engine: Engine, username: str) -> Account | None:
    """The enabled user `username` with their scope, or None."""
    with engine.connect() as conn:
        user = conn.execute(select(_USERS).where(UserAccount.username == username)).one_or_none()
        if user is None or user.disabled:
            return None
        places = conn.execute(select(_PLACES).where(UserScope.user_id == user.id)).all()
    return _account(user, list(places))


def _account(user: UserAccount, places: list[UserScope]) -> Account:
    scope = scope_of(user.role, [(p.township, p.site, p.building) for p in places])
    return Account(user.username, user.display_name, user.role, scope, bool(user.demo))


def scope_of(role: str, places: list[tuple[str | None, str | None, str | None]]) -> Scope:
    """What an account of `role` with these (township, site, building) places may see."""
    if role in COUNTY_ROLES:
        return Scope.whole_county()
    return Scope(
        townships=frozenset(t for t, _, _ in places if t),
        sites=frozenset(s for _, s, b in places if s and not b),
        buildings=frozenset((s, b) for _, s, b in places if s and b),
    )


def enabled_accounts(engine: Engine) -> list[Account]:
    """Every enabled account with its scope, by user name (who may be given work)."""
    init_store(engine)
    with engine.connect() as conn:
        users = conn.execute(
            select(_USERS).where(~_USERS.c.disabled).order_by(_USERS.c.username)
        ).all()
        scopes = conn.execute(select(_PLACES)).all()
    places: dict[int, list[UserScope]] = {}
    for row in scopes:
        places.setdefault(row.user_id, []).append(row)
    return [_account(user, places.get(user.id, [])) for user in users]


def authenticate(engine: Engine, username: str, password: str) -> SignIn:
    """Check a user name and password.

    Every success is recorded; failures are recorded one by one until the global limit holds,
    then once per flood (`sign_in_throttled`). A name with MAX_FAILURES failures within
    LOCK_WINDOW is locked, whether or not it exists, and its lock is recorded once.
    """
    username = username.strip()
    init_store(engine)
    now = _now()
    with engine.begin() as conn:
        failures = (
            conn.execute(
                select(_FAILURES.c.at)
                .where(_FAILURES.c.username == username, _FAILURES.c.at > now - LOCK_WINDOW)
                .order_by(_FAILURES.c.at)
            )
            .scalars()
            .all()
        )
        recent = conn.execute(
            select(func.count()).where(_FAILURES.c.at > now - GLOBAL_WINDOW)
        ).scalar_one()
        throttled = recent >= GLOBAL_MAX_FAILURES
        if len(failures) >= MAX_FAILURES:
            locked_until = _aware(failures[-MAX_FAILURES]) + LOCK_WINDOW
            said = _recorded_since(conn, username, "sign_in_locked", failures[-1])
            if not throttled and not said:
                record(conn, username, "sign_in_locked")
            return SignIn(None, locked_until=locked_until)
        user = conn.execute(select(_USERS).where(UserAccount.username == username)).one_or_none()
        good = _verify(user.password_hash if user else None, password)
        if good and user is not None and not user.disabled and not user.demo:
            places = conn.execute(select(_PLACES).where(UserScope.user_id == user.id)).all()
            record(conn, username, "sign_in")
            return SignIn(_account(user, list(places)))
        flood_goes_on = throttled and (
            conn.execute(
                select(_FAILURES.c.id)
                .where(_FAILURES.c.throttled, _FAILURES.c.at > now - GLOBAL_WINDOW)
                .limit(1)
            ).first()
            is not None
        )
        conn.execute(insert(SignInFailure).values(at=now, username=username, throttled=throttled))
        conn.execute(delete(SignInFailure).where(SignInFailure.at < now - LOCK_WINDOW))
        if not throttled:
            record(conn, username, "sign_in_failed")
        elif not flood_goes_on:
            record(
                conn,
                "*",
                "sign_in_throttled",
                f"一分钟内 {recent} 次登录失败，此后的失败不再逐条记录 / {recent} failed sign-ins"
                " within a minute: further failures are not listed until a minute without one",
            )
    return SignIn(None, throttled=throttled)


def _aware(at: dt.datetime) -> dt.datetime:
    """SQLite gives datetimes back without their zone: they were written in UTC."""
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def _recorded_since(conn, username: str, action: str, since: dt.datetime) -> bool:
    return (
        conn.execute(
            select(AuditEvent.id)
            .where(
                AuditEvent.username == username,
                AuditEvent.action == action,
                AuditEvent.at >= since,
            )
            .limit(1)
        ).first()
        is not None
    )


def demo_store(engine: Engine | None, conn=None) -> bool:
    """Whether the store holds the demo county and nothing else, so that one-click demo
    sign-in may be offered on it.

    The rule: the demo's own import is there (source "demo", written only by `build_demo`), and
    every other write is a status update, a follow-up note or an undo recorded by a demo
    account. Any other import, or a write by a real account, and the store is a county's: demo
    sign-in is never offered on it again (batches are kept, even when undone).
    """
    if conn is None:
        init_store(engine)
        with engine.connect() as own:
            return demo_store(engine, own)
    demo_names = select(UserAccount.username).where(UserAccount.demo)
    other = exists().where(
        ImportBatch.source != "demo",
        ~(ImportBatch.source.in_(_DEMO_WRITES) & ImportBatch.user.in_(demo_names)),
    )
    demo = exists().where(ImportBatch.source == "demo")
    return bool(conn.execute(select(demo & ~other)).scalar())


def _holds_more_than_the_demo(conn) -> bool:
    return conn.execute(select(ImportBatch.id).limit(1)).first() is not None and not demo_store(
        None, conn
    )


def _refuse_demo_manager(conn, by: str) -> None:
    """Demo accounts change no account: a demo administrator must not leave behind an account
    (or a password it knows) that outlives the demo once a county's data is imported."""
    if conn.execute(
        select(UserAccount.id).where(UserAccount.username == by, UserAccount.demo)
    ).first():
        raise AccountError(
            "演示账号不能管理用户：请用正式管理员账号",
            "a demo account cannot manage users: sign in as a real administrator",
        )


def demo_sign_in(engine: Engine, username: str) -> Account | None:
    """Sign in a demo account without a password: only on a demo store (`demo_store`), and
    only when the app allows demo sign-in (the caller checks that)."""
    init_store(engine)
    with engine.begin() as conn:
        user = conn.execute(
            select(_USERS).where(UserAccount.username == username, UserAccount.demo)
        ).one_or_none()
        if user is None or user.disabled:
            return None
        if not demo_store(engine, conn):
            record(conn, username, "sign_in_failed", "demo sign-in on a store that is not the demo")
            return None
        record(conn, username, "sign_in", "demo")
    return get_account(engine, username)


def demo_accounts(engine: Engine) -> list[Account]:
    """The demo accounts, one per role, in role order; none when the store is not the demo."""
    init_store(engine)
    if not demo_store(engine):
        return []
    with engine.connect() as conn:
        names = conn.execute(
            select(UserAccount.username).where(UserAccount.demo, ~UserAccount.disabled)
        ).all()
    accounts = [a for (name,) in names if (a := get_account(engine, name))]
    return sorted(accounts, key=lambda a: ROLES.index(a.role))


# --- sessions: a token in the browser's cookie, its hash in the store ---------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(engine: Engine, username: str) -> str:
    """A new session token for `username` (give it to the browser; the store keeps its hash)."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with engine.begin() as conn:
        user_id = _user_id(conn, username)
        conn.execute(
            insert(UserSession).values(
                token_hash=_token_hash(token), user_id=user_id, created_at=now, last_seen=now
            )
        )
    return token


def resume_session(engine: Engine, token: str) -> Account | None:
    """The account of a live session, which counts as used now; None when lapsed or ended."""
    now = _now()
    with engine.begin() as conn:
        row = conn.execute(
            select(_SESSIONS, UserAccount.username)
            .join(UserAccount, UserAccount.id == UserSession.user_id)
            .where(UserSession.token_hash == _token_hash(token), UserSession.ended_at.is_(None))
        ).first()
        if row is None:
            return None
        session, username = row, row.username
        demo_gone = bool(
            conn.execute(select(_USERS.c.demo).where(_USERS.c.id == session.user_id)).scalar()
        ) and not demo_store(engine, conn)
        if demo_gone:
            # A demo session opened on the demo ends when a county's data arrives.
            conn.execute(
                update(UserSession).where(UserSession.id == session.id).values(ended_at=now)
            )
            record(conn, username, "session_ended", "the store is no longer the demo")
            return None
        if now - session.last_seen > IDLE_LIMIT or now - session.created_at > SESSION_LIMIT:
            conn.execute(
                update(UserSession).where(UserSession.id == session.id).values(ended_at=now)
            )
            record(conn, username, "session_expired")
            return None
        # Once a minute is enough to keep the idle clock: no write on every click.
        if now - session.last_seen > dt.timedelta(minutes=1):
            conn.execute(
                update(UserSession).where(UserSession.id == session.id).values(last_seen=now)
            )
    return get_account(engine, username)


def end_session(engine: Engine, token: str | None, username: str) -> None:
    """Sign out: the token stops working at once."""
    with engine.begin() as conn:
        if token:
            conn.execute(
                update(UserSession)
                .where(UserSession.token_hash == _token_hash(token))
                .values(ended_at=_now())
            )
        record(conn, username, "sign_out")


def _end_sessions(conn, user_id: int) -> None:
    conn.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=_now())
    )


def _user_id(conn, username: str) -> int:
    user_id = conn.execute(
        select(UserAccount.id).where(UserAccount.username == username)
    ).scalar_one_or_none()
    if user_id is None:
        raise AccountError(f"没有用户 {username}", f"no user {username!r}")
    return user_id


def ensure_demo_accounts(engine: Engine) -> list[str]:
    """One demo account per role, created when missing; the user names created.

    The captain gets the building with the most households of the largest site, the township
    officer the township with the most households: places every demo store has. A store that
    holds more than the demo gets none (`python -m data user demo` removes them there).
    """
    init_store(engine)
    with engine.connect() as conn:
        if _holds_more_than_the_demo(conn):
            return []
        existing = {
            name for (name,) in conn.execute(select(UserAccount.username).where(UserAccount.demo))
        }
        busiest = (
            select(Site.name, Building.name)
            .join(Household, Household.building_id == Building.id)
            .join(Site, Site.id == Building.site_id)
            .group_by(Site.name, Building.name)
            .order_by(func.count().desc(), Site.name, Building.name)
            .limit(1)
        )
        building = conn.execute(busiest).first()
        township = conn.execute(
            select(Township.name)
            .join(Household, Household.township_id == Township.id)
            .group_by(Township.name)
            .order_by(func.count().desc(), Township.name)
            .limit(1)
        ).first()
    created = []
    for role in ROLES:
        username = f"demo-{role}"
        if username in existing:
            continue
        if role == "captain" and building is None or role == "township" and township is None:
            continue  # an empty store has no places to give them
        add_user(
            engine,
            username,
            role=role,
            display_name=DEMO_NAMES[role],
            townships=(township[0],) if role == "township" else (),
            buildings=((building[0], building[1]),) if role == "captain" else (),
            demo=True,
        )
        created.append(username)
    return created


def remove_demo_accounts(engine: Engine) -> int:
    """Delete the demo accounts (a real deployment has no use for them)."""
    with engine.begin() as conn:
        ids = [i for (i,) in conn.execute(select(UserAccount.id).where(UserAccount.demo)).all()]
        if not ids:
            return 0
        conn.execute(delete(UserSession).where(UserSession.user_id.in_(ids)))
        conn.execute(delete(UserScope).where(UserScope.user_id.in_(ids)))
        conn.execute(delete(UserAccount).where(UserAccount.id.in_(ids)))
    return len(ids)
