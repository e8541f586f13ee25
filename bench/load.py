"""Run wrk against one page and read the JSON line that sessions.lua prints."""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).with_name("sessions.lua")
RESULT_MARK = "BENCH-RESULT "


@dataclass
class LoadResult:
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: dict[str, int]

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        """Count responses other than 2xx/3xx and socket errors. Timeouts are reported only."""
        return sum(count for kind, count in self.errors.items() if kind != "timeout")

    def as_dict(self) -> dict:
        return {
            "connections": self.connections,
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "requests_per_second": round(self.requests_per_second, 1),
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "errors": self.errors,
        }


def run_wrk(url: str, *, connections: int, seconds: int, cookie_file: Path) -> LoadResult:
    """Load `url` with `connections` open connections for `seconds`; raise on a wrk failure."""
    command = [
        "wrk",
        "--threads",
        str(min(2, connections)),
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "30s",
        "--script",
        str(LUA_SCRIPT),
        url,
        "--",
        str(cookie_file),
    ]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in finished.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            data = json.loads(line[len(RESULT_MARK) :])
            return LoadResult(
                connections=connections,
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                p50_ms=round(data["p50_us"] / 1000, 1),
                p95_ms=round(data["p95_us"] / 1000, 1),
                p99_ms=round(data["p99_us"] / 1000, 1),
                errors=data["errors"],
            )
    raise RuntimeError(
        f"wrk exited with {finished.returncode} and no result line.\n"
        f"stdout: {finished.stdout}\nstderr: {finished.stderr}"
    )
