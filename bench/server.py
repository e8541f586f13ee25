"""Start and watch the app server under test: gunicorn with uvicorn workers on 127.0.0.1."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

LOCAL_HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCAL_HOST, 0))
        return probe.getsockname()[1]


class AppServer:
    """A gunicorn master with uvicorn workers, started in its own process group."""

    def __init__(self, *, port: int, workers: int, env: dict[str, str], log_path: Path) -> None:
        self.port = port
        self.workers = workers
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.started_workers: set[int] = set()

    @property
    def base_url(self) -> str:
        return f"http://{LOCAL_HOST}:{self.port}"

    def start(self, *, timeout: float = 60) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "genbo.asgi:application",
            "--worker-class",
            "genbo.workers.UvicornWorker",
            "--workers",
            str(self.workers),
            "--bind",
            f"{LOCAL_HOST}:{self.port}",
            "--graceful-timeout",
            "5",
            # Every gunicorn master binds the same control socket in the home folder by
            # default, so two benchmark servers would take it from each other.
            "--no-control-socket",
            # Each worker listens on a socket of its own, and the kernel spreads new
            # connections over them. On one shared socket, the worker that woke first
            # often took most of wrk's 16 connections, in some runs all of them.
            "--reuse-port",
        ]
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log_path}"
                )
            if self._healthy() and len(self.worker_pids()) == self.workers:
                self.started_workers = self.worker_pids()
                return
            time.sleep(0.3)
        raise RuntimeError(
            f"gunicorn did not respond to /healthz within {timeout:.0f} s; see {self.log_path}"
        )

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def worker_pids(self) -> set[int]:
        """Return the ids of the master's child processes, read from /proc."""
        if self.process is None:
            return set()
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.add(int(stat.parent.name))
        return children

    def crashed(self) -> str:
        """Return why the server is no longer the one that started, or an empty string."""
        if self.process is None or self.process.poll() is not None:
            return "the gunicorn master exited"
        if self.worker_pids() != self.started_workers:
            return "a worker was restarted (crash, timeout or memory limit); see the server log"
        return ""

    def peak_memory_mb(self) -> dict[int, float]:
        """Return the peak resident memory (VmHWM) of every worker, in MiB."""
        peaks = {}
        for pid in sorted(self.worker_pids()):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks[pid] = int(line.split()[1]) / 1024
        return peaks

    def workers_cpu_seconds(self) -> float:
        """Return the CPU time (user and system) that the workers have used so far, in seconds."""
        ticks = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # After the command name: utime and stime are the 12th and 13th fields.
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait()
