"""hooknet's Python client: the Vert.x TCP event bus bridge with the standard library only."""

from .client import BridgeClient, HooknetError, Subscription

__all__ = ["BridgeClient", "HooknetError", "Subscription"]
