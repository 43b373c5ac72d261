"""Reading ``components.yml`` into the catalog."""

from __future__ import annotations

from dataclasses import replace

from ..options import subscribe_email_problem
from ..values import (
    SLUG,
    ValueProblem,
    describe,
    parse_date,
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
    Source,
)
from .reading import ContentReading
from .rules import (
    COMPONENT_KEYS,
    MAX_CATALOG_ENTRIES,
    MAX_ID_LENGTH,
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


def has_member_list(entry: object) -> bool:
    return isinstance(entry, LineMapping) and isinstance(entry.get("components"), list)
