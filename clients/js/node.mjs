// The client for Node: hooknet.mjs with the npm EventBus (and its sockjs-client) wired in.
import EventBus from '@vertx/eventbus-bridge-client.js'
import { HooknetClient } from './hooknet.mjs'

export * from './hooknet.mjs'

/** Opens a client on a node's SockJS bridge, e.g. connect('http://127.0.0.1:8080/eventbus', { token }). */
export function connect (url, options = {}) {
  return HooknetClient.connect(url, { EventBus, ...options })
}
