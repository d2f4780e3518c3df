// The package as it would be published: `npm pack` carries the modules and their TypeScript declarations, and
// the declarations type-check an application's use of the client (and reject a misuse).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const tsc = ['node_modules/typescript/bin/tsc', '--noEmit', '--strict', '--module', 'nodenext',
  '--moduleResolution', 'nodenext', '--target', 'es2022']

test('npm pack carries the modules and their declarations, not the tests', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' }))
  const files = packed.files.map(file => file.path).sort()
  assert.deepEqual(files, ['README.md', 'browser/dashboard.mjs', 'hooknet.d.mts', 'hooknet.mjs', 'node.d.mts',
    'node.mjs', 'package.json'])
  assert.equal(packed.name, '@hooknet/client')
})

test('the declarations type-check an application', () => {
  const result = spawnSync('node', [...tsc, 'test/types/usage.mts'], { cwd: root, encoding: 'utf8' })
  assert.equal(result.status, 0, result.stdout + result.stderr)
})

test('the declarations reject a misuse', () => {
  const result = spawnSync('node', [...tsc, 'test/types/misuse.mts'], { cwd: root, encoding: 'utf8' })
  assert.equal(result.status, 2, result.stdout + result.stderr)
  assert.match(result.stdout, /misuse\.mts\(4,\d+\): error TS2345: Argument of type 'number' is not assignable/)
})
