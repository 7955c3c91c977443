"""``qingdan serve``: build, serve on 127.0.0.1, rebuild when a source file changes.

Watches the catalogue, the project's docs/ and overrides/ (and our own
templates and assets) by polling modification times: no extra dependency,
works on every file system. A failed build prints the problems and keeps
serving the last good site.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
import time
from pathlib import Path

from generator.build import ASSETS, build_site
from generator.mkdocs_site.config import project_dir
from generator.pages.base import TEMPLATES


def snapshot(folders: list[Path]) -> dict[str, float]:
    """Path -> mtime of every file below ``folders`` (a change, addition or removal alters it)."""
    seen: dict[str, float] = {}
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                try:
                    seen[str(path)] = path.stat().st_mtime
                except OSError:  # removed while walking
                    continue
        elif folder.is_file():
            seen[str(folder)] = folder.stat().st_mtime
    return seen


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


def watched(catalogue: Path) -> list[Path]:
    project = project_dir(catalogue)
    return [catalogue, project / "docs", project / "overrides", project / "mkdocs.yml", TEMPLATES, ASSETS]


def serve(catalogue: Path, port: int, interval: float = 1.0) -> int:
    catalogue = Path(catalogue)
    work = Path(tempfile.mkdtemp(prefix="qingdan-serve-"))
    site = work / "site"
    try:
        state = snapshot(watched(catalogue))
        if build_site(catalogue, site) != 0 and not site.exists():
            print("首次生成失败：请按上面的提示修改清单，保存后会自动重新生成。")
            site.mkdir()
        handler = functools.partial(_Handler, directory=str(site))
        try:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError as exc:
            print(f"无法使用端口 {port}（{exc.strerror}）：请用 --port 指定另一个端口。")
            return 2
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f"预览地址：http://127.0.0.1:{server.server_address[1]}/  （修改清单、docs/ 或 overrides/ 后自动重新生成；Ctrl+C 退出）")
        try:
            while True:
                time.sleep(interval)
                now = snapshot(watched(catalogue))
                if now != state:
                    state = now
                    print("检测到修改，重新生成 …")
                    if build_site(catalogue, site, quiet=True) == 0:
                        print("已更新，请刷新浏览器。")
        except KeyboardInterrupt:
            print("已停止预览。")
        finally:
            server.shutdown()
            server.server_close()
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
