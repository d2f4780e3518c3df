import { ConnectOptions, HooknetClient } from './hooknet.mjs'

export * from './hooknet.mjs'

/** Opens a client on a node's SockJS bridge, e.g. connect('http://127.0.0.1:8080/eventbus', { token }). */
export declare function connect (url: string | string[], options?: ConnectOptions): Promise<HooknetClient>
