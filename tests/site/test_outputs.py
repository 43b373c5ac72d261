"""Feeds, the JSON API, calendars and badges of a real build, read back with real parsers."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar
from lxml import etree

from ..conftest import INCIDENT, StatusRepo, build_site, epoch_of

SCHEMAS = Path(__file__).parent.parent / "schemas"
TRICKY = '<script>alert("x")</script> & \'quotes\' "double" 🚀'
OPEN = "incidents/2026-11-25-webhooks-late"
MAINTENANCE = "incidents/2026-11-23-database-upgrade"
NOTICE = "incidents/2026-11-01-tricky-notice"
LATER = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)


def write_fixture(repo: StatusRepo) -> None:
    repo.write(
        "components.yml",
        "components:\n  - id: api\n    name: REST API\n  - id: webhooks\n    name: Webhooks\n"
        "  - id: regions\n    name: Regions & <Zones>\n    components:\n"
        "      - id: eu-west\n        name: EU West\n      - id: us-east\n        name: US East\n",
    )
    repo.write(
        f"{INCIDENT}/postmortem.md",
        "---\npublished: 2026-11-22T09:00:00Z\n---\n## What happened\nA bad deploy.\n",
    )
    repo.write(
        f"{OPEN}/index.md",
        "---\ntitle: Webhooks are late\nimpact: minor\n"
        "affected:\n  webhooks: degraded_performance\n---\n",
    )
    repo.write(
        f"{OPEN}/2026-11-25T1100Z-investigating.md",
        "---\nat: 2026-11-25T11:00:00Z\nstatus: investigating\nnext_update: 1h\n---\n"
        "Webhook events arrive up to 20 minutes late.\n",
    )
    repo.write(
        f"{MAINTENANCE}/index.md",
        "---\ntitle: Database upgrade\nkind: maintenance\naffected:\n  regions: under_maintenance\n"
        "scheduled_start: 2026-11-30T06:00:00Z\nscheduled_end: 2026-11-30T08:00:00Z\n---\n",
    )
    repo.write(
        f"{MAINTENANCE}/2026-11-23T1000Z-scheduled.md",
        "---\nat: 2026-11-23T10:00:00Z\nstatus: scheduled\n---\nWe will upgrade the database.\n",
    )
    repo.write(
        f"{NOTICE}/index.md",
        f"---\ntitle: '{TRICKY.replace(chr(39), chr(39) * 2)}'\nkind: notice\n---\n",
    )
    repo.write(
        f"{NOTICE}/2026-11-01T0900Z-identified.md",
        f"---\nat: 2026-11-01T09:00:00Z\nstatus: identified\n---\nBody: {TRICKY}\n",
    )


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixture built at NOW, then again an hour later after one more update."""
    root = tmp_path_factory.mktemp("outputs")
    repo = StatusRepo(root)
    write_fixture(repo)
    first = build_site(root)
    assert first.returncode == 0, first.stderr
    shutil.move(root / "site", root / "site-first")
    repo.write(
        f"{OPEN}/2026-11-25T1200Z-identified.md",
        "---\nat: 2026-11-25T12:00:00Z\nstatus: identified\nnext_update: 1h\n---\n"
        "A queue was undersized; we are adding workers.\n",
    )
    second = build_site(root, epoch=epoch_of(LATER))
    assert second.returncode == 0, second.stderr
    return {"first": root / "site-first", "second": root / "site"}


def parse_feed(path: Path) -> Any:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


# -- feeds --------------------------------------------------------------------------------


def test_site_feed_has_every_incident_newest_update_first(sites: dict[str, Path]) -> None:
    atom = parse_feed(sites["first"] / "history.atom")
    rss = parse_feed(sites["first"] / "history.rss")
    assert atom.version == "atom10" and rss.version == "rss20"
    assert atom.feed.title == "Test status \u2013 incident history"
    titles = [entry.title for entry in atom.entries]
    assert titles == [
        "Webhooks are late",
        "Database upgrade",
        "Elevated error rates on the REST API",
        TRICKY,
    ]
    assert [entry.title for entry in rss.entries] == titles
    updated = [entry.updated_parsed for entry in atom.entries]
    assert updated == sorted(updated, reverse=True)
    first = atom.entries[0]
    assert first.id == "tag:status.test.example,2026-11-25:incidents/2026-11-25-webhooks-late"
    assert first.link == "https://status.test.example/incidents/2026-11-25-webhooks-late/"
    assert {tag.term for tag in first.tags} == {"incident", "webhooks"}
    content = first.content[0].value
    assert "Next update by 25 Nov 2026, 12:00 UTC." in content
    assert "Webhook events arrive up to 20 minutes late." in content
    resolved = atom.entries[2]
    story = BeautifulSoup(resolved.content[0].value, "html.parser").get_text(" ")
    # The report first, then every update newest first, each with its status and time.
    assert story.index("Post-incident report") < story.index("Resolved · 20 Nov 2026, 15:00 UTC")
    assert story.index("Resolved") < story.index("Investigating · 20 Nov 2026, 14:10 UTC")
    assert resolved.updated == "2026-11-22T09:00:00+00:00"


def test_component_feeds_hold_only_incidents_that_touched_them(sites: dict[str, Path]) -> None:
    webhooks = parse_feed(sites["first"] / "components/webhooks/history.atom")
    assert [entry.title for entry in webhooks.entries] == ["Webhooks are late"]
    assert webhooks.feed.title == "Test status \u2013 Webhooks incident history"
    regions = parse_feed(sites["first"] / "components/regions/history.rss")
    assert [entry.title for entry in regions.entries] == ["Database upgrade"]
    member = parse_feed(sites["first"] / "components/eu-west/history.atom")
    assert [entry.title for entry in member.entries] == ["Database upgrade"]
    api = parse_feed(sites["first"] / "components/api/history.atom")
    assert [entry.title for entry in api.entries] == ["Elevated error rates on the REST API"]


def test_a_new_update_changes_only_its_own_entry(sites: dict[str, Path]) -> None:
    before = {entry.id: entry for entry in parse_feed(sites["first"] / "history.atom").entries}
    after = {entry.id: entry for entry in parse_feed(sites["second"] / "history.atom").entries}
    assert before.keys() == after.keys()
    changed = {
        entry_id
        for entry_id in before
        if (before[entry_id].updated, before[entry_id].content[0].value)
        != (after[entry_id].updated, after[entry_id].content[0].value)
    }
    assert changed == {"tag:status.test.example,2026-11-25:incidents/2026-11-25-webhooks-late"}
    entry = after["tag:status.test.example,2026-11-25:incidents/2026-11-25-webhooks-late"]
    assert entry.updated == "2026-11-25T12:00:00+00:00"
    assert "A queue was undersized" in entry.content[0].value


def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(SCHEMAS / "atom.rng"))


def test_every_atom_feed_validates_against_rfc_4287(sites: dict[str, Path]) -> None:
    schema = atom_schema()
    feeds = sorted(sites["first"].rglob("*.atom"))
    assert len(feeds) == 1 + 5
    for path in feeds:
        document = etree.parse(str(path))
        assert schema.validate(document), (path, schema.error_log)
        root = document.getroot()
        # RFC 4287 4.1.1: an author for the feed when entries have none.
        assert root.find("{http://www.w3.org/2005/Atom}author") is not None


def test_every_rss_feed_is_structurally_rss_2(sites: dict[str, Path]) -> None:
    for path in sorted(sites["first"].rglob("*.rss")):
        root = etree.parse(str(path)).getroot()
        assert root.tag == "rss" and root.get("version") == "2.0"
        (channel,) = root.findall("channel")
        for required in ("title", "link", "description"):
            assert (channel.findtext(required) or "").strip(), (path, required)
        for item in channel.findall("item"):
            assert item.findtext("title") and item.findtext("link")
            guid = item.find("guid")
            assert guid is not None and guid.get("isPermaLink") == "false"
            assert item.findtext("pubDate")


def test_every_page_links_the_feeds_for_autodiscovery(sites: dict[str, Path]) -> None:
    home = BeautifulSoup((sites["first"] / "index.html").read_text("utf-8"), "html.parser")
    links = {(link["type"], link["href"]) for link in home.select('head link[rel="alternate"]')}
    assert ("application/atom+xml", "https://status.test.example/history.atom") in links
    assert ("application/rss+xml", "https://status.test.example/history.rss") in links
    component = BeautifulSoup(
        (sites["first"] / "components/webhooks/index.html").read_text("utf-8"), "html.parser"
    )
    hrefs = {link["href"] for link in component.select('head link[rel="alternate"]')}
    assert "https://status.test.example/components/webhooks/history.atom" in hrefs
    subscribe = [a["href"] for a in home.select(".herald-subscribe a")]
    assert subscribe == ["history.atom", "history.rss"]


# -- JSON API -----------------------------------------------------------------------------

DOCUMENTS = {
    "summary.json": "summary",
    "status.json": "statusDocument",
    "components.json": "componentsDocument",
    "incidents.json": "incidentsDocument",
    "incidents/unresolved.json": "incidentsDocument",
    "scheduled-maintenances.json": "maintenancesDocument",
    "scheduled-maintenances/upcoming.json": "maintenancesDocument",
    "scheduled-maintenances/active.json": "maintenancesDocument",
}


def load_api(site: Path, name: str) -> Any:
    return json.loads((site / "api/v2" / name).read_text("utf-8"))


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_api_documents_match_the_statuspage_schema(sites: dict[str, Path], name: str) -> None:
    schema = json.loads((SCHEMAS / "statuspage-v2.schema.json").read_text("utf-8"))
    document_schema = {**schema, "$ref": f"#/$defs/{DOCUMENTS[name]}"}
    validator = jsonschema.Draft202012Validator(
        document_schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(load_api(sites["first"], name)), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_api_says_what_the_page_says(sites: dict[str, Path]) -> None:
    summary = load_api(sites["first"], "summary.json")
    assert summary["status"] == {"indicator": "minor", "description": "Partially Degraded Service"}
    statuses = {component["name"]: component["status"] for component in summary["components"]}
    assert statuses == {
        "REST API": "operational",
        "Webhooks": "degraded_performance",
        "Regions & <Zones>": "operational",
        "EU West": "operational",
        "US East": "operational",
    }
    # An open notice is an unresolved incident with no impact, as on Statuspage.
    assert [item["name"] for item in summary["incidents"]] == ["Webhooks are late", TRICKY]
    assert summary["incidents"][1]["impact"] == "none"
    incident = summary["incidents"][0]
    assert (
        incident["shortlink"] == "https://status.test.example/incidents/2026-11-25-webhooks-late/"
    )
    assert [update["status"] for update in incident["incident_updates"]] == ["investigating"]
    (maintenance,) = summary["scheduled_maintenances"]
    assert maintenance["status"] == "scheduled"
    assert maintenance["scheduled_for"] == "2026-11-30T06:00:00.000+00:00"
    regions = next(c for c in summary["components"] if c["group"])
    members = [c for c in summary["components"] if c["group_id"] == regions["id"]]
    assert regions["components"] == [member["id"] for member in members]
    incidents = load_api(sites["first"], "incidents.json")["incidents"]
    assert [item["name"] for item in incidents] == [
        "Webhooks are late",
        "Elevated error rates on the REST API",
        TRICKY,
    ]
    resolved = incidents[1]
    assert resolved["status"] == "resolved"
    assert resolved["resolved_at"] == "2026-11-20T15:00:00.000+00:00"
    assert resolved["postmortem_body"] == "## What happened\nA bad deploy."
    assert incidents[2]["incident_updates"][0]["body"] == f"Body: {TRICKY}"


def ids(site: Path) -> dict[str, str]:
    found = {}
    for name in ("components.json", "incidents.json", "scheduled-maintenances.json"):
        document = load_api(site, name)
        for item in document.get("components", []):
            found[f"component {item['name']}"] = item["id"]
        for item in document.get("incidents", []) + document.get("scheduled_maintenances", []):
            found[f"incident {item['name']}"] = item["id"]
            for update in item["incident_updates"]:
                found[f"update {update['created_at']}"] = update["id"]
        found["page"] = document["page"]["id"]
    return found


def test_ids_are_identical_across_builds_at_different_times(sites: dict[str, Path]) -> None:
    first, second = ids(sites["first"]), ids(sites["second"])
    assert first.items() <= second.items()
    assert len(set(first.values())) == len(first)


# -- calendar and badges ------------------------------------------------------------------


def test_maintenance_calendar(sites: dict[str, Path]) -> None:
    calendar = Calendar.from_ical((sites["first"] / "maintenance.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == "2026-11-23-database-upgrade@status.test.example"
    assert event.decoded("DTSTART") == datetime(2026, 11, 30, 6, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 11, 30, 8, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Database upgrade"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]).endswith("/incidents/2026-11-23-database-upgrade/")
    assert "EU West" in str(event["DESCRIPTION"])
    member = Calendar.from_ical(
        (sites["first"] / "components/eu-west/maintenance.ics").read_bytes()
    )
    assert len(member.walk("VEVENT")) == 1
    api = Calendar.from_ical((sites["first"] / "components/api/maintenance.ics").read_bytes())
    assert api.walk("VEVENT") == []


def test_badges_are_well_formed_and_say_the_status(sites: dict[str, Path]) -> None:
    svg = "{http://www.w3.org/2000/svg}"
    overall = etree.parse(str(sites["first"] / "badge.svg")).getroot()
    assert overall.findtext(f"{svg}title") == "status: Partially Degraded Service"
    assert overall.get("aria-label") == "status: Partially Degraded Service"
    regions = etree.parse(str(sites["first"] / "components/regions/badge.svg")).getroot()
    assert regions.findtext(f"{svg}title") == "Regions & <Zones>: operational"
    texts = [text.text for text in regions.iter(f"{svg}text")]
    assert texts == ["Regions & <Zones>", "operational"]
    endpoint = json.loads((sites["first"] / "components/webhooks/badge.json").read_text("utf-8"))
    assert endpoint == {
        "schemaVersion": 1,
        "label": "Webhooks",
        "message": "degraded performance",
        "color": "yellow",
    }


def test_tricky_text_is_escaped_and_intact_everywhere(sites: dict[str, Path]) -> None:
    site = sites["first"]
    atom = parse_feed(site / "history.atom")
    entry = next(entry for entry in atom.entries if entry.title == TRICKY)
    assert f"Body: {TRICKY}" in BeautifulSoup(entry.content[0].value, "html.parser").get_text()
    rss = parse_feed(site / "history.rss")
    assert TRICKY in [item.title for item in rss.entries]
    raw_feed = (site / "history.atom").read_text("utf-8")
    assert "<script>" not in raw_feed
    page = BeautifulSoup(
        (site / "incidents/2026-11-01-tricky-notice/index.html").read_text("utf-8"), "html.parser"
    )
    assert page.select_one(".herald-incident h1").get_text() == TRICKY  # type: ignore[union-attr]
    assert all("alert(" not in (script.string or "") for script in page.find_all("script"))
    timeline = page.select_one(".herald-timeline")
    assert timeline is not None and f"Body: {TRICKY}" in timeline.get_text()
    api = load_api(site, "incidents.json")["incidents"]
    assert (
        next(item for item in api if item["name"] == TRICKY)["incident_updates"][0]["body"]
        == f"Body: {TRICKY}"
    )
    calendar_text = (site / "maintenance.ics").read_text("utf-8")
    assert "<script>" not in calendar_text


def test_component_folders_answer_materials_sitemap_request(sites: dict[str, Path]) -> None:
    # Material fetches sitemap.xml beside each feed link; a 404 there is a console error.
    root = etree.parse(str(sites["first"] / "components/webhooks/sitemap.xml")).getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    assert len(root) == 0
