// hooknet's JavaScript client, on the Vert.x SockJS event bus bridge (@vertx/eventbus-bridge-client.js).
// The same module runs in Node (see node.mjs, which supplies EventBus) and in the browser (load sockjs-client
// and vertx-eventbus.js first, which define the global EventBus).
//
//   const client = await HooknetClient.connect(['http://127.0.0.1:8080/eventbus', 'http://127.0.0.1:8081/eventbus'], { token })
//   await client.request('hooknet.hooks.cmd', { op: 'list' })         // resolves the reply, or rejects HooknetError
//   client.listen('hooknet.sock.events', event => ...)
//   const sub = await client.subscribe('inet', 'PHYSICAL_IN', event => ..., { onResync: (hooks, seq) => ... })
//
// A client with a token has a session on the node it is connected to; what it registers belongs to the session.
// When the connection is lost it reconnects (to the same node or the next URL) and resumes the session within the
// node's grace period: each subscription gets exactly the changes it missed.

export const HOOKS = 'hooknet.hooks.cmd'
export const HOOK_EVENTS = 'hooknet.hooks.events'
export const SOCK_EVENTS = 'hooknet.sock.events'

/** A failure with a Linux errno, as the node reports it: errno 17 and 'EEXIST: ...'. */
export class HooknetError extends Error {
  constructor (errno, message) {
    super(message)
    this.name = 'HooknetError'
    this.errno = errno
  }
}

function uuid () {
  return globalThis.crypto.randomUUID().replace(/-/g, '')
}

const servingKey = (family, event, hook) => JSON.stringify([family, event, hook])

const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms))

export class HooknetClient {
  /**
   * Opens a connection to the first of `urls` (a URL or a list of them) and, with a token, its session.
   * `reconnect` (default true) reopens a lost connection, to the same node or the next URL, and resumes the
   * session. `onLost(event)` is told when a hook of the session lost its name in a merge (MERGE_CONFLICT);
   * `onSession(info)` after every (re)connection, with the node's answer to `session`.
   */
  static async connect (urls, { token = null, EventBus = globalThis.EventBus, reconnect = true, timeout = 30000, onLost = null, onSession = null } = {}) {
    const client = new HooknetClient([].concat(urls), { token, EventBus, reconnect, timeout, onLost, onSession })
    await client._open()
    await client._openSession()
    return client
  }

  constructor (urls, options) {
    this.urls = urls
    this.index = 0
    this.options = options
    this.handlers = new Map()
    this.served = []
    // The hooks served here, by family, event and hook, all called at one address of the client's.
    this.serving = new Map()
    this.hookAddress = null
    this.subscriptions = []
    this.pending = []
    this.closed = false
    this.session = null
    this.node = null
    this.resumes = 0
  }

  get url () {
    return this.urls[this.index]
  }

  _headers () {
    const headers = {}
    if (this.options.token) headers.token = this.options.token
    if (this.session) headers.session = this.session
    return headers
  }

  _open () {
    return new Promise((resolve, reject) => {
      const bus = new this.options.EventBus(this.url, { vertxbus_ping_interval: 5000 })
      this.bus = bus
      bus.onopen = () => resolve()
      bus.onerror = (error) => {
        // The bridge refused a message (no token, an address not allowed): fail the oldest request waiting.
        const waiting = this.pending[0]
        if (waiting) waiting.reject(new HooknetError(13, 'EACCES: the bridge refused it: ' + (error.body || error.message)))
      }
      bus.onclose = () => {
        reject(new HooknetError(107, 'ENOTCONN: the bridge at ' + this.url + ' closed the connection'))
        if (bus !== this.bus) return
        for (const waiting of [...this.pending]) waiting.reject(new HooknetError(104, 'ECONNRESET: the connection to the bridge was lost'))
        if (!this.closed && this.options.reconnect) this._reconnect().catch(() => {})
      }
    })
  }

  async _openSession () {
    if (!this.options.token) {
      this._listenAgain()
      return null
    }
    const info = await this.request(HOOKS, { op: 'session' })
    const previous = this.session
    this.session = info.session
    this.node = info.node
    if (previous !== null && previous !== this.session) this._readdress(previous)
    // The session's own address, where it is told of hooks it lost, is registered on each connection.
    this.bus.registerHandler('hooknet.session.' + this.session, this._headers(), (error, message) => {
      if (!error && this.options.onLost) this.options.onLost(message.body)
    })
    this._listenAgain()
    if (this.options.onSession) this.options.onSession(info)
    // Hooks the session lost in a merge while it had no connection are told now, once.
    for (const event of info.lost || []) if (this.options.onLost) this.options.onLost(event)
    return info
  }

  // A new connection listens where the client did, once its session is known: only that session may register
  // the addresses under its own.
  _listenAgain () {
    for (const [address, handler] of this.handlers) this._register(address, handler)
  }

  // A new address for a callback or hook of this client: under its session's address, which is the session's by
  // its name, or without a session under hooknet.client.
  _address (kind) {
    return this.session ? `hooknet.session.${this.session}.${uuid()}.${kind}` : `hooknet.client.${uuid()}.${kind}`
  }

  // The session ended while the client was away and a new one began: what was under the old session's address
  // moves under the new one's, where the client registers it again.
  _readdress (previous) {
    const from = `hooknet.session.${previous}.`
    const to = `hooknet.session.${this.session}.`
    const move = (address) => {
      if (!address.startsWith(from)) return address
      const moved = to + address.slice(from.length)
      if (this.handlers.has(address)) {
        this.handlers.set(moved, this.handlers.get(address))
        this.handlers.delete(address)
      }
      return moved
    }
    if (this.hookAddress) this.hookAddress = move(this.hookAddress)
    for (const owner of [...this.served, ...this.subscriptions]) owner.address = move(owner.address)
  }

  /** Connects again after drop() or a failure (without reconnect), and resumes the session. */
  reopen () {
    return this._reconnect()
  }

  async _reconnect () {
    if (this.reconnecting) return this.reconnecting
    this.reconnecting = (async () => {
      let delay = 100
      for (let attempt = 0; !this.closed; attempt++) {
        if (attempt > 0) this.index = (this.index + 1) % this.urls.length
        try {
          await this._open()
          const info = await this._openSession()
          if (info && info.resumed) this.resumes++
          else for (const hook of this.served) await this._registerHook(hook)
          for (const subscription of this.subscriptions) await subscription._resume()
          return
        } catch (e) {
          await sleep(delay)
          delay = Math.min(delay * 2, 1000)
        }
      }
    })()
    try {
      await this.reconnecting
    } finally {
      this.reconnecting = null
    }
  }

  /** Ends the session (its hooks go, told with cause CLIENT_LEFT) and closes the connection. */
  async close () {
    if (this.options.token && !this.closed && this.bus.state === this.options.EventBus.OPEN) {
      await this.request(HOOKS, { op: 'session.close' }).catch(() => {})
    }
    this.closed = true
    this.bus.close()
  }

  /** Breaks the connection as a network failure would; with reconnect the client comes back. */
  drop () {
    this.bus.close()
  }

  /** Sends a command with the token; resolves the reply's body or rejects with HooknetError. */
  request (address, body) {
    return new Promise((resolve, reject) => {
      const waiting = { resolve, reject }
      this.pending.push(waiting)
      const timer = setTimeout(() => settle(new HooknetError(110, 'ETIMEDOUT: no answer from ' + address)), this.options.timeout)
      const settle = (error, value) => {
        clearTimeout(timer)
        const index = this.pending.indexOf(waiting)
        if (index < 0) return
        this.pending.splice(index, 1)
        error ? reject(error) : resolve(value)
      }
      waiting.reject = (error) => settle(error)
      try {
        this.bus.send(address, body, this._headers(), (error, reply) => {
          if (error) settle(new HooknetError(error.failureCode > 0 ? error.failureCode : 5, error.message))
          else settle(null, reply.body)
        })
      } catch (e) {
        settle(new HooknetError(104, 'ECONNRESET: cannot send to the bridge: ' + e.message))
      }
    })
  }

  /** Calls handler(body) for every message to address (events, or this client's callbacks). */
  listen (address, handler) {
    const first = !this.handlers.has(address)
    this.handlers.set(address, handler)
    if (first && this.bus) this._register(address, handler)
  }

  _register (address, handler) {
    this.bus.registerHandler(address, this._headers(), (error, message) => {
      if (!error) this.handlers.get(address)(message.body, message)
    })
  }

  /**
   * Registers a hook that run calls here: fn(call) gets {family, event, hook, payload} and returns the hook's
   * result (non-zero stops the chain). Resolves the event's new seq. The hook belongs to this client's session.
   */
  async serveHook (family, event, hook, fn, { hint = null, hintValue = null } = {}) {
    if (!this.hookAddress) {
      // One address for every hook served here, listened to once: a hook after the first costs only its register.
      this.hookAddress = this._address('hooks')
      this.listen(this.hookAddress, (call, message) => {
        const served = this.serving.get(servingKey(call.family, call.event, call.hook))
        // A call of a hook this client does not serve stops the chain, as an address nobody listens to would.
        message.reply({ rc: served ? served(call) : 113 }, this._headers())
      })
    }
    const served = { family, event, hook, hint, hintValue, address: this.hookAddress }
    const key = servingKey(family, event, hook)
    const previous = this.serving.get(key)
    this.serving.set(key, fn)
    try {
      const seq = await this._registerHook(served)
      this.served.push(served)
      return seq
    } catch (e) {
      // This client serves that hook already: the one registered keeps its function.
      if (e.errno === 17 && previous) this.serving.set(key, previous)
      throw e
    }
  }

  async _registerHook (served) {
    const command = { op: 'hook.register' }
    for (const [key, value] of Object.entries(served)) if (value !== null) command[key] = value
    return (await this.request(HOOKS, command)).seq
  }

  /** Registers a notify callback; see Subscription. */
  async subscribe (family, event, onEvent, { onResync = null } = {}) {
    const subscription = new Subscription(this, family, event, onEvent, onResync)
    this.subscriptions.push(subscription)
    await subscription._register()
    return subscription
  }
}

/**
 * A notify callback and its view of the chain: hooks (in order), seq and epoch of the last change it saw, and
 * synced, true once a replay is complete (the HN_SYNCED marker).
 *
 * onEvent(event) gets every event in order: the replay, HN_SYNCED, then each change with its cause (REGISTERED,
 * UNREGISTERED, NODE_LEFT, CLIENT_LEFT, MERGE_CONFLICT). When the connection comes back the subscription resumes
 * after the last change it saw and gets exactly those it missed; when the node no longer keeps them it gets the
 * chain again marked RESYNC, counted in `resyncs` and told to onResync(hooks, seq). A replay the connection cut
 * short (before its HN_SYNCED) is void: the view is left as it was, and the resume brings it up to date. A change
 * whose seq does not follow (which the node never sends) makes it resume too, counted in `gaps`; a change it
 * already has is dropped.
 */
export class Subscription {
  constructor (client, family, event, onEvent, onResync) {
    Object.assign(this, { client, family, event, onEvent, onResync })
    this.address = client._address('cb')
    this.hooks = []
    this.seq = null
    this.epoch = null
    this.synced = false
    this.gaps = 0
    this.resyncs = 0
    this.replaying = null
    this.beforeReplay = null
    this.queue = Promise.resolve()
    this.waiters = []
  }

  async _register (since = null) {
    this.client.listen(this.address, (event) => { this.queue = this.queue.then(() => this._handle(event)) })
    const command = { op: 'notify.register', family: this.family, event: this.event, address: this.address }
    if (since) command.since = since
    await this.client.request(HOOKS, command)
  }

  _resume () {
    this.synced = false
    // A replay the lost connection cut short (no HN_SYNCED came) is void: the view is what it was before it, and
    // the resume after the last change seen brings it up to date.
    if (this.beforeReplay !== null) this.hooks = this.beforeReplay
    this.beforeReplay = null
    this.replaying = null
    // Having seen nothing (the register's answer was lost, and it may have been made), it resumes from nothing:
    // the node sends the whole chain either way, where a fresh register would be refused with EEXIST.
    return this._register(this._last() ?? { epoch: 0, seq: 0 })
  }

  _last () {
    return this.seq === null ? null : { epoch: this.epoch, seq: this.seq }
  }

  /** Resolves once the latest replay is complete. */
  whenSynced () {
    return this.synced ? Promise.resolve() : new Promise(resolve => this.waiters.push(resolve))
  }

  async _handle (event) {
    if (event.cmd === 'HN_SYNCED') this._endReplay(event)
    else if (event.replay) this._replayed(event)
    else if (this.seq !== null && event.seq <= this.seq) return
    else if (this.seq !== null && event.seq !== this.seq + 1) {
      this.gaps++
      await this.client.request(HOOKS, { op: 'notify.register', family: this.family, event: this.event, address: this.address, since: this._last() })
      return
    } else this._apply(event)
    this.onEvent(event)
  }

  _replayed (event) {
    if (this.beforeReplay === null) this.beforeReplay = [...this.hooks]
    if (event.cmd === 'HN_UNREGISTER') {
      this.hooks = this.hooks.filter(hook => hook !== event.hook)
      return
    }
    if (this.replaying === null) this.replaying = []
    this.replaying.push(event.hook)
  }

  _endReplay (event) {
    if (this.replaying !== null || event.cause === 'RESYNC' || this.seq === null) this.hooks = this.replaying || []
    this.replaying = null
    this.beforeReplay = null
    this.seq = event.seq
    this.epoch = event.epoch
    this.synced = true
    for (const resolve of this.waiters.splice(0)) resolve()
    if (event.cause === 'RESYNC') {
      this.resyncs++
      if (this.onResync) this.onResync([...this.hooks], this.seq)
    }
  }

  _apply (event) {
    this.seq = event.seq
    this.epoch = event.epoch
    if (event.cmd === 'HN_REGISTER') this.hooks.splice(event.position, 0, event.hook)
    else this.hooks = this.hooks.filter(hook => hook !== event.hook)
  }

  /** Unregisters the callback; it is told HN_UNREGISTER for each hook still there. */
  async cancel () {
    this.client.subscriptions = this.client.subscriptions.filter(s => s !== this)
    await this.client.request(HOOKS, { op: 'notify.unregister', family: this.family, event: this.event, address: this.address })
  }
}
