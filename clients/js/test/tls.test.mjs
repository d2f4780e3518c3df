// The client against a node whose bridges speak TLS. HOOKNET_TLS_SOCKJS names its SockJS bridge
// ("https://127.0.0.1:8443/eventbus") and HOOKNET_TOKEN its token; Node trusts the node's certificate through
// NODE_EXTRA_CA_CERTS. deploy's TlsBridgeIT starts the node and runs this file with `node --test`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { connect, HOOKS, HooknetError } from '../node.mjs'

const URL = process.env.HOOKNET_TLS_SOCKJS
const TOKEN = process.env.HOOKNET_TOKEN
const skip = URL ? false : 'needs HOOKNET_TLS_SOCKJS, a node with --tls-cert'

test('over https the client registers and lists', { skip }, async () => {
  const client = await connect(URL, { token: TOKEN, reconnect: false })
  try {
    const family = 'tls' + randomUUID().slice(0, 8)
    await client.request(HOOKS, { op: 'family.add', family })
    await client.request(HOOKS, { op: 'event.add', family, event: 'IN' })
    const registered = await client.request(HOOKS, { op: 'hook.register', family, event: 'IN', hook: 'a', address: 'addr.a' })
    assert.equal(registered.seq, 1)
    const listed = await client.request(HOOKS, { op: 'list', family, event: 'IN' })
    assert.deepEqual(listed.events[0].hooks.map(hook => hook.hook), ['a'])
  } finally {
    await client.close()
  }
})

test('plain http to the same port is refused', { skip }, async () => {
  await assert.rejects(connect(URL.replace(/^https:/, 'http:'), { token: TOKEN, reconnect: false }),
    (error) => error instanceof HooknetError && error.errno === 107)
})
