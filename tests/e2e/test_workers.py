"""`make serve`: two Streamlit workers behind HAProxy (deploy/serve.py), in chromium (issue 23,
item 4). A user signs in through the proxy; the same sign-in, in a second browser, lands on the
other worker and is signed in there too; an upload and an Excel download go through the proxy
to the worker holding the session; the worker holding it is killed, and the user's next click
works (signed in, same place and month) while the supervisor starts the killed worker again."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from data.accounts import add_user
from data.frames import load_frames
from data.store import get_engine
from deploy.serve import COOKIE as WORKER_COOKIE
from deploy.serve import Worker as ServedWorker
from deploy.serve import find_haproxy, haproxy_config, parse
from tests.conftest import copy_store
from tests.data.test_import import labour_ledger
from tests.data.test_ledger import labour_row
from tests.e2e.conftest import ROOT
from tests.e2e.test_offline import outside
from ui.format import fmt_month
from ui.session_cookie import COOKIE as SESSION_COOKIE
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e

PASSWORD = "a long admin secret"


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def _free_ports(count: int) -> int:
    """The first of `count` consecutive ports free on 127.0.0.1 (the workers' ports)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        taken = []
        try:
            for port in range(first, first + count):
                s = socket.socket()
                taken.append(s)
                s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for s in taken:
                s.close()
    raise RuntimeError(f"no {count} consecutive free ports")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.read() == b"ok"
    except OSError:
        return False


def _until(what: str, condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.5)


def _cookie(page: Page, name: str) -> str:
    """The browser's cookie `name`, once it is there."""
    for _ in range(60):
        found = [c["value"] for c in page.context.cookies() if c["name"] == name and c["value"]]
        if found:
            return found[0]
        page.wait_for_timeout(500)
    raise AssertionError(f"no cookie {name}")


def _idle(page: Page) -> None:
    page.wait_for_timeout(500)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)


def _signed_in_on_overview(page: Page, site: str) -> None:
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=90_000)
    expect(page.get_by_role("button", name=zh("sign_out"))).to_be_visible()
    expect(page.get_by_label(zh("signin_username"))).to_have_count(0)
    expect(page.get_by_text(site, exact=True).first).to_be_visible()


def _valid(config: str, tmp_path: Path) -> None:
    """HAProxy itself accepts `config` (`haproxy -c`)."""
    haproxy = find_haproxy()
    if haproxy is None:
        pytest.skip("haproxy is missing: `make test` installs Debian's haproxy")
    path = tmp_path / "haproxy.cfg"
    path.write_text(config)
    checked = subprocess.run([haproxy, "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_the_config_listens_where_told_and_names_its_workers(tmp_path: Path) -> None:
    workers = [ServedWorker("w1", 9001), ServedWorker("w2", 9002)]
    config = haproxy_config(workers, "127.0.0.1", 9000)
    assert "bind 127.0.0.1:9000" in config
    servers = [line.split() for line in config.splitlines() if line.strip().startswith("server ")]
    assert servers == [
        ["server", "w1", "127.0.0.1:9001", "cookie", "w1"],
        ["server", "w2", "127.0.0.1:9002", "cookie", "w2"],
    ]
    directives = {line.split()[0] for line in config.splitlines() if line.strip()}
    # No stats page, no name server, no listener but the one bound above.
    assert not directives & {"stats", "listen", "nameserver", "parse-resolv-conf"}, directives
    assert config.count("bind ") == 1
    _valid(config, tmp_path)

    # Workers of other machines (IPv6 too) behind the same proxy.
    args = parse(["--workers", "0", "--remote", "10.0.0.12:8511", "--remote", "[fd00::7]:8511"])
    config = haproxy_config(args.remote, "::1", 8501)
    assert "bind [::1]:8501" in config
    assert "server w-10.0.0.12-8511 10.0.0.12:8511 cookie w-10.0.0.12-8511" in config
    assert "server w-fd00..7-8511 [fd00::7]:8511 cookie w-fd00..7-8511" in config
    _valid(config, tmp_path)
    with pytest.raises(SystemExit):
        parse(["--workers", "0"])  # nothing to serve


def test_the_proxy_connects_to_nothing_beyond_its_workers(tmp_path: Path) -> None:
    """HAProxy traced for a few seconds of health checks: loopback only, no name server (an
    empty `resolvers default` keeps HAProxy 2.6 from opening one from /etc/resolv.conf)."""
    haproxy, strace = find_haproxy(), shutil.which("strace")
    if haproxy is None or strace is None:
        pytest.skip("haproxy or strace is missing: `make test` installs both (Debian)")
    config = tmp_path / "haproxy.cfg"
    workers = [ServedWorker("w1", _free_ports(1)), ServedWorker("w2", _free_ports(1))]
    config.write_text(haproxy_config(workers, "127.0.0.1", _free_ports(1)))
    trace = tmp_path / "trace"
    proxy = subprocess.Popen(
        [strace, "-f", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace)]
        + [haproxy, "-db", "-f", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(4)  # two rounds of health checks (inter 2s)
    finally:
        # HAProxy itself: strace holds off the signals meant for a command it started.
        children = Path(f"/proc/{proxy.pid}/task/{proxy.pid}/children").read_text().split()
        for child in children:
            os.kill(int(child), signal.SIGTERM)
        proxy.wait(timeout=20)
    traced = trace.read_text()
    assert "connect(" in traced  # the health checks were traced
    assert outside(traced) == []


def test_two_workers_share_sign_in_keep_sessions_and_survive_a_killed_worker(
    page: Page, browser, demo_store_url: str, tmp_path: Path
) -> None:
    if find_haproxy() is None:
        pytest.skip("haproxy is missing: `make test` installs Debian's haproxy (apt)")
    url = copy_store(demo_store_url, tmp_path)
    engine = get_engine(url)
    add_user(engine, "chief", role="admin", password=PASSWORD)
    labour = load_frames(engine).labour
    month = labour.get_column("month").max()
    site = labour.get_column("site").drop_nulls().sort()[0]

    port, first_worker = _free_ports(1), _free_ports(2)
    run_dir = tmp_path / "serve"
    log = (tmp_path / "serve.log").open("wb")
    supervisor = subprocess.Popen(
        [sys.executable, "deploy/serve.py", "--workers", "2", "--port", str(port)]
        + ["--worker-port", str(first_worker), "--run-dir", str(run_dir)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DEMO_SIGN_IN": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    other = None
    try:
        _until("the proxy answers", lambda: _answers(f"{base}/_stcore/health"))
        state = json.loads((run_dir / "workers.json").read_text())
        workers = {w["name"]: w for w in state["workers"]}
        assert sorted(w["port"] for w in workers.values()) == [first_worker, first_worker + 1]

        # Sign in with a password through the proxy: the cookie's one-time code is kept by the
        # worker that signed the user in, and the proxy sends the code's request there.
        page.goto(base)
        page.get_by_label(zh("signin_username")).fill("chief")
        page.get_by_label(zh("signin_password")).fill(PASSWORD)
        page.get_by_test_id("stBaseButton-primaryFormSubmit").click()
        expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=90_000)
        token = _cookie(page, SESSION_COOKIE)
        first = _cookie(page, WORKER_COOKIE)
        assert first in workers

        # The same sign-in in a second browser: the proxy sends it to the other worker (the
        # first holds a session), which resumes it from the store.
        other = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        other.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
        second_page = other.new_page()
        second_page.goto(f"{base}/?site={site}&month={month:%Y-%m}")
        _signed_in_on_overview(second_page, site)
        second = _cookie(second_page, WORKER_COOKIE)
        assert second in workers and second != first
        other.close()
        other = None

        # An upload (the file goes to the worker holding the session) and the marked workbook
        # back (an Excel download from that worker's memory).
        bad = labour_ledger(
            tmp_path / "劳动力就业台账_2020年09月.xlsx",
            [labour_row(0, 统计月份="2020-09"), labour_row(1, 统计月份="2020-09", 劳动能力="能干")],
        )
        page.goto(f"{base}/upload")
        expect(page.get_by_role("heading", level=1)).to_have_text(zh("nav_upload"), timeout=60_000)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(bad)
        errors = page.get_by_test_id("stAlertContentError")
        expect(errors.filter(has_text=zh("upl_errors", errors="1", rows="1"))).to_be_visible(
            timeout=60_000
        )
        _idle(page)
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name=zh("upl_download_marked")).click()
        assert download.value.path().read_bytes()[:2] == b"PK"  # an xlsx: a zip
        assert download.value.suggested_filename.endswith("-错误标注.xlsx")
        assert _cookie(page, WORKER_COOKIE) == first

        # A place and a month in the URL, then the worker holding the session dies.
        page.goto(f"{base}/?site={site}&month={month:%Y-%m}")
        _signed_in_on_overview(page, site)
        _idle(page)
        killed = workers[first]
        # The browser reconnects through the proxy, which sends it to the live worker (widgets
        # are disabled until then, as whenever Streamlit's connection drops).
        with page.expect_websocket(timeout=90_000):
            os.kill(killed["pid"], signal.SIGKILL)
        _idle(page)

        # The next click, a link to the building review: the live worker resumes the sign-in
        # from the cookie and the place and month from the URL.
        page.get_by_test_id("stSidebar").get_by_role("link", name=zh("nav_building")).click()
        review = re.compile(rf"^{re.escape(site)} .+ · {re.escape(fmt_month(month))}$")
        expect(page.get_by_role("heading", name=review)).to_be_visible(timeout=90_000)
        expect(page.get_by_role("button", name=zh("sign_out"))).to_be_visible()
        query = parse_qs(urlparse(page.url).query)
        assert query["site"] == [site] and query["month"] == [f"{month:%Y-%m}"], page.url
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
        assert _cookie(page, WORKER_COOKIE) == second
        # And the one after: the session on the live worker goes on.
        _idle(page)
        page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
        expect(page.get_by_role("button", name=STRINGS["sign_out"]["en"])).to_be_visible(
            timeout=60_000
        )
        assert "lang=en" in page.url
        assert page.outside_requests == [], page.outside_requests

        # The supervisor started the killed worker again, on its port.
        def restarted() -> bool:
            now = json.loads((run_dir / "workers.json").read_text())
            again = next(w for w in now["workers"] if w["name"] == first)
            return again["pid"] != killed["pid"] and again["starts"] == 2

        _until("the killed worker is started again", restarted, 60)
        health = f"http://127.0.0.1:{killed['port']}/_stcore/health"
        _until("the restarted worker answers", lambda: _answers(health))
    finally:
        if other is not None:
            other.close()
        supervisor.send_signal(signal.SIGTERM)
        try:
            supervisor.wait(timeout=30)
        finally:
            log.close()
    # Stopped cleanly: the proxy and the workers with it.
    assert supervisor.returncode == 0, (tmp_path / "serve.log").read_text()[-3000:]
    assert not _answers(f"{base}/_stcore/health")
    state = json.loads((run_dir / "workers.json").read_text())
    for worker in state["workers"]:
        with pytest.raises(ProcessLookupError):
            os.kill(worker["pid"], 0)
