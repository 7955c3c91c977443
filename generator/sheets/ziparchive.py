"""A zip archive from entries compressed beforehand (the workbook's sheets, kept in the build cache).

Python's zipfile compresses every entry as it writes it and cannot take one
compressed before; deflating the 16,000-item workbook's 84 MB of sheets took
half a second on every build. The archive written here is the one zipfile
writes for the same entries (deflate at zlib's default level, no data
descriptor, no zip64): tests/test_export_rows.py compares the workbook with
one XlsxWriter writes through zipfile, byte for byte.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # zipfile's "version needed" for a deflated entry without zip64
_DEFLATED = 8
_LIMIT = (1 << 31) - 1  # zipfile switches to zip64 above this: never needed for a workbook of text


@dataclass(frozen=True)
class Entry:
    """One file of the archive, its data deflated."""

    name: str
    date_time: tuple[int, int, int, int, int, int]
    external_attr: int  # the file mode in the top 16 bits, as zipfile records a file from disk
    create_system: int
    crc: int
    size: int
    packed: bytes


def deflated(name: str, data: bytes, date_time: tuple[int, int, int, int, int, int], external_attr: int,
             create_system: int) -> Entry:
    """``data`` as an entry, deflated as zipfile deflates it."""
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return Entry(name, date_time, external_attr, create_system, zlib.crc32(data), len(data), packer.compress(data) + packer.flush())


def archive(entries: Iterable[Entry]) -> bytes:
    """The zip file of ``entries``, in order."""
    out, central, count = bytearray(), bytearray(), 0
    for e in entries:
        name = e.name.encode("ascii")  # zipfile marks a non-ASCII name as UTF-8: the workbook has none
        if max(e.size, len(e.packed), len(out)) > _LIMIT:
            raise ValueError(f"{e.name}: too large for a zip archive without zip64")
        y, mo, d, h, mi, s = e.date_time
        day, time = (y - 1980) << 9 | mo << 5 | d, h << 11 | mi << 5 | s // 2
        central += _CENTRAL.pack(b"PK\x01\x02", _VERSION, e.create_system, _VERSION, 0, 0, _DEFLATED, time, day,
                                 e.crc, len(e.packed), e.size, len(name), 0, 0, 0, 0, e.external_attr, len(out)) + name
        out += _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, 0, _DEFLATED, time, day, e.crc, len(e.packed), e.size, len(name), 0)
        out += name + e.packed
        count += 1
    return bytes(out + central + _END.pack(b"PK\x05\x06", 0, 0, count, count, len(central), len(out), 0))
