// Compiles against the declarations with --strict: the client's API as an application uses it.
import { connect, HOOKS, HooknetError, type HookEvent, type Subscription } from '../../node.mjs'

async function main (): Promise<void> {
  const client = await connect(['https://a:8080/eventbus', 'https://b:8080/eventbus'], {
    token: 'secret-token', onLost: (event: HookEvent) => console.log(event.hook, event.cause)
  })
  const seq: number = await client.serveHook('inet', 'IN', 'ipf', call => (call.payload ? 0 : 1))
  const sub: Subscription = await client.subscribe('inet', 'IN', event => {
    if (event.cmd === 'HN_SYNCED') console.log(event.seq)
  }, { onResync: (hooks: string[], at: number) => console.log(hooks, at) })
  await sub.whenSynced()
  const hooks: string[] = sub.hooks
  try {
    await client.request<{ seq: number }>(HOOKS, { op: 'hook.register', family: 'inet', event: 'IN', hook: 'x' })
  } catch (e) {
    if (e instanceof HooknetError) console.log(e.errno, seq, hooks)
  }
  await client.close()
}

void main()
