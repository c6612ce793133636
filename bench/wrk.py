"""Run wrk with --latency and read its summary into a LoadResult."""

import re
import shutil
import subprocess

from bench.loadgen import REQUEST_TIMEOUT, LoadResult

_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def available() -> bool:
    return shutil.which("wrk") is not None


def version() -> str:
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"wrk (?:\S+/)?([\d.]+)", result.stdout + result.stderr)
    return f"wrk {match[1]}" if match else "wrk"


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    return float(match[1]) * _TO_MS[match[2]]


def _number(pattern: str, output: str, default: str | None = None) -> str:
    match = re.search(pattern, output, re.MULTILINE)
    if match:
        return match[1]
    if default is None:
        raise ValueError(f"wrk printed no {pattern!r}:\n{output}")
    return default


def parse(output: str) -> LoadResult:
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    kinds = ("connect", "read", "write", "timeout")
    counts = (
        dict(zip(kinds, map(int, socket_errors.groups()), strict=True)) if socket_errors else {}
    )
    counts["non-2xx/3xx"] = int(_number(r"Non-2xx or 3xx responses: (\d+)", output, default="0"))
    errors = sum(counts.values())
    return LoadResult(
        requests=int(_number(r"(\d+) requests in", output)),
        errors=errors,
        error_detail=", ".join(f"{kind} {n}" for kind, n in counts.items() if n),
        rps=float(_number(r"^Requests/sec:\s+([\d.]+)", output)),
        p50_ms=_duration_ms(_number(r"^\s+50%\s+(\S+)", output)),
        p99_ms=_duration_ms(_number(r"^\s+99%\s+(\S+)", output)),
    )


def run(url: str, *, seconds: float, connections: int, threads: int = 1) -> LoadResult:
    """Load `url` for `seconds` seconds over `connections` connections."""
    command = [
        "wrk",
        "--latency",
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={REQUEST_TIMEOUT:g}s",
        url,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds * 3 + 30
    )
    return parse(result.stdout)
