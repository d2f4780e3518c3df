// Types of hooknet's JavaScript client (hooknet.mjs); the messages are described in docs/messages.md.

export declare const HOOKS: 'hooknet.hooks.cmd'
export declare const HOOK_EVENTS: 'hooknet.hooks.events'
export declare const SOCK_EVENTS: 'hooknet.sock.events'

/** Why a callback is told of a hook. */
export type Cause = 'REGISTERED' | 'UNREGISTERED' | 'REPLAY' | 'RESYNC' | 'NODE_LEFT' | 'CLIENT_LEFT' | 'MERGE_CONFLICT'

/** A change of an event's chain, as a notify callback gets it. */
export interface HookEvent {
  cmd: 'HN_REGISTER' | 'HN_UNREGISTER' | 'HN_SYNCED'
  family: string
  event: string | null
  hook: string | null
  node: string
  session: string | null
  hint: string | null
  hintValue: string | null
  position: number
  epoch: number
  seq: number
  replay: boolean
  cause: Cause
}

/** The node's answer to `session`. */
export interface SessionInfo {
  session: string
  node: string
  resumed: boolean
  graceSeconds: number
  /** Hooks the session lost in a merge while it had no connection (told to onLost too), given once. */
  lost: HookEvent[]
}

/** A call of a served hook. */
export interface HookCall {
  family: string
  event: string
  hook: string
  payload: unknown
}

/** A failure with a Linux errno, as the node reports it: errno 17 and 'EEXIST: ...'. */
export declare class HooknetError extends Error {
  constructor (errno: number, message: string)
  readonly errno: number
}

export interface ConnectOptions {
  /** The node's --token; with it the client has a session and may send commands. */
  token?: string | null
  /** The EventBus class of @vertx/eventbus-bridge-client.js (node.mjs supplies it). */
  EventBus?: unknown
  /** Reopen a lost connection, to the same node or the next URL, and resume the session (default true). */
  reconnect?: boolean
  /** Milliseconds a request waits for its answer (default 30000). */
  timeout?: number
  /** Told when a hook of the session lost its name in a merge (MERGE_CONFLICT). */
  onLost?: ((event: HookEvent) => void) | null
  /** Told after every (re)connection. */
  onSession?: ((info: SessionInfo) => void) | null
}

export declare class HooknetClient {
  static connect (urls: string | string[], options?: ConnectOptions): Promise<HooknetClient>
  readonly urls: string[]
  readonly url: string
  session: string | null
  node: string | null
  resumes: number
  request<T = any> (address: string, body: unknown): Promise<T>
  listen (address: string, handler: (body: any, message: unknown) => void): void
  serveHook (family: string, event: string, hook: string, fn: (call: HookCall) => number,
    options?: { hint?: string | null, hintValue?: string | null }): Promise<number>
  subscribe (family: string, event: string, onEvent: (event: HookEvent) => void,
    options?: { onResync?: ((hooks: string[], seq: number) => void) | null }): Promise<Subscription>
  reopen (): Promise<void>
  drop (): void
  close (): Promise<void>
}

export declare class Subscription {
  readonly client: HooknetClient
  readonly family: string
  readonly event: string
  readonly address: string
  hooks: string[]
  seq: number | null
  epoch: number | null
  synced: boolean
  gaps: number
  resyncs: number
  whenSynced (): Promise<void>
  cancel (): Promise<void>
}
