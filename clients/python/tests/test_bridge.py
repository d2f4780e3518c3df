"""The Python client against real nodes' TCP bridges.

HOOKNET_BRIDGES names the bridges of two nodes of one cluster ("127.0.0.1:7000,127.0.0.1:7001") whose commands
are on, HOOKNET_TOKEN their token and HOOKNET_NODES their names; HOOKNET_GRACE is the nodes' session grace period
in seconds. HOOKNET_VICTIM ("host:port:pid") names a third node that one test kills with SIGKILL. deploy's
PythonClientIT starts the nodes and runs this.
"""

import json
import os
import random
import signal
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
GRACE = float(os.environ.get("HOOKNET_GRACE", "10"))
VICTIM = os.environ.get("HOOKNET_VICTIM")


def until(what, condition, timeout=15.0, state=None):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what + ("" if state is None else ": " + repr(state())))
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

    def changes(self):
        """(cmd, hook, cause, seq) of what was told, the replay and HN_SYNCED included."""
        with self.lock:
            return [(e["cmd"], e["hook"], e["cause"], e["seq"]) for e in self.events]


def family_with_event(client, prefix):
    family = prefix + uuid.uuid4().hex[:8]
    client.request(HOOKS, {"op": "family.add", "family": family})
    client.request(HOOKS, {"op": "event.add", "family": family, "event": "IN"})
    return family


def register(client, family, hook):
    return client.request(HOOKS, {"op": "hook.register", "family": family, "event": "IN", "hook": hook,
                                  "address": "addr." + hook})


def chain(client, family):
    events = client.request(HOOKS, {"op": "list", "family": family, "event": "IN"})["events"][0]
    return [hook["hook"] for hook in events["hooks"]], events["seq"]


class BridgeTest(unittest.TestCase):

    def setUp(self):
        self.a = BridgeClient(*BRIDGES[0], token=TOKEN)
        self.b = BridgeClient(*BRIDGES[-1], token=TOKEN)
        self.family = family_with_event(self.a, "py")

    def tearDown(self):
        self.a.close()
        self.b.close()

    def test_replay_ends_with_synced_then_live_events_in_order(self):
        for hook in ("a", "b", "c"):
            register(self.a, self.family, hook)
        seen = Recorder()
        subscription = self.b.subscribe(self.family, "IN", seen)
        self.assertTrue(subscription.wait_synced())
        register(self.a, self.family, "d")
        until("the live event", lambda: len(seen.events) == 5)
        self.assertEqual(seen.changes(), [("HN_REGISTER", "a", "REPLAY", 3), ("HN_REGISTER", "b", "REPLAY", 3),
                                          ("HN_REGISTER", "c", "REPLAY", 3), ("HN_SYNCED", None, "REPLAY", 3),
                                          ("HN_REGISTER", "d", "REGISTERED", 4)])
        self.assertEqual(subscription.hooks, ["a", "b", "c", "d"])
        self.assertEqual((subscription.gaps, subscription.resyncs), (0, 0))

    def test_a_client_whose_connection_breaks_resumes_its_session_and_misses_nothing(self):
        register(self.a, self.family, "a")
        seen = Recorder()
        client = BridgeClient(*BRIDGES[-1], token=TOKEN, reconnect=False)
        session = client.session
        subscription = client.subscribe(self.family, "IN", seen, on_resync=seen.resync)
        subscription.wait_synced()
        mine = client.serve_hook(self.family, "IN", "mine", lambda call: 0)
        until("its own hook", lambda: len(seen.events) == 3)
        client.drop()
        register(self.a, self.family, "b")
        self.a.request(HOOKS, {"op": "hook.unregister", "family": self.family, "event": "IN", "hook": "a"})
        register(self.a, self.family, "c")
        client.reopen()
        until("the resume", lambda: client.resumes == 1 and subscription.synced and subscription.seq == 5)
        self.assertEqual(client.session, session)
        self.assertEqual(seen.changes(), [("HN_REGISTER", "a", "REPLAY", 1), ("HN_SYNCED", None, "REPLAY", 1),
                                          ("HN_REGISTER", "mine", "REGISTERED", mine),
                                          ("HN_REGISTER", "b", "REGISTERED", 3),
                                          ("HN_UNREGISTER", "a", "UNREGISTERED", 4),
                                          ("HN_REGISTER", "c", "REGISTERED", 5), ("HN_SYNCED", None, "REPLAY", 5)])
        self.assertEqual((subscription.gaps, subscription.resyncs, seen.resyncs), (0, 0, []))
        self.assertEqual((subscription.hooks, subscription.seq), chain(self.a, self.family))
        register(self.a, self.family, "d")
        until("the next live event", lambda: subscription.seq == 6)
        self.assertEqual(subscription.hooks, ["mine", "b", "c", "d"])
        client.close()

    def test_a_replay_the_lost_connection_cut_short_is_void_and_the_resume_leaves_the_chain(self):
        register(self.a, self.family, "a")
        register(self.a, self.family, "b")
        client = BridgeClient(*BRIDGES[-1], token=TOKEN, reconnect=False)
        subscription = client.subscribe(self.family, "IN", lambda event: None)
        subscription.wait_synced()

        # The start of a RESYNC (another lineage, which lost b) reaches the client, then the connection goes
        # before its HN_SYNCED.
        def cut(cmd, hook, cause, position):
            return {"cmd": cmd, "family": self.family, "event": "IN", "hook": hook, "node": "n9", "session": None,
                    "position": position, "epoch": 9, "seq": 2, "replay": True, "cause": cause}
        subscription._handle(cut("HN_UNREGISTER", "b", "MERGE_CONFLICT", 1))
        subscription._handle(cut("HN_REGISTER", "a", "RESYNC", 0))
        client.drop()
        register(self.a, self.family, "c")
        client.reopen()
        until("the resume", lambda: client.resumes == 1 and subscription.synced and subscription.seq == 3)
        self.assertEqual((subscription.hooks, subscription.seq), chain(self.a, self.family))
        self.assertEqual(subscription.hooks, ["a", "b", "c"])
        client.close()

    def test_a_client_that_does_not_come_back_loses_its_hooks_after_the_grace_period(self):
        seen = Recorder()
        self.b.subscribe(self.family, "IN", seen)
        leaving = BridgeClient(*BRIDGES[0], token=TOKEN, reconnect=False)
        leaving.serve_hook(self.family, "IN", "x", lambda call: 0)
        leaving.serve_hook(self.family, "IN", "y", lambda call: 0)
        until("both hooks", lambda: len(seen.events) == 3)
        dropped = time.monotonic()
        leaving.drop()
        run = {"op": "run", "family": self.family, "event": "IN", "payload": {}}
        # A run that reaches the bridge before it has noticed the drop waits the hook timeout (ETIMEDOUT).
        until("run to find the hook gone", lambda: self.a.request(HOOKS, run)["errno"] == 113, timeout=GRACE)
        self.assertEqual(self.a.request(HOOKS, run),
                         {"rc": 113, "called": 1, "stoppedBy": "x", "errno": 113, "errnoName": "EHOSTUNREACH"})
        until("the hooks to go", lambda: len(seen.events) == 5, timeout=GRACE + 10)
        self.assertGreaterEqual(time.monotonic() - dropped, GRACE)
        self.assertEqual(seen.changes()[3:], [("HN_UNREGISTER", "x", "CLIENT_LEFT", 3),
                                              ("HN_UNREGISTER", "y", "CLIENT_LEFT", 4)])
        self.assertEqual(self.a.request(HOOKS, run),
                         {"rc": 0, "called": 0, "stoppedBy": None, "errno": 0, "errnoName": None})

    def test_a_client_back_after_its_session_ended_moves_its_hooks_and_callbacks_to_the_new_session(self):
        watch = Recorder()
        self.b.subscribe(self.family, "IN", watch)
        late = BridgeClient(*BRIDGES[0], token=TOKEN, reconnect=False)
        ended = late.session
        seen = Recorder()
        subscription = late.subscribe(self.family, "IN", seen, on_resync=seen.resync)
        late.serve_hook(self.family, "IN", "late", lambda call: 9)
        self.assertTrue(subscription.address.startswith("hooknet.session.%s." % ended), subscription.address)
        until("its hook", lambda: subscription.seq == 1)
        late.drop()
        until("the session to end", lambda: len(watch.events) >= 3, timeout=GRACE + 10, state=watch.changes)
        self.assertEqual(watch.changes()[2], ("HN_UNREGISTER", "late", "CLIENT_LEFT", 2))
        late.reopen()
        self.assertNotEqual(late.session, ended)
        until("the new session's chain", lambda: subscription.synced and subscription.seq == 3,
              state=lambda: {"synced": subscription.synced, "seq": subscription.seq, "hooks": subscription.hooks,
                             "address": subscription.address, "session": late.session, "resumes": late.resumes,
                             "seen": seen.changes(), "resyncs": seen.resyncs, "error": late._take_error(),
                             "watched": watch.changes()})
        self.assertTrue(subscription.address.startswith("hooknet.session.%s." % late.session), subscription.address)
        self.assertEqual((subscription.hooks, subscription.gaps), (["late"], 0))
        hooks = self.b.request(HOOKS, {"op": "list", "family": self.family})["events"][0]["hooks"]
        self.assertEqual([(h["hook"], h["session"], h["address"].startswith("hooknet.session.%s." % late.session))
                          for h in hooks], [("late", late.session, True)])
        run = {"op": "run", "family": self.family, "event": "IN", "payload": {}}
        self.assertEqual(self.b.request(HOOKS, run),
                         {"rc": 9, "called": 1, "stoppedBy": "late", "errno": 0, "errnoName": None})
        self.assertIsNone(late._take_error())
        late.close()

    def test_a_client_closed_while_it_connects_again_opens_no_connection_and_no_session(self):
        sessions = []
        reconnecting, release = threading.Event(), threading.Event()

        class Parked(BridgeClient):
            def _connect(self):
                # The first connection goes ahead; the one after the drop waits until the test has closed the client.
                if sessions:
                    reconnecting.set()
                    release.wait(10)
                super()._connect()

        client = Parked(*BRIDGES[0], token=TOKEN, on_session=sessions.append)
        client.drop()
        self.assertTrue(reconnecting.wait(10), "the client did not start to connect again")
        client.close()
        release.set()
        # Handlers run one after the other: this one runs once the reconnect is over, whatever it did.
        over = threading.Event()
        client._calls.put((lambda _: over.set(), None))
        self.assertTrue(over.wait(10))
        self.assertEqual(len(sessions), 1, sessions)
        self.assertIsNone(client._sock)

    def test_commands_without_the_token_are_refused_and_change_nothing(self):
        anonymous = BridgeClient(*BRIDGES[0])
        with self.assertRaises(HooknetError) as refused:
            anonymous.request(HOOKS, {"op": "hook.register", "family": self.family, "event": "IN", "hook": "x",
                                      "address": "addr.x"})
        self.assertEqual(refused.exception.errno, 13)
        anonymous.close()
        self.assertEqual(chain(self.a, self.family), ([], 0))

    def test_a_hook_served_here_is_called_by_run_from_another_node(self):
        calls = []

        def ipf(call):
            calls.append(call)
            return 7 if call["payload"]["drop"] else 0

        # serve_hook writes two frames back to back (the handler's register, then the command): Nagle's algorithm
        # must not hold the second until the bridge's delayed ACK.
        self.assertEqual(self.a._sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 1)
        self.a.serve_hook(self.family, "IN", "py-hook", ipf)
        run = {"op": "run", "family": self.family, "event": "IN", "payload": {"drop": True}}
        self.assertEqual(self.b.request(HOOKS, run),
                         {"rc": 7, "called": 1, "stoppedBy": "py-hook", "errno": 0, "errnoName": None})
        run["payload"] = {"drop": False}
        self.assertEqual(self.b.request(HOOKS, run),
                         {"rc": 0, "called": 1, "stoppedBy": None, "errno": 0, "errnoName": None})
        # A second hook of the client is called at the same address, and each call reaches its own function.
        self.a.serve_hook(self.family, "IN", "py-second", lambda call: calls.append(call) or 5)
        self.assertEqual(self.b.request(HOOKS, run),
                         {"rc": 5, "called": 2, "stoppedBy": "py-second", "errno": 0, "errnoName": None})
        self.assertEqual([(c["hook"], c["payload"]) for c in calls],
                         [("py-hook", {"drop": True}), ("py-hook", {"drop": False}), ("py-hook", {"drop": False}),
                          ("py-second", {"drop": False})])
        hooks = self.b.request(HOOKS, {"op": "list", "family": self.family})["events"][0]["hooks"]
        self.assertEqual([(h["hook"], h["node"], h["session"]) for h in hooks],
                         [("py-hook", NODES[0], self.a.session), ("py-second", NODES[0], self.a.session)])
        self.assertEqual(len({h["address"] for h in hooks}), 1)
        self.assertTrue(hooks[0]["address"].startswith("hooknet.session.%s." % self.a.session), hooks[0]["address"])

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
        register(self.a, self.family, "a")
        with self.assertRaises(HooknetError) as duplicate:
            register(self.b, self.family, "a")
        self.assertEqual(duplicate.exception.errno, 17)
        self.assertEqual(duplicate.exception.message,
                         "EEXIST: on %s/IN: hook 'a' is already in the chain" % self.family)
        # Reads of one event: the event, or the family, that is not there.
        for op in ("list", "stats", "run"):
            for family, event, message in ((self.family, "NOPE", "ENXIO: event 'NOPE' does not exist in family '%s'"
                                            % self.family),
                                           ("nofamily", "IN", "ENXIO: family 'nofamily' does not exist")):
                with self.assertRaises(HooknetError) as missing:
                    self.b.request(HOOKS, dict({"op": op, "family": family, "event": event},
                                               **({"payload": {}} if op == "run" else {})))
                self.assertEqual((missing.exception.errno, missing.exception.message), (6, message), op)

    def test_malformed_commands_get_einval_and_the_connection_keeps_serving(self):
        for body, message in (({"op": None}, "field 'op' is missing"), ({"op": 7}, "field 'op' must be a string"),
                              ({"op": "list", "family": ["x"]}, "field 'family' has the wrong type"),
                              ({"op": "run", "family": self.family}, "field 'event' is missing"),
                              ("list", "expected a JSON object")):
            with self.assertRaises(HooknetError) as bad:
                self.a.request(HOOKS, body)
            self.assertEqual(bad.exception.errno, 22, body)
            self.assertIn(message, bad.exception.message)
        self.assertEqual(chain(self.a, self.family), ([], 0))


@unittest.skipUnless(VICTIM, "needs HOOKNET_VICTIM, a node this test may kill")
class ResumeAfterKillTest(unittest.TestCase):
    """The node a client is on is killed with SIGKILL: the client reconnects to another node and resumes its
    session there, its hook still registered and its subscription missing nothing and repeating nothing."""

    def test_the_client_resumes_on_another_node(self):
        host, port, pid = VICTIM.rsplit(":", 2)
        survivor = BridgeClient(*BRIDGES[0], token=TOKEN)
        family = family_with_event(survivor, "kill")
        watch = Recorder()
        survivor.subscribe(family, "IN", watch)
        client = BridgeClient(host, int(port), token=TOKEN, bridges=BRIDGES)
        session = client.session
        seen = Recorder()
        subscription = client.subscribe(family, "IN", seen, on_resync=seen.resync)
        client.serve_hook(family, "IN", "mine", lambda call: 42)
        # Its callback and hook are at addresses under its session's, which the node it resumes at takes as the
        # session's by their name.
        listed = survivor.request(HOOKS, {"op": "list", "family": family, "event": "IN"})["events"][0]["hooks"]
        self.assertTrue(listed[0]["address"].startswith("hooknet.session.%s." % session), listed[0]["address"])
        self.assertTrue(subscription.address.startswith("hooknet.session.%s." % session), subscription.address)
        register(survivor, family, "before")
        until("both changes", lambda: subscription.seq == 2)

        os.kill(int(pid), signal.SIGKILL)
        register(survivor, family, "after1")
        register(survivor, family, "after2")
        # The client may resume more than once while the cluster notices the death (a first survivor's connection
        # can break too); each resume must still miss nothing and repeat nothing.
        until("the resume on another node", lambda: client.resumes >= 1 and subscription.synced
              and subscription.seq == 4, timeout=30,
              state=lambda: (client.resumes, subscription.synced, subscription.seq, seen.changes()))
        self.assertEqual(client.session, session)
        self.assertEqual(client.node, NODES[0] if client.port == BRIDGES[0][1] else NODES[-1])
        # The resume may come before or after the two changes: either way each arrives once, in order.
        told = seen.changes()
        self.assertEqual([change for change in told if change[0] != "HN_SYNCED"],
                         [("HN_REGISTER", "mine", "REGISTERED", 1), ("HN_REGISTER", "before", "REGISTERED", 2),
                          ("HN_REGISTER", "after1", "REGISTERED", 3), ("HN_REGISTER", "after2", "REGISTERED", 4)])
        synced = [change[3] for change in told if change[0] == "HN_SYNCED"]
        self.assertEqual(len(synced), 1 + client.resumes)
        self.assertEqual(synced[0], 0)
        self.assertTrue(all(seq in (2, 3, 4) for seq in synced[1:]), synced)
        self.assertEqual((subscription.gaps, subscription.resyncs), (0, 0))
        # Until the cluster declares the killed node dead (at most 5 s without a heartbeat), the event bus may still
        # pick the hook's stale registration there; such a call times out. After that every call reaches the client.
        run = {"op": "run", "family": family, "event": "IN", "payload": {}}
        answers = []
        until("a run that reaches the resumed client",
              lambda: answers.append(survivor.request(HOOKS, run)) or answers[-1]["rc"] == 42, timeout=20)
        timed_out = {"rc": 110, "called": 1, "stoppedBy": "mine", "errno": 110, "errnoName": "ETIMEDOUT"}
        self.assertEqual(answers[:-1], [timed_out] * (len(answers) - 1))
        self.assertEqual(answers[-1], {"rc": 42, "called": 1, "stoppedBy": "mine", "errno": 0, "errnoName": None})
        register(survivor, family, "later")
        until("a live change after the resume", lambda: subscription.seq == 5)
        self.assertEqual(subscription.hooks, ["mine", "before", "after1", "after2", "later"])
        self.assertNotIn("NODE_LEFT", [cause for _, _, cause, _ in watch.changes()])
        self.assertNotIn("CLIENT_LEFT", [cause for _, _, cause, _ in watch.changes()])
        client.close()
        survivor.close()


class HostileInputTest(unittest.TestCase):
    """Bad bytes get an error frame or a closed connection; the node keeps serving and loses nothing."""

    def setUp(self):
        self.healthy = BridgeClient(*BRIDGES[0], token=TOKEN)
        self.family = family_with_event(self.healthy, "hostile")
        register(self.healthy, self.family, "keep")
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

    def test_unknown_types_and_mistyped_fields_are_answered_and_the_connection_stays(self):
        for frame, message in (({"type": "frob", "address": "x"}, "unknown_type"),
                               ({"type": "send", "address": 5}, "invalid_frame"),
                               ({"type": "send", "address": HOOKS, "headers": []}, "invalid_frame")):
            frames, closed = self.answer(self.frame(json.dumps(frame).encode()))
            self.assertFalse(closed, frame)
            self.assertEqual(frames, [{"type": "err", "message": message}])

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
