"""A small MP4 (ISO base media) file for the demo and the tests, made without any codec:
``ftyp``, a ``moov`` with the movie header (its duration), and an ``mdat`` of filler.

Its boxes parse as MP4 and it is served exactly as an office's upload would be (range
requests, seeking); it carries no decodable track, so a player shows its duration
but no picture. Real lessons are uploaded by the office."""

from __future__ import annotations

import struct


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def tiny_mp4(seconds: int = 60, padding: int = 64 * 1024) -> bytes:
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41")
    timescale = 1000
    mvhd = _box(b"mvhd", struct.pack(
        ">B3xIIII", 0, 0, 0, timescale, seconds * timescale,
    ) + struct.pack(">IH10x", 0x00010000, 0x0100)
        + struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
        + b"\x00" * 24 + struct.pack(">I", 2))  # fmt: skip
    moov = _box(b"moov", mvhd)
    filler = bytes((i * 7) % 251 for i in range(padding))  # distinct bytes: ranges are checkable
    return ftyp + moov + _box(b"mdat", filler)
