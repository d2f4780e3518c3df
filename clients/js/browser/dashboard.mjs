// Browser test of a node's dashboard, run by deploy's DashboardIT: headless Chromium (Debian's, at $CHROMIUM)
// driven by playwright-core opens the dashboard of one node, sees both members healthy, then sees a hook
// registered and a socket fault made on the other node appear live; a page opened afterwards shows them at once
// from the node's kept events; the charts count exactly the faults and registry changes made, and the callback
// lag of a callback this node delivers to; a screenshot is saved.
import { chromium } from 'playwright-core'
import net from 'node:net'
import { connect, HOOKS } from '../node.mjs'

const env = (name) => {
  if (!process.env[name]) throw new Error('set ' + name)
  return process.env[name]
}
const dashboard = env('HOOKNET_DASHBOARD')
const otherBridge = env('HOOKNET_OTHER_SOCKJS')
const otherNode = env('HOOKNET_OTHER_NODE')
const family = 'dash' + Date.now()

const browser = await chromium.launch({ executablePath: env('CHROMIUM'), args: ['--no-sandbox'] })
const client = await connect(otherBridge, { token: env('HOOKNET_TOKEN') })
const local = await connect(new URL('eventbus', dashboard).href, { token: env('HOOKNET_TOKEN') })
const check = (condition, what) => { if (!condition) throw new Error('dashboard: ' + what) }
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
  await page.goto(dashboard)
  await page.waitForFunction(() => [...document.querySelectorAll('#members li')]
    .filter(li => li.dataset.health === 'UP').length === 2, null, { timeout: 20000 })
  await page.waitForFunction(() => document.getElementById('stream').textContent === '', null, { timeout: 20000 })

  await client.request(HOOKS, { op: 'family.add', family })
  await client.request(HOOKS, { op: 'event.add', family, event: 'PHYSICAL_IN' })
  await client.request(`hooknet.hooks.${otherNode}.cmd`,
    { op: 'hook.register', family, event: 'PHYSICAL_IN', hook: 'dash-hook', address: 'hooknet.client.dash.hook' })
  await page.waitForFunction((text) => document.getElementById('events').textContent.includes(text),
    `HN_REGISTER ${family}/PHYSICAL_IN dash-hook@${otherNode}`, { timeout: 20000 })
  await page.waitForFunction((text) => document.getElementById('hooks').textContent.includes(text),
    `dash-hook@${otherNode}`, { timeout: 20000 })

  const endpoint = await client.request(`hooknet.pool.${otherNode}.cmd`, { op: 'add', endpoint: 'tcp' })
  const [host, port] = endpoint.address.split(':')
  await new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), host, () => setTimeout(() => socket.end(resolve), 300))
    socket.on('error', reject)
  })
  await page.waitForFunction((text) => document.getElementById('events').textContent.includes(text),
    `sock  ${otherNode}/default datafd ${endpoint.datafd} channel ${endpoint.channel} TX end of read`, { timeout: 20000 })

  // A callback this node (the dashboard's) delivers to: its changes show in the lag chart.
  const subscription = await local.subscribe(family, 'PHYSICAL_IN', () => {})
  await subscription.whenSynced()
  await client.request(HOOKS, { op: 'hook.register', family, event: 'PHYSICAL_IN', hook: 'lag-hook', address: 'hooknet.client.dash.lag' })
  await page.waitForFunction(() => Number(document.getElementById('chart-lag').dataset.points) >= 1, null, { timeout: 20000 })
  check(/^\d+\.\d ms$/.test(await page.textContent('#lag-last')), 'the last callback lag in ms')

  // The charts count exactly what happened in this cluster: one end of read, and three registry changes (the
  // event PHYSICAL_IN added, dash-hook and lag-hook registered; adding a family changes no chain).
  const sockLine = `sock  ${otherNode}/default datafd ${endpoint.datafd} channel ${endpoint.channel} TX end of read`
  await page.waitForFunction(() => document.getElementById('chart-changes').dataset.total === '3', null,
    { timeout: 20000 })
  await page.waitForFunction(() => document.getElementById('chart-faults').dataset.total === '1', null, { timeout: 20000 })
  check(await page.textContent('#faults-total') === '1', 'one fault')
  check(await page.getAttribute('#faults-legend span', 'data-errno') === 'end of read', 'the fault is an end of read')
  check(await page.textContent('#changes-total') === '3', 'three registry changes')
  check(await page.locator('#chart-faults rect').count() === 1, 'one bar of faults')

  // A page opened now shows the events the node kept, before anything new happens.
  const later = await browser.newPage({ viewport: { width: 1200, height: 900 } })
  await later.goto(dashboard)
  await later.waitForFunction(() => document.getElementById('events').dataset.loaded === 'true', null, { timeout: 20000 })
  const kept = await later.textContent('#events')
  check(kept.includes(sockLine), 'the kept fault on a new page')
  check(kept.includes(`HN_REGISTER ${family}/PHYSICAL_IN dash-hook@${otherNode}`), 'the kept registration on a new page')
  await later.close()

  await page.screenshot({ path: env('HOOKNET_SCREENSHOT'), fullPage: true })
  console.log('dashboard showed the hook and the fault from ' + otherNode + '; screenshot ' + process.env.HOOKNET_SCREENSHOT)
} finally {
  await local.close()
  await client.close()
  await browser.close()
}
