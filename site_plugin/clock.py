"""The one place that reads the clock.

Everything else receives ``now`` as an argument. Builds are reproducible: when
``SOURCE_DATE_EPOCH`` is set, "now" is that moment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

from .errors import ClockError


def build_time(environ: Mapping[str, str] | None = None) -> datetime:
    """The moment a build or check describes, timezone-aware, in UTC.

    Raises:
        ClockError: ``SOURCE_DATE_EPOCH`` is set but is not a whole number of seconds.
    """
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        raise ClockError(
            f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time"
            " (set it to whole seconds since 1970, e.g. 1795608000, or unset it)"
        ) from None
