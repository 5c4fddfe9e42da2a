"""`make serve WORKERS=N`: N Streamlit processes (`streamlit run server.py`, as `make run`) behind
HAProxy from Debian's packages.

The workers listen on 127.0.0.1 (`--worker-port`, `--worker-port`+1, …); HAProxy alone listens
on `--address`:`--port` and keeps each browser on one worker (a cookie). A worker that exits is
started again (after 1, 2, 4 … 30 s when it keeps failing); Ctrl-C or SIGTERM stops the proxy,
then the workers. Standard library only: it runs before anything is installed.

Every worker gets the same environment: DATABASE_URL (one store), FRAMES_CACHE_DIR (one snapshot
directory) and one Streamlit cookie secret (`STREAMLIT_SERVER_COOKIE_SECRET`, taken from the
environment when set, as every machine of a deployment must share it; else made for this run).
The run directory holds the generated haproxy.cfg and workers.json (each worker's name, port
and process id, rewritten at each start), for an operator or a test.

Across machines (README, "Deployment: several workers"): each worker machine runs
`--no-proxy --worker-address ITS_LAN_ADDRESS`, and the proxy's machine names them with
`--remote ADDRESS:PORT` (with `--workers 0` when it runs none itself).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("haproxy.cfg.in")
COOKIE = "ydbq_worker"  # HAProxy's affinity cookie: the name of the worker holding the session
BACKOFF_MAX = 30.0  # seconds between starts of a worker that keeps failing
STABLE_AFTER = 60.0  # a worker that ran this long starts again at once when it stops
START_TIMEOUT = 120.0  # seconds a worker may take to answer /_stcore/health before the proxy starts


@dataclass
class Worker:
    name: str
    port: int
    address: str = "127.0.0.1"
    proc: subprocess.Popen | None = None
    started: float = 0.0
    backoff: float = 0.0
    due: float = 0.0  # when to start it again after it stopped
    starts: int = 0

    @property
    def health(self) -> str:
        return f"http://{_host(self.address)}:{self.port}/_stcore/health"


def _host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def haproxy_config(workers: list[Worker], address: str, port: int) -> str:
    """HAProxy's configuration for `workers`, listening on `address`:`port`."""
    servers = "\n".join(
        f"    server {w.name} {_host(w.address)}:{w.port} cookie {w.name}" for w in workers
    )
    return string.Template(TEMPLATE.read_text()).substitute(
        bind=f"{_host(address)}:{port}", cookie=COOKIE, servers=servers
    )


def remote_worker(spec: str) -> Worker:
    """`ADDRESS:PORT` of a worker on another machine, named after it (`w-10.0.0.12-8511`)."""
    address, _, port = spec.rpartition(":")
    address = address.strip("[]")
    if not address or not port.isdigit():
        raise argparse.ArgumentTypeError(f"not ADDRESS:PORT: {spec}")
    return Worker(f"w-{address.replace(':', '.')}-{port}", int(port), address)


def find_haproxy() -> str | None:
    """Debian puts haproxy in /usr/sbin, which is not on a user's PATH."""
    return shutil.which("haproxy", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.read() == b"ok"
    except OSError:
        return False


class Supervisor:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.run_dir = Path(args.run_dir or tempfile.mkdtemp(prefix="ydbq-serve-"))
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.workers = [
            Worker(f"w{i + 1}", args.worker_port + i, args.worker_address)
            for i in range(args.workers)
        ]
        self.proxy: subprocess.Popen | None = None
        self.stopping = threading.Event()
        secret = os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_hex(32)
        # Given through the environment, not the command line: `ps` shows command lines.
        self.env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secret}

    def log(self, message: str) -> None:
        print(f"[serve] {message}", file=sys.stderr, flush=True)

    def start(self, worker: Worker) -> None:
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            self.args.script,
            "--server.port",
            str(worker.port),
            "--server.address",
            worker.address,
            "--server.headless",
            "true",
        ]
        # A session of its own: the terminal's Ctrl-C reaches the supervisor alone, which stops
        # the proxy first and then the workers, instead of restarting workers as they die.
        worker.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.env, "YDBQ_WORKER": worker.name},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker.started, worker.starts = time.monotonic(), worker.starts + 1
        threading.Thread(target=self._relay, args=(worker.name, worker.proc), daemon=True).start()
        self.log(f"{worker.name} started: pid {worker.proc.pid}, port {worker.port}")
        self.write_state()

    def _relay(self, name: str, proc: subprocess.Popen) -> None:
        """The worker's output, each line marked with its name."""
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(f"[{name}] {line.decode(errors='replace')}")
            sys.stdout.flush()

    def write_state(self) -> None:
        state = {
            "proxy": {"address": self.args.address, "port": self.args.port},
            "cookie": COOKIE,
            "workers": [
                {
                    "name": w.name,
                    "port": w.port,
                    "pid": w.proc.pid if w.proc else None,
                    "starts": w.starts,
                }
                for w in self.workers
            ],
        }
        partial = self.run_dir / "workers.json.partial"
        partial.write_text(json.dumps(state, indent=2))
        partial.replace(self.run_dir / "workers.json")

    def start_proxy(self, haproxy: str) -> None:
        config = self.run_dir / "haproxy.cfg"
        servers = self.workers + self.args.remote
        config.write_text(haproxy_config(servers, self.args.address, self.args.port))
        checked = subprocess.run([haproxy, "-c", "-q", "-f", str(config)], capture_output=True)
        if checked.returncode != 0:
            raise SystemExit(f"haproxy refused {config}:\n{checked.stderr.decode()}")
        self.proxy = subprocess.Popen(
            [haproxy, "-db", "-f", str(config)], cwd=self.run_dir, start_new_session=True
        )
        self.log(f"haproxy: http://{self.args.address}:{self.args.port} (config {config})")

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        waiting = list(self.workers)
        while waiting and time.monotonic() < deadline and not self.stopping.is_set():
            waiting = [w for w in waiting if w.proc.poll() is None and not healthy(w.health)]
            time.sleep(0.3)
        for worker in waiting:
            self.log(f"{worker.name} not answering yet; the proxy checks it until it does")

    def watch(self) -> int:
        """Start workers that stopped, until told to stop or the proxy stops."""
        while not self.stopping.wait(0.5):
            if self.proxy is not None and self.proxy.poll() is not None:
                self.log(f"haproxy stopped (exit {self.proxy.returncode}): stopping")
                return self.proxy.returncode or 1
            now = time.monotonic()
            for worker in self.workers:
                if worker.proc is None or worker.proc.poll() is None:
                    continue
                if worker.due == 0.0:
                    ran = now - worker.started
                    worker.backoff = (
                        0.0
                        if ran > STABLE_AFTER
                        else min(max(1.0, 2 * worker.backoff), BACKOFF_MAX)
                    )
                    worker.due = now + worker.backoff
                    self.log(
                        f"{worker.name} exited ({worker.proc.returncode}) after {ran:.0f} s; "
                        f"starting again in {worker.backoff:.0f} s"
                    )
                if now >= worker.due:
                    worker.due = 0.0
                    self.start(worker)
        return 0

    def stop(self) -> None:
        """The proxy first (no new requests), then the workers; killed after 10 s."""
        procs = [p for p in [self.proxy, *(w.proc for w in self.workers)] if p is not None]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 10
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def run(self) -> int:
        haproxy = None if self.args.no_proxy else find_haproxy()
        if haproxy is None and not self.args.no_proxy:
            raise SystemExit("haproxy is missing: `make serve` installs Debian's haproxy")
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self.stopping.set())
        try:
            for worker in self.workers:
                self.start(worker)
            self.wait_healthy()
            if self.stopping.is_set():
                return 0
            if haproxy is not None:
                self.start_proxy(haproxy)
            return self.watch()
        finally:
            self.log("stopping")
            self.stop()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8501, help="where HAProxy listens")
    parser.add_argument("--address", default="127.0.0.1", help="where HAProxy listens")
    parser.add_argument("--worker-port", type=int, default=8511, help="the first worker's port")
    parser.add_argument(
        "--worker-address",
        default="127.0.0.1",
        help="where the workers listen: this machine only, unless a proxy on another one "
        "forwards to them (then this machine's LAN address, never 0.0.0.0)",
    )
    parser.add_argument(
        "--remote",
        type=remote_worker,
        action="append",
        default=[],
        metavar="ADDRESS:PORT",
        help="a worker on another machine, behind this proxy too (repeatable)",
    )
    parser.add_argument(
        "--no-proxy", action="store_true", help="workers only: the proxy runs on another machine"
    )
    parser.add_argument("--run-dir", help="for haproxy.cfg and workers.json (default: a temp dir)")
    parser.add_argument("--script", default="server.py", help="what each worker runs")
    args = parser.parse_args(argv)
    if args.workers < 0 or not (args.workers or (args.remote and not args.no_proxy)):
        parser.error("no worker to serve: --workers N, or --remote ADDRESS:PORT for a proxy")
    return args


if __name__ == "__main__":
    sys.exit(Supervisor(parse()).run())
