"""``qingdan serve``: build, serve on 127.0.0.1, rebuild when a source file changes.

Watches the catalogue, the project's docs/ and overrides/ (and our own
templates and assets) by polling modification times: no extra dependency,
works on every file system. A failed build prints the problems and keeps
serving the last good site; when the first build fails, the browser shows the
problems (in Chinese) until a build succeeds. Ctrl+C (SIGINT) and SIGTERM stop
it, also during a build, and remove its temporary folder (see _Stopper);
folders left by a killed serve are removed the next time (their process id is
in the name).
"""

from __future__ import annotations

import functools
import html
import http.server
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from generator.build import ASSETS, BuildOptions, build_site, silent
from generator.errors import QingdanError
from generator.mkdocs_site.config import project_dir
from generator.pages.base import TEMPLATES
from generator.publish import process_alive


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


PREFIX = "qingdan-serve-"


class _Handler(http.server.SimpleHTTPRequestHandler):
    error_message_format = ('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>%(code)d</title>'
                            "<p>找不到这个网页（%(code)d）。<a href=\"/\">返回首页</a></p></html>")
    error_content_type = "text/html; charset=utf-8"

    def list_directory(self, path: str | os.PathLike[str]) -> None:  # never an English folder listing
        self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        pass


def failure_page(site: Path, failure: QingdanError) -> None:
    """What the browser shows while no build has succeeded: the problems, as the terminal shows them."""
    from generator.problems import errors, report_text

    problems = failure.problems
    report = report_text(problems) if errors(problems) else "生成网站时出错，详见运行 qingdan serve 的终端窗口。\n"
    site.mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">'
        "<title>网站生成失败</title></head><body><h1>网站生成失败</h1>"
        "<p>请按下面的提示修改清单；保存后会自动重新生成，本页每 3 秒刷新。</p>"
        f"<pre>{html.escape(report)}</pre></body></html>\n", encoding="utf-8")


class _Stopper:
    """SIGINT (Ctrl+C) and SIGTERM: one clean stop (server closed, temporary folder removed).

    Set up whatever the signals' inherited handling is: a shell's background job
    (and every process it starts) ignores SIGINT, and Python leaves it ignored,
    so serve ran on after the signal. The handler is inherited by a build's forked
    workers, which end at once: all they write is in serve's temporary folder,
    and a worker's KeyboardInterrupt would print a traceback. The stop is noted,
    so a build that lost the KeyboardInterrupt still stops serve (:meth:`check`):
    clean-up code that failed over it turned it into a build error, or it was
    raised where Python can only print it (a fork handler), which is then not
    printed. A second signal ends serve at once (the next serve removes the folder).
    """

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.asked = False
        self.unraisable = sys.unraisablehook
        sys.unraisablehook = self._unraisable
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if os.getpid() != self.pid or self.asked:
            os._exit(128 + signum)
        self.asked = True
        raise KeyboardInterrupt

    def _unraisable(self, unraisable: sys.UnraisableHookArgs) -> None:
        if not (self.asked and isinstance(unraisable.exc_value, KeyboardInterrupt)):
            self.unraisable(unraisable)

    def check(self) -> None:
        if self.asked:
            raise KeyboardInterrupt


def remove_stale_folders(tmp: Path) -> None:
    """Temporary folders of earlier serves whose process is gone (killed, not stopped)."""
    for folder in tmp.glob(f"{PREFIX}*-*"):
        pid = folder.name.removeprefix(PREFIX).split("-", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def watched(catalogue: Path) -> list[Path]:
    project = project_dir(catalogue)
    return [catalogue, project / "docs", project / "overrides", project / "mkdocs.yml", TEMPLATES, ASSETS]


def serve(catalogue: Path, port: int, say: Callable[[str], None], progress: Callable[[str], None],
          failed: Callable[[QingdanError], None], interval: float = 1.0) -> None:
    """Serve until Ctrl+C or SIGTERM. ``say`` tells the user what happens, ``progress`` hears the first
    build, ``failed`` shows a failed build (the last good site stays served). A busy port is a usage error."""
    catalogue = Path(catalogue)
    stopper = _Stopper()
    # A folder left by a killed serve holds a whole site and cache (380 MB at 2,000 items): it goes during the first build.
    stale = threading.Thread(target=remove_stale_folders, args=(Path(tempfile.gettempdir()),), daemon=True)
    stale.start()
    work = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    site = work / "site"
    options = BuildOptions(cache=work / "cache")  # the xlsx and other slow results, reused between rebuilds

    def build(say_progress: Callable[[str], None]) -> QingdanError | None:
        """One build into ``site``: None, or why it failed (``failed`` has shown it)."""
        try:
            build_site(catalogue, site, say_progress, options)
        except QingdanError as exc:
            stopper.check()
            failed(exc)
            return exc
        stopper.check()
        return None

    server: http.server.ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None
    try:
        state = snapshot(watched(catalogue))
        failure = build(progress)
        stale.join()
        if failure is not None and not site.exists():
            say("首次生成失败：请按上面的提示修改清单，保存后会自动重新生成（浏览器中也会显示这些提示）。")
            failure_page(site, failure)
        handler = functools.partial(_Handler, directory=str(site))
        try:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError as exc:
            raise QingdanError(f"无法使用端口 {port}（{exc.strerror}）：请用 --port 指定另一个端口。", usage=True) from None
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        say(f"预览地址：http://127.0.0.1:{server.server_address[1]}/  （修改清单、docs/ 或 overrides/ 后自动重新生成；Ctrl+C 退出）")
        while True:
            time.sleep(interval)
            now = snapshot(watched(catalogue))
            if now != state:
                state = now
                say("检测到修改，重新生成 …")
                if build(silent) is None:
                    say("已更新，请刷新浏览器。")
    except KeyboardInterrupt:  # deleting the folder takes seconds for a large catalogue: say so, and how to skip it
        say("已停止预览，正在删除临时文件 …（再按 Ctrl+C 立即退出，留下的文件下次启动时删除）")
    finally:
        if server is not None:
            if thread is not None and thread.is_alive():
                server.shutdown()
            server.server_close()
        shutil.rmtree(work, ignore_errors=True)
