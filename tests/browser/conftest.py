"""A demo portal served by `genbo demo` on 127.0.0.1 and Debian's Chromium driven by Playwright.

The browser tests need /usr/bin/chromium (the Debian package `chromium`, installed by
.ci/run); without it they are skipped with the reason, which GENBO_REQUIRE_ALL=1 turns
into a failure.
"""

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("GENBO_CHROMIUM", "/usr/bin/chromium"))
# Flags for a headless Chromium on a machine without a display or outside network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT_SECONDS = 90
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_PASSWORD = "genbo-demo"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment() -> dict[str, str]:
    # The demo always runs on its own SQLite file, whatever database the suite uses.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GENBO_")}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment["PYTHONUNBUFFERED"] = "1"
    return environment


class DemoPortal:
    def __init__(self, base_url: str, sign_ins: dict[str, str], data_dir: Path):
        self.base_url = base_url
        self.sign_ins = sign_ins
        self.data_dir = data_dir

    def url(self, path: str) -> str:
        return self.base_url + path


class DemoDidNotStart(RuntimeError):
    pass


@contextlib.contextmanager
def running_demo_portal(data_dir: Path):
    """Start `genbo demo` on a free port, yield its DemoPortal and stop it afterwards."""
    port = _free_port()
    log_path = data_dir / "server.log"
    genbo = Path(sys.executable).with_name("genbo")
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [str(genbo), "demo", "--data-dir", str(data_dir), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_environment(),
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
        while True:
            try:
                with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise DemoDidNotStart(
                    f"genbo demo did not answer; its log:\n{log_path.read_text()}"
                )
            time.sleep(0.3)
        printed = log_path.read_text(encoding="utf-8")
        sign_ins = dict(
            re.findall(r"^\s+(employee|convener|secretariat staff)\s+(\S+@\S+)$", printed, re.M)
        )
        yield DemoPortal(base_url, sign_ins, data_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def demo_portal(tmp_path_factory):
    """Start `genbo demo` on a free port and return its address and demo sign-ins."""
    try:
        with running_demo_portal(tmp_path_factory.mktemp("browser-demo")) as portal:
            yield portal
    except DemoDidNotStart as error:
        pytest.fail(str(error))


def run_in_demo(portal: DemoPortal, code: str) -> str:
    """Run Python `code` in Django's shell on the demo's database and return its output."""
    genbo = Path(sys.executable).with_name("genbo")
    finished = subprocess.run(
        [str(genbo), "manage", "shell", "--data-dir", str(portal.data_dir), "-c", code],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return finished.stdout


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def sign_in(page, portal: DemoPortal, role: str) -> None:
    page.goto(portal.url("/accounts/login/"))
    page.fill("#id_username", portal.sign_ins[role])
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(portal.url("/"))


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a CI artefact under test-artifacts/screenshots/."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
