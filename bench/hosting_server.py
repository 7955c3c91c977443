"""Serves a built site the way docs/hosting.md tells a portal to configure its server.

    python bench/hosting_server.py SITE PORT    # on 127.0.0.1, until stopped

Like the guide's nginx example: a ready ``.gz`` beside a file is sent as is
(``gzip_static on``), other text (HTML, CSS, JS, JSON, XML, SVG) is compressed
on the fly (``gzip on``, zlib level 6 as Apache's mod_deflate), caching as the
guide's table (fingerprinted files ``immutable``, ``assets/qingdan/`` an hour,
everything else ``no-cache``), an unchanged file answers 304, and a missing
one gets ``404.html``. Used by bench/lighthouse.sh and bench/page_bytes.py; a
bench helper, not part of the generator.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import http.server
import re
import sys
from pathlib import Path
from typing import Any

TEXT = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")
FINGERPRINT = re.compile(r"\.[0-9a-f]{8}\.min\.(js|css)$|^/search-index/.+-[0-9a-f]{6,}\.bin$")
HOURLY = re.compile(r"^/assets/qingdan/")


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        status = 200
        if not path.is_file():
            status, path = 404, Path(self.directory) / "404.html"
            if not path.is_file():
                return super().send_head()
        stamp = email.utils.formatdate(path.stat().st_mtime, usegmt=True)
        if status == 200 and self.headers.get("If-Modified-Since") == stamp:
            self.send_response(304)
            self.end_headers()
            return None
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        ready = path.with_name(path.name + ".gz")
        zipped = accepts_gzip and (ready.is_file() or path.suffix in TEXT)
        if zipped and ready.is_file():
            body = ready.read_bytes()
        elif zipped:
            body = gzip.compress(path.read_bytes(), 6, mtime=0)
        else:
            body = path.read_bytes()
        self.send_response(status)
        kind = self.guess_type(str(path))
        self.send_header("Content-Type", kind + "; charset=utf-8" if path.suffix in TEXT and kind.startswith("text/") else kind)
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", stamp)
        self.send_header("Cache-Control", self.cache_control(status))
        self.end_headers()
        return _Body(body)


    def cache_control(self, status: int) -> str:
        """The hosting guide's table: fingerprinted files for a year, the site's own assets for an hour."""
        url = self.path.split("?", 1)[0]
        if status == 200 and FINGERPRINT.search(url):
            return "public, max-age=31536000, immutable"
        if status == 200 and HOURLY.search(url):
            return "public, max-age=3600"
        return "no-cache"


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_: Any) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def server(site: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    """A server for SITE on 127.0.0.1 (port 0: any free port), not yet serving."""
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=str(site)))


if __name__ == "__main__":
    server(Path(sys.argv[1]).resolve(), int(sys.argv[2])).serve_forever()
