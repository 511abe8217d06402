"""A connection's outgoing frames: bounded, and never waited on by anyone else.

The fan-out writes one game's news to every connection of the game in turn. If writing to
one socket could wait (its reader gone quiet, its kernel buffer full), every connection
after it would wait too: one phone in a pocket would stall the room. So nothing awaits a
socket but the connection's own writer: `put` returns at once. While the socket takes
frames as fast as they come, `put` hands each straight to the server (no task, no queue);
once it stops, frames queue here, and a connection that falls more than `max_frames` or
`max_bytes` behind, or whose socket takes nothing for `stall_s`, is closed with
CLOSE_TOO_SLOW and its TCP connection dropped without waiting on the buffer it never
drained. The client comes back with `hello` + `last_seq` and is brought up to date.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger("negotiation.realtime.outbox")

CLOSE_TOO_SLOW = 4408  # documented in docs/protocol.md

Send = Callable[[dict[str, Any]], Awaitable[None]]


class Transport:
    """What the outbox needs from the server beneath the ASGI app: whether a send would
    wait, and how to drop the connection at once. Known for uvicorn (the project's
    server); under any other server a send is awaited by the writer task and a stalled
    close falls back to the ASGI close."""

    def __init__(self, send: Send) -> None:
        self.send = send
        # Channels wraps the server's send; the bound method's object is uvicorn's protocol
        proto = getattr(send, "__self__", None)
        self._writable: asyncio.Event | None = getattr(proto, "writable", None)
        self._transport: asyncio.Transport | None = getattr(proto, "transport", None)

    def ready(self) -> bool:
        """True if a send now returns without waiting (the socket's buffers have room)."""
        return self._writable is not None and self._writable.is_set()

    def bound_buffers(self, kernel: int, server: int) -> None:
        """Bound what the kernel and the server's transport hold for this socket before a
        send must wait. By default the kernel's grows to megabytes (200 stuck readers once
        held 548 MB) and the transport's to 64 KiB (13 MB of the server's memory for 200,
        which the allocator then kept)."""
        if self._transport is None:
            return
        sock = self._transport.get_extra_info("socket")
        if sock is not None and kernel > 0:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, kernel)
        if server > 0:
            with contextlib.suppress(Exception):
                self._transport.set_write_buffer_limits(high=server)

    def abort(self) -> bool:
        if self._transport is None:
            return False
        self._transport.abort()
        return True


class Outbox:
    def __init__(self, transport: Transport, *, max_frames: int, max_bytes: int,
                 stall_s: float, on_dead: Callable[[], None]) -> None:
        self.transport = transport
        self.max_frames, self.max_bytes, self.stall_s = max_frames, max_bytes, stall_s
        self.on_dead = on_dead  # called once, when the socket is gone or being dropped
        self.queue: deque[dict[str, Any]] = deque()
        self.queued_bytes = 0
        self.writer: asyncio.Task[None] | None = None
        self.closing = False
        self.dead = False

    def put(self, text: str) -> None:
        """Queue a text frame (or send it now); never waits. Frames after a close are
        dropped."""
        if self.closing or self.dead:
            return
        self._enqueue({"type": "websocket.send", "text": text}, len(text))

    def close(self, code: int) -> None:
        """Send what is queued, then the close frame; drop the connection if that stalls."""
        if self.closing or self.dead:
            return
        self.closing = True
        self._enqueue({"type": "websocket.close", "code": code}, 0)

    def _enqueue(self, message: dict[str, Any], size: int) -> None:
        if not self.queue and self.writer is None and self.transport.ready():
            self._send_now(message)
            return
        self.queue.append(message)
        self.queued_bytes += size
        if len(self.queue) > self.max_frames or self.queued_bytes > self.max_bytes:
            self._fell_behind()
            return
        if self.writer is None:
            self.writer = asyncio.ensure_future(self._write())

    def _send_now(self, message: dict[str, Any]) -> None:
        """The socket has room: the server's send completes without suspending, so run it
        to the end here rather than paying for a task."""
        coro = self.transport.send(message)
        try:
            coro.send(None)  # type: ignore[attr-defined]
        except StopIteration:
            return
        except Exception:  # the client went away (uvicorn: ClientDisconnected)
            self._gone()
            return
        # It suspended after all (not expected when ready): let a task finish it.
        coro.close()  # type: ignore[attr-defined]
        self.queue.appendleft(message)
        if self.writer is None:
            self.writer = asyncio.ensure_future(self._write())

    def _fell_behind(self) -> None:
        log.info("dropping a connection %s frames / %s bytes behind",
                 len(self.queue), self.queued_bytes)
        self.queue.clear()
        self.queued_bytes = 0
        self.closing = True
        self.queue.append({"type": "websocket.close", "code": CLOSE_TOO_SLOW})
        if self.writer is None:
            self.writer = asyncio.ensure_future(self._write())

    async def _write(self) -> None:
        try:
            while self.queue and not self.dead:
                message = self.queue.popleft()
                self.queued_bytes -= len(message.get("text") or "")
                try:
                    await asyncio.wait_for(self.transport.send(message), self.stall_s)
                except TimeoutError:
                    log.info("dropping a connection whose socket took nothing for %s s",
                             self.stall_s)
                    await self._drop()
                    return
                except Exception:  # the client went away
                    self._gone()
                    return
        finally:
            self.writer = None

    async def _drop(self) -> None:
        """Cut the TCP connection: a close frame cannot get past a buffer nobody reads.
        The server then reports the disconnect to the consumer as for any other."""
        self.queue.clear()
        self.queued_bytes = 0
        self.closing = True
        self._gone()
        if not self.transport.abort():
            # not uvicorn: the ASGI close is the best left (its buffer is the server's)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.transport.send(
                    {"type": "websocket.close", "code": CLOSE_TOO_SLOW}), self.stall_s)

    def _gone(self) -> None:
        if not self.dead:
            self.dead = True
            self.queue.clear()
            self.queued_bytes = 0
            self.on_dead()

    def discard(self) -> None:
        """The connection has ended: stop writing, and let go of the connection (its
        callback would keep it alive in a cycle until a full garbage collection, which
        the server's GC tuning makes rare)."""
        self.dead = True
        self.queue.clear()
        self.queued_bytes = 0
        self.on_dead = _nothing
        if self.writer is not None:
            self.writer.cancel()


def _nothing() -> None:
    pass

