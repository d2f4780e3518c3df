"""The client against a node whose bridges speak TLS. HOOKNET_TLS_BRIDGE names its TCP bridge ("127.0.0.1:7443"),
HOOKNET_TLS_CA the CA file (PEM) its certificate is checked against and HOOKNET_TOKEN its token; deploy's
TlsBridgeIT starts the node and runs this module."""

import os
import ssl
import unittest
import uuid

from hooknet import BridgeClient, HooknetError
from hooknet.client import HOOKS

BRIDGE = os.environ.get("HOOKNET_TLS_BRIDGE")
CA = os.environ.get("HOOKNET_TLS_CA")
TOKEN = os.environ.get("HOOKNET_TOKEN")


@unittest.skipUnless(BRIDGE and CA, "needs HOOKNET_TLS_BRIDGE and HOOKNET_TLS_CA, a node with --tls-cert")
class TlsTest(unittest.TestCase):

    def setUp(self):
        host, port = BRIDGE.rsplit(":", 1)
        self.address = (host, int(port))

    def test_a_client_that_checks_the_certificate_registers_and_lists(self):
        client = BridgeClient(*self.address, token=TOKEN, tls=CA)
        try:
            family = "tls" + uuid.uuid4().hex[:8]
            client.request(HOOKS, {"op": "family.add", "family": family})
            client.request(HOOKS, {"op": "event.add", "family": family, "event": "IN"})
            self.assertEqual(client.request(HOOKS, {"op": "hook.register", "family": family, "event": "IN",
                                                    "hook": "a", "address": "addr.a"})["seq"], 1)
            events = client.request(HOOKS, {"op": "list", "family": family, "event": "IN"})["events"]
            self.assertEqual([hook["hook"] for hook in events[0]["hooks"]], ["a"])
            self.assertEqual(client.tls.verify_mode, ssl.CERT_REQUIRED)
            self.assertIsInstance(client._sock, ssl.SSLSocket)
        finally:
            client.close()

    def test_a_client_that_does_not_trust_the_certificate_is_refused(self):
        with self.assertRaises(ssl.SSLCertVerificationError):
            BridgeClient(*self.address, token=TOKEN, tls=True, reconnect=False)

    def test_plain_text_is_refused(self):
        with self.assertRaises((HooknetError, OSError)) as refused:
            BridgeClient(*self.address, token=TOKEN, reconnect=False, timeout=10)
        if isinstance(refused.exception, HooknetError):
            self.assertEqual(refused.exception.errno, 104)


if __name__ == "__main__":
    unittest.main()
