"""Status badges: an SVG to embed anywhere, and shields.io endpoint JSON to style your own."""

from __future__ import annotations

import json

from markupsafe import escape

from ..content.model import ComponentStatus, Indicator

INDICATOR_COLOURS = {
    Indicator.NONE: ("#1a7f37", "brightgreen"),
    Indicator.MAINTENANCE: ("#1d5fbf", "blue"),
    Indicator.MINOR: ("#9a6700", "yellow"),
    Indicator.MAJOR: ("#bc4c00", "orange"),
    Indicator.CRITICAL: ("#cf222e", "red"),
}
STATUS_COLOURS = {
    ComponentStatus.OPERATIONAL: INDICATOR_COLOURS[Indicator.NONE],
    ComponentStatus.UNDER_MAINTENANCE: INDICATOR_COLOURS[Indicator.MAINTENANCE],
    ComponentStatus.DEGRADED_PERFORMANCE: INDICATOR_COLOURS[Indicator.MINOR],
    ComponentStatus.PARTIAL_OUTAGE: INDICATOR_COLOURS[Indicator.MAJOR],
    ComponentStatus.MAJOR_OUTAGE: INDICATOR_COLOURS[Indicator.CRITICAL],
}
_LABEL_COLOUR = "#555"


def _text_width(text: str) -> int:
    # Close enough for Verdana 11px, the badge font: wide letters and narrow ones average out.
    return 10 + sum(4 if char in "il.,:;|!'() " else 8 if char.isupper() else 7 for char in text)


def badge_svg(label: str, message: str, colour: str) -> bytes:
    """A flat badge with an accessible name; every text is escaped for XML."""
    left, right = _text_width(label), _text_width(message)
    width = left + right
    name = escape(f"{label}: {message}")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img"'
        f' aria-label="{name}"><title>{name}</title>'
        f'<rect width="{left}" height="20" fill="{_LABEL_COLOUR}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11"'
        ' text-anchor="middle">'
        f'<text x="{left / 2:g}" y="14">{escape(label)}</text>'
        f'<text x="{left + right / 2:g}" y="14">{escape(message)}</text>'
        "</g></svg>\n"
    )
    return svg.encode("utf-8")


def shields_endpoint(label: str, message: str, colour: str) -> bytes:
    """The JSON shields.io's endpoint badge reads."""
    body = {"schemaVersion": 1, "label": label, "message": message, "color": colour}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")
