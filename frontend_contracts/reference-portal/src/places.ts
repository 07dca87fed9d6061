/**
 * "Stations near a typed place", without a map service: the portal may call
 * no host but the API, so a typed place is either coordinates ("31.72,117.15")
 * or a name found among the site's own liaison stations (their names and
 * addresses carry the township and street). A deployment with a map SDK (the
 * mini-program's, or a licensed geocoder) would resolve other names there.
 */
import type { LiaisonStation } from './api/types'

export interface Place {
  latitude: number
  longitude: number
  /** What to call it on screen. */
  name: string
}

const COORDINATES = /^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,,\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$/

/** "31.72,117.15" (latitude, longitude; WGS-84), also with a Chinese comma or a space. */
export function parseCoordinates(text: string): Place | null {
  const m = COORDINATES.exec(text)
  if (!m) return null
  const latitude = Number(m[1])
  const longitude = Number(m[2])
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null
  return { latitude, longitude, name: `${latitude},${longitude}` }
}

/** The first station (with coordinates) whose name, or else address, contains the words. */
export function findPlace(text: string, stations: LiaisonStation[]): Place | null {
  const words = text.trim().replace(/\s+/g, '')
  if (!words) return null
  const located = stations.filter((s) => s.latitude != null && s.longitude != null)
  const hit =
    located.find((s) => s.name.includes(words)) ?? located.find((s) => s.address.replace(/\s+/g, '').includes(words))
  if (!hit || hit.latitude == null || hit.longitude == null) return null
  return { latitude: hit.latitude, longitude: hit.longitude, name: words }
}

export function resolvePlace(text: string, stations: LiaisonStation[]): Place | null {
  return parseCoordinates(text) ?? findPlace(text, stations)
}

/** The API's `near` parameter: "latitude,longitude" with six decimals (about 0.1 m). */
export function nearParam(place: { latitude: number; longitude: number }): string {
  return `${place.latitude.toFixed(6)},${place.longitude.toFixed(6)}`
}
