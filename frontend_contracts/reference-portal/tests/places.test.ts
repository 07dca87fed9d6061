import { describe, expect, it } from 'vitest'
import type { LiaisonStation } from '../src/api/types'
import { findPlace, nearParam, parseCoordinates, resolvePlace } from '../src/places'

const station = (name: string, address: string, latitude: number | null, longitude: number | null) =>
  ({ name, address, latitude, longitude }) as LiaisonStation

const STATIONS = [
  station('肥西县人大代表之家', '肥西县新华街223号', 31.707335, 117.136239),
  station('花岗镇人大代表联络站', '肥西县花岗镇文化路40号', 31.730075, 117.11231),
  station('无坐标联络站', '肥西县某路1号', null, null),
]

describe('a typed place', () => {
  it('reads coordinates with an ASCII or Chinese comma, or a space', () => {
    expect(parseCoordinates('31.72,117.15')).toMatchObject({ latitude: 31.72, longitude: 117.15 })
    expect(parseCoordinates(' 31.72,117.15 ')).toMatchObject({ latitude: 31.72, longitude: 117.15 })
    expect(parseCoordinates('31.72 117.15')).toMatchObject({ latitude: 31.72, longitude: 117.15 })
    expect(parseCoordinates('95,117')).toBeNull()
    expect(parseCoordinates('花岗镇')).toBeNull()
  })

  it('finds a name among the stations’ names, then their addresses', () => {
    expect(findPlace('花岗', STATIONS)).toEqual({ latitude: 31.730075, longitude: 117.11231, name: '花岗' })
    expect(findPlace('新华街', STATIONS)?.latitude).toBe(31.707335)
    expect(findPlace('某路', STATIONS)).toBeNull() // that station has no coordinates
    expect(findPlace('火星', STATIONS)).toBeNull()
    expect(resolvePlace('31.8,117.2', STATIONS)?.name).toBe('31.8,117.2')
  })

  it('writes the API’s near parameter', () => {
    expect(nearParam({ latitude: 31.7, longitude: 117.136239 })).toBe('31.700000,117.136239')
  })
})
