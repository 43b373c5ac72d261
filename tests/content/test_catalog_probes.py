"""A component's ``probe:`` and ``alerts:`` in components.yml: what they read as, and
every problem with its exact line and fix.

Each case writes a components.yml that keeps the ``api`` component the example incident
refers to, so the only problems are the ones the case is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from site_plugin.content.model import Component, Group, Probe

from ..conftest import StatusRepo

HEAD = "components:\n  - id: api\n    name: REST API\n"
"""Lines 1-3; each case's own lines start on line 4."""


def components(text: str) -> str:
    return HEAD + text


@dataclass
class Case:
    name: str
    text: str
    expected: list[str]


FIX_URL = "(write the address customers use, e.g. https://api.example.com/health)"
FIX_STATUS = "(write codes or ranges, e.g. [200, 204] or 200-299)"

PROBE_CASES = [
    Case(
        "shorthand that is not a web address",
        "    probe: ftp://files.example.com/\n",
        [
            "components.yml:4: 'probe': must be an absolute URL starting with http:, https:"
            f" {FIX_URL}"
        ],
    ),
    Case(
        "empty shorthand",
        "    probe:\n",
        [f"components.yml:4: 'probe': is empty {FIX_URL}"],
    ),
    Case(
        "shorthand with a password",
        "    probe: https://robot:secret@api.example.com/health\n",
        [
            "components.yml:4: 'probe': carries a user name or password (@), which the"
            f" repository would publish {FIX_URL}"
        ],
    ),
    Case(
        "a port out of range",
        "    probe: https://api.example.com:99999/health\n",
        [f"components.yml:4: 'probe': has a port that is not a number from 1 to 65535 {FIX_URL}"],
    ),
    Case(
        "a host name that cannot be looked up",
        "    probe: https://a..example.com/health\n",
        [f"components.yml:4: 'probe': has a host name that is not a valid domain name {FIX_URL}"],
    ),
    Case(
        "no host",
        "    probe:\n      url: https:///health\n",
        [f"components.yml:5: 'url': is not an absolute http:// or https:// address {FIX_URL}"],
    ),
    Case(
        "a list",
        "    probe:\n      - https://api.example.com/health\n",
        [
            "components.yml:4: 'probe' is a list, not a probe"
            " (write 'probe:' with 'url: https://...' indented below it)"
        ],
    ),
    Case(
        "no url",
        "    probe:\n      method: HEAD\n      timeout: 5s\n",
        ["components.yml:5: 'url' is missing (add 'url: https://...')"],
    ),
    Case(
        "unknown key with a suggestion",
        "    probe:\n      url: https://api.example.com/health\n      timout: 5s\n",
        ["components.yml:6: unknown key 'timout' in a probe (did you mean 'timeout'?)"],
    ),
    Case(
        "method",
        "    probe:\n      url: https://api.example.com/health\n      method: POST\n",
        ["components.yml:6: 'method': 'POST' is not a probe method (use GET or HEAD)"],
    ),
    Case(
        "HEAD with body_contains",
        "    probe:\n      url: https://api.example.com/health\n      method: head\n"
        "      body_contains: ok\n",
        [
            "components.yml:7: a HEAD request has no body to contain the text"
            " (use 'method: GET', or remove 'body_contains')"
        ],
    ),
    Case(
        "empty body_contains",
        "    probe:\n      url: https://api.example.com/health\n      body_contains: ''\n",
        ["components.yml:6: 'body_contains': it is empty (write a few words)"],
    ),
    Case(
        "body_contains over two lines",
        "    probe:\n      url: https://api.example.com/health\n      body_contains: |\n"
        "        ok\n        ready\n",
        ["components.yml:6: 'body_contains': it has a line break (write it on one line)"],
    ),
    Case(
        "a status code that is not one",
        "    probe:\n      url: https://api.example.com/health\n      expect_status: ok\n",
        [f"components.yml:6: 'expect_status': 'ok' is not a status code {FIX_STATUS}"],
    ),
    Case(
        "a status code Python would read, with an underscore",
        "    probe:\n      url: https://api.example.com/health\n      expect_status: 2_00\n",
        [f"components.yml:6: 'expect_status': '2_00' is not a status code {FIX_STATUS}"],
    ),
    Case(
        "a range backwards, in a list",
        "    probe:\n      url: https://api.example.com/health\n"
        "      expect_status: [200, 299-200]\n",
        [
            "components.yml:6: 'expect_status': '299-200' is not a range of status codes"
            f" 100-599 {FIX_STATUS}"
        ],
    ),
    Case(
        "a code out of range",
        "    probe:\n      url: https://api.example.com/health\n      expect_status: 600\n",
        [
            "components.yml:6: 'expect_status': '600' is not a range of status codes 100-599"
            f" {FIX_STATUS}"
        ],
    ),
    Case(
        "an empty list of codes",
        "    probe:\n      url: https://api.example.com/health\n      expect_status: []\n",
        [f"components.yml:6: 'expect_status': the list is empty {FIX_STATUS}"],
    ),
    Case(
        "a timeout longer than a minute",
        "    probe:\n      url: https://api.example.com/health\n      timeout: 2m\n",
        ["components.yml:6: 'timeout': '2m' is longer than 60s (give a shorter time, e.g. 10s)"],
    ),
    Case(
        "a timeout without units",
        "    probe:\n      url: https://api.example.com/health\n      timeout: 5\n",
        [
            "components.yml:6: 'timeout': '5' is not a duration"
            " (write it with units, e.g. 30m, 1h or 1h30m)"
        ],
    ),
    Case(
        "slow_after not shorter than the timeout",
        "    probe:\n      url: https://api.example.com/health\n      timeout: 5s\n"
        "      slow_after: 5s\n",
        [
            "components.yml:7: 'slow_after' is not shorter than the timeout (5s)"
            " (make it shorter than 'timeout', or raise the timeout)"
        ],
    ),
    Case(
        "slow_after not shorter than the default timeout",
        "    probe:\n      url: https://api.example.com/health\n      slow_after: 15s\n",
        [
            "components.yml:6: 'slow_after' is not shorter than the timeout (10s)"
            " (make it shorter than 'timeout', or raise the timeout)"
        ],
    ),
    Case(
        # Only the timeout's own problem: the default it is not is no measure of slow_after.
        "slow_after beside a refused timeout",
        "    probe:\n      url: https://api.example.com/health\n      timeout: 90s\n"
        "      slow_after: 20s\n",
        ["components.yml:6: 'timeout': '90s' is longer than 60s (give a shorter time, e.g. 10s)"],
    ),
    Case(
        "verify_tls",
        "    probe:\n      url: https://api.example.com/health\n      verify_tls: no\n",
        ["components.yml:6: 'verify_tls': 'no' is not true or false (write true or false)"],
    ),
    Case(
        "certificate keys on an http address",
        "    probe:\n      url: http://api.example.com/health\n      verify_tls: false\n"
        "      certificate_warning: 7d\n",
        [
            "components.yml:6: 'verify_tls' is set, but an http:// address has no certificate"
            " (remove 'verify_tls', or probe the https:// address)",
            "components.yml:7: 'certificate_warning' is set, but an http:// address has no"
            " certificate (remove 'certificate_warning', or probe the https:// address)",
        ],
    ),
    Case(
        "certificate warning on a certificate not verified",
        "    probe:\n      url: https://api.example.com/health\n      verify_tls: false\n"
        "      certificate_warning: 7d\n",
        [
            "components.yml:7: 'certificate_warning' is set, but with 'verify_tls: false' the"
            " certificate is not read (remove one of them)"
        ],
    ),
    Case(
        "a group's probe and alerts",
        "  - id: regions\n    name: Regions\n    probe: https://eu.example.com/health\n"
        "    alerts:\n      region: all\n    components:\n      - id: eu-west\n"
        "        name: EU West\n",
        [
            "components.yml:6: group 'regions' has 'probe:', but probes belong to components"
            " (move 'probe:' to the member it is about)",
            "components.yml:7: group 'regions' has 'alerts:', but alert labels belong to"
            " components (move 'alerts:' to the member it is about)",
        ],
    ),
    Case(
        "a group with an unusable id and a probe",
        "  - id: Regions\n    name: Regions\n    probe: https://eu.example.com/health\n"
        "    components:\n      - id: eu-west\n        name: EU West\n",
        [
            "components.yml:4: 'id': 'Regions' is not a usable id"
            " (use lowercase letters, digits and hyphens, e.g. email-delivery)",
            "components.yml:6: group 'Regions' has 'probe:', but probes belong to components"
            " (move 'probe:' to the member it is about)",
        ],
    ),
]

ALERT_FIX = "(give the value the alert's label has, e.g. service: api)"
ALERT_CASES = [
    Case(
        "alerts as text",
        "    alerts: api\n",
        [
            "components.yml:4: 'alerts' is 'api', not a set of alert labels"
            " (write the labels an alert about it carries, e.g. 'alerts: {service: api}')"
        ],
    ),
    Case(
        "alerts empty",
        "    alerts: {}\n",
        [
            "components.yml:4: 'alerts' is empty"
            " (write the labels an alert about it carries, e.g. 'alerts: {service: api}')"
        ],
    ),
    Case(
        "label names and values",
        "    alerts:\n      1team: sre\n      service:\n      region: [eu, us]\n      job: api\n",
        [
            "components.yml:5: '1team' is not an alert label name"
            " (use letters, digits and '_', not starting with a digit)",
            f"components.yml:6: alert label 'service' has no value {ALERT_FIX}",
            f"components.yml:7: alert label 'region' is a list, not a value {ALERT_FIX}",
        ],
    ),
    Case(
        "a label name with a dash",
        "    alerts:\n      service-name: api\n",
        [
            "components.yml:5: 'service-name' is not an alert label name"
            " (use letters, digits and '_', not starting with a digit)"
        ],
    ),
]


@pytest.mark.parametrize(
    "case", PROBE_CASES + ALERT_CASES, ids=[case.name for case in PROBE_CASES + ALERT_CASES]
)
def test_each_problem_has_its_line_and_fix(repo: StatusRepo, case: Case) -> None:
    repo.write("components.yml", components(case.text))
    assert repo.problems() == case.expected


def test_problems_in_several_probes_are_reported_at_once(repo: StatusRepo) -> None:
    repo.write(
        "components.yml",
        components(
            "    probe: https://api.example.com:0/\n"
            "  - id: dashboard\n    name: Dashboard\n"
            "    probe:\n      url: https://dashboard.example.com/\n      method: PUT\n"
            "    alerts:\n      service: ''\n"
        ),
    )
    assert repo.problems() == [
        f"components.yml:4: 'probe': has port 0, which nothing listens on {FIX_URL}",
        "components.yml:9: 'method': 'PUT' is not a probe method (use GET or HEAD)",
        f"components.yml:11: alert label 'service' has no value {ALERT_FIX}",
    ]


def component(repo: StatusRepo, component_id: str) -> Component:
    found = repo.load().catalog.get(component_id)
    assert isinstance(found, Component)
    return found


def test_the_shorthand_is_a_get_with_every_default(repo: StatusRepo) -> None:
    repo.write("components.yml", components("    probe: https://api.example.com/health\n"))
    probe = component(repo, "api").probe
    assert probe == Probe(
        url="https://api.example.com/health",
        method="GET",
        expect_status=((200, 399),),
        body_contains=None,
        timeout=timedelta(seconds=10),
        slow_after=None,
        verify_tls=True,
        certificate_warning=timedelta(days=14),
    )
    assert str(probe.source) == "components.yml:4"


def test_a_probe_with_every_key(repo: StatusRepo) -> None:
    repo.write(
        "components.yml",
        components(
            "    probe:\n"
            "      url: https://api.example.com/health?full=1\n"
            "      method: head\n"
            "      expect_status: [200, '204', 300 - 302]\n"
            "      timeout: 5s\n"
            "      slow_after: 2s\n"
            "      verify_tls: true\n"
            "      certificate_warning: 30d\n"
            "  - id: search\n    name: Search\n"
            "    probe:\n      url: http://search.example.com/\n      body_contains: it's up\n"
        ),
    )
    api = component(repo, "api").probe
    assert api == Probe(
        url="https://api.example.com/health?full=1",
        method="HEAD",
        expect_status=((200, 200), (204, 204), (300, 302)),
        timeout=timedelta(seconds=5),
        slow_after=timedelta(seconds=2),
        verify_tls=True,
        certificate_warning=timedelta(days=30),
    )
    # Where the probe is declared: its 'probe:' line, in either form.
    assert api is not None and str(api.source) == "components.yml:4"
    search = component(repo, "search").probe
    assert search is not None
    assert (search.method, search.body_contains) == ("GET", "it's up")
    assert str(search.source) == "components.yml:14"


def test_a_probe_and_alerts_on_a_member_of_a_group(repo: StatusRepo) -> None:
    repo.write(
        "components.yml",
        components(
            "  - id: regions\n    name: Regions\n    components:\n"
            "      - id: eu-west\n        name: EU West\n"
            "        probe: https://eu.example.com/health\n"
            "        alerts: {region: eu, service: api}\n"
        ),
    )
    site = repo.load()
    group = site.catalog.get("regions")
    assert isinstance(group, Group)
    member = group.components[0]
    assert member.probe is not None and member.probe.url == "https://eu.example.com/health"
    assert member.alert_labels == (("region", "eu"), ("service", "api"))
    assert component(repo, "api").probe is None


def test_expected_status_codes(repo: StatusRepo) -> None:
    repo.write(
        "components.yml",
        components(
            "    probe:\n      url: https://api.example.com/\n      expect_status: 200-204\n"
        ),
    )
    probe = component(repo, "api").probe
    assert probe is not None
    assert [code for code in (199, 200, 204, 205, 301) if probe.expects(code)] == [200, 204]
    default = Probe(url="https://api.example.com/")
    assert [code for code in (199, 200, 302, 399, 400, 503) if default.expects(code)] == [
        200,
        302,
        399,
    ]


def test_an_alert_matches_a_component_by_its_labels(repo: StatusRepo) -> None:
    repo.write(
        "components.yml",
        components(
            "    alerts:\n      service: api\n      env: production\n"
            "  - id: dashboard\n    name: Dashboard\n"
        ),
    )
    api = component(repo, "api")
    assert api.alert_labels == (("env", "production"), ("service", "api"))
    # Every label must match; more labels on the alert are fine.
    assert api.matches_alert({"service": "api", "env": "production", "severity": "page"})
    assert not api.matches_alert({"service": "api", "env": "staging"})
    assert not api.matches_alert({"service": "api"})
    # With labels of its own, the component label alone does not name it.
    assert not api.matches_alert({"component": "api"})
    dashboard = component(repo, "dashboard")
    assert dashboard.alert_labels == ()
    # Without, an alert names it by its id in the 'component' label.
    assert dashboard.matches_alert({"component": "dashboard", "severity": "page"})
    assert not dashboard.matches_alert({"component": "dashboard-eu"})
    assert not dashboard.matches_alert({"service": "dashboard"})
