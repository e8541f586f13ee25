"""Chat app processes on 127.0.0.1 sharing one Redis, for the cross-process tests and bench.

Each process is `uvicorn genbo.asgi:application` on its own free port, with the same
SQLite file and GENBO_REDIS_URL, so sessions and the channel layer live in Redis. Every
Redis key starts with a prefix unique to the run, which `cleanup` deletes again.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

# The Redis database the chat tests use unless GENBO_REDIS_TEST_URL names another.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"
KEY_PREFIX_START = "genbo-chat-test"
START_TIMEOUT_SECONDS = 60

# Run inside the portal's environment: create the users, one topic room and a session per
# user in Redis, and print them as JSON.
SETUP_SCRIPT = """
import json, sys
import django
django.setup()
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from genbo.accounts.models import User
from genbo.chat import services
from genbo.core.models import Municipality

count = int(sys.argv[1])
municipality = Municipality.objects.get(slug="helsingborg")
users = User.objects.bulk_create(
    User(email=f"chat{i}@helsingborg.example", first_name="Chatt", last_name=f"Nummer {i}",
         municipality=municipality, password="!")
    for i in range(count)
)
users = list(User.objects.order_by("pk"))
room = services.topic_room_create(creator=users[0], name="Prestandarummet")
store_class = import_module(settings.SESSION_ENGINE).SessionStore
sessions = []
for user in users:
    store = store_class()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    sessions.append(store.session_key)
print(json.dumps({"room": room.pk, "users": [u.pk for u in users], "sessions": sessions}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_url() -> str:
    return os.environ.get("GENBO_REDIS_TEST_URL", DEFAULT_REDIS_URL)


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


class LiveChat:
    """Two or more app processes; `ports` lists where they listen.

    `server_options` are added to each uvicorn command line, such as its keep-alive pings.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        processes: int = 2,
        extra_env: dict | None = None,
        server_options: list[str] | None = None,
    ):
        self.data_dir = data_dir
        self.server_options = server_options or []
        self.prefix = f"{KEY_PREFIX_START}-{uuid.uuid4().hex[:8]}"
        self.env = _environment(data_dir, self.prefix, extra_env or {})
        self.processes: list[subprocess.Popen] = []
        self.ports: list[int] = []
        self.count = processes

    def start(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "genbo.cli", "manage", "migrate", "--verbosity", "0"],
            env=self.env,
            check=True,
            timeout=START_TIMEOUT_SECONDS * 2,
        )
        for index in range(self.count):
            port = free_port()
            log = open(self.data_dir / f"server-{index}.log", "w", encoding="utf-8")  # noqa: SIM115
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "genbo.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                    *self.server_options,
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.processes.append(process)
            self.ports.append(port)
        for index, port in enumerate(self.ports):
            self._wait_until_up(index, port)

    def _wait_until_up(self, index: int, port: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if self.processes[index].poll() is not None or time.monotonic() > deadline:
                log = (self.data_dir / f"server-{index}.log").read_text(encoding="utf-8")
                raise RuntimeError(f"chat server {index} did not start; its log:\n{log}")
            time.sleep(0.2)

    def setup_users(self, count: int) -> dict:
        """Create `count` users, a topic room and their sessions; return ids and session keys."""
        return json.loads(self.run_python(SETUP_SCRIPT, str(count)))

    def run_python(self, code: str, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", code, *args],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_SECONDS * 2,
        )
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""

    @property
    def database_path(self) -> Path:
        return self.data_dir / "genbo.sqlite3"

    def socket_url(self, index: int, room_id: int) -> str:
        return f"ws://127.0.0.1:{self.ports[index]}/ws/chat/rooms/{room_id}/"

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.cleanup()

    def cleanup(self) -> None:
        """Delete the Redis keys of this run, and only those."""
        import redis

        client = redis.Redis.from_url(redis_url())
        for key in client.scan_iter(match=f"{self.prefix}*", count=500):
            client.delete(key)


def _environment(data_dir: Path, prefix: str, extra: dict) -> dict:
    # Only this run's settings: no database URL or Redis URL from the calling shell.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GENBO_")}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "genbo.settings",
            "GENBO_DATA_DIR": str(data_dir),
            "GENBO_REDIS_URL": redis_url(),
            "GENBO_REDIS_KEY_PREFIX": prefix,
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
    )
    return environment


def connect(url: str, session_key: str, port: int):
    """Open a WebSocket to `url` with the session cookie, never through a proxy."""
    from websockets.asyncio.client import connect as websocket_connect

    return websocket_connect(
        url,
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": f"sessionid={session_key}"},
        proxy=None,
        compression=None,
        # A loaded client replies to pings late; the tests and the benchmark need no keep-alive.
        ping_interval=None,
        open_timeout=60,
    )
