"""Who gets the email digest: the subscribers YAML, read without ever printing an address.

One entry per address, in one of three forms::

    ops@example.com: all                      # everything
    api-team@example.com: [api, regions]      # incidents touching these components
    status-announce@lists.example.com: {list: true}                   # a mailing list
    api-announce@lists.example.com: {list: true, components: [api]}   # one for some

A mailing list entry is the list's posting address. The list server looks after its
members (sign-up, confirmation, unsubscribe, bounces), so Herald posts one message per
update to it, without the per-subscriber unsubscribe link and headers a person's digest
carries, which the list replaces with its own.

Reading needs no mail machinery, so ``herald check`` can look at the entries too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from ..content.model import Catalog
from ..errors import SettingsError
from ..values import SLUG

ENTRY_KEYS = ("list", "components")
"""What an entry written as a mapping may say."""

_KEY_WORD = re.compile(r"[a-z_]{1,30}")


@dataclass(frozen=True)
class Subscriber:
    """One entry of the subscribers YAML.

    Attributes:
        address: Where the digest goes (a person's address, or a list's posting address).
        component_ids: The components and groups they hear of; ``None``: everything.
        mailing_list: The address is a mailing list's, which handles unsubscribing.
    """

    address: str
    component_ids: frozenset[str] | None  # None: everything
    mailing_list: bool = False


def read_subscribers(text: str, catalog: Catalog, source: str) -> list[Subscriber]:
    """``address: all``, ``address: [ids]`` or ``address: {list: true, components: [ids]}``.

    Problems name the entry by its position, never by its address.
    """
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        # Only where and what: PyYAML's own message quotes the line, an address.
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or "unreadable"
        raise SettingsError(f"{source}: not YAML{where} ({reason})") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{source}: write one 'address: all' or 'address: [ids]' per line")
    subscribers = []
    for position, (address, wanted) in enumerate(data.items(), start=1):
        if not isinstance(address, str) or "@" not in address or any(c in address for c in "\r\n"):
            raise SettingsError(
                f"{source}: entry {position} is not an email address (addresses are not"
                " printed: check that entry)"
            )
        mailing_list = False
        if isinstance(wanted, dict):
            mailing_list, wanted = _entry_mapping(wanted, source, position)
        component_ids = component_ids_of(wanted, catalog, source, position)
        subscribers.append(Subscriber(address, component_ids, mailing_list))
    return subscribers


def _entry_mapping(entry: dict[object, object], source: str, position: int) -> tuple[bool, object]:
    """``{list: true, components: [ids]}``: whether it is a list, and what it hears of."""
    for key in entry:
        if key not in ENTRY_KEYS:
            # A key is named only when it is a plain word: a misplaced line could be an address.
            shown = f" '{key}'" if isinstance(key, str) and _KEY_WORD.fullmatch(key) else ""
            raise SettingsError(
                f"{source}: entry {position}: unknown key{shown} (an entry's mapping may say"
                " list: true and components: [ids])"
            )
    mailing_list = entry.get("list", False)
    if not isinstance(mailing_list, bool):
        raise SettingsError(f"{source}: entry {position}: list is true or false")
    return mailing_list, entry.get("components", "all")


def component_ids_of(
    wanted: object, catalog: Catalog, source: str, position: int
) -> frozenset[str] | None:
    """``all`` (or nothing): ``None``; otherwise the known component or group ids."""
    if wanted == "all" or wanted is None:
        return None
    ids = [wanted] if isinstance(wanted, str) else wanted
    if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
        raise SettingsError(f"{source}: entry {position}: give 'all' or a list of component ids")
    unknown = [item for item in ids if catalog.get(item) is None]
    if unknown:
        # Only what looks like an id is named: a slip of the pen can put the next
        # subscriber's address or number here, and they are never printed.
        named = [item for item in unknown if SLUG.fullmatch(item)]
        shown = ", ".join(named) if len(named) == len(unknown) else "(not printed)"
        raise SettingsError(
            f"{source}: entry {position}: unknown component {shown}"
            " (ids are listed in components.yml)"
        )
    return frozenset(ids)
