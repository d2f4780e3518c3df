// The JavaScript client against two real nodes' SockJS bridges. HOOKNET_SOCKJS names them
// ("http://127.0.0.1:8080/eventbus,http://127.0.0.1:8081/eventbus"), with commands on and HOOKNET_TOKEN their
// token; deploy's JsClientIT starts the nodes and runs this with `node --test`.
import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { connect, HOOKS } from '../node.mjs'

const BRIDGES = (process.env.HOOKNET_SOCKJS || 'http://127.0.0.1:8080/eventbus').split(',')
const TOKEN = process.env.HOOKNET_TOKEN

async function until (what, condition, timeout = 15000) {
  const deadline = Date.now() + timeout
  while (!condition()) {
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

beforeEach(async () => {
  family = 'js' + randomUUID().slice(0, 8)
  a = await open(BRIDGES[0], { token: TOKEN })
  b = await open(BRIDGES[BRIDGES.length - 1], { token: TOKEN })
  await a.request(HOOKS, { op: 'family.add', family })
  await a.request(HOOKS, { op: 'event.add', family, event: 'IN' })
})

afterEach(() => {
  // Every client is closed even when a test failed, so that no open connection keeps the process alive.
  while (opened.length) opened.pop().close()
})

test('a callback gets the replay in chain order, then live changes', async () => {
  for (const hook of ['a', 'b', 'c']) await register(a, hook)
  const seen = []
  const subscription = await b.subscribe(family, 'IN', event => seen.push(event))
  await until('the replay', () => seen.length === 3)
  await register(a, 'd')
  await until('the live change', () => seen.length === 4)
  assert.deepEqual(seen.map(e => [e.hook, e.cause, e.seq]),
    [['a', 'REPLAY', 3], ['b', 'REPLAY', 3], ['c', 'REPLAY', 3], ['d', 'REGISTERED', 4]])
  assert.deepEqual(subscription.hooks, ['a', 'b', 'c', 'd'])
  assert.equal(subscription.gaps, 0)
})

test('a gap after a forced disconnect is detected and resynced from list', async () => {
  await register(a, 'a')
  const resyncs = []
  const client = await open(BRIDGES[BRIDGES.length - 1], { token: TOKEN, reconnect: false })
  const subscription = await client.subscribe(family, 'IN', () => {}, { onResync: (hooks, seq) => resyncs.push([hooks, seq]) })
  await until('the replay', () => subscription.hooks.length === 1)
  client.drop()
  await register(a, 'b')
  await a.request(HOOKS, { op: 'hook.unregister', family, event: 'IN', hook: 'a' })
  await register(a, 'c')
  await client.reopen()
  await until('the resync', () => subscription.seq === 4)
  assert.equal(subscription.gaps, 1)
  assert.deepEqual(subscription.hooks, ['b', 'c'])
  assert.deepEqual(resyncs, [[['b', 'c'], 4]])
  await register(a, 'd')
  await until('the next live change', () => subscription.seq === 5)
  assert.deepEqual(subscription.hooks, ['b', 'c', 'd'])
})

test('commands without the token are refused and change nothing', async () => {
  const anonymous = await open(BRIDGES[0])
  await assert.rejects(anonymous.request(HOOKS, { op: 'hook.register', family, event: 'IN', hook: 'x', address: 'addr.x' }),
    error => error.errno === 13)
  const chain = (await a.request(HOOKS, { op: 'list', family, event: 'IN' })).events[0]
  assert.deepEqual([chain.hooks, chain.seq], [[], 0])
})

test('failures carry their errno', async () => {
  await register(a, 'a')
  await assert.rejects(register(b, 'a'), error =>
    error.errno === 17 && error.message === `EEXIST: on ${family}/IN: hook 'a' is already in the chain`)
})
