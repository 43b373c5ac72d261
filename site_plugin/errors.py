"""Herald's errors: one tree, each kind with the exit code the ``herald`` command gives it.

::

    HeraldError            the command cannot do what was asked (exit 2)
    ├── ContentError       problems in the content or the options, all at once (exit 1)
    ├── ClockError         SOURCE_DATE_EPOCH is set but is not a moment
    ├── AuthoringError     herald new / update / resolve / postmortem refused; nothing written
    ├── SettingsError      a HERALD_* setting or a notify option is wrong, or only half set
    ├── LedgerError        the ledger cannot be read, locked or trusted
    ├── DeliveryError      a channel did not take a message (a run reports it per target)
    └── MonitorError       probe results, the outage record or GitHub cannot be used

What is wrong *inside* one value (``values.ValueProblem``, ``frontmatter.YamlProblem``,
``schema.OptionProblem``) is not an error of a command: the readers turn it into a
``Problem`` on the value's line, and a ``ContentError`` carries them all.
"""

from __future__ import annotations

from collections.abc import Iterable

from .problems import Problem, reading_order

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class HeraldError(Exception):
    """Anything that stops a Herald command; ``exit_code`` is what the command exits with."""

    exit_code = EXIT_USAGE


class ContentError(HeraldError):
    """The content has problems; nothing should be published until they are fixed."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=reading_order)
        super().__init__(self.report())

    def report(self) -> str:
        """Every problem, one per line, in file and line order."""
        return "\n".join(str(problem) for problem in self.problems)


class ClockError(HeraldError, ValueError):
    """``SOURCE_DATE_EPOCH`` is set to something that is not a Unix time."""


class AuthoringError(HeraldError):
    """Input a command cannot act on; nothing has been written."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(f"{message} ({fix})" if fix else message)


class SettingsError(HeraldError):
    """A channel is configured only partly, or wrongly."""


class LedgerError(HeraldError):
    """The ledger file exists but cannot be used."""


class DeliveryError(HeraldError):
    """A delivery failed; ``retry`` says whether trying again could help, and
    ``retry_after`` how many seconds the receiver asked to be left alone first (a 429's
    ``Retry-After``), when it said."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, message: str, *, retry: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry = retry
        self.retry_after = retry_after


class MonitorError(HeraldError):
    """What ``herald probe`` or ``herald draft`` needs cannot be used: the probe results,
    the outage record, the repository or GitHub's API."""

    exit_code = EXIT_PROBLEMS
