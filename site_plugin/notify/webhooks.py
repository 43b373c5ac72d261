"""Chat and webhook payloads: one short message and a link per incident with news.

Slack gets Block Kit, Discord an embed (mentions disabled), and generic receivers the shape
of Statuspage's incident webhook (``meta``, ``page``, ``incident``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..characters import one_line
from ..content.model import Impact
from ..present.context import SiteContext
from ..present.i18n import iso
from ..present.labels import update_label
from ..present.statuspage import StatusApi
from .digest import Pending

DISCORD_COLOURS = {
    Impact.NONE: 0x1D5FBF,
    Impact.MINOR: 0x9A6700,
    Impact.MAJOR: 0xBC4C00,
    Impact.CRITICAL: 0xCF222E,
}


def _first_line(text: str, limit: int = 300) -> str:
    line = one_line(text.strip().splitlines()[0] if text.strip() else "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _slack_text(text: str) -> str:
    """Escape &, < and > for Slack mrkdwn, so no text becomes a link or a mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(site: SiteContext, item: Pending) -> dict[str, Any]:
    t = site.translator
    incident, latest = item.incident, item.updates[-1]
    link = site.incident_link(incident.id)
    status = update_label(t, incident, latest)
    headline = f"{status}: {one_line(incident.title)}"
    return {
        "text": f"{_slack_text(headline)} {link}",
        "unfurl_links": False,
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*<{link}|{_slack_text(one_line(incident.title))}>*\n"
                    f"*{_slack_text(status)}* · {t.utc_text(latest.at)}\n"
                    f"{_slack_text(_first_line(latest.message))}",
                },
            },
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": _slack_text(f"{one_line(site.name)} · {site.url}")}
                ],
            },
        ],
    }


def discord_payload(site: SiteContext, item: Pending) -> dict[str, Any]:
    t = site.translator
    incident, latest = item.incident, item.updates[-1]
    link = site.incident_link(incident.id)
    return {
        "username": one_line(site.name)[:80],
        "allowed_mentions": {"parse": []},
        "embeds": [
            {
                "title": one_line(incident.title)[:256],
                "url": link,
                "description": _first_line(latest.message, 2000),
                "color": DISCORD_COLOURS[incident.impact],
                "timestamp": iso(latest.at),
                "fields": [
                    {
                        "name": t.gettext("Status"),
                        "value": update_label(t, incident, latest),
                        "inline": True,
                    },
                ],
                "footer": {"text": one_line(site.name)[:200]},
            }
        ],
    }


def statuspage_payload(api: StatusApi, item: Pending, now: datetime) -> dict[str, Any]:
    """The shape Statuspage posts to incident webhooks."""
    status = api.status()
    return {
        "meta": {"unsubscribe": None, "documentation": None, "generated_at": iso(now)},
        "page": {
            "id": api.page_id,
            "status_indicator": status["indicator"],
            "status_description": status["description"],
        },
        "incident": api.incident(item.incident),
    }
