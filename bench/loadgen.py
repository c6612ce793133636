"""A small closed-loop HTTP load generator, used when wrk is not installed.

Each of `connections` threads sends GET requests one after another until the time is up,
reconnecting whenever the server closes the connection (gunicorn's sync workers do after
every response). Run alone: `python -m bench.loadgen http://127.0.0.1:8000/ -d 5 -c 8`.
"""

import argparse
import http.client
import math
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float
    # What the errors were, e.g. "timeout 3, 5xx 2": say why, not only how many.
    error_detail: str = ""


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 when it is empty)."""
    if not sorted_values:
        return 0.0
    rank = min(max(1, math.ceil(fraction * len(sorted_values))), len(sorted_values))
    return sorted_values[rank - 1]


# A request still unanswered after this long counts as an error.
REQUEST_TIMEOUT = 10.0


class _Worker(threading.Thread):
    """Requests until the deadline; keeps only what finished before it, as wrk does."""

    def __init__(self, address: tuple[str, int], path: str, deadline: float):
        super().__init__(daemon=True)
        self.address, self.path, self.deadline = address, path, deadline
        self.latencies: list[float] = []
        self.errors = 0
        self.no_answer = 0

    def run(self) -> None:
        conn = http.client.HTTPConnection(*self.address, timeout=REQUEST_TIMEOUT)
        while (started := time.perf_counter()) < self.deadline:
            status = self._get(conn)
            finished = time.perf_counter()
            if finished > self.deadline:
                break
            if status is None or status >= 400:
                self.errors += 1
            if status is None:
                self.no_answer += 1
            if status is not None:
                self.latencies.append((finished - started) * 1000)
        conn.close()

    def _get(self, conn: http.client.HTTPConnection) -> int | None:
        try:
            conn.request("GET", self.path)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            time.sleep(0.01)  # a refused connection fails at once; do not spin
            return None
        return response.status


def run(url: str, *, seconds: float, connections: int) -> LoadResult:
    """GET `url` from `connections` concurrent connections for `seconds` seconds."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    deadline = time.perf_counter() + seconds
    address = (parts.hostname, parts.port or 80)
    workers = [_Worker(address, path, deadline) for _ in range(connections)]
    for worker in workers:
        worker.start()
    # Wait for the requests in flight at the deadline, so the next run starts on an idle server.
    for worker in workers:
        worker.join(seconds + REQUEST_TIMEOUT + 1)
    latencies = sorted(ms for worker in workers for ms in worker.latencies)
    errors = sum(worker.errors for worker in workers)
    no_answer = sum(worker.no_answer for worker in workers)
    return LoadResult(
        requests=len(latencies),
        errors=errors,
        error_detail=f"no answer {no_answer}, 4xx/5xx {errors - no_answer}" if errors else "",
        rps=len(latencies) / seconds,
        p50_ms=percentile(latencies, 0.50),
        p99_ms=percentile(latencies, 0.99),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("-d", "--seconds", type=float, default=10)
    parser.add_argument("-c", "--connections", type=int, default=16)
    args = parser.parse_args()
    result = run(args.url, seconds=args.seconds, connections=args.connections)
    print(
        f"{result.requests} requests, {result.rps:.1f} req/s, p50 {result.p50_ms:.1f} ms, "
        f"p99 {result.p99_ms:.1f} ms, {result.errors} errors"
    )


if __name__ == "__main__":
    main()
