"""The MkDocs plugin's job on a worker: an error while MkDocs waits for it is the error the user sees."""

from __future__ import annotations

import pytest

from generator.mkdocs_site.plugin import QingdanPlugin


def _plugin() -> QingdanPlugin:
    return QingdanPlugin(lambda message: None, parallel=False, markdown_all=False, stencils=True)


def test_a_failed_background_job_is_raised_once_and_close_does_not_hide_it() -> None:
    plugin = _plugin()
    plugin._begin(lambda: 1 // 0)
    with pytest.raises(ZeroDivisionError):
        plugin._end()
    plugin.close()  # as run_mkdocs does after MkDocs failed: nothing left to wait for, no second error


def test_the_background_job_gives_its_value_once() -> None:
    plugin = _plugin()
    plugin._begin(lambda: 42)
    assert plugin._end() == 42
    assert plugin._end() is None
