"""Run one function on an untrusted file in a child process with a memory and a time limit.

A spreadsheet can make its reader ask for hundreds of GiB (a cell at XFD1048576 beside one at
A1: calamine builds the whole 16,384 × 1,048,576 grid) and the allocation failure aborts the
process: the CLI with exit 134, the Streamlit server for every user. Read in a child, that
abort kills only the child, and the parent turns it into a refusal.

The children come from a fork server that has imported `data.ledger` (polars, fastexcel) and
started no threads: a fork of it is quick (tens of ms) and safe, where forking the Streamlit
process (threads, polars' pool) is not, and a spawned interpreter would import polars each time.
Results come back pickled; `data.ledger` sends its grids as Arrow IPC bytes (faster than a
pickled frame). Measured on a county's month (100,000 rows, 25 columns), the child adds about a
second (the IPC both ways, the fork); the fork server's own start, once per process, 1–2 s.

A multiprocessing child runs the parent's `__main__` again (as `__mp_main__`) before its task.
In the server that is whichever page script Streamlit ran last (it sets `sys.modules["__main__"]`
to each script it runs): the child would run the app. A child is started with a blank
`__main__` in its place for that moment, so it runs nothing but its task.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MIB = 1 << 20
# Address space of one reading child (RLIMIT_AS: reserved, not resident; polars' allocator
# reserves generously). A county's 100,000-row month reads in well under 1 GiB of it; the limit
# leaves room for a full sheet of 1,048,576 rows. READ_MEMORY_MIB / READ_SECONDS change them.
DEFAULT_MEMORY_MIB = 4096
DEFAULT_SECONDS = 300

_PRELOAD = ["data.ledger"]
log = logging.getLogger(__name__)
_context: multiprocessing.context.BaseContext | None = None
_lock = threading.Lock()
_BLANK_MAIN = types.ModuleType("__main__")  # no file, no spec: nothing for a child to run


def memory_limit() -> int:
    """Bytes of address space a reading child may use."""
    return int(os.environ.get("READ_MEMORY_MIB") or DEFAULT_MEMORY_MIB) * MIB


def time_limit() -> float:
    """Seconds a reading child may run."""
    return float(os.environ.get("READ_SECONDS") or DEFAULT_SECONDS)


@dataclass
class Failed:
    """Why a child gave no result: "memory", "time" or "crash" (killed by a signal, or an
    exception other than MemoryError), with what was being done when it stopped."""

    kind: str
    detail: str
    step: str | None = None  # the last step the child announced (`progress`), e.g. a sheet name


def _get_context() -> multiprocessing.context.BaseContext:
    global _context
    with _lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            _context = ctx
        return _context


_progress: Any = None  # the child's end of the progress pipe


def progress(step: str) -> None:
    """Say, from inside a child, what it is doing now: a failure then names it (a sheet).
    Outside a child it does nothing."""
    if _progress is not None:
        _progress.send(("step", step))


def _child(conn: Any, memory: int, seconds: float, fn: Callable, args: tuple) -> None:
    global _progress
    _progress = conn
    # A reader that dies prints its panic (a Rust backtrace) on stderr: the parent says what
    # happened in words, and a terminal or the server log gets no backtrace.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = max(1, int(seconds) + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        result = fn(*args)
    except MemoryError:
        conn.send(("memory", "MemoryError"))
        return
    except RecursionError as exc:
        conn.send(("crash", f"RecursionError: {exc}"))
        return
    except Exception as exc:  # noqa: BLE001 - everything goes back to the parent as a failure
        conn.send(("crash", f"{exc.__class__.__name__}: {exc}"))
        return
    try:
        conn.send(("ok", result))
    except MemoryError:
        conn.send(("memory", "MemoryError"))


def run_limited(
    fn: Callable[..., Any],
    *args: Any,
    memory: int | None = None,
    seconds: float | None = None,
) -> Any | Failed:
    """`fn(*args)` in a child limited to `memory` bytes of address space and `seconds`; its
    result, or `Failed`. `fn` and its result must pickle (a module-level function)."""
    memory = memory_limit() if memory is None else memory
    seconds = time_limit() if seconds is None else seconds
    ctx = _get_context()
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, memory, seconds, fn, args), daemon=True)
    try:
        with _lock:
            main, sys.modules["__main__"] = sys.modules["__main__"], _BLANK_MAIN
            try:
                process.start()
            finally:
                sys.modules["__main__"] = main
    except OSError as exc:  # no process to be had (limits of the service, no memory): no read
        parent.close()
        child.close()
        log.warning("%s%r: no child process: %s", fn.__name__, args, exc)
        return Failed("crash", f"{exc.__class__.__name__}: {exc}")
    child.close()
    deadline = time.monotonic() + seconds
    try:
        result = _wait(parent, process, deadline, seconds)
    finally:
        parent.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if isinstance(result, Failed):
        # The server log gets what happened; the user gets a refusal in words (the caller's).
        log.warning(
            "%s%r in a limited child: %s (%s), at %s",
            fn.__name__,
            args,
            result.kind,
            result.detail,
            result.step,
        )
    return result


def _wait(parent: Any, process: Any, deadline: float, seconds: float) -> Any | Failed:
    step = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not parent.poll(left):
            process.kill()
            return Failed("time", f"> {seconds:g} s", step)
        try:
            kind, value = parent.recv()
        except (EOFError, OSError):  # the child died before it answered
            process.join(5)
            code = process.exitcode
            # The CPU limit ends a child with SIGXCPU. An allocation the memory limit refused
            # aborts a Rust reader (SIGABRT); the kernel's OOM killer sends SIGKILL.
            if code == -signal.SIGXCPU:
                return Failed("time", f"> {seconds:g} s CPU", step)
            name = signal.Signals(-code).name if code is not None and code < 0 else code
            kind = "memory" if code in (-signal.SIGABRT, -signal.SIGKILL) else "crash"
            return Failed(kind, f"exit {name}", step)
        if kind == "step":
            step = value
        elif kind == "ok":
            return value
        else:
            return Failed(kind, value, step)
