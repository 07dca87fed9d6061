// Proof that the portal is bound to the committed contract: each test copies the
// portal, applies one deliberate breaking change to a copy of
// frontend_contracts/openapi.json, regenerates the typed client from it and runs
// the type check, which must fail — and fail on the thing that was broken. A
// control run on the unchanged contract must pass, so a failure is the change's.
//
//   node --test scripts/contract-break.test.mjs      (npm run test:contract)
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const PORTAL = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const CONTRACT = resolve(PORTAL, '..', 'openapi.json')
const BIN = join(PORTAL, 'node_modules', '.bin')

function contract() {
  return JSON.parse(readFileSync(CONTRACT, 'utf8'))
}

function run(command, args, cwd) {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('close', (status) => done({ status, output }))
  })
}

/** Copy the portal's sources, generate the client from `doc`, type-check; return the result. */
async function typecheck(doc) {
  const dir = mkdtempSync(join(tmpdir(), 'portal-contract-'))
  try {
    for (const part of ['src', 'tests', 'tsconfig.app.json']) cpSync(join(PORTAL, part), join(dir, part), { recursive: true })
    symlinkSync(join(PORTAL, 'node_modules'), join(dir, 'node_modules'), 'dir')
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc))
    const generate = spawnSync(join(BIN, 'openapi-typescript'), ['openapi.json', '--read-write-markers', '-o', 'src/api/schema.d.ts'], { cwd: dir, encoding: 'utf8' })
    assert.equal(generate.status, 0, `the client was not generated:\n${generate.stderr}`)
    return await run(join(BIN, 'vue-tsc'), ['--noEmit', '-p', 'tsconfig.app.json'], dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function schema(doc, name) {
  const found = doc.components.schemas[name]
  assert.ok(found, `the contract has no schema ${name}: update this test`)
  return found
}

function operation(doc, path, method = 'get') {
  const found = doc.paths[path]?.[method]
  assert.ok(found, `the contract has no ${method.toUpperCase()} ${path}: update this test`)
  return found
}

async function expectBroken(doc, ...mentions) {
  const { status, output } = await typecheck(doc)
  assert.notEqual(status, 0, 'the type check passed on a broken contract')
  for (const word of mentions) assert.match(output, new RegExp(word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')), `the errors do not name ${word}:\n${output}`)
}

// Two type checks at a time: each takes a core for 15-30 s.
describe('breaking changes to the contract fail the portal type check', { concurrency: 2 }, () => {
  test('control: the committed contract type-checks', async () => {
    const { status, output } = await typecheck(contract())
    assert.equal(status, 0, output)
  })

  test('a response field the portal reads is removed (PageListItem.title)', async () => {
    const doc = contract()
    const item = schema(doc, 'PageListItem')
    assert.ok(item.properties.title)
    delete item.properties.title
    await expectBroken(doc, "Property 'title' does not exist")
  })

  test('a path is renamed (/api/v1/deputies/stations/)', async () => {
    const doc = contract()
    doc.paths['/api/v1/deputies/liaison-stations/'] = doc.paths['/api/v1/deputies/stations/']
    operation(doc, '/api/v1/deputies/stations/')
    delete doc.paths['/api/v1/deputies/stations/']
    await expectBroken(doc, '"/api/v1/deputies/stations/"')
  })

  test('an enum value is renamed (SiteLevelEnum)', async () => {
    const doc = contract()
    const levels = schema(doc, 'SiteLevelEnum')
    const old = levels.enum[0]
    levels.enum[0] = `${old}_renamed`
    await expectBroken(doc, 'src/format.ts', `'${old}'`)
  })

  test('a field changes type (LiaisonStation.distance_km becomes a string)', async () => {
    const doc = contract()
    const station = schema(doc, 'LiaisonStation')
    assert.equal(station.properties.distance_km.type, 'number')
    station.properties.distance_km = { type: 'string', nullable: true }
    await expectBroken(doc, 'StationsView.vue', "'string'")
  })

  test('a field the portal sends is removed from a request body (CitizenMessage.deputy)', async () => {
    const doc = contract()
    const message = schema(doc, 'CitizenMessage')
    assert.ok(message.properties.deputy && !message.properties.deputy.readOnly)
    delete message.properties.deputy
    await expectBroken(doc, 'src/liaison.ts', "'deputy'")
  })

  test('a field the portal sends becomes read-only (CitizenMessage.title)', async () => {
    // Generated with --read-write-markers: a readOnly property is left out of request bodies.
    const doc = contract()
    const message = schema(doc, 'CitizenMessage')
    assert.ok(message.properties.title && !message.properties.title.readOnly)
    message.properties.title.readOnly = true
    // TypeScript says "Type 'string' is not assignable to type 'undefined'" on the line that sends it.
    const line = readFileSync(join(PORTAL, 'src', 'liaison.ts'), 'utf8').split('\n').findIndex((l) => l.includes('title: d.title')) + 1
    assert.ok(line > 0, 'src/liaison.ts no longer sends title: update this test')
    await expectBroken(doc, `src/liaison.ts(${line},`, "not assignable to type 'undefined'")
  })

  test('an optional parameter becomes required (near on the stations list)', async () => {
    const doc = contract()
    const near = operation(doc, '/api/v1/deputies/stations/').parameters.find((p) => p.name === 'near')
    assert.ok(near)
    near.required = true
    await expectBroken(doc, 'StationsView.vue', 'near')
  })
})
