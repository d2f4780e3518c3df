"""Round trips of the Python client over a node's TCP bridge: a hook register beside a request to an echo consumer.

Each register is the client's own `serve_hook`: the hook registered at the address under the client's session
where it serves all its hooks (listened to once, at its first hook), as a client serving a hook does.

Run by `bench/run hooks` (HooksBench), which starts the nodes, the bridge and the echo consumer. Prints one JSON
object: the microseconds of each register call and of each echo request, samples of the two alternating. Each
registered hook is unregistered again (not timed); every register must answer the next seq of its event and
every echo must return what it was sent.
"""
import argparse
import json
import sys
import time

from hooknet import BridgeClient


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--echo", required=True)
    parser.add_argument("--family", required=True)
    parser.add_argument("--event", required=True)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    args = parser.parse_args()

    client = BridgeClient("127.0.0.1", args.port, token=args.token, reconnect=False)
    register_us, echo_us = [], []
    seq = None
    try:
        for i in range(-args.warmup, args.samples):
            hook = "py%d" % (i + args.warmup)
            started = time.perf_counter_ns()
            registered = client.serve_hook(args.family, args.event, hook, lambda call: 0)
            took = (time.perf_counter_ns() - started) // 1000
            if seq is not None and registered != seq + 1:
                raise SystemExit("register of %s answered seq %s after %s" % (hook, registered, seq))
            unregistered = client.request("hooknet.hooks.cmd", {"op": "hook.unregister", "family": args.family,
                                                                 "event": args.event, "hook": hook})
            seq = unregistered["seq"]
            body = {"n": i}
            started = time.perf_counter_ns()
            echoed = client.request(args.echo, body)
            echo_took = (time.perf_counter_ns() - started) // 1000
            if echoed != body:
                raise SystemExit("the echo gave %r for %r" % (echoed, body))
            if i >= 0:
                register_us.append(took)
                echo_us.append(echo_took)
    finally:
        client.close()
    json.dump({"register": register_us, "echo": echo_us}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
