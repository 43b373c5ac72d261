"""Reading ``components.yml`` into the catalog."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from urllib.parse import SplitResult, urlsplit

from ..options import subscribe_email_problem
from ..url_policy import WEB_SCHEMES, setting_url_problem
from ..values import (
    SLUG,
    ValueProblem,
    describe,
    parse_date,
    parse_duration,
    parse_flag,
    parse_line,
    parse_text,
)
from .frontmatter import (
    LineMapping,
    YamlProblem,
    load_yaml,
)
from .model import (
    Catalog,
    Component,
    Group,
    Probe,
    Source,
)
from .reading import ContentReading
from .rules import (
    ALERT_LABEL_NAME,
    COMPONENT_KEYS,
    DEFAULT_CERTIFICATE_WARNING,
    DEFAULT_PROBE_TIMEOUT,
    MAX_CATALOG_ENTRIES,
    MAX_ID_LENGTH,
    MAX_PROBE_TIMEOUT,
    PROBE_KEYS,
    PROBE_METHODS,
)


class CatalogReading(ContentReading):
    """``components.yml``: components and groups, each checked, all problems collected."""

    def read_catalog(self) -> Catalog:
        relative = self.paths.components
        path = self.paths.root / relative
        if not path.is_file():
            what = "is a folder, not a file" if path.is_dir() else "is missing"
            self.report(
                relative, 1, f"the components file {what}", "create it with a 'components:' list"
            )
            return Catalog(())
        text = self.read_text_file(str(path), relative)
        if text is None:
            return Catalog(())
        try:
            document = load_yaml(text)
        except YamlProblem as problem:
            self.report(relative, problem.line, problem.message, problem.fix)
            return Catalog(())
        if not isinstance(document, LineMapping) or "components" not in document:
            self.report(
                relative,
                1,
                "the file has no 'components:' list",
                "start it with 'components:' followed by '- id: ...' entries",
            )
            return Catalog(())
        self.check_keys(document, ("components",), relative, "components.yml")
        entries = document["components"]
        if not isinstance(entries, list) or not entries:
            self.report(
                relative,
                document.line_of("components"),
                "'components' is not a list of components",
                "list each component as '- id: ...' with its 'name'",
            )
            return Catalog(())
        size = sum(
            1 + (len(entry["components"]) if has_member_list(entry) else 0) for entry in entries
        )
        if size > MAX_CATALOG_ENTRIES:
            self.report(
                relative,
                document.line_of("components"),
                f"the file lists {size} components and groups, more than the"
                f" {MAX_CATALOG_ENTRIES} a status page can show",
                "list what customers depend on, grouping small parts into one component",
            )
            return Catalog(())
        seen: dict[str, int] = {}
        catalog: list[Component | Group] = []
        position = 0
        for raw in entries:
            entry = self.read_catalog_entry(raw, document, seen, group=None, position=position)
            if entry is not None:
                catalog.append(entry)
                position += 1 + (len(entry.components) if isinstance(entry, Group) else 0)
        return Catalog(tuple(catalog))

    def read_catalog_entry(
        self,
        raw: object,
        parent: LineMapping,
        seen: dict[str, int],
        *,
        group: LineMapping | None,
        position: int,
    ) -> Component | Group | None:
        relative = self.paths.components
        if not isinstance(raw, LineMapping):
            line = parent.line_of("components")
            self.report(
                relative,
                line,
                f"a component entry is {describe(raw)}, not a component",
                "write each entry as '- id: ...' with 'name: ...' below it",
            )
            return None
        self.check_keys(raw, COMPONENT_KEYS, relative, "a component")
        entry_id = self.value(raw, "id", self.component_id, relative, required="add 'id: a-slug'")
        name = self.value(
            raw, "name", parse_line, relative, required="add the customer-facing name"
        )
        description = self.value(raw, "description", parse_text, relative) or ""
        hidden = self.value(raw, "hidden_unless_affected", parse_flag, relative) or False
        since = self.value(raw, "since", parse_date, relative)
        subscribe_email = self.value(raw, "subscribe_email", self.subscribe_address, relative)
        if entry_id is not None:
            if entry_id in seen:
                self.report(
                    relative,
                    raw.line_of("id"),
                    f"component id '{entry_id}' is used twice (first on line {seen[entry_id]})",
                    "give each component and group its own id",
                )
                entry_id = None
            else:
                seen[entry_id] = raw.line_of("id")
        source = Source(relative, raw.line)
        if "components" not in raw:
            probe = self.read_probe(raw) if "probe" in raw else None
            alert_labels = self.read_alert_labels(raw) if "alerts" in raw else ()
            if entry_id is None or name is None:
                return None
            return Component(
                id=entry_id,
                name=name,
                description=description,
                group_id=group.get("id") if group is not None else None,
                hidden_unless_affected=hidden,
                since=since,
                position=position + 1,
                source=source,
                subscribe_email=subscribe_email,
                probe=probe,
                alert_labels=alert_labels,
            )
        for key, what in (("probe", "probes"), ("alerts", "alert labels")):
            if key in raw:
                # Named as written: an unusable or repeated id is reported on its own.
                written = raw.get("id")
                named = f"group {describe(written)}" if isinstance(written, str) else "a group"
                self.report(
                    relative,
                    raw.line_of(key),
                    f"{named} has '{key}:', but {what} belong to components",
                    f"move '{key}:' to the member it is about",
                )
        if group is not None:
            self.report(
                relative,
                raw.line_of("components"),
                f"group '{raw.get('id')}' is inside group '{group.get('id')}'",
                "groups hold components only: move it to the top level",
            )
            return None
        members = raw["components"]
        if not isinstance(members, list) or not members:
            self.report(
                relative,
                raw.line_of("components"),
                f"group '{entry_id}' has no components",
                "list its members under 'components:', or remove the key",
            )
            return None
        children: list[Component] = []
        for offset, member in enumerate(members, start=1):
            child = self.read_catalog_entry(
                member, raw, seen, group=raw, position=position + offset
            )
            if isinstance(child, Component):
                if child.since is None and since is not None:
                    child = replace(child, since=since)
                # The group's list hears of every member's incidents: it is theirs too.
                if child.subscribe_email is None and subscribe_email is not None:
                    child = replace(child, subscribe_email=subscribe_email)
                children.append(child)
        if entry_id is None or name is None:
            return None
        return Group(
            id=entry_id,
            name=name,
            components=tuple(children),
            description=description,
            hidden_unless_affected=hidden,
            since=since,
            position=position + 1,
            source=source,
            subscribe_email=subscribe_email,
        )

    def read_probe(self, raw: LineMapping) -> Probe | None:
        """A component's ``probe:``: one HTTP(S) check, every value checked."""
        relative = self.paths.components
        document = raw["probe"]
        if isinstance(document, str):
            # ``probe: https://...``: a plain GET with every default. A problem names
            # 'probe', the key the author wrote.
            url = self.value(raw, "probe", probe_url, relative)
            if url is None:
                return None
            return Probe(url=url, source=Source(relative, raw.line_of("probe")))
        if not isinstance(document, LineMapping):
            self.report(
                relative,
                raw.line_of("probe"),
                f"'probe' is {describe(document)}, not a probe",
                "write 'probe:' with 'url: https://...' indented below it",
            )
            return None
        before = len(self.problems)
        self.check_keys(document, PROBE_KEYS, relative, "a probe")
        url = self.value(document, "url", probe_url, relative, required="add 'url: https://...'")
        method = self.value(document, "method", probe_method, relative) or "GET"
        expect = self.value(document, "expect_status", status_ranges, relative)
        contains = self.value(document, "body_contains", parse_line, relative)
        timeout = self.value(document, "timeout", probe_timeout, relative)
        slow_after = self.value(document, "slow_after", probe_timeout, relative)
        verify = self.value(document, "verify_tls", parse_flag, relative)
        warning = self.value(document, "certificate_warning", parse_duration, relative)
        # A refused timeout is reported already: comparing with the default instead would
        # add a second problem the author's fix of the first may not have.
        timeout_usable = timeout is not None or "timeout" not in document
        timeout = timeout or DEFAULT_PROBE_TIMEOUT
        if contains is not None and method == "HEAD":
            self.report(
                relative,
                document.line_of("body_contains"),
                "a HEAD request has no body to contain the text",
                "use 'method: GET', or remove 'body_contains'",
            )
        if slow_after is not None and timeout_usable and slow_after >= timeout:
            self.report(
                relative,
                document.line_of("slow_after"),
                f"'slow_after' is not shorter than the timeout ({timeout.total_seconds():g}s)",
                "make it shorter than 'timeout', or raise the timeout",
            )
        self.report_certificate_keys(document, url, verify)
        if url is None or len(self.problems) > before:
            return None
        return Probe(
            url=url,
            method=method,
            expect_status=expect or ((200, 399),),
            body_contains=contains,
            timeout=timeout,
            slow_after=slow_after,
            verify_tls=True if verify is None else verify,
            certificate_warning=warning or DEFAULT_CERTIFICATE_WARNING,
            source=Source(relative, raw.line_of("probe")),
        )

    def report_certificate_keys(
        self, document: LineMapping, url: str | None, verify: bool | None
    ) -> None:
        """``verify_tls`` and ``certificate_warning`` where they would do nothing: an
        ``http:`` address has no certificate, and one not verified warns of nothing."""
        relative = self.paths.components
        if url is not None and urlsplit(url).scheme == "http":
            for key in ("verify_tls", "certificate_warning"):
                if key in document:
                    self.report(
                        relative,
                        document.line_of(key),
                        f"'{key}' is set, but an http:// address has no certificate",
                        f"remove '{key}', or probe the https:// address",
                    )
        elif verify is False and "certificate_warning" in document:
            self.report(
                relative,
                document.line_of("certificate_warning"),
                "'certificate_warning' is set, but with 'verify_tls: false' the certificate"
                " is not read",
                "remove one of them",
            )

    def read_alert_labels(self, raw: LineMapping) -> tuple[tuple[str, str], ...]:
        """A component's ``alerts:``: the labels an alert about it carries."""
        relative = self.paths.components
        document = raw["alerts"]
        if not isinstance(document, LineMapping) or not document:
            # describe() calls any mapping "a set of settings", which an empty one is not.
            what = (
                "is empty"
                if document == {}
                else f"is {describe(document)}, not a set of alert labels"
            )
            self.report(
                relative,
                raw.line_of("alerts"),
                f"'alerts' {what}",
                "write the labels an alert about it carries, e.g. 'alerts: {service: api}'",
            )
            return ()
        labels: list[tuple[str, str]] = []
        for name, value in document.items():
            if not ALERT_LABEL_NAME.fullmatch(name):
                self.report(
                    relative,
                    document.line_of(name),
                    f"{describe(name)} is not an alert label name",
                    "use letters, digits and '_', not starting with a digit",
                )
                continue
            if not isinstance(value, str) or not value:
                # YAML resolves no types here: every scalar is text, an empty one ''.
                what = "has no value" if value == "" else f"is {describe(value)}, not a value"
                self.report(
                    relative,
                    document.line_of(name),
                    f"alert label '{name}' {what}",
                    "give the value the alert's label has, e.g. service: api",
                )
                continue
            labels.append((name, value))
        return tuple(sorted(labels))

    @staticmethod
    def subscribe_address(value: object) -> str:
        """``subscribe_email``: the same rules as the ``subscribe_email`` option."""
        if not isinstance(value, str):
            raise ValueProblem(
                f"{describe(value)} is not a link",
                "write a mailto: address or an https: sign-up page",
            )
        problem = subscribe_email_problem(value)
        if problem is not None:
            raise ValueProblem(
                problem, "write a mailto: address or an https: page where readers sign up"
            )
        return value

    @staticmethod
    def component_id(value: object) -> str:
        if not isinstance(value, str) or not SLUG.fullmatch(value):
            raise ValueProblem(
                f"{describe(value)} is not a usable id",
                "use lowercase letters, digits and hyphens, e.g. email-delivery",
            )
        if len(value) > MAX_ID_LENGTH:
            raise ValueProblem(
                f"the id is {len(value)} characters long", f"keep it to {MAX_ID_LENGTH}"
            )
        return value


def probe_url(value: object) -> str:
    """A probe's ``url``: an absolute ``http:`` or ``https:`` address, read as a browser would."""
    if not isinstance(value, str):
        raise ValueProblem(f"{describe(value)} is not an address", "write https://host/path")
    problem = setting_url_problem(value, WEB_SCHEMES)
    parts = urlsplit(value)
    if problem is None and (parts.scheme not in WEB_SCHEMES or not parts.hostname):
        problem = "is not an absolute http:// or https:// address"
    if problem is None and (parts.username is not None or parts.password is not None):
        problem = "carries a user name or password (@), which the repository would publish"
    if problem is None:
        problem = _host_problem(parts.hostname or "") or _port_problem(parts)
    if problem is not None:
        raise ValueProblem(
            problem, "write the address customers use, e.g. https://api.example.com/health"
        )
    return value


def _host_problem(host: str) -> str | None:
    """What keeps a probe from looking up ``host``: a name that is not a domain name."""
    if ":" in host:
        return None  # an IPv6 address, which urlsplit has read from its brackets
    try:
        host.encode("idna")
    except UnicodeError:
        return "has a host name that is not a valid domain name"
    return None


def _port_problem(parts: SplitResult) -> str | None:
    try:
        port = parts.port
    except ValueError:
        return "has a port that is not a number from 1 to 65535"
    return "has port 0, which nothing listens on" if port == 0 else None


def probe_method(value: object) -> str:
    method = value.strip().upper() if isinstance(value, str) else ""
    if method not in PROBE_METHODS:
        raise ValueProblem(f"{describe(value)} is not a probe method", "use GET or HEAD")
    return method


def probe_timeout(value: object) -> timedelta:
    duration = parse_duration(value)
    if duration > MAX_PROBE_TIMEOUT:
        raise ValueProblem(
            f"{describe(value)} is longer than {MAX_PROBE_TIMEOUT.total_seconds():g}s",
            "give a shorter time, e.g. 10s",
        )
    return duration


_STATUS_RANGE = re.compile(r"\s*(?P<low>\d{1,5})\s*(?:-\s*(?P<high>\d{1,5})\s*)?", re.ASCII)


def status_ranges(value: object) -> tuple[tuple[int, int], ...]:
    """``expect_status``: a code (200), a range ("200-299"), or a list of either."""
    items = value if isinstance(value, list) else [value]
    ranges: list[tuple[int, int]] = []
    fix = "write codes or ranges, e.g. [200, 204] or 200-299"
    for item in items:
        # YAML resolves no types here, so every code is text; int() alone would also
        # read '2_00' and other scripts' digits.
        match = _STATUS_RANGE.fullmatch(item) if isinstance(item, str) else None
        if match is None:
            raise ValueProblem(f"{describe(item)} is not a status code", fix)
        bounds = (int(match["low"]), int(match["high"] or match["low"]))
        if not (100 <= bounds[0] <= bounds[1] <= 599):
            raise ValueProblem(f"{describe(item)} is not a range of status codes 100-599", fix)
        ranges.append(bounds)
    if not ranges:
        raise ValueProblem("the list is empty", fix)
    return tuple(ranges)


def has_member_list(entry: object) -> bool:
    return isinstance(entry, LineMapping) and isinstance(entry.get("components"), list)
