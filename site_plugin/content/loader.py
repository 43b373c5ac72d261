"""Reading a status repository (``components.yml`` and ``incidents/``) into the model.

Every problem in the content is collected with its file, line and fix, and reported
together in one ``ContentError``: a half-read repository must never be published, and
an engineer in the middle of an outage should fix everything in one pass.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from ..errors import ContentError
from .incident_reading import IncidentReading
from .model import StatusSite
from .rules import ContentPaths

__all__ = ["ContentPaths", "load_status_site"]


def load_status_site(paths: ContentPaths, *, now: datetime, zone: tzinfo) -> StatusSite:
    """Read and validate a whole status repository.

    Args:
        paths: Where the content is.
        now: The moment the site describes; content dated after it is an error.
        zone: The time zone naive timestamps are read in.

    Returns:
        The validated model.

    Raises:
        ContentError: Every problem found, at once.
    """
    reader = IncidentReading(paths, now=now, zone=zone)
    catalog = reader.read_catalog()
    # With components.yml broken, every id would look unknown: report only the real cause.
    reader.catalog_complete = not reader.problems
    incidents = reader.read_incidents(catalog)
    if reader.problems:
        raise ContentError(reader.problems)
    return StatusSite(catalog=catalog, incidents=incidents)
