"""The WebSocket of one chat room: live messages, sending, editing, deleting and catch-up.

Frames are JSON objects with a "type". From the browser:
  {"type": "hello", "last_id": 41, "first_id": 12}
                                              send me what I missed after message 41,
                                              and messages 12 to 41 edited or deleted
  {"type": "send", "client_id": UUID, "body": "..."}
  {"type": "edit", "id": 42, "body": "..."}   {"type": "delete", "id": 42}
  {"type": "read", "id": 42}                  I have read up to message 42
To the browser: "message" (new), "changed" (edited or deleted; after a "hello" also those
edited or deleted earlier, because the browser may have missed it), "ack" (your send is
stored, with its id), "error" (with a code, a message for people, the client_id of a
rejected send, and for "rate_limited" the seconds to wait in "retry_after"), "reload"
(too much was missed; load the page again).

The socket is closed with 4401 when the session ended or the employee was deactivated,
4403 when the room is not (or no longer) readable, 4429 for a flood of frames, and 1011
when handling a frame failed on the server. After any close the browser sends again the
messages it has no "ack" for; their client ids keep them from being stored twice.
"""

import asyncio
import json
import logging
import random
import re
import time
from importlib import import_module

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from genbo.chat import selectors, services
from genbo.chat.models import MAX_MESSAGE_LENGTH, Message, Room

logger = logging.getLogger(__name__)

CLOSE_SIGNED_OUT = 4401
CLOSE_NO_ACCESS = 4403
CLOSE_FLOOD = 4429
# A frame longer than this is rejected before it is parsed: a message at the length
# limit, escaped as JSON, with room for the other fields.
MAX_FRAME_CHARACTERS = MAX_MESSAGE_LENGTH * 6 + 500
# More frames than this within one second close the socket.
MAX_FRAMES_PER_SECOND = 20
# Frames received but not handled yet. When this many wait, the socket stops taking new
# ones until the oldest is handled, which pushes back on the browser through TCP.
MAX_WAITING_FRAMES = 100
# Close code for a frame whose handling failed on the server, such as a database error.
CLOSE_SERVER_ERROR = 1011
# The maximum number of missed messages sent after a reconnection.
# With more, the browser reloads.
MAX_CATCH_UP = 200
# The maximum number of messages, newest first, that a "hello" scans for edits and
# deletions among the messages the browser shows. A browser that shows more must reload,
# so that no deleted text stays on its screen.
MAX_CHANGE_SCAN = 1000
# Channel-layer events that are forwarded to the browser without touching the database.
FORWARDED_EVENTS = {"chat.message", "chat.changed"}
FRAME_FIELDS = {
    "hello": {"last_id", "first_id"},
    "send": {"client_id", "body"},
    "edit": {"id", "body"},
    "delete": {"id"},
    "read": {"id"},
}


# The largest id a database row can have (a signed 64-bit integer); larger numbers in a
# frame would overflow in the query.
MAX_MESSAGE_ID = 2**63 - 1


def _is_message_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_MESSAGE_ID


# Browsers send UUIDs (36 characters); a longer client id is not echoed in an error.
MAX_CLIENT_ID_CHARACTERS = 64


def _is_echoable_client_id(value) -> bool:
    # A lone surrogate could not be encoded as UTF-8 when the error frame is sent.
    return isinstance(value, str) and len(value) <= MAX_CLIENT_ID_CHARACTERS and value.isascii()


# The browser writes "type" and "client_id" before "body", so a client id is within the
# first characters of a send frame, however long the body is.
CLIENT_ID_PATTERN = re.compile(r'"client_id"\s*:\s*"([0-9A-Fa-f-]{36})"')
CLIENT_ID_SEARCH_CHARACTERS = 200


def _client_id_of_long_frame(text_data: str) -> str | None:
    """Return the client id at the start of a frame too long to parse, or None."""
    match = CLIENT_ID_PATTERN.search(text_data, 0, CLIENT_ID_SEARCH_CHARACTERS)
    return match.group(1) if match else None


def _session_user_id(session_key: str | None) -> int | None:
    """Return the id of the active employee signed in with `session_key`, or None.

    The session is loaded again from its store, so a session that expired, was signed out
    or belongs to a changed password gives None, as it would for an HTTP request.
    """
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    data = store.load()
    user_id = data.get(SESSION_KEY)
    if user_id is None or data.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    if not constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return None
    if not user.is_active:
        # Known but deactivated: every socket of this employee closes, here and elsewhere.
        services.chat_disconnect_user(user.pk)
        return None
    return user.pk


class RoomConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.room_id = self.scope["url_route"]["kwargs"]["room_id"]
        self.user = self.scope.get("user")
        self.session_key = getattr(self.scope.get("session"), "session_key", None)
        self.groups_joined: list[str] = []
        self.frame_times: list[float] = []
        self.allowed = False
        self.closing = False
        self.waiting_frames: asyncio.Queue[str | None] = asyncio.Queue(MAX_WAITING_FRAMES)
        self.frame_task: asyncio.Task | None = None
        self.recheck_task: asyncio.Task | None = None
        cookie_language = self.scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
        languages = dict(settings.LANGUAGES)
        self.language = cookie_language if cookie_language in languages else settings.LANGUAGE_CODE
        if self.user is None or not self.user.is_authenticated:
            await self._turn_away(CLOSE_SIGNED_OUT)
            return
        room = await database_sync_to_async(self._visible_room)()
        if room is None:
            await self._turn_away(CLOSE_NO_ACCESS)
            return
        self.room = room
        self.allowed = True
        # The groups are joined before the socket is accepted, so that no event sent after
        # the browser receives the open socket can be missed.
        for group in (room.group_name, services.user_group(self.user.pk)):
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()
        self.frame_task = asyncio.create_task(self._handle_waiting_frames())
        self.recheck_task = asyncio.create_task(self._recheck_periodically())

    async def _turn_away(self, code: int):
        # Accepting before closing lets the close code tell the browser why; a socket
        # closed during the handshake only gets an HTTP 403.
        await self.accept()
        await self.close(code=code)

    def _visible_room(self) -> Room | None:
        return Room.objects.visible_to(self.user).filter(pk=self.room_id).first()

    async def disconnect(self, code):
        self.allowed = False
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = []
        # A task that closes the socket itself is not cancelled, because its close would
        # be cancelled with it. It stops on its own once the groups are left.
        for task in (self.frame_task, self.recheck_task):
            if task is not None and task is not asyncio.current_task():
                task.cancel()

    # Frames from the browser

    async def receive(self, text_data=None, bytes_data=None):
        # A frame is only queued here and handled by `_handle_waiting_frames`. While the
        # application has not taken a frame, uvicorn stops reading the connection, so the
        # browser's pong frames stay unread too. If frames were handled here, a socket
        # whose frames wait for the database longer than the ping timeout (20 s by
        # default) would be closed with 1011 and lose every frame not yet handled.
        if not self.groups_joined:
            return
        if self._flooding():
            logger.warning("Closing chat socket of user %s: frame flood", self.user.pk)
            await self._close(CLOSE_FLOOD)
            return
        await self.waiting_frames.put(text_data)

    async def _handle_waiting_frames(self):
        while self.groups_joined:
            text_data = await self.waiting_frames.get()
            try:
                with translation.override(self.language):
                    await self._receive(text_data)
            except Exception:
                # The browser sends again every message it has no "ack" for once it has
                # reconnected, so closing loses nothing that was not stored.
                logger.exception(
                    "Handling a chat frame of user %s in room %s failed",
                    self.user.pk,
                    self.room_id,
                )
                await self._close(CLOSE_SERVER_ERROR)
                return

    async def _receive(self, text_data):
        if not self.groups_joined:
            return
        if text_data is None:
            await self._error("invalid_frame", _("Only text frames with JSON are accepted."))
            return
        if len(text_data) > MAX_FRAME_CHARACTERS:
            await self._error(
                "too_long",
                _("The message is too long. The limit is %(limit)d characters.")
                % {"limit": MAX_MESSAGE_LENGTH},
                client_id=_client_id_of_long_frame(text_data),
            )
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self._error("invalid_json", _("The frame is not valid JSON."))
            return
        if not isinstance(frame, dict) or frame.get("type") not in FRAME_FIELDS:
            await self._error("invalid_frame", _("The frame has no known type."))
            return
        unknown = set(frame) - FRAME_FIELDS[frame["type"]] - {"type"}
        if unknown:
            # An "author" or "room" field could claim another author or room. Only the
            # socket's own user and room are ever used, so such frames are rejected.
            await self._error(
                "invalid_frame",
                _("The frame has fields that are not allowed: %(fields)s.")
                % {"fields": ", ".join(sorted(unknown))},
                client_id=frame.get("client_id"),
            )
            return
        if not await self._still_allowed():
            return
        handler = getattr(self, f"_frame_{frame['type']}")
        await handler(frame)

    def _flooding(self) -> bool:
        now = time.monotonic()
        self.frame_times = [moment for moment in self.frame_times if now - moment < 1.0]
        self.frame_times.append(now)
        return len(self.frame_times) > MAX_FRAMES_PER_SECOND

    async def _still_allowed(self, *, thread_sensitive: bool = True) -> bool:
        """Check the session, the employee and the room again; close the socket if one fails."""
        user_id = await database_sync_to_async(_session_user_id, thread_sensitive=thread_sensitive)(
            self.session_key
        )
        if user_id != self.user.pk:
            self.allowed = False
            await self._close(CLOSE_SIGNED_OUT)
            return False
        can_read = await database_sync_to_async(
            selectors.can_read_room, thread_sensitive=thread_sensitive
        )(user_id, self.room.pk)
        if not can_read:
            self.allowed = False
            await self._close(CLOSE_NO_ACCESS)
            return False
        return True

    async def _frame_hello(self, frame):
        last_id = frame.get("last_id")
        if not _is_message_id(last_id):
            await self._error("invalid_frame", _("The field last_id must be a message id."))
            return
        # A browser that shows no messages sends no first_id and gets no changes replayed.
        first_id = frame.get("first_id")
        if first_id is not None and not _is_message_id(first_id):
            await self._error("invalid_frame", _("The field first_id must be a message id."))
            return
        catch_up = await database_sync_to_async(self._catch_up)(first_id, last_id)
        if catch_up is None:
            await self._send_json({"type": "reload"})
            return
        changed, missed = catch_up
        for payload in changed:
            await self._send_json({"type": "changed", "message": payload})
        for payload in missed:
            await self._send_json({"type": "message", "message": payload})

    def _catch_up(self, first_id: int | None, last_id: int) -> tuple[list[dict], list[dict]] | None:
        """Return the payloads of the shown messages that changed and of the missed ones.

        The shown messages are those from `first_id` to `last_id`, and the missed ones
        are those after `last_id`. None means the browser should reload, because it
        missed more than MAX_CATCH_UP messages or shows more than MAX_CHANGE_SCAN.
        """
        missed = selectors.messages_after(self.room, last_id, limit=MAX_CATCH_UP + 1)
        if len(missed) > MAX_CATCH_UP:
            return None
        changed: list[Message] = []
        if first_id is not None and first_id <= last_id:
            changed, truncated = selectors.messages_changed_between(
                self.room, first_id, last_id, scan_limit=MAX_CHANGE_SCAN
            )
            if truncated:
                return None
        return (
            [selectors.message_payload(message) for message in changed],
            [selectors.message_payload(message) for message in missed],
        )

    async def _frame_send(self, frame):
        client_id = frame.get("client_id")
        try:
            payload = await database_sync_to_async(self._send)(client_id, frame.get("body"))
        except services.RateLimited as error:
            # The service's error text is worded for the plain form, where the person sends
            # again. Here the browser resends the message by itself.
            await self._error(
                "rate_limited",
                ngettext(
                    "You are sending messages too fast. Sending again in %(seconds)d second.",
                    "You are sending messages too fast. Sending again in %(seconds)d seconds.",
                    error.retry_after,
                )
                % {"seconds": error.retry_after},
                client_id=client_id,
                retry_after=error.retry_after,
            )
            return
        except ValidationError as error:
            await self._error("invalid", " ".join(error.messages), client_id=client_id)
            return
        except PermissionDenied:
            await self._close(CLOSE_NO_ACCESS)
            return
        await self._send_json({"type": "ack", "client_id": str(client_id), "message": payload})

    def _send(self, client_id, body) -> dict:
        with translation.override(self.language):
            message, _created = services.message_send(
                room=self.room, author=self.user, body=body, client_id=client_id
            )
        message.author = self.user
        return selectors.message_payload(message)

    async def _frame_edit(self, frame):
        await self._change(frame, edit=True)

    async def _frame_delete(self, frame):
        await self._change(frame, edit=False)

    async def _change(self, frame, *, edit: bool):
        with translation.override(self.language):
            await self._apply_change_reporting(frame, edit)

    async def _apply_change_reporting(self, frame, edit: bool):
        try:
            await database_sync_to_async(self._apply_change)(frame, edit)
        except ValidationError as error:
            await self._error("invalid", " ".join(error.messages))
        except (Message.DoesNotExist, PermissionDenied, TypeError, ValueError):
            await self._error("not_found", _("You can only change your own messages in this room."))

    def _apply_change(self, frame, edit: bool) -> None:
        message_id = frame.get("id")
        if not _is_message_id(message_id):
            raise ValueError("The message id must be a whole number.")
        message = Message.objects.select_related("room__network").get(
            pk=message_id, room=self.room, author=self.user
        )
        with translation.override(self.language):
            if edit:
                services.message_edit(message=message, by=self.user, body=frame.get("body"))
            else:
                services.message_delete(message=message, by=self.user)

    async def _frame_read(self, frame):
        message_id = frame.get("id")
        if not _is_message_id(message_id):
            await self._error("invalid_frame", _("The message id must be a whole number."))
            return
        await database_sync_to_async(services.room_mark_read)(
            room=self.room, user=self.user, message_id=message_id
        )

    # Events from the channel layer

    async def dispatch(self, message):
        # Channels' dispatch closes stale database connections before every handler,
        # which is a hop to the one thread that runs database code. With 250 sockets of a
        # room in one process, that is 250 hops per message, and the sender's own database
        # work waits behind them. Forwarding and queueing a frame need no database, and
        # every handler that does goes through database_sync_to_async, which closes stale
        # connections itself.
        if message["type"] in FORWARDED_EVENTS:
            await self._forward(message)
        elif message["type"] == "websocket.receive":
            await self.websocket_receive(message)
        else:
            await super().dispatch(message)

    async def chat_message(self, event):
        await self._forward(event)

    async def chat_changed(self, event):
        await self._forward(event)

    async def _forward(self, event):
        # The per-message check reads `allowed`, which costs no query. Ending a membership,
        # closing a network or deactivating an employee sends chat.recheck or
        # chat.disconnect after the commit. This socket handles that event, and the
        # database check it starts, before any message published after it, so a removed
        # member receives none of them. Changes that send no event, such as an expired
        # session, are caught by `_recheck_periodically`.
        if not self.allowed:
            return
        await self.send(text_data=event["frame"])

    async def _recheck_periodically(self):
        # Each socket waits a random 0.5 to 1.5 times the period, so sockets that connected
        # together do not all check at the same moment. The checks run in the thread pool,
        # not in the one thread that stores the messages being sent, so a process with
        # hundreds of sockets does not make its senders wait behind them.
        period = max(settings.GENBO_CHAT_RECHECK_SECONDS, 1)
        while self.allowed:
            await asyncio.sleep(random.uniform(0.5, 1.5) * period)
            if not self.allowed:
                return
            try:
                await self._still_allowed(thread_sensitive=False)
            except Exception:
                # The next period tries again, so a lasting failure is logged once a period.
                logger.exception(
                    "Checking the chat access of user %s in room %s failed",
                    self.user.pk,
                    self.room_id,
                )

    async def chat_recheck(self, event):
        await self._still_allowed()

    async def chat_disconnect(self, event):
        await self._close(CLOSE_SIGNED_OUT)

    # Sending

    async def _send_json(self, data: dict):
        await self.send(text_data=json.dumps(data, ensure_ascii=False))

    async def _error(self, code: str, message: str, *, client_id=None, retry_after=None):
        logger.debug(
            "Rejected a chat frame of user %s in room %s: %s", self.user.pk, self.room_id, code
        )
        data = {"type": "error", "code": code, "message": message}
        if _is_echoable_client_id(client_id):
            data["client_id"] = client_id
        if retry_after is not None:
            data["retry_after"] = retry_after
        await self._send_json(data)

    async def _close(self, code: int):
        # Two checks may fail at the same time, but a socket is closed once only.
        if self.closing:
            return
        self.closing = True
        logger.info(
            "Closing the chat socket of user %s in room %s with %s",
            self.user.pk,
            self.room_id,
            code,
        )
        await self.disconnect(code)
        await self.close(code=code)
