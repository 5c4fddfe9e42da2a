"""Nothing leaves the machine: a server started with the project's config, traced by strace
while a browser loads the sign-in page and a signed-in page, connects to nothing but loopback
and local sockets, and asks no name server anything (issue 20, item 11).

Streamlit looks up the machine's addresses when `server.address` is unset: a UDP connect()
towards 8.8.8.8 and an HTTP request to checkip.amazonaws.com (a DNS query first). The config
sets `server.address`, so neither happens.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import signed_in, start_server
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e

ADDRESSES = re.compile(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6?, "([^"]+)"')
TRACED = ("connect(", "sendto(", "sendmsg(")


def outside(trace: str) -> list[str]:
    """The traced calls that reach beyond this machine, or ask a name server."""
    found = []
    for line in trace.splitlines():
        if not any(call in line for call in TRACED):
            continue
        addresses = [a or b for a, b in ADDRESSES.findall(line)]
        if any(not _loopback(a) for a in addresses):
            found.append(line)
        elif "htons(53)" in line or re.search(r'sun_path="[^"]*(nscd|resolve)', line):
            found.append(line)  # DNS, even through a local resolver
    return found


def _loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or ip.is_unspecified or bool(mapped and mapped.is_loopback)


def test_the_reader_flags_what_leaves() -> None:
    today = [
        '9 connect(3, {sa_family=AF_INET, sin_port=htons(1), sin_addr=inet_addr("8.8.8.8")}, 16)',
        '9 sendto(5, "x", 36, MSG_NOSIGNAL, {sa_family=AF_INET, sin_port=htons(53), '
        'sin_addr=inet_addr("127.0.0.53")}, 16) = 36',
        '9 connect(7, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1',
    ]
    fine = [
        '9 connect(8, {sa_family=AF_INET, sin_port=htons(5432), sin_addr=inet_addr("127.0.0.1")}',
        '9 connect(8, {sa_family=AF_INET6, sin6_port=htons(80), inet_pton(AF_INET6, "::1", &a)',
        '9 sendto(4, "x", 20, 0, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 20',
        '9 connect(3, {sa_family=AF_UNIX, sun_path="/tmp/x.sock"}, 110) = 0',
    ]
    assert outside("\n".join(today + fine)) == today


def _server_pid(strace_pid: int) -> int | None:
    children = Path(f"/proc/{strace_pid}/task/{strace_pid}/children")
    pids = children.read_text().split() if children.exists() else []
    return int(pids[0]) if pids else None


def test_the_server_reaches_nothing_beyond_this_machine(
    page: Page, demo_store_url: str, tmp_path: Path
) -> None:
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is missing: `make test` installs Debian's strace")
    log = tmp_path / "strace.log"
    trace = (strace, "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log))
    # No --server.address: what .streamlit/config.toml says is what is tested.
    proc, base = start_server(demo_store_url, address=None, prefix=trace, output=subprocess.DEVNULL)
    try:
        page.goto(base)
        expect(page.get_by_label(STRINGS["signin_username"]["zh"])).to_be_visible(timeout=60_000)
        signed_in(page, base, demo_store_url, "demo-analyst")
        page.goto(f"{base}/building")
        expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
        page.wait_for_timeout(3000)  # a lookup started late (the origin check) is traced too
    finally:
        server = _server_pid(proc.pid)
        if server is not None:
            os.kill(server, signal.SIGTERM)
        proc.wait(timeout=30)
    traced = log.read_text()
    assert "sendto(" in traced, "strace saw the server answer the browser"
    assert outside(traced) == []
    assert page.outside_requests == []
