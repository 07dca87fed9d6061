import { describe, expect, it } from 'vitest'
import { createResponseStore } from '../src/api/store'
import { MemoryStorage } from './fakes'

const entry = (n: number) => ({ etag: `"e${n}"`, body: `{"n":${n}}`, contentType: 'application/json', savedAt: n })

describe('the response store', () => {
  it('keeps entries across page loads in storage', () => {
    const storage = new MemoryStorage()
    createResponseStore(storage).set('/a', entry(1))
    expect(createResponseStore(storage).get('/a')).toEqual(entry(1))
  })

  it('drops the least recently used entries beyond its bound', () => {
    const storage = new MemoryStorage()
    const store = createResponseStore(storage, { maxEntries: 2 })
    store.set('/a', entry(1))
    store.set('/b', entry(2))
    store.touch('/a') // used again: /b is now the oldest
    store.set('/c', entry(3))
    const reopened = createResponseStore(storage, { maxEntries: 2 })
    expect(reopened.get('/b')).toBeUndefined()
    expect(reopened.get('/a')?.etag).toBe('"e1"')
    expect(reopened.get('/c')?.etag).toBe('"e3"')
  })

  it('makes room when the storage is full instead of failing', () => {
    const storage = new MemoryStorage(120)
    const store = createResponseStore(storage)
    store.set('/a', entry(1))
    store.set('/b', entry(2))
    expect(store.get('/b')?.etag).toBe('"e2"')
    expect(createResponseStore(storage).get('/b')?.etag).toBe('"e2"')
  })

  it('works without storage (memory only) and ignores damaged entries', () => {
    const store = createResponseStore(undefined)
    store.set('/a', entry(1))
    expect(store.get('/a')?.body).toBe('{"n":1}')
    const storage = new MemoryStorage()
    storage.setItem('lianxi:api:/x', 'not json')
    expect(createResponseStore(storage).get('/x')).toBeUndefined()
  })
})
