"""Load test: concurrent signed-in users of the running app, without a browser.

`run_load` starts the app on a store, either as one `streamlit run app.py` or as
`deploy/serve.py` (`make serve WORKERS=N`: N workers behind HAProxy), signs sessions in through
the app's own session cookie, and drives each as a websocket client speaking Streamlit's
protocol: a `BackMsg.rerun_script` per click (switch page, drill down on the overview, change
the month), timed until the `ForwardMsg.script_finished` of that run, with 0.5–2 s (or `think`)
to read each page. Every client is a coroutine of one asyncio loop in this process, which
spends its time waiting: the process's own CPU time is reported, to show it did not measure
itself. `cold_start` times a fresh worker from its start to the first overview drawn.

Usage: `.venv/bin/python tests/bench/load.py DATABASE_URL [SECONDS] [SESSIONS] [WORKERS]`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402
from websockets.asyncio.client import ClientConnection, connect  # noqa: E402
from websockets.typing import Origin, Subprotocol  # noqa: E402

from data import accounts  # noqa: E402
from data.store import get_engine  # noqa: E402
from deploy.serve import find_haproxy  # noqa: E402
from ui.auth import COOKIE  # noqa: E402

RUN_TIMEOUT = 60.0  # a run that takes longer counts as an error (the user gave up)
THINK = (0.5, 2.0)  # seconds a user reads a page before the next click
ANALYST_PAGES = ("", "building", "subsidies", "explore", "rosters", "jobs", "income")
CAPTAIN_PAGES = ("", "building")
DRILL_KEYS = ("township", "site", "building", "household", "person")  # as ui.drill.DRILL_KEYS
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)


@dataclass
class LoadResult:
    sessions: int
    seconds: float  # wall time of the load phase
    reruns: int  # completed script runs
    errors: list[str]  # exception shown, run not finished within 60 s, websocket failure
    p50: float  # seconds, of rerun times (send BackMsg → ForwardMsg script_finished)
    p95: float
    max: float
    by_page: dict[str, tuple[int, float]]  # page url path ("overview" for "/") → (runs, p95)
    server_peak_mib: float  # the app server's peak memory (RSS) over the run (the largest worker's)
    think: tuple[float, float] = THINK  # seconds a user reads a page, from … to
    workers: int = 0  # 0: one `streamlit run app.py`; N: deploy/serve.py, N workers behind HAProxy
    peak_pss_mib: float = math.nan  # the peak of the workers' memory (PSS) summed, sampled each s
    client_cpu_s: float = math.nan  # CPU seconds the load client's process used over the run


@dataclass
class _User:
    """One simulated user: who, their session cookie, and where they may click."""

    name: str
    token: str
    pages: tuple[str, ...]
    drills: list[dict[str, str]]  # drill paths on the overview this user may see
    months: list[str]


class _Stuck(Exception):
    """A run that did not finish in time: the user reloads the page."""


@dataclass
class _Tally:
    times: list[tuple[str, float]] = field(default_factory=list)  # (page, seconds)
    errors: list[str] = field(default_factory=list)


class _Client:
    """One browser tab: the page it shows, its URL query, its message cache, its month widget."""

    def __init__(self, ws: ClientConnection, user: _User, tally: _Tally) -> None:
        self.ws, self.user, self.tally = ws, user, tally
        self.hashes: dict[str, str] = {}  # url path → page_script_hash, from `navigation`
        self.page, self.query = "", ""
        self.month: tuple[str, list[str]] | None = None  # month select: id, other options
        self.picked: dict[str, str] = {}  # month select id → option last chosen in it
        self.cache: dict[str, int] = {}  # cached message hash → last run that used it
        self.runs, self.max_age = 0, 2

    async def rerun(self, page: str, query: str, widgets: list[WidgetState] | None = None) -> None:
        """One click: send `rerun_script`, read until the run's final `script_finished`."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string, state.page_name = query, page
        state.page_script_hash = self.hashes.get(page, "")
        state.widget_states.widgets.extend(widgets or [])
        # Like the browser: big elements it still holds come back as `ref_hash` references.
        self.runs += 1
        state.cached_message_hashes.extend(
            h for h, run in self.cache.items() if self.runs - run <= self.max_age
        )
        self.page, self.query = page, query
        label = f"{self.user.name} {page or 'overview'}?{unquote(query)}"
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        try:
            async with asyncio.timeout(RUN_TIMEOUT):
                while not self._handle(ForwardMsg.FromString(await self.ws.recv()), label):
                    pass
        except TimeoutError as exc:
            self.tally.errors.append(f"{label}: run not finished within {RUN_TIMEOUT:.0f} s")
            raise _Stuck from exc
        self.tally.times.append((self.page or "overview", time.perf_counter() - start))

    def _handle(self, msg: ForwardMsg, label: str) -> bool:
        """Take in one ForwardMsg; True at the end of the run (an in-script st.rerun is not)."""
        kind = msg.WhichOneof("type")
        if msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = self.runs
        if kind == "ref_hash":
            self.cache[msg.ref_hash] = self.runs
        elif kind == "new_session":
            self.max_age = msg.new_session.config.max_cached_message_age or self.max_age
            self.month = None  # every run draws its widgets anew
        elif kind == "navigation":
            self.hashes = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            current = msg.navigation.page_script_hash
            self.page = next((u for u, h in self.hashes.items() if h == current), self.page)
            if "sign-in" in self.hashes:
                self.tally.errors.append(f"{label}: not signed in (sign-in page shown)")
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string  # the app rewrote the URL
        elif kind == "page_not_found":
            self.tally.errors.append(f"{label}: page not found")
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception" and not element.exception.is_warning:
                error = element.exception
                first = (error.message.strip().splitlines() or [""])[0][:200]
                # The innermost frame says where: "File "…/x.py", line 9, in f".
                where = "".join(error.stack_trace[-1:]).strip().partition("\n")[0]
                self.tally.errors.append(f"{label}: {error.type}: {first} [{where}]")
            elif which == "selectbox" and element.selectbox.id.endswith("-month"):
                # ui.widgets.month_picker (key "month"); its value is the formatted option.
                box = element.selectbox
                shown = self.picked.get(box.id, box.options[box.default] if box.options else "")
                self.month = (box.id, [o for o in box.options if o != shown])
        elif kind == "script_finished":
            return msg.script_finished in DONE
        return False

    async def act(self) -> None:
        """A random click: another page, a drill step on the overview, or another month."""
        roll, user = random.random(), self.user
        others = [p for p in user.pages if p != self.page and p in self.hashes]
        if roll < 0.35 and others:
            await self.rerun(random.choice(others), "")  # sidebar link: no query
        elif roll < 0.7:
            await self.rerun("", urlencode({**self._kept(), **self._drill()}))
        elif self.month is not None and self.month[1]:
            widget_id, options = self.month
            self.picked[widget_id] = random.choice(options)
            state = WidgetState(id=widget_id, string_value=self.picked[widget_id])
            await self.rerun(self.page, self.query, [state])
        else:  # no month select on this page: a link to the overview for a month
            await self.rerun("", urlencode({**self._kept(), "month": random.choice(user.months)}))

    def _kept(self) -> dict[str, str]:
        """The current URL's query without the drill path (`ui.drill.go` keeps the month)."""
        return {k: v for k, v in parse_qsl(self.query) if k not in DRILL_KEYS}

    def _drill(self) -> dict[str, str]:
        """Next drill step: township → a site of it, else a fresh township (or back to the top)."""
        query = parse_qsl(self.query) if self.page == "" else []
        here = {k: v for k, v in query if k in DRILL_KEYS}
        paths = self.user.drills
        deeper = [d for d in paths if len(d) > len(here) and d.items() >= here.items()]
        if here and random.random() < 0.2:
            return {}
        if here and deeper:
            return random.choice(deeper)
        return random.choice([d for d in paths if len(d) == 1] or paths)


def _connect(port: int, user: _User):
    return connect(
        f"ws://127.0.0.1:{port}/_stcore/stream",
        origin=Origin(f"http://127.0.0.1:{port}"),
        subprotocols=[Subprotocol("streamlit")],
        additional_headers={"Cookie": f"{COOKIE}={user.token}"},
        max_size=None,  # dataframes arrive as large binary frames
        ping_interval=None,  # a browser does not ping; a busy server is slow to pong
        proxy=None,
        open_timeout=RUN_TIMEOUT,
    )


async def _visit(
    user: _User, port: int, deadline: float, tally: _Tally, think: tuple[float, float]
) -> None:
    """One user until the deadline; a failed socket or a stuck run: reload (a new session)."""
    await asyncio.sleep(random.uniform(*think))  # users do not all arrive in the same instant
    while time.monotonic() < deadline:
        try:
            async with _connect(port, user) as ws:
                client = _Client(ws, user, tally)
                await client.rerun("", "")  # opening the app at "/"
                while time.monotonic() < deadline:
                    await asyncio.sleep(random.uniform(*think))
                    await client.act()
        except _Stuck:
            pass  # counted in rerun(); reload
        except Exception as exc:  # websocket closed, refused, protocol error
            tally.errors.append(f"{user.name}: websocket: {type(exc).__name__}: {exc}")
            await asyncio.sleep(1.0)


def _users(url: str, sessions: int) -> list[_User]:
    """Sessions opened in the store for the demo analyst (3 in 4) and the demo captain."""
    engine = get_engine(url)
    with engine.connect() as conn:
        months = [str(m)[:7] for (m,) in conn.execute(text(_MONTHS))]
        pairs = conn.execute(text(_PLACES)).all()
    captain = accounts.get_account(engine, "demo-captain")
    if captain is None:
        raise RuntimeError("no demo-captain account in this store")
    county = [{"township": t} for t in sorted({t for t, _ in pairs})]
    county += [{"township": t, "site": s} for t, s in pairs]
    own = [{"site": s, "building": b} for s, b in sorted(captain.scope.buildings)]
    captains = max(1, sessions // 4) if sessions > 1 else 0
    return [
        _User(f"captain-{i}", accounts.open_session(engine, "demo-captain"), CAPTAIN_PAGES, own,
              months)
        if i < captains
        else _User(f"analyst-{i}", accounts.open_session(engine, "demo-analyst"), ANALYST_PAGES,
                   county, months)
        for i in range(sessions)
    ]  # fmt: skip


_MONTHS = "SELECT DISTINCT month FROM labour_record ORDER BY month"
_PLACES = """SELECT DISTINCT t.name, s.name FROM household h
    JOIN township t ON t.id = h.township_id JOIN site s ON s.id = h.site_id ORDER BY 1, 2"""


def _start_server(
    url: str, port: int, log: Path, script: str = "app.py"
) -> subprocess.Popen[bytes]:
    """`streamlit run SCRIPT` on `url`, once its health check answers (else RuntimeError)."""
    env = {**os.environ, "DATABASE_URL": url, "DEMO_SIGN_IN": "1"}
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / script),
        "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("wb") as out:  # a file, not a pipe: a full pipe would stall the server
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    _wait_healthy(server, port, log, 60)
    return server


def _start_workers(
    url: str, workers: int, port: int, run_dir: Path, log: Path
) -> subprocess.Popen[bytes]:
    """`deploy/serve.py`: `workers` Streamlit workers on port+1 … behind HAProxy on `port`, once
    the proxy answers (it starts when every worker does)."""
    if find_haproxy() is None:
        raise RuntimeError("haproxy is missing: `make system-deps` installs it")
    env = {**os.environ, "DATABASE_URL": url, "DEMO_SIGN_IN": "1"}
    command = [
        sys.executable, str(ROOT / "deploy" / "serve.py"), "--workers", str(workers),
        "--port", str(port), "--worker-port", str(port + 1), "--run-dir", str(run_dir),
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    _wait_healthy(server, port, log, 180)  # serve.py gives its workers 120 s
    return server


def _wait_healthy(server: subprocess.Popen[bytes], port: int, log: Path, limit: float) -> None:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no HTTP proxy
    give_up = time.monotonic() + limit
    while time.monotonic() < give_up and server.poll() is None:
        try:
            with direct.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.1)  # a cold start's figure counts from here
    _stop(server)
    tail = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"app did not start on port {port}:\n{tail}")


def _stop(server: subprocess.Popen[bytes], run_dir: Path | None = None) -> None:
    """Stop the server (serve.py stops its proxy, then its workers); a supervisor that had to
    be killed leaves its workers, in sessions of their own: those are stopped by their ids."""
    server.terminate()
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        for pid in _worker_pids(run_dir) if run_dir else []:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _worker_pids(run_dir: Path) -> list[int]:
    """The workers' process ids, as deploy/serve.py last wrote them (a restart changes them)."""
    try:
        state = json.loads((run_dir / "workers.json").read_text())
    except (OSError, ValueError):
        return []
    return [w["pid"] for w in state["workers"] if w.get("pid")]


def _pss_mib(pid: int) -> float:
    """A process's proportional share of memory (PSS): pages it shares with other workers (the
    interpreter, the libraries) count a share each, so the workers' sum is what they cost."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:  # gone (restarted) between reading workers.json and its smaps
        pass
    return 0.0


class _Sampler(threading.Thread):
    """The servers' summed PSS every `every` seconds; the peak, and each pid's peak RSS."""

    def __init__(self, pids, every: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.pids, self.every = pids, every
        self.peak_pss, self.peak_rss = 0.0, {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            self.sample()

    def sample(self) -> None:
        pids = self.pids()
        self.peak_pss = max(self.peak_pss, sum(_pss_mib(pid) for pid in pids))
        for pid in pids:
            with contextlib.suppress(OSError):  # gone: restarted
                self.peak_rss[pid] = max(self.peak_rss.get(pid, 0.0), _peak_mib(pid))

    def stop(self) -> None:
        self.done.set()
        self.join()
        self.sample()  # the last moment, with the server still up


def _quantile(values: list[float], q: float) -> float:
    """Nearest-rank quantile; NaN for no values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else math.nan


def run_load(
    url: str,
    *,
    sessions: int = 20,
    seconds: float = 120.0,
    port: int = 8599,
    think: tuple[float, float] = THINK,
    workers: int = 0,
) -> LoadResult:
    """`sessions` users clicking through the app on store `url` for `seconds`, reading each
    page `think` seconds; rerun times. `workers` 0: one `streamlit run app.py` on `port`; N:
    deploy/serve.py, HAProxy on `port` and N workers on the ports after it."""
    users = _users(url, sessions)
    tally = _Tally()
    with tempfile.TemporaryDirectory() as tmp:
        log, run_dir = Path(tmp) / "server.log", Path(tmp) / "run"
        if workers:
            server = _start_workers(url, workers, port, run_dir, log)
            sampler = _Sampler(lambda: _worker_pids(run_dir))
        else:
            server = _start_server(url, port, log)
            sampler = _Sampler(lambda: [server.pid])
        try:
            sampler.start()
            start, cpu = time.monotonic(), time.process_time()

            async def _all() -> None:
                deadline = start + seconds
                await asyncio.gather(*(_visit(u, port, deadline, tally, think) for u in users))

            asyncio.run(_all())
            wall, client_cpu = time.monotonic() - start, time.process_time() - cpu
            sampler.stop()
        finally:
            sampler.done.set()
            _stop(server, run_dir if workers else None)
    times = [t for _, t in tally.times]
    by_page: dict[str, list[float]] = {}
    for page, t in tally.times:
        by_page.setdefault(page, []).append(t)
    return LoadResult(
        sessions=sessions,
        seconds=wall,
        reruns=len(times),
        errors=tally.errors,
        p50=_quantile(times, 0.5),
        p95=_quantile(times, 0.95),
        max=max(times, default=math.nan),
        by_page={p: (len(ts), _quantile(ts, 0.95)) for p, ts in sorted(by_page.items())},
        server_peak_mib=max(sampler.peak_rss.values(), default=math.nan),
        think=think,
        workers=workers,
        peak_pss_mib=sampler.peak_pss or math.nan,
        client_cpu_s=client_cpu,
    )


def cold_start(url: str, *, port: int = 8599) -> float:
    """Seconds from a worker's start (`streamlit run server.py`, as deploy/serve.py starts one)
    to the first overview drawn for a signed-in analyst: imports, the store's frames or
    aggregates, the overview's numbers and its drawing."""
    user = next(u for u in _users(url, 1) if u.name.startswith("analyst"))
    tally = _Tally()

    async def _first_overview() -> None:
        async with _connect(port, user) as ws:
            await _Client(ws, user, tally).rerun("", "")

    with tempfile.TemporaryDirectory() as tmp:
        start = time.monotonic()
        server = _start_server(url, port, Path(tmp) / "server.log", script="server.py")
        try:
            asyncio.run(_first_overview())
            spent = time.monotonic() - start
        finally:
            _stop(server)
    if tally.errors:
        raise RuntimeError(f"the first overview failed: {tally.errors[0]}")
    return spent


def _peak_mib(pid: int) -> float:
    """A process's peak resident memory so far (Linux: VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


def main(argv: list[str]) -> None:
    if not 1 <= len(argv) <= 4:
        sys.exit(__doc__)
    seconds = float(argv[1]) if len(argv) > 1 else 120.0
    sessions = int(argv[2]) if len(argv) > 2 else 20
    workers = int(argv[3]) if len(argv) > 3 else 0
    think = (5.0, 15.0) if workers else THINK
    port = int(os.environ.get("BENCH_PORT", "8599"))
    result = run_load(
        argv[0], sessions=sessions, seconds=seconds, port=port, think=think, workers=workers
    )
    print(
        f"{result.sessions} sessions, {result.seconds:.1f} s: {result.reruns} reruns, "
        f"{len(result.errors)} errors"
    )
    print(f"rerun p50 {result.p50:.3f} s, p95 {result.p95:.3f} s, max {result.max:.3f} s")
    print(
        f"server peak memory {result.server_peak_mib:,.0f} MiB (largest RSS), "
        f"{result.peak_pss_mib:,.0f} MiB (PSS, all workers); client CPU {result.client_cpu_s:.1f} s"
    )
    for page, (runs, p95) in result.by_page.items():
        print(f"  {page:<10} {runs:>5} runs  p95 {p95:.3f} s")
    for line in result.errors[:20]:
        print(f"  error: {line}")
    if len(result.errors) > 20:
        print(f"  … and {len(result.errors) - 20} more errors")


if __name__ == "__main__":
    main(sys.argv[1:])
