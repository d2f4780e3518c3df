"""The Python client against real nodes' TCP bridges.

HOOKNET_BRIDGES names the bridges of two nodes of one cluster ("127.0.0.1:7000,127.0.0.1:7001") whose
commands are on, and HOOKNET_TOKEN their token; deploy's PythonClientIT starts the nodes and runs this.
"""

import json
import os
import random
import socket
import struct
import threading
import time
import unittest
import uuid

from hooknet import BridgeClient, HooknetError
from hooknet.client import HOOKS

BRIDGES = [(host, int(port)) for host, port in
           (entry.rsplit(":", 1) for entry in os.environ.get("HOOKNET_BRIDGES", "127.0.0.1:7000").split(","))]
TOKEN = os.environ.get("HOOKNET_TOKEN")
NODES = os.environ.get("HOOKNET_NODES", "").split(",")


def until(what, condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.02)


class Recorder:
    def __init__(self):
        self.events = []
        self.resyncs = []
        self.lock = threading.Lock()

    def __call__(self, event):
        with self.lock:
            self.events.append(event)

    def resync(self, hooks, seq):
        self.resyncs.append((hooks, seq))


class BridgeTest(unittest.TestCase):

    def setUp(self):
        self.family = "py" + uuid.uuid4().hex[:8]
        self.a = BridgeClient(*BRIDGES[0], token=TOKEN)
        self.b = BridgeClient(*BRIDGES[-1], token=TOKEN)
        self.a.request(HOOKS, {"op": "family.add", "family": self.family})
        self.a.request(HOOKS, {"op": "event.add", "family": self.family, "event": "IN"})

    def tearDown(self):
        self.a.close()
        self.b.close()

    def register(self, client, hook):
        return client.request(HOOKS, {"op": "hook.register", "family": self.family, "event": "IN", "hook": hook,
                                      "address": "addr." + hook})

    def chain(self, client):
        chain = client.request(HOOKS, {"op": "list", "family": self.family, "event": "IN"})["events"][0]
        return [hook["hook"] for hook in chain["hooks"]], chain["seq"]

    def test_replay_then_live_events_in_order(self):
        for hook in ("a", "b", "c"):
            self.register(self.a, hook)
        seen = Recorder()
        subscription = self.b.subscribe(self.family, "IN", seen)
        until("the replay", lambda: len(seen.events) == 3)
        self.register(self.a, "d")
        until("the live event", lambda: len(seen.events) == 4)
        self.assertEqual([(e["hook"], e["cause"], e["seq"]) for e in seen.events],
                         [("a", "REPLAY", 3), ("b", "REPLAY", 3), ("c", "REPLAY", 3), ("d", "REGISTERED", 4)])
        self.assertEqual(subscription.hooks, ["a", "b", "c", "d"])
        self.assertEqual(subscription.gaps, 0)

    def test_a_gap_after_a_forced_disconnect_is_detected_and_resynced(self):
        self.register(self.a, "a")
        seen = Recorder()
        client = BridgeClient(*BRIDGES[-1], token=TOKEN)
        subscription = client.subscribe(self.family, "IN", seen, on_resync=seen.resync)
        until("the replay", lambda: len(seen.events) == 1)
        client.drop()
        self.register(self.a, "b")
        self.a.request(HOOKS, {"op": "hook.unregister", "family": self.family, "event": "IN", "hook": "a"})
        self.register(self.a, "c")
        client.reopen()
        until("the resync", lambda: subscription.seq == 4)
        self.assertEqual(subscription.gaps, 1)
        self.assertEqual(seen.resyncs, [(["b", "c"], 4)])
        self.assertEqual((subscription.hooks, subscription.seq), self.chain(self.a))
        self.register(self.a, "d")
        until("the next live event", lambda: subscription.seq == 5)
        self.assertEqual(subscription.hooks, ["b", "c", "d"])
        self.assertEqual(subscription.gaps, 1)
        client.close()

    def test_commands_without_the_token_are_refused_and_change_nothing(self):
        anonymous = BridgeClient(*BRIDGES[0])
        with self.assertRaises(HooknetError) as refused:
            anonymous.request(HOOKS, {"op": "hook.register", "family": self.family, "event": "IN", "hook": "x",
                                      "address": "addr.x"})
        self.assertEqual(refused.exception.errno, 13)
        anonymous.close()
        self.assertEqual(self.chain(self.a), ([], 0))

    def test_a_hook_served_here_is_called_by_run_from_another_node(self):
        calls = []

        def ipf(call):
            calls.append(call)
            return 7 if call["payload"]["drop"] else 0

        self.a.serve_hook(self.family, "IN", "py-hook", ipf)
        run = {"op": "run", "family": self.family, "event": "IN", "payload": {"drop": True}}
        self.assertEqual(self.b.request(HOOKS, run), {"rc": 7, "called": 1, "stoppedBy": "py-hook"})
        run["payload"] = {"drop": False}
        self.assertEqual(self.b.request(HOOKS, run), {"rc": 0, "called": 1, "stoppedBy": None})
        self.assertEqual([(c["hook"], c["payload"]) for c in calls], [("py-hook", {"drop": True}), ("py-hook", {"drop": False})])

    def test_a_pool_endpoint_added_over_the_bridge_carries_framed_packets(self):
        pool = "hooknet.pool.%s.cmd" % NODES[-1]
        endpoint = self.a.request(pool, {"op": "add", "endpoint": "tcp"})
        host, port = endpoint["address"].rsplit(":", 1)
        with socket.create_connection((host, int(port))) as app:
            app.sendall(struct.pack(">I", 5) + b"hello")
            until("the packet to be counted", lambda: any(
                c["channel"] == endpoint["channel"] and c["packetsTx"] == 1
                for c in self.a.request(pool, {"op": "stats"})["channels"]))
        # The node's pool removes a socket whose peer closed (corosync's handler).
        until("the closed endpoint to be removed", lambda: all(
            socket_["datafd"] != endpoint["datafd"] for socket_ in self.a.request(pool, {"op": "list"})["sockets"]))

    def test_errors_carry_their_errno(self):
        self.register(self.a, "a")
        with self.assertRaises(HooknetError) as duplicate:
            self.register(self.b, "a")
        self.assertEqual(duplicate.exception.errno, 17)
        self.assertEqual(duplicate.exception.message,
                         "EEXIST: on %s/IN: hook 'a' is already in the chain" % self.family)


class HostileInputTest(unittest.TestCase):
    """Bad bytes get an error frame or a closed connection; the node keeps serving and loses nothing."""

    def setUp(self):
        self.family = "hostile" + uuid.uuid4().hex[:8]
        self.healthy = BridgeClient(*BRIDGES[0], token=TOKEN)
        self.healthy.request(HOOKS, {"op": "family.add", "family": self.family})
        self.healthy.request(HOOKS, {"op": "event.add", "family": self.family, "event": "IN"})
        self.healthy.request(HOOKS, {"op": "hook.register", "family": self.family, "event": "IN", "hook": "keep",
                                     "address": "addr.keep"})
        self.before = self.healthy.request(HOOKS, {"op": "list", "family": self.family})

    def tearDown(self):
        self.assertEqual(self.healthy.request(HOOKS, {"op": "list", "family": self.family}), self.before)
        self.healthy.close()

    def answer(self, data):
        """What the bridge does with ``data``: ("err", message), ("closed", None) or both."""
        with socket.create_connection(BRIDGES[0], timeout=10) as raw:
            raw.sendall(data)
            received = b""
            while True:
                try:
                    chunk = raw.recv(65536)
                except ConnectionResetError:
                    return self.parse(received), True
                if not chunk:
                    return self.parse(received), True
                received += chunk
                frames = self.parse(received)
                if frames and frames[-1].get("type") == "err":
                    # The answer is in; the connection is either closed next or left open.
                    raw.settimeout(2)
                    try:
                        return frames, raw.recv(1) == b""
                    except socket.timeout:
                        return frames, False
                    except ConnectionResetError:
                        return frames, True

    @staticmethod
    def parse(data):
        frames = []
        while len(data) >= 4:
            (length,) = struct.unpack(">I", data[:4])
            if len(data) < 4 + length:
                break
            frames.append(json.loads(data[4:4 + length]))
            data = data[4 + length:]
        return frames

    def frame(self, payload):
        return struct.pack(">I", len(payload)) + payload

    def test_garbage_invalid_json_and_a_2_gib_length(self):
        for data, message in ((self.frame(b"{not json"), "invalid_json"),
                              (self.frame(b"[1, 2]"), "invalid_json"),
                              (b"\x00\x00\x00\x05hello", "invalid_json"),
                              (struct.pack(">I", 2 ** 31) + b"abc", "frame_too_large")):
            frames, closed = self.answer(data)
            self.assertTrue(closed, data)
            self.assertEqual(frames, [{"type": "err", "message": message}])
            self.assertEqual(self.healthy.request(HOOKS, {"op": "list", "family": self.family}), self.before)

    def test_unknown_types_are_answered_and_the_connection_stays(self):
        frames, closed = self.answer(self.frame(json.dumps({"type": "frob", "address": "x"}).encode()))
        self.assertFalse(closed)
        self.assertEqual(frames, [{"type": "err", "message": "unknown_type"}])

    def test_ten_thousand_random_frames(self):
        """Each kind of random input gets its own answer: random bytes an error or a close, a framed random
        payload invalid_json, an unknown type unknown_type, a length over 1 MiB frame_too_large."""
        rng = random.Random(20261122)
        outcomes = {}
        for _ in range(10_000):
            kind = rng.randrange(4)
            if kind == 0:
                data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
            elif kind == 1:
                data = self.frame(b"\x01" + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))))
            elif kind == 2:
                data = self.frame(json.dumps({"type": rng.choice(["x", "", 7, None]), "address": "y"}).encode())
            else:
                data = struct.pack(">I", rng.randrange(2 ** 20 + 1, 2 ** 32))
            answer = self.answer_or_close(data)
            outcomes.setdefault(kind, {}).setdefault(answer, 0)
            outcomes[kind][answer] += 1
        self.assertEqual(sum(sum(answers.values()) for answers in outcomes.values()), 10_000)
        self.assertEqual(set(outcomes[0]) - {"closed", "invalid_json", "frame_too_large", "unknown_type"}, set())
        self.assertEqual(list(outcomes[1]), ["invalid_json"])
        self.assertEqual(list(outcomes[2]), ["unknown_type"])
        self.assertEqual(list(outcomes[3]), ["frame_too_large"])

    def answer_or_close(self, data):
        """The err message the bridge answers ``data`` with, or "closed" when it only closes the connection."""
        with socket.create_connection(BRIDGES[0], timeout=10) as raw:
            raw.sendall(data)
            raw.shutdown(socket.SHUT_WR)
            received = b""
            while True:
                try:
                    chunk = raw.recv(65536)
                except ConnectionResetError:
                    chunk = b""
                if not chunk:
                    frames = self.parse(received)
                    return frames[0]["message"] if frames else "closed"
                received += chunk
                frames = self.parse(received)
                if frames:
                    return frames[0]["message"]

if __name__ == "__main__":
    unittest.main()
