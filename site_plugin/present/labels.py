"""What the model's enums and the engine's statuses read as, in the reader's language.

The model and the engine keep their English labels (the JSON API uses them); pages,
feeds, calendars, badges, emails and chat messages translate at the edge, here. Every
English text is marked with ``N_`` so the catalogue tools find it.
"""

from __future__ import annotations

from ..content.model import ComponentStatus, Impact, Incident, IncidentKind, Update, UpdateStatus
from ..engine.status import OverallStatus
from .i18n import N_, Translator

KIND_LABELS = {
    IncidentKind.INCIDENT: N_("Incident"),
    IncidentKind.MAINTENANCE: N_("Scheduled maintenance"),
    IncidentKind.NOTICE: N_("Notice"),
}
UPDATE_STATUS_LABELS = {
    UpdateStatus.INVESTIGATING: N_("Investigating"),
    UpdateStatus.IDENTIFIED: N_("Identified"),
    UpdateStatus.MONITORING: N_("Monitoring"),
    UpdateStatus.RESOLVED: N_("Resolved"),
    UpdateStatus.SCHEDULED: N_("Scheduled"),
    UpdateStatus.IN_PROGRESS: N_("In progress"),
    UpdateStatus.VERIFYING: N_("Verifying"),
    UpdateStatus.COMPLETED: N_("Completed"),
}
# A notice's updates: their statuses (investigating, identified) are an incident's and
# say nothing true of an advisory, so readers see that it was posted, updated or ended.
NOTICE_POSTED = N_("Posted")
NOTICE_UPDATED = N_("Updated")
NOTICE_ENDED = N_("Ended")
COMPONENT_STATUS_LABELS = {
    ComponentStatus.OPERATIONAL: N_("Operational"),
    ComponentStatus.UNDER_MAINTENANCE: N_("Under maintenance"),
    ComponentStatus.DEGRADED_PERFORMANCE: N_("Degraded performance"),
    ComponentStatus.PARTIAL_OUTAGE: N_("Partial outage"),
    ComponentStatus.MAJOR_OUTAGE: N_("Major outage"),
}
COMPONENT_STATUS_PHRASES = {
    # Inside a sentence ("Email sending: degraded performance"): German keeps nouns
    # capitalised, so these are their own messages rather than a lower-cased label.
    ComponentStatus.OPERATIONAL: N_("operational"),
    ComponentStatus.UNDER_MAINTENANCE: N_("under maintenance"),
    ComponentStatus.DEGRADED_PERFORMANCE: N_("degraded performance"),
    ComponentStatus.PARTIAL_OUTAGE: N_("partial outage"),
    ComponentStatus.MAJOR_OUTAGE: N_("major outage"),
}
IMPACT_LABELS = {
    Impact.NONE: N_("No impact"),
    Impact.MINOR: N_("Minor impact"),
    Impact.MAJOR: N_("Major impact"),
    Impact.CRITICAL: N_("Critical impact"),
}
IMPACT_PHRASES = {
    Impact.NONE: N_("no impact"),
    Impact.MINOR: N_("minor impact"),
    Impact.MAJOR: N_("major impact"),
    Impact.CRITICAL: N_("critical impact"),
}
OVERALL_DESCRIPTIONS = {
    # The engine's Statuspage wording (kept in English by the JSON API) is the msgid.
    "All Systems Operational": N_("All Systems Operational"),
    "Service Under Maintenance": N_("Service Under Maintenance"),
    "Partially Degraded Service": N_("Partially Degraded Service"),
    "Minor Service Outage": N_("Minor Service Outage"),
    "Partial System Outage": N_("Partial System Outage"),
    "Major System Outage": N_("Major System Outage"),
}


def kind_label(t: Translator, kind: IncidentKind) -> str:
    """``Incident``, ``Scheduled maintenance`` or ``Notice``."""
    return t.gettext(KIND_LABELS[kind])


def update_status_label(t: Translator, status: UpdateStatus) -> str:
    """``Identified``, ``In progress``, ...: an incident's or a maintenance's status."""
    return t.gettext(UPDATE_STATUS_LABELS[status])


def update_label(t: Translator, incident: Incident, update: Update) -> str:
    """What one update of ``incident`` is called on pages, in feeds, emails and chat: its
    status (``Identified``), or for a notice ``Posted``, ``Updated`` or ``Ended``; an update
    Herald wrote itself carries its own (``Reminder``)."""
    if update.label:
        return update.label
    if not incident.is_notice:
        return update_status_label(t, update.status)
    if update.status.is_final:
        return t.gettext(NOTICE_ENDED)
    if update.id == incident.first_update.id:
        return t.gettext(NOTICE_POSTED)
    return t.gettext(NOTICE_UPDATED)


def component_status_label(t: Translator, status: ComponentStatus) -> str:
    """``Degraded performance``: a component's status on its own."""
    return t.gettext(COMPONENT_STATUS_LABELS[status])


def component_status_phrase(t: Translator, status: ComponentStatus) -> str:
    """``degraded performance``: a component's status inside a sentence."""
    return t.gettext(COMPONENT_STATUS_PHRASES[status])


def impact_label(t: Translator, impact: Impact) -> str:
    """``Major impact``."""
    return t.gettext(IMPACT_LABELS[impact])


def impact_phrase(t: Translator, impact: Impact) -> str:
    """``major impact``, inside a sentence."""
    return t.gettext(IMPACT_PHRASES[impact])


def impact_word(t: Translator, impact: Impact) -> str:
    """``major``: the impact level alone, as in "worst impact: major"."""
    words = {
        Impact.NONE: t.pgettext("impact", "none"),
        Impact.MINOR: t.pgettext("impact", "minor"),
        Impact.MAJOR: t.pgettext("impact", "major"),
        Impact.CRITICAL: t.pgettext("impact", "critical"),
    }
    return words[impact]


def overall_description(t: Translator, overall: OverallStatus) -> str:
    """The overall status in the reader's language (the engine's wording is English)."""
    return t.gettext(OVERALL_DESCRIPTIONS.get(overall.description, overall.description))


def translated_overall(t: Translator, overall: OverallStatus) -> OverallStatus:
    """The same indicator, described in the reader's language, for pages and badges."""
    return OverallStatus(overall.indicator, overall_description(t, overall))
