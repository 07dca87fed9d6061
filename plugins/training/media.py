"""The demo's lecture video: a real MP4 kept as a file, ``data/demo-lecture.mp4``.

Ten seconds of H.264 (Constrained Baseline, 320×180, 15 fps) with an AAC mono
sound track (a 440 Hz tone), ``moov`` first (``+faststart``: a player starts and
seeks before the whole file arrives), about 115 KB. It decodes in any player, so
the mini-program's video component shows a picture and seeks with range
requests. Made once with ffmpeg (the binary of the ``imageio-ffmpeg`` wheel)::

    ffmpeg -f lavfi -i testsrc2=size=320x180:rate=15:duration=10 \\
      -f lavfi -i sine=frequency=440:sample_rate=22050:duration=10 \\
      -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -preset veryslow \\
      -crf 36 -g 30 -c:a aac -b:a 24k -ac 1 -movflags +faststart -map_metadata -1 \\
      -fflags +bitexact -flags:v +bitexact -flags:a +bitexact demo-lecture.mp4

Real lessons are uploaded by the office (``cms.services.uploads`` checks them).
"""

from __future__ import annotations

from pathlib import Path

DEMO_MP4 = Path(__file__).parent / "data" / "demo-lecture.mp4"
#: Its length in seconds (a lesson's ``duration``).
DEMO_SECONDS = 10


def demo_mp4() -> bytes:
    """The demo lecture video's bytes."""
    return DEMO_MP4.read_bytes()
