"""Measure chat delivery latency: 500 clients in one room across two app processes.

Starts two uvicorn processes on 127.0.0.1 that share a SQLite file and Redis (as
tests/chat/live.py sets them up), connects the clients evenly to both, and runs two
phases with one sender:
- latency: messages one at a time, --interval seconds apart. A delivery's latency is the
  time from the sender's send() to the client's receipt, on this machine's monotonic
  clock. Prints p50, p99 and max.
- throughput: --burst messages sent as fast as --burst-senders senders can (each stays
  under the server's limit of frames per second per socket). Prints the messages per
  second and deliveries per second until the last client has them all.
Each sent message must be acknowledged ("ack") to its sender. The figures end with the
messages that were not, and the script exits with 1 when any message was not stored or
not delivered to every client.

Run from the repository root:  .venv/bin/python bench/chat_latency.py
Needs Redis at GENBO_REDIS_TEST_URL (default redis://127.0.0.1:6379/11). The clients run
in this one Python process, so on a small machine they compete with the servers for CPU
and their own delay is part of the figures.
"""

import argparse
import asyncio
import json
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from websockets.exceptions import ConnectionClosed  # noqa: E402

from tests.chat.live import LiveChat, connect, redis_reachable, redis_url  # noqa: E402

SEQUENCE = re.compile(r"bench-(\d+)")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500, help="receiving clients")
    parser.add_argument("--processes", type=int, default=2, help="app processes")
    parser.add_argument("--messages", type=int, default=30, help="messages of the latency phase")
    parser.add_argument(
        "--interval", type=float, default=1.0, help="seconds between messages of the latency phase"
    )
    parser.add_argument("--burst", type=int, default=100, help="messages of the throughput phase")
    parser.add_argument(
        "--burst-senders", type=int, default=10, help="senders of the throughput phase"
    )
    parser.add_argument(
        "--data-dir", help="folder for the database and server logs, kept afterwards"
    )
    parser.add_argument(
        "--timeout", type=float, default=120, help="seconds to wait for the last delivery"
    )
    return parser.parse_args()


class Receivers:
    """Reads every client's frames and records when each numbered message arrives."""

    def __init__(self, connections):
        self.connections = connections
        self.sent_at: dict[int, float] = {}
        self.latencies: dict[int, list[float]] = {}
        self.last_arrival = 0.0
        self.tasks = [asyncio.create_task(self._read(c)) for c in connections]

    async def _read(self, websocket):
        while True:
            # The sequence number is found in the raw text, to keep the client's own work
            # per frame small.
            match = SEQUENCE.search(await websocket.recv())
            if match is None:
                continue
            now = time.monotonic()
            sequence = int(match[1])
            self.latencies.setdefault(sequence, []).append(now - self.sent_at[sequence])
            self.last_arrival = now

    def delivered(self, sequences) -> int:
        return sum(len(self.latencies.get(sequence, [])) for sequence in sequences)

    async def wait_for(self, sequences, timeout: float) -> bool:
        expected = len(self.connections) * len(sequences)
        deadline = time.monotonic() + timeout
        while self.delivered(sequences) < expected:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True


class Senders:
    """Reads the senders' frames and records which messages the server acknowledged."""

    def __init__(self, connections):
        self.connections = connections
        self.sent: list[str] = []
        self.acknowledged: set[str] = set()
        self.errors: list[str] = []
        self.closed: list[str] = []
        self.tasks = [asyncio.create_task(self._read(c)) for c in connections]

    async def _read(self, websocket):
        while True:
            try:
                frame = json.loads(await websocket.recv())
            except ConnectionClosed as closed:
                self.closed.append(str(closed))
                print(f"sender socket closed: {closed}", flush=True)
                return
            if frame["type"] == "ack":
                self.acknowledged.add(frame["client_id"])
            elif frame["type"] == "error":
                self.errors.append(f"{frame['code']}: {frame['message']}")
                print(f"sender error: {frame['code']}: {frame['message']}", flush=True)

    def unacknowledged(self) -> int:
        return len(set(self.sent) - self.acknowledged)

    async def wait_for_acks(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.unacknowledged() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)


async def _send(sender, senders: Senders, receivers: Receivers, sequence: int) -> None:
    receivers.sent_at[sequence] = time.monotonic()
    client_id = str(uuid.uuid4())
    senders.sent.append(client_id)
    frame = {"type": "send", "client_id": client_id, "body": f"bench-{sequence}"}
    await sender.send(json.dumps(frame))


async def run(chat: LiveChat, data: dict, args: argparse.Namespace) -> dict:
    room = data["room"]
    senders_count = args.burst_senders
    sender_sessions = data["sessions"][:senders_count]
    receiver_sessions = data["sessions"][senders_count:]
    connections = []
    for index, session in enumerate(receiver_sessions):
        process = index % args.processes
        connections.append(
            await connect(chat.socket_url(process, room), session, chat.ports[process])
        )
    print(f"{len(connections)} clients connected", flush=True)
    receivers = Receivers(connections)
    # The senders read their own frames too, so their sockets never back up.
    senders = Senders(
        [
            await connect(chat.socket_url(0, room), session, chat.ports[0])
            for session in sender_sessions
        ]
    )
    sender = senders.connections[0]

    latency_phase = range(args.messages)
    for sequence in latency_phase:
        await _send(sender, senders, receivers, sequence)
        await asyncio.sleep(args.interval)
    complete = await receivers.wait_for(latency_phase, args.timeout)
    latencies = [value for s in latency_phase for value in receivers.latencies.get(s, [])]

    burst_phase = range(args.messages, args.messages + args.burst)
    started = time.monotonic()
    for sequence in burst_phase:
        await _send(senders.connections[sequence % senders_count], senders, receivers, sequence)
    sending_seconds = time.monotonic() - started
    burst_complete = await receivers.wait_for(burst_phase, args.timeout)
    burst_seconds = receivers.last_arrival - started
    await senders.wait_for_acks(args.timeout)

    for task in [*receivers.tasks, *senders.tasks]:
        task.cancel()
    for connection in [*connections, *senders.connections]:
        await connection.close()
    return {
        "clients": len(connections),
        "latencies": latencies,
        "latency_complete": complete,
        "burst_deliveries": receivers.delivered(burst_phase),
        "burst_complete": burst_complete,
        "burst_seconds": burst_seconds,
        "sending_seconds": sending_seconds,
        "sent": len(senders.sent),
        "unacknowledged": senders.unacknowledged(),
        "sender_errors": len(senders.errors),
        "senders_closed": len(senders.closed),
    }


def report(result: dict, args: argparse.Namespace) -> None:
    clients = result["clients"]
    latencies_ms = sorted(value * 1000 for value in result["latencies"])
    quantiles = statistics.quantiles(latencies_ms, n=100)
    print(f"clients: {clients} across {args.processes} processes")
    print(
        f"latency phase: {args.messages} messages {args.interval:g} s apart, "
        f"{len(latencies_ms)} of {clients * args.messages} deliveries"
        + ("" if result["latency_complete"] else " (timed out)")
    )
    print(f"  p50: {quantiles[49]:.1f} ms")
    print(f"  p99: {quantiles[98]:.1f} ms")
    print(f"  max: {latencies_ms[-1]:.1f} ms")
    print(
        f"throughput phase: {args.burst} messages, {result['burst_deliveries']} of "
        f"{clients * args.burst} deliveries in {result['burst_seconds']:.2f} s"
        + ("" if result["burst_complete"] else " (timed out)")
    )
    print(f"  messages per second sent: {args.burst / result['sending_seconds']:.0f}")
    print(f"  messages per second delivered to all: {args.burst / result['burst_seconds']:.1f}")
    print(f"  deliveries per second: {result['burst_deliveries'] / result['burst_seconds']:.0f}")
    print(
        f"not acknowledged: {result['unacknowledged']} of {result['sent']} messages; "
        f"sender errors: {result['sender_errors']}; "
        f"sender sockets closed: {result['senders_closed']}"
    )


def main() -> int:
    args = parse_args()
    if not redis_reachable(redis_url()):
        print(f"Redis is not reachable at {redis_url()}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="genbo-chat-bench-") as temporary:
        data_dir = args.data_dir or temporary
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        chat = LiveChat(
            Path(data_dir),
            processes=args.processes,
            extra_env={"GENBO_CHAT_RATE_MESSAGES": str((args.messages + args.burst) * 10)},
        )
        try:
            chat.start()
            data = chat.setup_users(args.clients + args.burst_senders)
            result = asyncio.run(run(chat, data, args))
        finally:
            chat.stop()
    report(result, args)
    complete = result["latency_complete"] and result["burst_complete"]
    return 0 if complete and not result["unacknowledged"] else 1


if __name__ == "__main__":
    sys.exit(main())
