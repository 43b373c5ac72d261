"""The repository's own example status site stays complete and believable at its build time."""

from __future__ import annotations

from datetime import UTC

import pytest

from site_plugin.content.loader import ContentPaths, load_status_site
from site_plugin.content.model import (
    ComponentStatus,
    Impact,
    IncidentKind,
    Indicator,
    StatusSite,
    UpdateStatus,
)
from site_plugin.engine.history import History
from site_plugin.engine.status import (
    component_statuses_at,
    open_incidents,
    open_notices,
    overall_status,
    promises,
    upcoming_maintenance,
)

from ..conftest import NOW, REPO_ROOT


@pytest.fixture(scope="module")
def example() -> StatusSite:
    return load_status_site(ContentPaths(REPO_ROOT), now=NOW, zone=UTC)


def test_enough_components_in_groups(example: StatusSite) -> None:
    assert len(example.catalog.components) >= 8
    assert len(example.catalog.groups) >= 2


def test_six_months_of_incidents_of_every_kind_impact_and_status(example: StatusSite) -> None:
    incidents = example.incidents
    assert len(incidents) >= 20
    assert (NOW - incidents[0].start).days >= 175
    assert {incident.kind for incident in incidents} == set(IncidentKind)
    assert {incident.impact for incident in incidents} == set(Impact)
    posted = {update.status for incident in incidents for update in incident.updates}
    assert posted == set(UpdateStatus)
    assert sum(incident.postmortem is not None for incident in incidents) >= 2


def test_every_component_is_affected_at_least_once(example: StatusSite) -> None:
    touched = {cid for incident in example.incidents for cid in incident.component_ids}
    assert touched == {component.id for component in example.catalog.components}


def test_one_open_incident_with_a_kept_promise(example: StatusSite) -> None:
    (open_incident,) = open_incidents(example, NOW)
    (promise,) = [p for p in promises(example, NOW) if p.incident is open_incident]
    assert promise.due > NOW
    assert not promise.overdue
    assert overall_status(example, NOW).indicator is not Indicator.NONE


def test_one_upcoming_maintenance_and_one_open_notice(example: StatusSite) -> None:
    assert len(upcoming_maintenance(example, NOW)) == 1
    assert len(open_notices(example, NOW)) == 1


def test_components_not_touched_by_the_open_incident_are_operational(
    example: StatusSite,
) -> None:
    (open_incident,) = open_incidents(example, NOW)
    statuses = component_statuses_at(example, NOW)
    for component_id, status in statuses.items():
        if component_id not in open_incident.component_ids:
            assert status is ComponentStatus.OPERATIONAL, component_id


def test_history_has_no_data_before_a_component_existed(example: StatusSite) -> None:
    history = History(example, NOW, UTC)
    since = example.catalog.get("ap-southeast")
    assert since is not None and since.since is not None
    days = history.days("ap-southeast", 180)
    assert all(day.worst is None for day in days if day.date < since.since)
    assert all(day.worst is not None for day in days if day.date >= since.since)
