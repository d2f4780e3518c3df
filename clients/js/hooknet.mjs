// hooknet's JavaScript client, on the Vert.x SockJS event bus bridge (@vertx/eventbus-bridge-client.js).
// The same module runs in Node (see node.mjs, which supplies EventBus) and in the browser (load sockjs-client
// and vertx-eventbus.js first, which define the global EventBus).
//
//   const client = await HooknetClient.connect('http://127.0.0.1:8080/eventbus', { token })
//   await client.request('hooknet.hooks.cmd', { op: 'list' })         // resolves the reply, or rejects HooknetError
//   client.listen('hooknet.sock.events', event => ...)
//   const sub = await client.subscribe('inet', 'PHYSICAL_IN', event => ..., { onResync: (hooks, seq) => ... })

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

export class HooknetClient {
  /** Opens a connection; `reconnect` (default true) reopens a lost one and renews the subscriptions. */
  static async connect (url, { token = null, EventBus = globalThis.EventBus, reconnect = true, timeout = 10000 } = {}) {
    const client = new HooknetClient(url, { token, EventBus, reconnect, timeout })
    await client._open()
    return client
  }

  constructor (url, options) {
    this.url = url
    this.options = options
    this.handlers = new Map()
    this.subscriptions = []
    this.pending = []
    this.closed = false
  }

  _open () {
    return new Promise((resolve, reject) => {
      const bus = new this.options.EventBus(this.url, { vertxbus_ping_interval: 5000 })
      this.bus = bus
      bus.onopen = () => {
        for (const [address, handler] of this.handlers) this._register(address, handler)
        resolve()
      }
      bus.onerror = (error) => {
        // The bridge refused a message (no token, an address not allowed): fail the oldest request waiting.
        const waiting = this.pending[0]
        if (waiting) waiting.reject(new HooknetError(13, 'EACCES: the bridge refused it: ' + (error.body || error.message)))
      }
      bus.onclose = () => {
        if (bus !== this.bus) return
        if (!this.closed && this.options.reconnect) setTimeout(() => this.reopen().catch(() => {}), 200)
        reject(new HooknetError(107, 'ENOTCONN: the bridge at ' + this.url + ' closed the connection'))
      }
    })
  }

  /** Opens a new connection after drop() or a failure, and renews the subscriptions. */
  async reopen () {
    // A subscription's old callback address is not listened to again: the node tears that callback down when
    // the old connection goes, and the subscription renews under a new address.
    for (const subscription of this.subscriptions) this.handlers.delete(subscription.address)
    await this._open()
    for (const subscription of this.subscriptions) await subscription._renew()
  }

  /** Closes the connection; the node unregisters the callbacks registered through it. */
  close () {
    this.closed = true
    this.bus.close()
  }

  /** Breaks the connection as a network failure would, without reconnecting (for tests). */
  drop () {
    const bus = this.bus
    this.bus = null
    bus.close()
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
      const headers = this.options.token ? { token: this.options.token } : {}
      this.bus.send(address, body, headers, (error, reply) => {
        if (error) settle(new HooknetError(error.failureCode || 5, error.message))
        else settle(null, reply.body)
      })
    })
  }

  /** Calls handler(body) for every message to address (events, or this client's callbacks). */
  listen (address, handler) {
    const first = !this.handlers.has(address)
    this.handlers.set(address, handler)
    if (first && this.bus) this._register(address, handler)
  }

  _register (address, handler) {
    this.bus.registerHandler(address, {}, (error, message) => { if (!error) handler(message.body) })
  }

  /** Registers a notify callback: replay, then live changes, checked by seq (see Subscription). */
  async subscribe (family, event, onEvent, { onResync = null, node = null } = {}) {
    const subscription = new Subscription(this, family, event, onEvent, onResync, node)
    this.subscriptions.push(subscription)
    await subscription._renew()
    return subscription
  }
}

/**
 * A notify callback with its view of the chain (hooks, seq). Events come in seq order: a replay at seq s, then
 * s+1, s+2, ... A jump (lost changes, or changes missed while disconnected) is a gap: it is counted in `gaps`,
 * the chain is read again with `list` and onResync(hooks, seq) is called.
 */
export class Subscription {
  constructor (client, family, event, onEvent, onResync, node) {
    Object.assign(this, { client, family, event, onEvent, onResync })
    this.commands = node ? `hooknet.hooks.${node}.cmd` : HOOKS
    this.address = null
    this.hooks = []
    this.seq = null
    this.gaps = 0
    this.replaySeq = null
    this.queue = Promise.resolve()
  }

  async _renew () {
    // On a renewal the chain is read again with list, which decides the gap; the new replay only refills.
    this.renewing = this.address !== null
    const before = this.seq
    this.address = `hooknet.client.${uuid()}.cb`
    this.client.listen(this.address, (event) => { this.queue = this.queue.then(() => this._handle(event)) })
    await this.client.request(this.commands, { op: 'notify.register', family: this.family, event: this.event, address: this.address })
    if (this.renewing) this.queue = this.queue.then(() => this._resync(before)).finally(() => { this.renewing = false })
    await this.queue
  }

  async _handle (event) {
    let applied
    if (event.cause === 'REPLAY') applied = this._replay(event)
    else if (this.seq === null || event.seq === this.seq + 1) applied = this._apply(event)
    else if (event.seq <= this.seq) applied = false
    else {
      await this._resync()
      applied = false
    }
    if (applied) this.onEvent(event)
  }

  _replay (event) {
    if (event.seq !== this.replaySeq) {
      if (this.seq !== null && event.seq < this.seq) return false
      if (this.seq !== null && event.seq > this.seq && !this.renewing) this.gaps++
      this.replaySeq = event.seq
      this.seq = event.seq
      this.hooks = []
    }
    if (this.hooks.includes(event.hook)) return false
    this.hooks.push(event.hook)
    return true
  }

  _apply (event) {
    this.seq = event.seq
    if (event.cmd === 'HN_REGISTER') this.hooks.splice(event.position, 0, event.hook)
    else this.hooks = this.hooks.filter(hook => hook !== event.hook)
    return true
  }

  async _resync (before = this.seq) {
    const reply = await this.client.request(this.commands, { op: 'list', family: this.family, event: this.event })
    const chain = reply.events[0]
    if (before !== null && chain.seq === before) return
    if (before !== null) this.gaps++
    this.hooks = chain.hooks.map(hook => hook.hook)
    this.seq = chain.seq
    this.replaySeq = chain.seq
    if (this.onResync) this.onResync([...this.hooks], this.seq)
  }

  /** Unregisters the callback; it is told HN_UNREGISTER for each hook still there. */
  async cancel () {
    this.client.subscriptions = this.client.subscriptions.filter(s => s !== this)
    await this.client.request(this.commands, { op: 'notify.unregister', family: this.family, event: this.event, address: this.address })
  }
}
