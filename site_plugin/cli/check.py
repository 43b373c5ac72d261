"""``herald check``: validate everything, report every problem at once."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime

from ..authoring.checks import overdue_warnings
from ..content.model import StatusSite
from ..content.probe_store import read_probe_results
from ..content.update_names import update_name_warnings
from ..engine.measured import reading_span
from ..errors import SettingsError
from ..notify.lifecycle import TeamWords
from ..notify.subscribers import read_subscribers
from ..options import path_is_inside
from ..present.urls import page_problems
from ..problems import Problem
from .common import EXIT_OK, EXIT_PROBLEMS, count, load_or_report, print_problems, settings_name
from .settings import Settings


def run(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald check``: validate everything, report every problem at once."""
    site = load_or_report(settings, now)
    if site is None:
        return EXIT_PROBLEMS
    unpublishable = page_problems(
        site,
        settings.layout,
        history_days=settings.history_days,
        config_name=settings_name(arguments),
    )
    if settings.docs_dir is not None and not (settings.root / settings.docs_dir).is_dir():
        # mkdocs build stops at once without it, and git keeps no empty folder, so a
        # fresh clone (what CI gets) would not build although this folder does.
        unpublishable.append(
            Problem(
                settings_name(arguments),
                1,
                f"the docs folder '{settings.docs_dir}' does not exist, and MkDocs needs it",
                f"add {settings.docs_dir}/about.md (a page about the status page), or an empty"
                f" {settings.docs_dir}/.gitkeep",
            )
        )
    unpublishable += _probe_result_problems(settings, site, now)
    if unpublishable:
        print_problems(unpublishable, sys.stdout)
        return EXIT_PROBLEMS
    words = TeamWords(settings.root, settings.root / settings.message_templates)
    broken = [
        Problem(str(path.relative_to(settings.root)), 1, problem, "fix the template")
        for path, problem in words.problems()
    ]
    if broken:
        print_problems(broken, sys.stdout)
        return EXIT_PROBLEMS
    warnings = [
        *update_name_warnings(site, settings.zone),
        *overdue_warnings(site, now, settings.stale_after, settings.announce_ahead),
    ]
    if not settings.unsubscribe and _emails_people(settings, site):
        warnings.append(
            Problem(
                settings_name(arguments),
                1,
                "subscribers are set but the unsubscribe option is not: herald notify emails"
                " nobody until every digest can say how to stop them",
                "set unsubscribe to a mailto: address or an https: URL",
            )
        )
    for warning in warnings:
        print(f"{warning} [warning]")
    components = len(site.catalog.components)
    print(
        f"Checked {count(components, 'component')} and"
        f" {count(len(site.incidents), 'incident')}: no problems"
        f"{', ' + count(len(warnings), 'warning') if warnings else ''}."
    )
    return EXIT_PROBLEMS if warnings and arguments.strict else EXIT_OK


def _probe_result_problems(settings: Settings, site: StatusSite, now: datetime) -> list[Problem]:
    """What the build would refuse in the probe results: the same files, the same words."""
    component_ids = [component.id for component in site.catalog.components]
    _, problems = read_probe_results(
        settings.root, settings.probe_results, component_ids, *reading_span(now)
    )
    return problems


def _emails_people(settings: Settings, site: StatusSite) -> bool:
    """Whether a subscriber is set who is a person, not a mailing list (a list brings its
    own unsubscribe). Subscribers that cannot be read count as people: ``herald notify``
    says what is wrong with them."""
    text = os.environ.get("HERALD_SUBSCRIBERS", "")
    if not text and settings.subscribers:
        path = settings.root / settings.subscribers
        if not path_is_inside(settings.root, path):
            return True
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return True
    if not text:
        return False
    try:
        subscribers = read_subscribers(text, site.catalog, "the subscribers")
    except SettingsError:
        return True
    return any(not subscriber.mailing_list for subscriber in subscribers)
