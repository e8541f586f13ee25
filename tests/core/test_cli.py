"""The `genbo` command: taxonomy import errors and an end-to-end run of `genbo demo`."""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from genbo.cli import _take_data_dir, main

GENBO = Path(sys.executable).with_name("genbo")
REPOSITORY = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "genbo-demo"
DEMO_START_TIMEOUT = 90
SIGN_INS_HEADING = f"Demo sign-ins (password for all: {DEMO_PASSWORD}):"


def _clean_environment(**variables) -> dict[str, str]:
    """Return this process's environment without GENBO_* settings, plus `variables`.

    The PostgreSQL run sets GENBO_DATABASE_URL, and a demo started with it would seed that
    database instead of a throwaway SQLite file.
    """
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("GENBO_")
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(variables)
    return environment


def test_genbo_script_is_installed():
    assert GENBO.is_file()


@pytest.mark.parametrize("place", ["before", "after"])
def test_manage_takes_data_dir_on_either_side(tmp_path, place):
    data_dir = tmp_path / "data"
    option = ["--data-dir", str(data_dir)]
    arguments = [*option, "check"] if place == "before" else ["check", *option]

    result = subprocess.run(
        [str(GENBO), "manage", *arguments],
        env=_clean_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert data_dir.is_dir()


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["migrate"], (None, ["migrate"])),
        (["migrate", "--data-dir", "d"], ("d", ["migrate"])),
        (["migrate", "--data-dir=d", "--plan"], ("d", ["migrate", "--plan"])),
        (["shell", "--", "--data-dir", "d"], (None, ["shell", "--", "--data-dir", "d"])),
    ],
)
def test_take_data_dir_from_manage_arguments(arguments, expected):
    assert _take_data_dir(arguments) == expected


def test_manage_data_dir_without_folder_exits_2(capsys):
    assert main(["manage", "check", "--data-dir"]) == 2
    assert capsys.readouterr().err.strip() == "genbo manage: --data-dir needs a folder"


def test_manage_two_different_data_dirs_exit_2(tmp_path, capsys):
    first, second = str(tmp_path / "a"), str(tmp_path / "b")

    assert main(["manage", "--data-dir", first, "check", "--data-dir", second]) == 2
    assert "--data-dir is given twice" in capsys.readouterr().err


def test_import_taxonomy_bad_path_exits_2(tmp_path):
    missing = tmp_path / "finns-inte.json"

    result = subprocess.run(
        [str(GENBO), "import-taxonomy", str(missing), "--data-dir", str(tmp_path / "data")],
        env=_clean_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stderr.strip() == f"genbo import-taxonomy: {missing}: file not found"
    assert result.stdout == ""


@pytest.mark.django_db
def test_import_taxonomy_invalid_json_exits_2(tmp_path, settings, capsys):
    settings.DATA_DIR = tmp_path
    path = tmp_path / "trasig.json"
    path.write_text("{inte json", encoding="utf-8")

    code = main(["import-taxonomy", str(path)])

    assert code == 2
    assert capsys.readouterr().err.startswith(
        f"genbo import-taxonomy: {path}: not a readable JSON file"
    )


@pytest.mark.django_db
def test_import_taxonomy_prints_counts(tmp_path, settings, capsys):
    settings.DATA_DIR = tmp_path
    path = tmp_path / "liten.json"
    document = {
        "concepts": {
            "skill": [
                {"concept_id": "s1", "label": "Svetsning"},
                {"concept_id": "s2", "label": "SVETSNING"},
            ],
            "occupation-name": [{"concept_id": "o1", "label": "Svetsare"}],
        }
    }
    path.write_text(json.dumps(document), encoding="utf-8")

    code = main(["import-taxonomy", str(path)])

    assert code == 0
    assert capsys.readouterr().out.splitlines() == [
        "skill: 1 created, 0 updated, 0 unchanged",
        "occupation-name: 1 created, 0 updated, 0 unchanged",
        "skill: 1 skipped because another skill has the same label",
    ]


def test_unknown_command_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["finns-inte"])

    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_seed_reset_without_volume_exits_2(capsys):
    assert main(["seed", "--reset"]) == 2
    assert "--reset works only together with --volume" in capsys.readouterr().err


def test_seed_unknown_volume_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["seed", "--volume", "huge"])

    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


# End to end: `genbo demo` seeds a fresh SQLite database and serves it on 127.0.0.1.


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _OutputReader(threading.Thread):
    """Collects the lines a process prints, so that its pipe never fills up."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.lines: list[str] = []

    def run(self):
        for line in self.stream:
            self.lines.append(line.rstrip("\n"))

    def text(self) -> str:
        return "\n".join(self.lines)


def _wait_for_health(base_url: str, process: subprocess.Popen, output: _OutputReader) -> None:
    deadline = time.monotonic() + DEMO_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"genbo demo exited with {process.returncode}:\n{output.text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(
        f"genbo demo did not answer /healthz within {DEMO_START_TIMEOUT} s:\n{output.text()}"
    )


def _printed_sign_ins(output: str) -> list[tuple[str, str]]:
    """Return (role, e-mail) pairs from the lines under the sign-ins heading."""
    lines = output.splitlines()
    if SIGN_INS_HEADING not in lines:
        pytest.fail(f"genbo demo printed no line {SIGN_INS_HEADING!r}:\n{output}")
    start = lines.index(SIGN_INS_HEADING) + 1
    sign_ins = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        role, email = line.strip().rsplit(maxsplit=1)
        sign_ins.append((role.strip(), email))
    return sign_ins


@pytest.fixture
def demo_server(tmp_path):
    """Start `genbo demo` on a free port, yield its base URL and output, and stop it afterwards."""
    port = _free_port()
    process = subprocess.Popen(
        [str(GENBO), "demo", "--data-dir", str(tmp_path / "data"), "--port", str(port)],
        cwd=REPOSITORY,
        env=_clean_environment(PYTHONUNBUFFERED="1"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = _OutputReader(process.stdout)
    output.start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(base_url, process, output)
        yield base_url, output
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        output.join(timeout=5)


def test_demo_serves_and_signs_in(demo_server):
    base_url, output = demo_server
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    sign_ins = _printed_sign_ins(output.text())
    with opener.open(f"{base_url}/accounts/login/", timeout=10) as response:
        login_page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    email = dict(sign_ins)["employee"]
    form = {"csrfmiddlewaretoken": token, "username": email, "password": DEMO_PASSWORD, "next": "/"}
    with opener.open(
        f"{base_url}/accounts/login/", data=urllib.parse.urlencode(form).encode(), timeout=10
    ) as response:
        start_url = response.geturl()
        start_page = response.read().decode()

    assert len(sign_ins) == 3
    assert '<html lang="sv">' in login_page
    assert "Lösenord" in login_page
    assert start_url == f"{base_url}/"
    assert '<html lang="sv">' in start_page
    assert 'action="/accounts/logout/"' in start_page
