"""The tests' HTTP server: python's threading server, quiet about requests and about browsers that hang up."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser closing a page drops its open requests. The default handler prints that to stderr,
        # where it lands in whichever test is capturing stderr at that moment in this worker, and fails it.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def start_server(folder: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler) -> QuietServer:
    """Serve folder on 127.0.0.1 at a free port, on a background thread; call stop_server when done."""
    server = QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop_server(server: QuietServer) -> None:
    server.shutdown()
    server.server_close()
