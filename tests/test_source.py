"""Source rules ruff cannot check: lines of at most line-length *characters* (ruff counts a Chinese character as two)."""

from __future__ import annotations

import fnmatch
import re
import tomllib

from .conftest import ROOT

PRAGMA = re.compile(r"\s+#\s*(type: ignore|noqa)\b.*$")


def test_no_line_longer_than_the_configured_length() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]
    limit = config["line-length"]
    exempt = [pattern for pattern, codes in config["lint"]["per-file-ignores"].items() if "E501" in codes]
    long = []
    for folder in ("generator", "tests"):  # what `ruff check generator tests` checks
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if any(fnmatch.fnmatch(rel, pattern) for pattern in exempt):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = PRAGMA.sub("", line)  # a trailing type: ignore or noqa may run over, as ruff allows
                if len(code) > limit and "://" not in code:  # a URL is not split, as ruff allows
                    long.append(f"{rel}:{number}: {len(code)} characters")
    assert not long, "\n".join(long)
