"""When HOOKNET_INSTALLED names the prefix of an environment the client was installed into with pip, the suite
must be running against that installed copy, typed (PEP 561), and not against the source tree."""

import os
import unittest

import hooknet

INSTALLED = os.environ.get("HOOKNET_INSTALLED")


@unittest.skipUnless(INSTALLED, "needs HOOKNET_INSTALLED, the prefix the client was installed into")
class InstalledPackageTest(unittest.TestCase):

    def test_the_suite_runs_against_the_installed_package(self):
        package = os.path.dirname(os.path.realpath(hooknet.__file__))
        self.assertTrue(package.startswith(os.path.realpath(INSTALLED)), package)
        self.assertIn("site-packages", package)
        self.assertTrue(os.path.isfile(os.path.join(package, "py.typed")))
        self.assertEqual(hooknet.__all__, ["BridgeClient", "HooknetError", "Subscription"])
