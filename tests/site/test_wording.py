"""What readers read: a notice's own words, a status said once, durations in words.

Real ``mkdocs build --strict`` runs, read back with an HTML parser.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from ..conftest import INCIDENT, StatusRepo, build_site

OPEN_NOTICE = "incidents/2026-11-24-api-v1-retires"
ENDED_NOTICE = "incidents/2026-11-21-phishing-emails"
ATOM = "{http://www.w3.org/2005/Atom}"


def built(repo: StatusRepo) -> Path:
    result = build_site(repo.root)
    assert result.returncode == 0, result.stderr
    return repo.root / "site"


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text("utf-8"), "html.parser")


def text_of(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text().split())


def timeline(incident_page: BeautifulSoup) -> list[str]:
    return [
        text_of(meta.select_one("strong"))
        for meta in incident_page.select(".herald-timeline .herald-update__meta")
    ]


def history_row(site: Path, title: str) -> str:
    month = page(site, "history/2026-11")
    for row in month.select(".herald-row"):
        if text_of(row.select_one("a")) == title:
            return text_of(row.select_one(".herald-muted"))
    raise AssertionError(f"no history row for {title!r}")


def add_notices(repo: StatusRepo) -> None:
    """An open notice posted and updated (first with the status ``herald new`` gives it),
    and one that has ended."""
    repo.write(
        f"{OPEN_NOTICE}/index.md", "---\ntitle: API v1 retires in March\nkind: notice\n---\n"
    )
    repo.write(
        f"{OPEN_NOTICE}/2026-11-24T0900Z-investigating.md",
        "---\nat: 2026-11-24T09:00:00Z\nstatus: investigating\n---\nVersion 1 retires in March.\n",
    )
    repo.write(
        f"{OPEN_NOTICE}/2026-11-25T0900Z-identified.md",
        "---\nat: 2026-11-25T09:00:00Z\nstatus: identified\n---\nA reminder: v1 retires soon.\n",
    )
    repo.write(f"{ENDED_NOTICE}/index.md", "---\ntitle: Phishing emails\nkind: notice\n---\n")
    repo.write(
        f"{ENDED_NOTICE}/2026-11-21T1000Z-identified.md",
        "---\nat: 2026-11-21T10:00:00Z\nstatus: identified\n---\nWe never ask for passwords.\n",
    )
    repo.write(
        f"{ENDED_NOTICE}/2026-11-22T1000Z-resolved.md",
        "---\nat: 2026-11-22T10:00:00Z\nstatus: resolved\n---\nNo more of these emails.\n",
    )


def test_a_notice_reads_posted_updated_and_ended_not_an_incidents_status(
    repo: StatusRepo,
) -> None:
    add_notices(repo)
    site = built(repo)
    (card,) = page(site, "").select(".herald-card--notice")
    assert text_of(card.select_one(".herald-card__meta")) == "Updated 25 Nov 2026, 09:00 UTC"
    open_page = page(site, OPEN_NOTICE)
    assert text_of(open_page.select_one(".herald-chip")) == "Updated"
    assert timeline(open_page) == ["Updated", "Posted"]
    ended_page = page(site, ENDED_NOTICE)
    assert text_of(ended_page.select_one(".herald-chip")) == "Ended"
    assert timeline(ended_page) == ["Ended", "Posted"]
    assert history_row(site, "Phishing emails") == "Notice · 21 Nov 2026, 10:00 UTC · Ended"
    for words in ("Investigating", "Identified", "Resolved"):
        assert words not in text_of(open_page.select_one(".herald-incident"))
        assert words not in text_of(ended_page.select_one(".herald-incident"))
    feed = ET.parse(site / "history.atom").getroot()
    summaries = {
        entry.findtext(f"{ATOM}title"): entry.findtext(f"{ATOM}summary")
        for entry in feed.iter(f"{ATOM}entry")
    }
    assert summaries["API v1 retires in March"] == (
        "Updated · 25 Nov 2026, 09:00 UTC: API v1 retires in March"
    )
    assert summaries["Phishing emails"] == "Ended · 22 Nov 2026, 10:00 UTC: Phishing emails"


def test_the_ongoing_incident_card_says_its_status_once(repo: StatusRepo) -> None:
    repo.remove(f"{INCIDENT}/2026-11-20T1500Z-resolved.md")
    repo.write(
        f"{INCIDENT}/2026-11-25T1130Z-identified.md",
        "---\nat: 2026-11-25T11:30:00Z\nstatus: identified\nnext_update: 1h\n---\n"
        "We found a faulty deploy and are rolling it back.\n",
    )
    (card,) = page(built(repo), "").select(".herald-card")
    assert text_of(card).count("Identified") == 1
    assert text_of(card.select_one(".herald-card__meta")).startswith("Identified · Major impact")
    assert text_of(card.select_one(".herald-update__meta")) == (
        "Latest update · 25 Nov 2026, 11:30 UTC"
    )


def test_how_long_an_incident_lasted_reads_in_words(repo: StatusRepo) -> None:
    blip = "incidents/2026-11-22-login-blip"
    repo.write(f"{blip}/index.md", "---\ntitle: Login blip\nimpact: minor\n---\n")
    repo.write(
        f"{blip}/2026-11-22T1000Z-investigating.md",
        "---\nat: 2026-11-22T10:00:00Z\nstatus: investigating\n---\nSign-in fails for some.\n",
    )
    repo.write(
        f"{blip}/2026-11-22T1000Z-resolved.md",
        "---\nat: 2026-11-22T10:00:40Z\nstatus: resolved\n---\nSign-in works again.\n",
    )
    site = built(repo)
    assert history_row(site, "Elevated error rates on the REST API") == (
        "Incident · Major impact · 20 Nov 2026, 14:10 UTC · Resolved after 50 minutes"
    )
    assert history_row(site, "Login blip") == (
        "Incident · Minor impact · 22 Nov 2026, 10:00 UTC · Resolved after less than a minute"
    )
