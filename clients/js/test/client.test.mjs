// The JavaScript client against real nodes' SockJS bridges. HOOKNET_SOCKJS names two of them
// ("http://127.0.0.1:8080/eventbus,http://127.0.0.1:8081/eventbus"), with commands on and HOOKNET_TOKEN their
// token; HOOKNET_GRACE is the nodes' session grace period in seconds, and HOOKNET_VICTIM ("url pid") a third node
// that one test kills with SIGKILL. deploy's JsClientIT starts the nodes and runs this with `node --test`.
import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import net from 'node:net'
import { connect, HOOKS, SOCK_EVENTS } from '../node.mjs'

const BRIDGES = (process.env.HOOKNET_SOCKJS || 'http://127.0.0.1:8080/eventbus').split(',')
const TOKEN = process.env.HOOKNET_TOKEN
const GRACE = Number(process.env.HOOKNET_GRACE || 10)
const VICTIM = process.env.HOOKNET_VICTIM

async function until (what, condition, timeout = 15000) {
  const deadline = Date.now() + timeout
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

let a, b, family
const opened = []
const open = async (url, options) => {
  const client = await connect(url, options)
  opened.push(client)
  return client
}
const register = (client, hook) =>
  client.request(HOOKS, { op: 'hook.register', family, event: 'IN', hook, address: 'addr.' + hook })
const told = (events) => events.map(e => [e.cmd, e.hook, e.cause, e.seq])
const chain = async (client) => {
  const events = (await client.request(HOOKS, { op: 'list', family, event: 'IN' })).events[0]
  return [events.hooks.map(hook => hook.hook), events.seq]
}

beforeEach(async () => {
  family = 'js' + randomUUID().slice(0, 8)
  a = await open(BRIDGES[0], { token: TOKEN })
  b = await open(BRIDGES[BRIDGES.length - 1], { token: TOKEN })
  await a.request(HOOKS, { op: 'family.add', family })
  await a.request(HOOKS, { op: 'event.add', family, event: 'IN' })
})

afterEach(async () => {
  // Every client is closed even when a test failed, so that no open connection keeps the process alive.
  while (opened.length) await opened.pop().close()
})

test('a callback gets the replay in chain order and HN_SYNCED, then live changes', async () => {
  for (const hook of ['a', 'b', 'c']) await register(a, hook)
  const seen = []
  const subscription = await b.subscribe(family, 'IN', event => seen.push(event))
  await subscription.whenSynced()
  await register(a, 'd')
  await until('the live change', () => seen.length === 5)
  assert.deepEqual(told(seen), [['HN_REGISTER', 'a', 'REPLAY', 3], ['HN_REGISTER', 'b', 'REPLAY', 3],
    ['HN_REGISTER', 'c', 'REPLAY', 3], ['HN_SYNCED', null, 'REPLAY', 3], ['HN_REGISTER', 'd', 'REGISTERED', 4]])
  assert.deepEqual(subscription.hooks, ['a', 'b', 'c', 'd'])
  assert.deepEqual([subscription.gaps, subscription.resyncs], [0, 0])
})

test('a client whose connection breaks resumes its session and misses nothing', async () => {
  await register(a, 'a')
  const seen = []
  const client = await open(BRIDGES[BRIDGES.length - 1], { token: TOKEN, reconnect: false })
  const session = client.session
  const subscription = await client.subscribe(family, 'IN', event => seen.push(event))
  await subscription.whenSynced()
  const mine = await client.serveHook(family, 'IN', 'mine', () => 0)
  await until('its own hook', () => seen.length === 3)
  client.drop()
  await register(a, 'b')
  await a.request(HOOKS, { op: 'hook.unregister', family, event: 'IN', hook: 'a' })
  await register(a, 'c')
  await client.reopen()
  await until('the resume', () => client.resumes === 1 && subscription.synced && subscription.seq === 5)
  assert.equal(client.session, session)
  assert.deepEqual(told(seen), [['HN_REGISTER', 'a', 'REPLAY', 1], ['HN_SYNCED', null, 'REPLAY', 1],
    ['HN_REGISTER', 'mine', 'REGISTERED', mine], ['HN_REGISTER', 'b', 'REGISTERED', 3],
    ['HN_UNREGISTER', 'a', 'UNREGISTERED', 4], ['HN_REGISTER', 'c', 'REGISTERED', 5], ['HN_SYNCED', null, 'REPLAY', 5]])
  assert.deepEqual([subscription.gaps, subscription.resyncs], [0, 0])
  assert.deepEqual([subscription.hooks, subscription.seq], await chain(a))
  await register(a, 'd')
  await until('the next live change', () => subscription.seq === 6)
  assert.deepEqual(subscription.hooks, ['mine', 'b', 'c', 'd'])
})

test('a replay the lost connection cut short is void: the resume leaves the view as the chain is', async () => {
  await register(a, 'a')
  await register(a, 'b')
  const client = await open(BRIDGES[BRIDGES.length - 1], { token: TOKEN, reconnect: false })
  const subscription = await client.subscribe(family, 'IN', () => {})
  await subscription.whenSynced()
  // The start of a RESYNC (another lineage, which lost b) reaches the client, then the connection goes before its
  // HN_SYNCED.
  const cut = (cmd, hook, cause, position) => ({ cmd, family, event: 'IN', hook, node: 'n9', session: null,
    position, epoch: 9, seq: 2, replay: true, cause })
  await subscription._handle(cut('HN_UNREGISTER', 'b', 'MERGE_CONFLICT', 1))
  await subscription._handle(cut('HN_REGISTER', 'a', 'RESYNC', 0))
  client.drop()
  await register(a, 'c')
  await client.reopen()
  await until('the resume', () => client.resumes === 1 && subscription.synced && subscription.seq === 3)
  assert.deepEqual([subscription.hooks, subscription.seq], await chain(a))
  assert.deepEqual(subscription.hooks, ['a', 'b', 'c'])
})

test('a client that does not come back loses its hooks once each after the grace period', async () => {
  const seen = []
  await b.subscribe(family, 'IN', event => seen.push(event))
  const leaving = await connect(BRIDGES[0], { token: TOKEN, reconnect: false })
  await leaving.serveHook(family, 'IN', 'x', () => 0)
  await leaving.serveHook(family, 'IN', 'y', () => 0)
  await until('both hooks', () => seen.length === 3)
  const dropped = Date.now()
  leaving.drop()
  const run = { op: 'run', family, event: 'IN', payload: {} }
  await until('run to find the hook gone', async () => (await a.request(HOOKS, run)).errno === 113, GRACE * 1000)
  assert.deepEqual(await a.request(HOOKS, run), { rc: 113, called: 1, stoppedBy: 'x', errno: 113, errnoName: 'EHOSTUNREACH' })
  await until('the hooks to go', () => seen.length === 5, GRACE * 1000 + 10000)
  assert.ok(Date.now() - dropped >= GRACE * 1000)
  assert.deepEqual(told(seen.slice(3)), [['HN_UNREGISTER', 'x', 'CLIENT_LEFT', 3], ['HN_UNREGISTER', 'y', 'CLIENT_LEFT', 4]])
  assert.deepEqual(await a.request(HOOKS, run), { rc: 0, called: 0, stoppedBy: null, errno: 0, errnoName: null })
})

test('a client back after its session ended moves its hooks and callbacks to the new session', async () => {
  const watched = []
  await b.subscribe(family, 'IN', event => watched.push(event))
  const late = await open(BRIDGES[0], { token: TOKEN, reconnect: false })
  const ended = late.session
  const subscription = await late.subscribe(family, 'IN', () => {})
  const calls = []
  await late.serveHook(family, 'IN', 'late', (call) => calls.push(call.hook) && 0)
  await late.serveHook(family, 'IN', 'late2', (call) => calls.push(call.hook) && 9)
  assert.ok(subscription.address.startsWith(`hooknet.session.${ended}.`), subscription.address)
  await until('its hooks', () => subscription.seq === 2)
  late.drop()
  await until('the session to end', () => watched.length === 5, GRACE * 1000 + 10000)
  assert.deepEqual(told(watched.slice(3)), [['HN_UNREGISTER', 'late', 'CLIENT_LEFT', 3],
    ['HN_UNREGISTER', 'late2', 'CLIENT_LEFT', 4]])
  await late.reopen()
  assert.notEqual(late.session, ended)
  await until("the new session's chain", () => subscription.synced && subscription.seq === 6)
  assert.ok(subscription.address.startsWith(`hooknet.session.${late.session}.`), subscription.address)
  assert.deepEqual([subscription.hooks, subscription.gaps], [['late', 'late2'], 0])
  // Both hooks are called at one address of the client's, under its new session's, each reaching its own function.
  const hooks = (await b.request(HOOKS, { op: 'list', family })).events[0].hooks
  assert.deepEqual(hooks.map(h => [h.hook, h.session]), [['late', late.session], ['late2', late.session]])
  assert.equal(new Set(hooks.map(h => h.address)).size, 1)
  assert.ok(hooks[0].address.startsWith(`hooknet.session.${late.session}.`), hooks[0].address)
  assert.deepEqual(await b.request(HOOKS, { op: 'run', family, event: 'IN', payload: {} }),
    { rc: 9, called: 2, stoppedBy: 'late2', errno: 0, errnoName: null })
  assert.deepEqual(calls, ['late', 'late2'])
})

test('commands without the token are refused and change nothing', async () => {
  const anonymous = await open(BRIDGES[0])
  await assert.rejects(anonymous.request(HOOKS, { op: 'hook.register', family, event: 'IN', hook: 'x', address: 'addr.x' }),
    error => error.errno === 13)
  assert.deepEqual(await chain(a), [[], 0])
})

test('failures carry their errno, malformed commands EINVAL, and the connection keeps serving', async () => {
  await register(a, 'a')
  await assert.rejects(register(b, 'a'), error =>
    error.errno === 17 && error.message === `EEXIST: on ${family}/IN: hook 'a' is already in the chain`)
  for (const [body, message] of [[{ op: null }, "field 'op' is missing"], [{ op: 7 }, "field 'op' must be a string"],
    [{ op: 'list', family: 3 }, "field 'family' has the wrong type"], ['list', 'expected a JSON object']]) {
    await assert.rejects(a.request(HOOKS, body), error => error.errno === 22 && error.message.includes(message))
  }
  assert.deepEqual(await chain(a), [['a'], 1])
})

test('every socket of a pool closed at once: a client on another node hears each end of read once, in seq order',
  async () => {
    const pool = `hooknet.pool.${a.node}.cmd`
    assert.notEqual(a.node, b.node)
    const heard = []
    b.listen(SOCK_EVENTS, event => { if (event.node === a.node) heard.push(event) })
    const frame = Buffer.from([0, 0, 0, 5, ...Buffer.from('hello')])
    const openSocket = async () => {
      const added = await a.request(pool, { op: 'add', endpoint: 'tcp' })
      const [host, port] = added.address.split(':')
      const socket = net.connect(Number(port), host)
      socket.on('error', () => {})
      await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject))
      socket.write(frame)
      return { ...added, socket }
    }
    const closeOneAndHearIt = async (what, timeout) => {
      const one = await openSocket()
      one.socket.destroy()
      await until(what, () => heard.some(e => e.datafd === one.datafd), timeout)
    }
    // The bridge takes b's registration on its own time: one socket is closed at a time until b hears one.
    await until('b listening to the socket events', () => closeOneAndHearIt('its event', 1000).then(() => true, () => false))
    // The pool removes a faulted socket (the node's handler); every channel is then free for the burst.
    await until('the warm-up sockets removed', async () => (await a.request(pool, { op: 'list' })).sockets.length === 0)
    const packets = async () => new Map((await a.request(pool, { op: 'stats' })).channels.map(c => [c.channel, c.packetsTx]))
    const before = await packets()
    const sockets = []
    for (let i = 0; i < 32; i++) sockets.push(await openSocket())
    // Each socket's packet read: the pool has taken every connection, so the closes below are all it waits on.
    await until('every packet read', async () => {
      const now = await packets()
      return sockets.every(s => now.get(s.channel) === (before.get(s.channel) || 0) + 1)
    })
    for (const s of sockets) s.socket.destroy()
    const datafds = new Set(sockets.map(s => s.datafd))
    await until('32 events', () => heard.filter(e => datafds.has(e.datafd)).length >= 32, 30000)
    // One socket more, closed after: once b hears it, every event of the burst it was sent came before.
    await until('the channels free again', async () => (await a.request(pool, { op: 'list' })).sockets.length === 0)
    await closeOneAndHearIt('an event after the burst')
    const burst = heard.filter(e => datafds.has(e.datafd))
    assert.equal(burst.length, 32)
    assert.equal(new Set(burst.map(e => e.datafd)).size, 32)
    for (const [i, event] of burst.entries()) {
      const socket = sockets.find(s => s.datafd === event.datafd)
      assert.deepEqual([event.pool, event.channel, event.txRx, event.error, event.errno, event.errnoName, event.dropped],
        ['default', socket.channel, 0, 0, 0, null, 0])
      if (i > 0) assert.equal(event.seq, burst[i - 1].seq + 1)
    }
  })

test('the node a client is on is killed: it resumes on another node, missing nothing and repeating nothing',
  { skip: !VICTIM && 'needs HOOKNET_VICTIM' }, async () => {
    const [victimUrl, pid] = VICTIM.split(' ')
    const watch = []
    await a.subscribe(family, 'IN', event => watch.push(event))
    const client = await open([victimUrl, ...BRIDGES], { token: TOKEN })
    const session = client.session
    const seen = []
    const subscription = await client.subscribe(family, 'IN', event => seen.push(event))
    await client.serveHook(family, 'IN', 'mine', () => 42)
    // Its callback and hook are at addresses under its session's, which the node it resumes at takes as the
    // session's by their name.
    const listed = (await a.request(HOOKS, { op: 'list', family, event: 'IN' })).events[0].hooks
    assert.ok(listed[0].address.startsWith(`hooknet.session.${session}.`), listed[0].address)
    assert.ok(subscription.address.startsWith(`hooknet.session.${session}.`), subscription.address)
    await register(a, 'before')
    await until('both changes', () => subscription.seq === 2)

    process.kill(Number(pid), 'SIGKILL')
    await register(a, 'after1')
    await register(a, 'after2')
    // The client may resume more than once while the cluster notices the death; each resume misses nothing.
    await until('the resume on another node', () => client.resumes >= 1 && subscription.synced && subscription.seq === 4, 30000)
    assert.equal(client.session, session)
    assert.notEqual(client.url, victimUrl)
    // The resume may come before or after the two changes: either way each arrives once, in order.
    assert.deepEqual(told(seen.filter(e => e.cmd !== 'HN_SYNCED')), [['HN_REGISTER', 'mine', 'REGISTERED', 1],
      ['HN_REGISTER', 'before', 'REGISTERED', 2], ['HN_REGISTER', 'after1', 'REGISTERED', 3], ['HN_REGISTER', 'after2', 'REGISTERED', 4]])
    const synced = seen.filter(e => e.cmd === 'HN_SYNCED').map(e => e.seq)
    assert.equal(synced.length, 1 + client.resumes)
    assert.equal(synced[0], 0)
    assert.ok(synced.slice(1).every(seq => [2, 3, 4].includes(seq)), String(synced))
    assert.deepEqual([subscription.gaps, subscription.resyncs], [0, 0])
    // Until the cluster declares the killed node dead (at most 5 s without a heartbeat), the event bus may still
    // pick the hook's stale registration there; such a call times out. After that every call reaches the client.
    const answers = []
    const deadline = Date.now() + 20000
    do {
      answers.push(await a.request(HOOKS, { op: 'run', family, event: 'IN', payload: {} }))
    } while (answers.at(-1).rc !== 42 && Date.now() < deadline)
    const timedOut = { rc: 110, called: 1, stoppedBy: 'mine', errno: 110, errnoName: 'ETIMEDOUT' }
    assert.deepEqual(answers.slice(0, -1), answers.slice(0, -1).map(() => timedOut))
    assert.deepEqual(answers.at(-1), { rc: 42, called: 1, stoppedBy: 'mine', errno: 0, errnoName: null })
    await register(a, 'later')
    await until('a live change after the resume', () => subscription.seq === 5)
    assert.deepEqual(subscription.hooks, ['mine', 'before', 'after1', 'after2', 'later'])
    assert.ok(!watch.some(e => e.cause === 'NODE_LEFT' || e.cause === 'CLIENT_LEFT'))
  })
