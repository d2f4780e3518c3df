"""A client of the Vert.x TCP event bus bridge (4-byte big-endian length + JSON frames) for hooknet.

    client = BridgeClient("127.0.0.1", 7000, token="...")
    client.request("hooknet.hooks.cmd", {"op": "list"})          # -> dict, or raises HooknetError
    sub = client.subscribe("inet", "PHYSICAL_IN", on_event)       # replay, then live, gap-checked by seq
    client.listen("hooknet.sock.events", on_sock_event)
    client.close()

Handlers run one at a time, in arrival order, on the client's own thread; they may call ``request``.
"""

import json
import queue
import socket
import struct
import threading
import time
import uuid

HOOKS = "hooknet.hooks.cmd"
HOOK_EVENTS = "hooknet.hooks.events"
SOCK_EVENTS = "hooknet.sock.events"
MAX_FRAME = 16 * 1024 * 1024


class HooknetError(Exception):
    """A failure with a Linux errno, as the node reports it: ``errno`` 17 and ``"EEXIST: ..."``."""

    def __init__(self, errno, message):
        super().__init__(message)
        self.errno = errno
        self.message = message


class BridgeClient:
    """One connection to a node's TCP bridge. ``reconnect=True`` reopens a lost connection and renews
    subscriptions (each gets a fresh replay and reports the changes it missed as a gap)."""

    def __init__(self, host="127.0.0.1", port=7000, token=None, timeout=10.0, reconnect=False):
        self.host, self.port, self.token, self.timeout = host, port, token, timeout
        self.reconnect = reconnect
        self._handlers = {}
        self._hooks = {}
        self._replies = {}
        self._errors = queue.Queue()
        self._subscriptions = []
        self._lock = threading.Lock()
        self._closed = False
        self._calls = queue.Queue()
        threading.Thread(target=self._call_loop, daemon=True).start()
        self._connect()

    # -- connection ------------------------------------------------------------------------------------

    def _connect(self):
        self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self._sock.settimeout(None)
        self._reader = threading.Thread(target=self._read_loop, args=(self._sock,), daemon=True)
        self._reader.start()
        for address in list(self._handlers) + list(self._hooks):
            self._frame({"type": "register", "address": address})

    def close(self):
        """Closes the connection; the node unregisters the callbacks registered through it."""
        self._closed = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()

    def drop(self):
        """Breaks the connection abruptly, as a network failure would (for tests of reconnection)."""
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._sock.close()

    def _frame(self, frame):
        data = json.dumps(frame).encode("utf-8")
        with self._lock:
            self._sock.sendall(struct.pack(">I", len(data)) + data)

    def _read_loop(self, sock):
        buffer = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                buffer += chunk
                while len(buffer) >= 4:
                    (length,) = struct.unpack(">I", buffer[:4])
                    if length > MAX_FRAME:
                        raise ValueError("frame of %d bytes" % length)
                    if len(buffer) < 4 + length:
                        break
                    frame, buffer = json.loads(buffer[4:4 + length]), buffer[4 + length:]
                    self._dispatch(frame)
        except (OSError, ValueError):
            pass
        if not self._closed and self.reconnect and sock is self._sock:
            self._reconnect()

    def _call_loop(self):
        # Handlers run here, in arrival order, so that one may wait for a reply the reader delivers.
        while True:
            handler, body = self._calls.get()
            try:
                handler(body)
            except Exception:  # a failing handler must not stop the others
                pass

    def _reconnect(self):
        delay = 0.1
        while not self._closed:
            try:
                self._connect()
                for subscription in self._subscriptions:
                    subscription._renew()
                return
            except OSError:
                threading.Event().wait(delay)
                delay = min(delay * 2, 2.0)

    def _dispatch(self, frame):
        address = frame.get("address")
        if address in self._replies:
            self._replies.pop(address).put(frame)
        elif frame.get("type") == "err":
            self._errors.put(frame)
        elif address in self._hooks:
            self._calls.put((self._hooks[address], frame))
        elif address in self._handlers:
            self._calls.put((self._handlers[address], frame.get("body")))

    # -- the event bus ---------------------------------------------------------------------------------

    def listen(self, address, handler):
        """Calls ``handler(body)`` for every message to ``address`` (events, or this client's callbacks)."""
        first = address not in self._handlers
        self._handlers[address] = handler
        if first:
            self._frame({"type": "register", "address": address})

    def unlisten(self, address):
        if self._handlers.pop(address, None) is not None:
            self._frame({"type": "unregister", "address": address})

    def request(self, address, body, timeout=None):
        """Sends a command with the token and returns the reply's body; a failure raises HooknetError."""
        reply_address = "hooknet.client.reply." + uuid.uuid4().hex
        answer = queue.Queue(1)
        self._replies[reply_address] = answer
        headers = {"token": self.token} if self.token else {}
        self._frame({"type": "send", "address": address, "headers": headers, "body": body,
                     "replyAddress": reply_address})
        deadline = time.monotonic() + (timeout or self.timeout)
        frame = None
        while frame is None:
            try:
                frame = answer.get(timeout=0.02)
            except queue.Empty:
                refused = self._take_error()
                if refused is not None:
                    self._replies.pop(reply_address, None)
                    raise HooknetError(13, "EACCES: the bridge refused it: %s" % refused.get("message"))
                if time.monotonic() > deadline:
                    self._replies.pop(reply_address, None)
                    raise HooknetError(110, "ETIMEDOUT: no answer from %s" % address)
        if "failureCode" in frame:
            raise HooknetError(frame["failureCode"], frame.get("message"))
        return frame.get("body")

    def _take_error(self):
        try:
            return self._errors.get_nowait()
        except queue.Empty:
            return None

    def reopen(self):
        """Opens a new connection after ``drop`` or a failure and renews the subscriptions."""
        # A subscription's old callback address is not listened to again: the node tears that callback down
        # when the old connection goes, and the subscription renews under a new address.
        for subscription in self._subscriptions:
            self._handlers.pop(subscription.address, None)
        self._connect()
        for subscription in self._subscriptions:
            subscription._renew()

    def next_error(self, timeout=None):
        """The next error frame the bridge sent (``{"type": "err", "message": ...}``), or None."""
        try:
            return self._errors.get(timeout=timeout or self.timeout)
        except queue.Empty:
            return None

    def serve_hook(self, family, event, hook, function, hint=None, hint_value=None, node=None):
        """Registers a hook that ``run`` calls here: ``function(call)`` gets ``{family, event, hook, payload}``
        and returns the hook's int result (non-zero stops the chain). Gives the event's new seq."""
        address = "hooknet.client.%s.hook" % uuid.uuid4().hex

        def answer(frame):
            rc = int(function(frame.get("body")))
            headers = {"token": self.token} if self.token else {}
            self._frame({"type": "send", "address": frame["replyAddress"], "headers": headers, "body": {"rc": rc}})

        self._hooks[address] = answer
        self._frame({"type": "register", "address": address})
        command = {"op": "hook.register", "family": family, "event": event, "hook": hook, "address": address}
        if hint:
            command["hint"] = hint
        if hint_value:
            command["hintValue"] = hint_value
        return self.request("hooknet.hooks.%s.cmd" % node if node else HOOKS, command)["seq"]

    def subscribe(self, family, event, on_event, on_resync=None, node=None):
        """Registers a notify callback for an event's chain on this connection (owned by ``node`` if given)."""
        subscription = Subscription(self, family, event, on_event, on_resync, node)
        self._subscriptions.append(subscription)
        subscription._renew()
        return subscription


class Subscription:
    """A notify callback with its view of the chain (``hooks``, ``seq``). Events come in ``seq`` order: a
    replay at seq s, then s+1, s+2, ... A jump (changes lost, or missed while the connection was down) is a
    gap: the subscription counts it in ``gaps``, re-reads the chain with ``list`` and calls
    ``on_resync(hooks, seq)``."""

    def __init__(self, client, family, event, on_event, on_resync, node):
        self.client, self.family, self.event = client, family, event
        self.on_event, self.on_resync = on_event, on_resync
        self.commands = "hooknet.hooks.%s.cmd" % node if node else HOOKS
        self.address = None
        self.hooks = []
        self.seq = None
        self.gaps = 0
        self._replay_seq = None
        self._renewing = False
        self._lock = threading.Lock()

    def _renew(self):
        # On a renewal the chain is read again with list, which decides the gap; the new replay only refills.
        self._renewing = self.address is not None
        before = self.seq
        self.address = "hooknet.client.%s.cb" % uuid.uuid4().hex
        self.client.listen(self.address, self._handle)
        self.client.request(self.commands, {"op": "notify.register", "family": self.family,
                                            "event": self.event, "address": self.address})
        if self._renewing:
            with self._lock:
                self._resync_locked(before)
            self._renewing = False

    def _handle(self, event):
        with self._lock:
            if event["cause"] == "REPLAY":
                applied = self._replay(event)
            elif self.seq is None or event["seq"] == self.seq + 1:
                applied = self._apply(event)
            elif event["seq"] <= self.seq:
                applied = False
            else:
                self._resync_locked()
                applied = False
        if applied:
            self.on_event(event)

    def _replay(self, event):
        if event["seq"] != self._replay_seq:
            if self.seq is not None and event["seq"] < self.seq:
                return False
            if self.seq is not None and event["seq"] > self.seq and not self._renewing:
                self.gaps += 1
            self._replay_seq = event["seq"]
            self.seq = event["seq"]
            self.hooks = []
        if event["hook"] in self.hooks:
            return False
        self.hooks.append(event["hook"])
        return True

    def _apply(self, event):
        self.seq = event["seq"]
        if event["cmd"] == "HN_REGISTER":
            self.hooks.insert(event["position"], event["hook"])
        elif event["hook"] in self.hooks:
            self.hooks.remove(event["hook"])
        return True

    def _resync(self):
        with self._lock:
            self._resync_locked()

    def _resync_locked(self, before=None):
        before = self.seq if before is None else before
        chain = self.client.request(self.commands, {"op": "list", "family": self.family,
                                                    "event": self.event})["events"][0]
        if before is not None and chain["seq"] == before:
            return
        if before is not None:
            self.gaps += 1
        self.hooks = [hook["hook"] for hook in chain["hooks"]]
        self.seq = chain["seq"]
        self._replay_seq = chain["seq"]
        if self.on_resync:
            self.on_resync(list(self.hooks), self.seq)

    def cancel(self):
        """Unregisters the callback; it is told HN_UNREGISTER for each hook still there."""
        self.client._subscriptions.remove(self)
        self.client.request(self.commands, {"op": "notify.unregister", "family": self.family,
                                            "event": self.event, "address": self.address})
