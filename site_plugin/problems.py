"""Problems found in a status repository's content, reported all at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .characters import terminal_line


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the content, with where it is and how to fix it.

    Attributes:
        path: Repository-relative path, with forward slashes.
        line: 1-based line of the offending key (1 when the whole file is at fault).
        message: What is wrong, in plain words.
        fix: How to fix it.
    """

    path: str
    line: int
    message: str
    fix: str = ""

    def __str__(self) -> str:
        """``path:line: message (fix)`` on one line, safe to print in a terminal or CI log:
        what the content holds is shown with its control characters escaped."""
        suffix = f" ({self.fix})" if self.fix else ""
        return terminal_line(f"{self.path}:{self.line}: {self.message}{suffix}")


def reading_order(problem: Problem) -> tuple[str, int]:
    # Stable: problems on one line keep the order they were found in.
    return (problem.path, problem.line)


def did_you_mean(value: object, choices: Iterable[str], otherwise: str = "") -> str:
    """``did you mean 'x'?`` for the choice closest to what was written, else ``otherwise``:
    the one hint every problem gives for a name that is nearly right."""
    return suggestion(closest(value, choices), otherwise)


def closest(value: object, choices: Iterable[str], count: int = 1) -> list[str]:
    """Up to ``count`` choices close to what was written, the closest first."""
    import difflib  # only for a mistake: the common run never needs it

    return difflib.get_close_matches(str(value), list(choices), n=count, cutoff=0.6)


def suggestion(names: Sequence[str], otherwise: str = "") -> str:
    """``did you mean 'x'?`` or ``did you mean 'x' or 'y'?``; ``otherwise`` when none."""
    if not names:
        return otherwise
    return "did you mean " + " or ".join(f"'{name}'" for name in names) + "?"
