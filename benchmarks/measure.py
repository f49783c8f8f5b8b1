"""Whole-process timing, medians and peak memory, plus a description of the machine.

Every figure comes from a fresh process: :func:`run_process` times it from spawn to exit and
reads its peak resident memory from the kernel (``wait4``), so one process's caches and memory
never leak into another's figures.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ROOT", "Proc", "bench_env", "machine", "median", "run_process", "versions"]

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Proc:
    """One finished process: wall time from spawn to exit, peak RSS, exit code and output."""

    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False
    cpu_seconds: float = 0.0  # user + system CPU time: steadier than wall time on a busy machine

    def json_lines(self) -> list[dict]:
        """The JSON objects the process printed, one per line (other lines are ignored)."""
        out = []
        for line in self.stdout.splitlines():
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue
        return out


def bench_env(cache: Path) -> dict[str, str]:
    """The environment measured processes run in.

    Bytecode caching is on (as on a user's machine; some CI images turn it off with
    ``PYTHONDONTWRITEBYTECODE``), with the cache kept under ``cache`` so the source tree stays clean.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache / "pycache")
    env["PYTHONHASHSEED"] = "0"
    env.pop("ATTACHGRAPH_ENGINE", None)
    return env


_LAUNCHER = r"""
import json, os, signal, sys, time

def main():
    for line in sys.stdin:
        req = json.loads(line)
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, req["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
            (os.POSIX_SPAWN_OPEN, 2, req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
        ]
        os.chdir(req["cwd"])
        killed = []

        def on_alarm(_signum, _frame):
            killed.append(True)
            os.kill(pid, signal.SIGKILL)

        signal.signal(signal.SIGALRM, on_alarm)
        start = time.perf_counter()
        try:
            pid = os.posix_spawnp(req["cmd"][0], req["cmd"], req["env"], file_actions=actions)
        except OSError as exc:
            print(json.dumps({"error": str(exc)}), flush=True)
            continue
        if req["timeout"]:
            signal.setitimer(signal.ITIMER_REAL, req["timeout"])
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - start
        signal.setitimer(signal.ITIMER_REAL, 0)
        print(json.dumps({"seconds": seconds, "maxrss_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime,
                          "returncode": os.waitstatus_to_exitcode(status), "timed_out": bool(killed)}), flush=True)

main()
"""


class _Launcher:
    """A small helper process (``python -S``, under 10 MB) that spawns and reaps measured processes.

    Linux counts the memory of the process that spawns a child into the child's peak RSS (the
    image it had before ``exec``), so spawning from this large benchmark process would report
    every child at 40 MB or more. Spawning from a tiny process keeps the figure honest.
    """

    _proc: subprocess.Popen | None = None

    @classmethod
    def run(cls, request: dict) -> dict:
        if cls._proc is None or cls._proc.poll() is not None:
            cls._proc = subprocess.Popen(
                [sys.executable, "-S", "-u", "-c", _LAUNCHER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
            )
        assert cls._proc.stdin is not None and cls._proc.stdout is not None
        cls._proc.stdin.write(json.dumps(request) + "\n")
        cls._proc.stdin.flush()
        answer = cls._proc.stdout.readline()
        if not answer:
            raise RuntimeError("the benchmark launcher died")
        return json.loads(answer)


def run_process(cmd: Sequence[str], *, env: Mapping[str, str] | None = None, timeout: float | None = None, cwd: Path | None = None) -> Proc:
    """Run ``cmd`` to completion and return its wall time, peak memory, exit code and output.

    Output goes to temporary files, not pipes, so a chatty process never blocks and nobody reads
    while it runs. On ``timeout`` the process is killed and ``timed_out`` set.
    """
    with tempfile.TemporaryDirectory(prefix="agbench-") as tmp:
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        answer = _Launcher.run({
            "cmd": list(cmd),
            "env": dict(env if env is not None else os.environ),
            "cwd": str(cwd or os.getcwd()),
            "timeout": timeout or 0,
            "stdout": str(out),
            "stderr": str(err),
        })
        if "error" in answer:
            return Proc(0.0, 0.0, 127, "", answer["error"])
        return Proc(
            seconds=answer["seconds"],
            max_rss_mb=answer["maxrss_kb"] / 1024,  # kilobytes on Linux
            returncode=answer["returncode"],
            stdout=out.read_text(encoding="utf-8", errors="replace") if out.exists() else "",
            stderr=err.read_text(encoding="utf-8", errors="replace") if err.exists() else "",
            timed_out=answer["timed_out"],
            cpu_seconds=answer["cpu"],
        )


def median(values: Sequence[float]) -> float:
    """The median, or NaN for no values."""
    return statistics.median(values) if values else float("nan")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def machine() -> dict[str, str]:
    """CPU, cores, memory, OS and Python of this machine."""
    return {
        "cpu": _cpu(),
        "cores": str(os.cpu_count()),
        "memory": f"{_memory_gb():.1f} GB",
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def versions() -> dict[str, str]:
    """Versions of attachgraph and the libraries the benchmarks compare."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("attachgraph", "pyoxigraph", "oxrdflib", "rdflib", "networkx", "pyvis", "oxigraph", "playwright"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True, timeout=10)
        if commit.returncode == 0:
            found["git commit"] = commit.stdout.strip() + (" (with local changes)" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        pass
    found["python executable"] = sys.executable
    return found
