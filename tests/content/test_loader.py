"""What the loader builds from valid content."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from site_plugin.content.model import ComponentStatus, Group, Impact, IncidentKind, UpdateStatus

from ..conftest import INCIDENT, StatusRepo

INDEX = f"{INCIDENT}/index.md"
UPDATE = f"{INCIDENT}/2026-11-20T1410Z-investigating.md"


def test_components_keep_file_order_groups_and_options(repo: StatusRepo) -> None:
    catalog = repo.load().catalog
    assert [entry.id for entry in catalog.entries] == ["api", "dashboard", "regions", "sso"]
    assert [component.id for component in catalog.components] == [
        "api",
        "dashboard",
        "eu-west",
        "us-east",
        "sso",
    ]
    regions = catalog.get("regions")
    assert isinstance(regions, Group)
    assert regions.component_ids == ("eu-west", "us-east")
    assert catalog.get("eu-west").group_id == "regions"  # type: ignore[union-attr]
    sso = catalog.get("sso")
    assert sso is not None and sso.hidden_unless_affected and sso.since == date(2026, 8, 1)
    assert catalog.get("api").description == "Public REST API."  # type: ignore[union-attr]


def test_group_since_applies_to_members_without_their_own(repo: StatusRepo) -> None:
    repo.write(
        "components.yml",
        "components:\n  - id: api\n    name: API\n  - id: regions\n    name: Regions\n"
        "    since: 2026-05-01\n    components:\n      - id: eu\n        name: EU\n"
        "      - id: us\n        name: US\n        since: 2026-06-01\n",
    )
    catalog = repo.load().catalog
    assert catalog.get("eu").since == date(2026, 5, 1)  # type: ignore[union-attr]
    assert catalog.get("us").since == date(2026, 6, 1)  # type: ignore[union-attr]


def test_incident_fields_and_updates_in_time_order(repo: StatusRepo) -> None:
    # A file name that sorts before the first update must not change the order.
    repo.write(
        f"{INCIDENT}/0-monitoring.md",
        "---\nat: 2026-11-20T14:40:00Z\nstatus: monitoring\n---\nA fix is in place.\n",
    )
    incident = repo.load().incidents[0]
    assert incident.id == "2026-11-20-api-errors"
    assert incident.title == "Elevated error rates on the REST API"
    assert incident.kind is IncidentKind.INCIDENT
    assert incident.impact is Impact.MAJOR
    assert incident.affected == (("api", ComponentStatus.PARTIAL_OUTAGE),)
    assert incident.summary == "Some API requests fail."
    assert [update.status for update in incident.updates] == [
        UpdateStatus.INVESTIGATING,
        UpdateStatus.MONITORING,
        UpdateStatus.RESOLVED,
    ]
    first = incident.updates[0]
    assert first.at == datetime(2026, 11, 20, 14, 10, tzinfo=UTC)
    assert first.next_update == datetime(2026, 11, 20, 14, 40, tzinfo=UTC)
    assert first.message == "We are seeing errors on the REST API and are investigating."
    assert incident.start == first.at


def test_naive_timestamps_are_read_in_the_configured_zone(repo: StatusRepo) -> None:
    repo.write(
        UPDATE,
        "---\nat: 2026-11-20 09:10\nstatus: investigating\nnext_update: 2026-11-20 09:40\n"
        "---\nText.\n",
    )
    update = repo.load(zone=ZoneInfo("America/New_York")).incidents[0].updates[0]
    assert update.at == datetime(2026, 11, 20, 14, 10, tzinfo=UTC)
    assert update.at.tzinfo is UTC
    assert update.next_update == datetime(2026, 11, 20, 14, 40, tzinfo=UTC)


def test_offsets_are_kept_and_normalised_to_utc(repo: StatusRepo) -> None:
    repo.write(UPDATE, "---\nat: 2026-11-20T15:10:00+01:00\nstatus: investigating\n---\nText.\n")
    update = repo.load(zone=ZoneInfo("Asia/Tokyo")).incidents[0].updates[0]
    assert update.at == datetime(2026, 11, 20, 14, 10, tzinfo=UTC)


def test_a_group_id_affects_every_member_and_a_member_can_override(repo: StatusRepo) -> None:
    repo.write(
        INDEX,
        "---\ntitle: Network problem\nimpact: major\naffected:\n  regions: partial_outage\n"
        "  us-east: major_outage\n---\n",
    )
    incident = repo.load().incidents[0]
    assert dict(incident.affected) == {
        "eu-west": ComponentStatus.PARTIAL_OUTAGE,
        "us-east": ComponentStatus.MAJOR_OUTAGE,
    }
    assert incident.affected_ids == ("regions", "us-east")


def test_update_affected_may_recover_a_component(repo: StatusRepo) -> None:
    repo.write(
        UPDATE,
        "---\nat: 2026-11-20T14:10:00Z\nstatus: monitoring\naffected:\n  api: operational\n"
        "---\nRecovered.\n",
    )
    update = repo.load().incidents[0].updates[0]
    assert update.affected == (("api", ComponentStatus.OPERATIONAL),)
    assert repo.load().incidents[0].updates[1].affected is None


def test_maintenance_may_list_components_and_reschedule(repo: StatusRepo) -> None:
    folder = "incidents/2026-11-23-db-upgrade"
    repo.write(
        f"{folder}/index.md",
        "---\ntitle: Database upgrade\nkind: maintenance\naffected: [api, regions]\n"
        "scheduled_start: 2026-11-30T06:00:00Z\nscheduled_end: 2026-11-30T08:00:00Z\n---\n",
    )
    repo.write(
        f"{folder}/2026-11-23T1000Z-scheduled.md",
        "---\nat: 2026-11-23T10:00:00Z\nstatus: scheduled\n---\nAnnounced.\n",
    )
    repo.write(
        f"{folder}/2026-11-24T1000Z-scheduled.md",
        "---\nat: 2026-11-24T10:00:00Z\nstatus: scheduled\nscheduled_end: 2026-11-30T09:00:00Z\n"
        "---\nWe need one more hour.\n",
    )
    maintenance = next(incident for incident in repo.load().incidents if incident.is_maintenance)
    assert maintenance.impact is Impact.NONE
    assert {status for _, status in maintenance.affected} == {ComponentStatus.UNDER_MAINTENANCE}
    assert [cid for cid, _ in maintenance.affected] == ["api", "eu-west", "us-east"]
    assert maintenance.scheduled_start == datetime(2026, 11, 30, 6, tzinfo=UTC)
    assert maintenance.updates[1].scheduled_end == datetime(2026, 11, 30, 9, tzinfo=UTC)


def test_postmortem_is_read(repo: StatusRepo) -> None:
    repo.write(
        f"{INCIDENT}/postmortem.md",
        "---\npublished: 2026-11-22T09:00:00Z\n---\n## What happened\nA bad deploy.\n",
    )
    postmortem = repo.load().incidents[0].postmortem
    assert postmortem is not None
    assert postmortem.published == datetime(2026, 11, 22, 9, tzinfo=UTC)
    assert postmortem.body == "## What happened\nA bad deploy."


def test_hidden_files_and_readme_in_incidents_are_ignored(repo: StatusRepo) -> None:
    repo.write("incidents/.gitkeep", "")
    repo.write("incidents/README.md", "How to write an incident.\n")
    repo.write(f"{INCIDENT}/screenshot.png", b"\x89PNG\r\n")
    assert len(repo.load().incidents) == 1
