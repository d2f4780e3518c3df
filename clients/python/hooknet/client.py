"""A client of the Vert.x TCP event bus bridge (4-byte big-endian length + JSON frames) for hooknet.

    client = BridgeClient("127.0.0.1", 7000, token="...", bridges=[("127.0.0.1", 7001)])
    client.request("hooknet.hooks.cmd", {"op": "list"})          # -> dict, or raises HooknetError
    sub = client.subscribe("inet", "PHYSICAL_IN", on_event)       # replay, HN_SYNCED, then live, gap-checked
    client.listen("hooknet.sock.events", on_sock_event)
    client.close()                                                # ends the session now

A client with a token has a session on the node it is connected to: what it registers belongs to the session.
When the connection is lost it reconnects (to the same node or another one of ``bridges``) and resumes the
session within the node's grace period: each subscription gets exactly the changes it missed. Handlers run one
at a time, in arrival order, on the client's own thread; they may call ``request``.
"""

from __future__ import annotations

import json
import logging
import queue
import socket
import ssl
import struct
import threading
import time
import uuid
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, Union

Event = Dict[str, Any]

HOOKS = "hooknet.hooks.cmd"
HOOK_EVENTS = "hooknet.hooks.events"
SOCK_EVENTS = "hooknet.sock.events"
MAX_FRAME = 16 * 1024 * 1024
LOG = logging.getLogger("hooknet")


class HooknetError(Exception):
    """A failure with a Linux errno, as the node reports it: ``errno`` 17 and ``"EEXIST: ..."``."""

    def __init__(self, errno: int, message: str) -> None:
        super().__init__(message)
        self.errno = errno
        self.message = message


class BridgeClient:
    """One connection at a time to a node's TCP bridge, with the session it belongs to.

    ``bridges`` lists more ``(host, port)`` pairs to try when the connection is lost (``reconnect=True``, the
    default). ``on_lost(event)`` is told when a hook of this session lost its name in a merge of a split cluster
    (an ``HN_UNREGISTER`` with cause ``MERGE_CONFLICT``); ``on_session(info)`` after every (re)connection, with
    the node's answer to ``session`` (``resumed`` is false when the session had ended and a new one began).

    ``tls`` speaks TLS to a node started with ``--tls-cert``: ``True`` checks its certificate against the system's
    CAs, a path names the CA file (PEM) to check it against instead, and an ``ssl.SSLContext`` is used as it is.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 7000, token: Optional[str] = None,
                 timeout: float = 30.0, reconnect: bool = True, bridges: Iterable[Tuple[str, int]] = (),
                 on_lost: Optional[Callable[[Event], None]] = None,
                 on_session: Optional[Callable[[Event], None]] = None,
                 tls: Union[None, bool, str, ssl.SSLContext] = None) -> None:
        self.bridges = [(host, port)] + [bridge for bridge in bridges if bridge != (host, port)]
        self.token, self.timeout, self.reconnect = token, timeout, reconnect
        self.tls = tls if isinstance(tls, ssl.SSLContext) or not tls \
            else ssl.create_default_context(cafile=None if tls is True else tls)
        self.on_lost, self.on_session = on_lost, on_session
        self.session = None
        self._owner = None
        self.node = None
        self.resumes = 0
        self._bridge = 0
        self._handlers = {}
        # The hooks served here, by (family, event, hook), all called at one address of the client's.
        self._serving = {}
        self._hook_address = None
        self._served = []
        self._replies = {}
        self._errors = queue.Queue()
        self._subscriptions = []
        self._lock = threading.Lock()
        self._closed = False
        self._calls = queue.Queue()
        self._sock = None
        threading.Thread(target=self._call_loop, daemon=True).start()
        self._connect()
        self._open_session()

    # -- connection ------------------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return self.bridges[self._bridge][0]

    @property
    def port(self) -> int:
        return self.bridges[self._bridge][1]

    def _connect(self):
        # The old socket is let go first, so that its reader, woken by the shutdown, does not take it for a lost
        # connection and ask for another reconnect.
        old, self._sock = self._sock, None
        if old is not None:
            self._shutdown(old)
        sock = socket.create_connection(self.bridges[self._bridge], timeout=self.timeout)
        # Every frame goes out whole in one write; Nagle's algorithm would hold the second of two frames written
        # back to back (a handler's register, then the command using it) until the bridge's delayed ACK, 40 ms.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls:
            try:
                sock = self.tls.wrap_socket(sock, server_hostname=self.host)
            except OSError:
                sock.close()
                raise
        sock.settimeout(None)
        with self._lock:
            # A close() while this connected wins: the connection is let go, and no session opens on it.
            if self._closed:
                self._shutdown(sock)
                raise OSError("the client was closed")
            self._sock = sock
        threading.Thread(target=self._read_loop, args=(sock,), daemon=True).start()

    def _open_session(self):
        if self.token is None:
            self._listen_again()
            return
        info = self.request(HOOKS, {"op": "session"})
        previous = self.session
        self.session, self.node = info["session"], info["node"]
        if previous is not None and previous != self.session:
            self._readdress(previous)
        # The session's own address, where it is told of hooks it lost, is registered on each connection.
        self._owner = "hooknet.session." + self.session
        self._frame({"type": "register", "address": self._owner})
        self._listen_again()
        if self.on_session:
            self.on_session(info)
        # Hooks the session lost in a merge while it had no connection are told now, once.
        for event in info.get("lost") or []:
            if self.on_lost:
                self._calls.put((self.on_lost, event))
        return info

    def _listen_again(self):
        # A new connection listens where the client did; addresses of its session once the session is known,
        # since only that session may register them.
        for address in list(self._handlers) + ([self._hook_address] if self._hook_address else []):
            self._frame({"type": "register", "address": address})

    def _address(self, kind: str) -> str:
        """A new address for a callback or hook of this client: under its session's address, which is the
        session's by its name, or without a session under ``hooknet.client.``."""
        if self.session:
            return "hooknet.session.%s.%s.%s" % (self.session, uuid.uuid4().hex, kind)
        return "hooknet.client.%s.%s" % (uuid.uuid4().hex, kind)

    def _readdress(self, previous: str):
        """The session ended while the client was away and a new one began: what was under the old session's
        address moves under the new one's, where the client registers it again."""
        old = "hooknet.session.%s." % previous
        new = "hooknet.session.%s." % self.session
        if self._hook_address and self._hook_address.startswith(old):
            self._hook_address = new + self._hook_address[len(old):]
            for hook in self._served:
                hook["address"] = self._hook_address
        for subscription in self._subscriptions:
            if subscription.address.startswith(old):
                address = new + subscription.address[len(old):]
                handler = self._handlers.pop(subscription.address, None)
                if handler is not None:
                    self._handlers[address] = handler
                subscription.address = address

    def close(self) -> None:
        """Ends the session (its hooks go, told with cause CLIENT_LEFT) and closes the connection."""
        if self.token is not None and not self._closed:
            try:
                self.request(HOOKS, {"op": "session.close"}, timeout=5)
            except (HooknetError, OSError):
                pass
        # Under the lock that _connect takes to set its socket: a reconnect under way (the node closing the ended
        # session's connection makes the reader ask for one) either finds the client closed, or had set the
        # socket that is shut here.
        with self._lock:
            self._closed = True
            sock = self._sock
        if sock is not None:
            self._shutdown(sock)

    def drop(self) -> None:
        """Breaks the connection abruptly, as a network failure would; with ``reconnect`` the client comes back."""
        sock = self._sock
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # The reader thread is blocked reading the socket, and a close alone would leave the connection open until
        # something arrived; shutting it down wakes the reader and ends the connection at once.
        self._shutdown(sock)

    @staticmethod
    def _shutdown(sock):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def _frame(self, frame):
        headers = dict(frame.get("headers") or {})
        if self.token:
            headers["token"] = self.token
        if self.session:
            headers["session"] = self.session
        frame["headers"] = headers
        data = json.dumps(frame).encode("utf-8")
        with self._lock:
            sock = self._sock
            if sock is None:
                raise OSError("not connected to a bridge")
            sock.sendall(struct.pack(">I", len(data)) + data)

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
        if sock is self._sock:
            self._fail_waiting()
            if not self._closed and self.reconnect:
                self._calls.put((lambda _: self._reconnect(), None))

    def _fail_waiting(self):
        for address in list(self._replies):
            waiting = self._replies.pop(address, None)
            if waiting is not None:
                waiting.put({"failureCode": 104, "message": "ECONNRESET: the connection to the bridge was lost"})

    def _call_loop(self):
        # Handlers run here, in arrival order, so that one may wait for a reply the reader delivers.
        while True:
            handler, body = self._calls.get()
            try:
                handler(body)
            except Exception:  # a failing handler must not stop the others
                pass

    def reopen(self) -> None:
        """Connects again after ``drop`` or a failure (without ``reconnect``) and resumes the session."""
        self._reconnect()

    def _reconnect(self):
        """Connects again, to this bridge or the next that answers, and resumes the session there."""
        delay = 0.1
        attempt = 0
        while not self._closed:
            self._bridge = (self._bridge + (1 if attempt else 0)) % len(self.bridges)
            attempt += 1
            try:
                self._connect()
                info = self._open_session()
                resumed = bool(info and info["resumed"])
                if not resumed:
                    for hook in self._served:
                        self._register_hook(hook)
                for subscription in self._subscriptions:
                    subscription._resume()
                if resumed:
                    self.resumes += 1
                return
            except (OSError, HooknetError) as failure:
                if self._closed:
                    return
                LOG.warning("connecting again to %s:%d (attempt %d, session %s) failed: %r; trying again in %.1f s",
                            *self.bridges[self._bridge], attempt, self.session, failure, delay)
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def _dispatch(self, frame):
        address = frame.get("address")
        if address in self._replies:
            self._replies.pop(address).put(frame)
        elif frame.get("type") == "err":
            self._errors.put(frame)
        elif self._hook_address is not None and address == self._hook_address:
            self._calls.put((self._answer, frame))
        elif address in self._handlers:
            self._calls.put((self._handlers[address], frame.get("body")))
        elif address == self._owner and self.on_lost:
            self._calls.put((self.on_lost, frame.get("body")))

    # -- the event bus ---------------------------------------------------------------------------------

    def listen(self, address: str, handler: Callable[[Any], None]) -> None:
        """Calls ``handler(body)`` for every message to ``address`` (events, or this client's callbacks)."""
        first = address not in self._handlers
        self._handlers[address] = handler
        if first:
            self._frame({"type": "register", "address": address})

    def unlisten(self, address: str) -> None:
        if self._handlers.pop(address, None) is not None:
            self._frame({"type": "unregister", "address": address})

    def request(self, address: str, body: Any, timeout: Optional[float] = None) -> Any:
        """Sends a command with the token and returns the reply's body; a failure raises HooknetError."""
        reply_address = "hooknet.client.reply." + uuid.uuid4().hex
        answer = queue.Queue(1)
        self._replies[reply_address] = answer
        try:
            self._frame({"type": "send", "address": address, "body": body, "replyAddress": reply_address})
        except OSError as e:
            self._replies.pop(reply_address, None)
            raise HooknetError(104, "ECONNRESET: cannot send to the bridge: %s" % e)
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

    def next_error(self, timeout: Optional[float] = None) -> Optional[Event]:
        """The next error frame the bridge sent (``{"type": "err", "message": ...}``), or None."""
        try:
            return self._errors.get(timeout=timeout or self.timeout)
        except queue.Empty:
            return None

    def serve_hook(self, family: str, event: str, hook: str, function: Callable[[Event], int],
                   hint: Optional[str] = None, hint_value: Optional[str] = None) -> int:
        """Registers a hook that ``run`` calls here: ``function(call)`` gets ``{family, event, hook, payload}``
        and returns the hook's int result (non-zero stops the chain). Gives the event's new seq. The hook belongs
        to this client's session."""
        if self._hook_address is None:
            # One address for every hook served here, listened to once: a hook after the first costs only its
            # register.
            self._hook_address = self._address("hooks")
            self._frame({"type": "register", "address": self._hook_address})
        served = {"family": family, "event": event, "hook": hook, "hint": hint, "hintValue": hint_value,
                  "address": self._hook_address}
        key = (family, event, hook)
        previous = self._serving.get(key)
        self._serving[key] = function
        try:
            seq = self._register_hook(served)
        except HooknetError as e:
            if e.errno == 17 and previous is not None:
                # This client serves that hook already: the one registered keeps its function.
                self._serving[key] = previous
            raise
        self._served.append(served)
        return seq

    def _answer(self, frame):
        """A call of a hook served here, told apart by its family, event and hook."""
        call = frame.get("body") or {}
        function = self._serving.get((call.get("family"), call.get("event"), call.get("hook")))
        if function is None:
            self._frame({"type": "send", "address": frame["replyAddress"], "failureCode": 113,
                         "message": "EHOSTUNREACH: hook %s is not served by this client" % call.get("hook")})
            return
        rc = int(function(call))
        self._frame({"type": "send", "address": frame["replyAddress"], "body": {"rc": rc}})

    def _register_hook(self, served):
        command = {"op": "hook.register"}
        command.update({key: value for key, value in served.items() if value is not None})
        return self.request(HOOKS, command)["seq"]

    def subscribe(self, family: str, event: str, on_event: Callable[[Event], None],
                  on_resync: Optional[Callable[[List[str], int], None]] = None) -> Subscription:
        """Registers a notify callback for an event's chain; see Subscription."""
        subscription = Subscription(self, family, event, on_event, on_resync)
        self._subscriptions.append(subscription)
        subscription._register()
        return subscription


class Subscription:
    """A notify callback and its view of the chain: ``hooks`` (in order), ``seq`` and ``epoch`` of the last change
    it saw, and ``synced``, true once a replay is complete (the ``HN_SYNCED`` marker).

    ``on_event(event)`` gets every event in order: the replay, ``HN_SYNCED``, then each change with its cause
    (``REGISTERED``, ``UNREGISTERED``, ``NODE_LEFT``, ``CLIENT_LEFT``, ``MERGE_CONFLICT``). When the connection
    comes back the subscription resumes after the last change it saw and gets exactly those it missed; when the
    node no longer keeps them it gets the chain again marked ``RESYNC``, counted in ``resyncs`` and told to
    ``on_resync(hooks, seq)``. A replay the connection cut short (before its ``HN_SYNCED``) is void: the view is
    left as it was, and the resume brings it up to date. A change whose seq does not follow (which the node never
    sends) makes it resume too, counted in ``gaps``; a change it already has is dropped."""

    def __init__(self, client: BridgeClient, family: str, event: str, on_event: Callable[[Event], None],
                 on_resync: Optional[Callable[[List[str], int], None]]) -> None:
        self.client, self.family, self.event = client, family, event
        self.on_event, self.on_resync = on_event, on_resync
        self.address = client._address("cb")
        self.hooks: List[str] = []
        self.seq: Optional[int] = None
        self.epoch: Optional[int] = None
        self.synced = False
        self.gaps = 0
        self.resyncs = 0
        self._replaying = None
        self._before_replay = None
        self._synced = threading.Event()

    def _register(self, since=None):
        self.client.listen(self.address, self._handle)
        command = {"op": "notify.register", "family": self.family, "event": self.event, "address": self.address}
        if since is not None:
            command["since"] = since
        self.client.request(HOOKS, command)

    def _resume(self):
        self.synced = False
        self._synced.clear()
        # A replay the lost connection cut short (no HN_SYNCED came) is void: the view is what it was before it,
        # and the resume after the last change seen brings it up to date.
        if self._before_replay is not None:
            self.hooks = self._before_replay
        self._before_replay = None
        self._replaying = None
        # Having seen nothing (the register's answer was lost, and it may have been made), it resumes from nothing:
        # the node sends the whole chain either way, where a fresh register would be refused with EEXIST.
        self._register(self._last() or {"epoch": 0, "seq": 0})

    def _last(self):
        return None if self.seq is None else {"epoch": self.epoch, "seq": self.seq}

    def wait_synced(self, timeout: Optional[float] = None) -> bool:
        """Waits until the latest replay is complete; returns ``synced``."""
        self._synced.wait(timeout if timeout is not None else self.client.timeout)
        return self.synced

    def _handle(self, event):
        if event["cmd"] == "HN_SYNCED":
            self._end_replay(event)
        elif event["replay"]:
            self._replayed(event)
        elif self.seq is not None and event["seq"] <= self.seq:
            return
        elif self.seq is not None and event["seq"] != self.seq + 1:
            self.gaps += 1
            self.client.request(HOOKS, {"op": "notify.register", "family": self.family, "event": self.event,
                                        "address": self.address, "since": self._last()})
            return
        else:
            self._apply(event)
        self.on_event(event)

    def _replayed(self, event):
        if self._before_replay is None:
            self._before_replay = list(self.hooks)
        if event["cmd"] == "HN_UNREGISTER":
            if event["hook"] in self.hooks:
                self.hooks.remove(event["hook"])
            return
        if self._replaying is None:
            self._replaying = []
        self._replaying.append(event["hook"])

    def _end_replay(self, event):
        if self._replaying is not None or event["cause"] == "RESYNC" or self.seq is None:
            self.hooks = self._replaying or []
        self._replaying = None
        self._before_replay = None
        self.seq, self.epoch = event["seq"], event["epoch"]
        self.synced = True
        self._synced.set()
        if event["cause"] == "RESYNC":
            self.resyncs += 1
            if self.on_resync:
                self.on_resync(list(self.hooks), self.seq)

    def _apply(self, event):
        self.seq, self.epoch = event["seq"], event["epoch"]
        if event["cmd"] == "HN_REGISTER":
            self.hooks.insert(event["position"], event["hook"])
        elif event["hook"] in self.hooks:
            self.hooks.remove(event["hook"])

    def cancel(self) -> None:
        """Unregisters the callback; it is told HN_UNREGISTER for each hook still there."""
        self.client._subscriptions.remove(self)
        self.client.request(HOOKS, {"op": "notify.unregister", "family": self.family, "event": self.event,
                                    "address": self.address})
