// Browser test of a node's dashboard, run by deploy's DashboardIT: headless Chromium (Debian's, at $CHROMIUM)
// driven by playwright-core opens the dashboard of one node, sees both members, then sees a hook registered
// and a socket fault made on the other node appear live, and saves a screenshot.
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
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } })
  await page.goto(dashboard)
  await page.waitForFunction(() => document.querySelectorAll('#members li').length === 2, null, { timeout: 20000 })
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

  await page.screenshot({ path: env('HOOKNET_SCREENSHOT'), fullPage: true })
  console.log('dashboard showed the hook and the fault from ' + otherNode + '; screenshot ' + process.env.HOOKNET_SCREENSHOT)
} finally {
  client.close()
  await browser.close()
}
