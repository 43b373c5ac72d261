"""A static JSON API with the shapes of Statuspage's public v2 API.

Clients of that API (monitoring exporters, dashboards, chat integrations, the embeddable
status widget) read a Herald site by changing only the base URL. Ids are derived from the
content (a hash of the component or incident id), so they never change between builds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ..content.model import (
    Component,
    ComponentStatus,
    Group,
    Incident,
    StatusSite,
    Update,
    UpdateStatus,
)
from ..engine.status import (
    active_maintenance,
    component_statuses_at,
    group_status,
    incident_status_at,
    is_open,
    maintenance_window,
    overall_status,
    resolved_at,
    upcoming_maintenance,
)
from .context import SiteContext

RECENT_LIMIT = 50
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"

Json = dict[str, Any]


def stable_id(*parts: str) -> str:
    """A 12-character lowercase id, like Statuspage's, derived from ``parts``."""
    digest = int.from_bytes(hashlib.sha256("\0".join(parts).encode("utf-8")).digest()[:8], "big")
    characters = []
    for _ in range(12):
        digest, remainder = divmod(digest, 36)
        characters.append(_ALPHABET[remainder])
    return "".join(characters)


def timestamp(moment: datetime | None) -> str | None:
    """Statuspage's format: ISO 8601 with milliseconds and an explicit offset."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


class StatusApi:
    """Builds every API document for one site at one moment."""

    def __init__(self, site: StatusSite, now: datetime, context: SiteContext) -> None:
        self.site = site
        self.now = now
        self.context = context
        self.page_id = stable_id("page", context.url)
        self.statuses = component_statuses_at(site, now)
        self.touching: dict[str, list[Incident]] = {}
        for incident in site.incidents:
            for component_id in incident.component_ids:
                self.touching.setdefault(component_id, []).append(incident)
        # Content says nothing about when components were created: use the start of the
        # history, which stays the same from build to build.
        self.epoch = min((incident.start for incident in site.incidents), default=now)
        self._components: dict[str, Json] = {}

    # -- objects -----------------------------------------------------------------------

    def page(self) -> Json:
        latest = max((incident.last_changed for incident in self.site.incidents), default=None)
        zone = self.context.timezone
        return {
            "id": self.page_id,
            "name": self.context.name,
            "url": self.context.url.rstrip("/"),
            "time_zone": "Etc/UTC" if zone == "UTC" else zone,
            "updated_at": timestamp(latest or self.epoch),
        }

    def status(self) -> Json:
        overall = overall_status(self.site, self.now)
        return {"indicator": overall.indicator.value, "description": overall.description}

    def component(self, entry: Component | Group, group: Group | None = None) -> Json:
        """The component object (built once per component, shared by every document)."""
        cached = self._components.get(entry.id)
        if cached is None:
            cached = self._components[entry.id] = self._component(entry, group)
        return cached

    def _component(self, entry: Component | Group, group: Group | None) -> Json:
        leaves = entry.component_ids if isinstance(entry, Group) else (entry.id,)
        status = (
            group_status(entry, self.statuses)
            if isinstance(entry, Group)
            else self.statuses[entry.id]
        )
        touching = [incident for leaf in leaves for incident in self.touching.get(leaf, [])]
        created = (
            datetime.combine(entry.since, datetime.min.time(), tzinfo=UTC)
            if entry.since
            else self.epoch
        )
        changed = max(
            (update.at for incident in touching for update in incident.updates_until(self.now)),
            default=created,
        )
        body: Json = {
            "id": stable_id("component", entry.id),
            "name": entry.name,
            "status": status.value,
            "created_at": timestamp(created),
            "updated_at": timestamp(max(changed, created)),
            "position": entry.position,
            "description": entry.description or None,
            "showcase": True,
            "start_date": entry.since.isoformat() if entry.since else None,
            "group_id": stable_id("component", group.id) if group else None,
            "page_id": self.page_id,
            "group": isinstance(entry, Group),
            "only_show_if_degraded": entry.hidden_unless_affected,
        }
        if isinstance(entry, Group):
            body["components"] = [stable_id("component", leaf) for leaf in entry.component_ids]
        return body

    def _group_of(self, component: Component) -> Group | None:
        entry = self.site.catalog.get(component.group_id) if component.group_id else None
        return entry if isinstance(entry, Group) else None

    def components(self) -> list[Json]:
        return [
            self.component(entry, self._group_of(entry) if isinstance(entry, Component) else None)
            for entry in self.site.catalog.every_entry
        ]

    def incident(self, incident: Incident) -> Json:
        incident_id = stable_id("incident", incident.id)
        status = incident_status_at(incident, self.now) or UpdateStatus.SCHEDULED
        monitoring = next(
            (u.at for u in incident.updates if u.status is UpdateStatus.MONITORING), None
        )
        body: Json = {
            "id": incident_id,
            "name": incident.title,
            "status": status.value,
            "created_at": timestamp(incident.first_update.at),
            "updated_at": timestamp(incident.last_changed),
            "monitoring_at": timestamp(monitoring),
            "resolved_at": timestamp(resolved_at(incident, self.now)),
            "impact": "maintenance" if incident.is_maintenance else incident.impact.value,
            "shortlink": self.context.incident_link(incident.id),
            "started_at": timestamp(incident.start),
            "page_id": self.page_id,
            "incident_updates": [
                self.incident_update(incident, update, incident_id)
                for update in reversed(incident.updates)
            ],
            "components": [
                self.component(component, self._group_of(component))
                for component_id in incident.component_ids
                if isinstance(component := self.site.catalog.get(component_id), Component)
            ],
        }
        if incident.postmortem is not None:
            body["postmortem_body"] = incident.postmortem.body
            body["postmortem_published_at"] = timestamp(incident.postmortem.published)
        if incident.is_maintenance:
            start, end = maintenance_window(incident, self.now)
            body["scheduled_for"] = timestamp(start)
            body["scheduled_until"] = timestamp(end)
        return body

    def incident_update(self, incident: Incident, update: Update, incident_id: str) -> Json:
        affected = None
        if update.affected:
            before = _statuses_before(incident, update)
            affected = []
            for component_id, new_status in update.affected:
                component = self.site.catalog.get(component_id)
                affected.append(
                    {
                        "code": stable_id("component", component_id),
                        "name": component.name if component else component_id,
                        "old_status": before.get(component_id, ComponentStatus.OPERATIONAL).value,
                        "new_status": new_status.value,
                    }
                )
        return {
            "id": stable_id("update", incident.id, update.id),
            "status": update.status.value,
            "body": update.message,
            "incident_id": incident_id,
            "created_at": timestamp(update.at),
            "updated_at": timestamp(update.at),
            "display_at": timestamp(update.at),
            "affected_components": affected,
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
        }

    # -- documents ---------------------------------------------------------------------

    def incidents_of(self, incidents: Iterable[Incident]) -> list[Json]:
        return [self.incident(incident) for incident in incidents]

    def documents(self) -> dict[str, Json]:
        """Every API document by its path under ``api/v2/``."""
        now = self.now
        page = self.page()
        status = self.status()
        components = self.components()
        newest_first = sorted(
            self.site.incidents, key=lambda incident: incident.first_update.at, reverse=True
        )
        incidents = [i for i in newest_first if not i.is_maintenance]
        maintenances = [i for i in newest_first if i.is_maintenance]
        unresolved = [incident for incident in incidents if is_open(incident, now)]
        active = list(active_maintenance(self.site, now))
        upcoming = list(upcoming_maintenance(self.site, now))
        return {
            "summary.json": {
                "page": page,
                "components": components,
                "incidents": self.incidents_of(unresolved),
                "scheduled_maintenances": self.incidents_of(active + upcoming),
                "status": status,
            },
            "status.json": {"page": page, "status": status},
            "components.json": {"page": page, "components": components},
            "incidents.json": {
                "page": page,
                "incidents": self.incidents_of(incidents[:RECENT_LIMIT]),
            },
            "incidents/unresolved.json": {
                "page": page,
                "incidents": self.incidents_of(unresolved),
            },
            "scheduled-maintenances.json": {
                "page": page,
                "scheduled_maintenances": self.incidents_of(maintenances[:RECENT_LIMIT]),
            },
            "scheduled-maintenances/upcoming.json": {
                "page": page,
                "scheduled_maintenances": self.incidents_of(upcoming),
            },
            "scheduled-maintenances/active.json": {
                "page": page,
                "scheduled_maintenances": self.incidents_of(active),
            },
        }


def _statuses_before(incident: Incident, update: Update) -> dict[str, ComponentStatus]:
    """The statuses this incident gave its components just before ``update``."""
    statuses = dict(incident.affected)
    for earlier in incident.updates:
        if earlier is update:
            break
        if earlier.affected:
            statuses.update(earlier.affected)
    return statuses


def api_files(
    site: StatusSite, now: datetime, context: SiteContext, prefix: str
) -> dict[str, bytes]:
    """Every API document, serialised, by site-relative path."""
    documents = StatusApi(site, now, context).documents()
    return {
        f"{prefix}{path}": json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        for path, document in documents.items()
    }
