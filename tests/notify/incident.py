"""The open incident every notify test tells its channels about."""

from __future__ import annotations

from ..conftest import StatusRepo

OPEN = "incidents/2026-11-25-webhooks-late"


def write_open_incident(
    repo: StatusRepo,
    message: str = "Webhook events arrive up to **20 minutes** late.\n",
    *,
    next_update: str | None = "1h",
) -> None:
    """The incident the notify tests tell every channel about: open, on the API."""
    repo.write(
        f"{OPEN}/index.md",
        "---\ntitle: Webhooks are late\nimpact: minor\naffected:\n  api: degraded_performance\n"
        "---\n",
    )
    promise = f"next_update: {next_update}\n" if next_update else ""
    repo.write(
        f"{OPEN}/2026-11-25T1100Z-investigating.md",
        f"---\nat: 2026-11-25T11:00:00Z\nstatus: investigating\n{promise}---\n{message}",
    )
