"""Writing a site file as a hard link to the site being replaced when its bytes are unchanged.

A rebuild writes its new site beside the old one and swaps them. A file that
comes out byte for byte as it already is in the old site becomes a hard link to
that file instead of a new copy: nothing is written twice, and an upload that
compares size and time moves only what changed. The old file's bytes are read
and compared every time (never assumed from a cache), so a damaged file is
written afresh. Builds never write into an existing file, so the shared inode
cannot change under the old site.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def write_or_link(previous: str | Path | None, rel: str, dest: str | Path, data: bytes) -> None:
    """Put ``data`` at ``dest`` (site path ``rel``): a link to ``previous``/``rel`` if that holds ``data``."""
    if not link_if_same(previous, rel, dest, data):
        Path(dest).write_bytes(data)


def link_if_same(previous: str | Path | None, rel: str, dest: str | Path, data: bytes) -> bool:
    """Hard-link ``dest`` to ``previous``/``rel`` if that file holds ``data``; False if it does not (or cannot)."""
    if previous is None:
        return False
    old = os.path.join(previous, rel)
    try:
        if not stat.S_ISREG(os.lstat(old).st_mode) or os.path.getsize(old) != len(data):
            return False
        with open(old, "rb") as held:
            if held.read() != data:
                return False
        os.link(old, dest)
    except OSError:  # none there, or the file system has no hard links: write
        return False
    return True
