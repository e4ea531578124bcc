"""The bytes BannerTrackr's tracking URLs serve: the 1x1 transparent GIF and a placeholder banner PNG."""

from __future__ import annotations

import base64
import struct
import zlib

# The classic 43-byte 1x1 transparent GIF89a that tracking pixels serve.
PIXEL_GIF = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")

BANNER_SIZE = (468, 60)  # the IAB "full banner", a common newsletter and sidebar size


def _png(width: int, height: int, fill: bytes, border: bytes) -> bytes:
    """An RGB PNG of one colour with a one-pixel border (stands in for an uploaded banner; the mock stores none)."""
    edge = b"\x00" + border * width
    middle = b"\x00" + border + fill * (width - 2) + border
    raw = edge + middle * (height - 2) + edge

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


BANNER_PNG = _png(*BANNER_SIZE, fill=b"\xe5\xe7\xeb", border=b"\x9c\xa3\xaf")
