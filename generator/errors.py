"""The one error type of the steps.

Steps never print results and never exit: they return results and raise ``QingdanError``
with the user's lines (Chinese). ``cli.main`` prints it and exits 1, or 2 for a usage error.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.problems import Problem


class QingdanError(Exception):
    """A command failed for a reason the user can act on.

    ``lines`` go to stderr, one per line; ``problems`` (an invalid catalogue) are reported on
    stdout first. Raised ``from`` another exception (a bug in a step, not the user's doing),
    ``cli`` prints that exception's traceback first, for the maintainers.
    """

    def __init__(self, *lines: str, usage: bool = False, problems: Sequence[Problem] = ()) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)
        self.usage = usage
        self.problems = list(problems)

    @property
    def exit_code(self) -> int:
        return 2 if self.usage else 1

    def also(self, line: str) -> QingdanError:
        """This error with one more line: a caller saying what the failure means for its command."""
        more = QingdanError(*self.lines, line, usage=self.usage, problems=self.problems)
        more.__cause__ = self.__cause__
        return more
