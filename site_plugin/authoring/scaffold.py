"""A new status repository for another company, and the workflows an existing one upgrades to.

``herald init`` writes what a team needs to publish its own status page from a repository
of its own: the site's configuration, its components, an empty ``incidents/``, a page
about the status page, the three workflows (check, publish, post-update) with the problem
matcher, and a README on posting an update. The workflows come from the same files as
Herald's own repository's (``scaffold/``), differing only in how Herald is installed, so
they never drift; ``herald init --upgrade`` rewrites an existing repository's workflows to
the installed version's and leaves its content alone.

Every value given on the command line is checked with the rules the site's own check
applies, and written quoted, so a name with quotes, colons or markup stays text.
"""

from __future__ import annotations

import difflib
import json
import os
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from .. import __version__
from ..content.catalog_reading import CatalogReading
from ..content.model import ComponentStatus
from ..errors import SettingsError
from ..options import (
    link_url_problem,
    site_name_problem,
    site_url_problem,
    text_setting_problem,
)
from ..present.i18n import (
    LANGUAGES,
    N_,
    Translator,
    language_tag,
    offered_languages,
    translator,
    web_tag,
)
from ..present.labels import component_status_label
from ..schema import OptionProblem, zone
from ..values import ValueProblem

SCAFFOLD = Path(__file__).parent.parent / "scaffold"
INSTALL_MARKER = "@HERALD_INSTALL@"
WORKFLOWS = ("check.yml", "publish.yml", "post-update.yml", "probe.yml", "alert.yml")
PROBLEM_MATCHER = ".github/herald-problem-matcher.json"
REQUIREMENTS = "requirements.txt"
REQUIREMENT_INSTALL = f"-r {REQUIREMENTS}"
"""How a status repository's workflows install Herald: from ``requirements.txt``, which
pins this version (one line to change, which Dependabot can propose, and what
``actions/setup-python`` caches by)."""


def requirement_line(version: str = __version__) -> str:
    return f"herald-status=={version}"


def workflow_files(install: str = REQUIREMENT_INSTALL) -> dict[str, str]:
    """The workflows and the problem matcher, by path, installing Herald with ``install``
    (``pip install`` arguments: ``-e .`` in Herald's own repository)."""
    files = {
        f".github/workflows/{name}": (SCAFFOLD / "workflows" / name)
        .read_text(encoding="utf-8")
        .replace(INSTALL_MARKER, install)
        for name in WORKFLOWS
    }
    files[PROBLEM_MATCHER] = (SCAFFOLD / "herald-problem-matcher.json").read_text(encoding="utf-8")
    return files


@dataclass(frozen=True)
class NewComponent:
    id: str
    name: str
    group: str | None = None


@dataclass(frozen=True)
class NewSite:
    """What ``herald init`` was told about the company's status page."""

    name: str
    url: str
    components: tuple[NewComponent, ...]
    groups: Mapping[str, str]
    language: str
    timezone: str
    support_url: str | None
    started: date
    """The day the status page starts: no history is shown before it."""


def parse_components(
    written: Iterable[str], groups_written: Iterable[str]
) -> tuple[tuple[NewComponent, ...], dict[str, str]]:
    """``--component [GROUP/]ID=NAME`` and ``--group ID=NAME`` as components and groups."""
    groups: dict[str, str] = {}
    for text in groups_written:
        group_id, name = _id_and_name(text, "--group", "ID=NAME, e.g. regions=Regions")
        groups[group_id] = name
    components: list[NewComponent] = []
    for text in written:
        target, name = _id_and_name(
            text, "--component", "[GROUP/]ID=NAME, e.g. api=API or regions/eu=Europe"
        )
        group, _, component_id = target.rpartition("/")
        member_of = _checked_id(group, "--component") if group else None
        if member_of is not None and member_of not in groups:
            groups[member_of] = member_of.replace("-", " ").capitalize()
        components.append(NewComponent(_checked_id(component_id, "--component"), name, member_of))
    if not components:
        components.append(NewComponent("website", "Website"))
    seen: set[str] = set(groups)
    for component in components:
        if component.id in seen:
            raise SettingsError(
                f"--component {component.id}: the id is used twice (make it unique)"
            )
        seen.add(component.id)
    unused = sorted(set(groups) - {component.group for component in components})
    if unused:
        raise SettingsError(
            f"--group {unused[0]}: no component is in it (add --component {unused[0]}/ID=NAME)"
        )
    return tuple(components), groups


def _id_and_name(text: str, option: str, form: str) -> tuple[str, str]:
    target, equals, name = text.partition("=")
    name = name.strip()
    if not equals or not target.strip() or not name:
        raise SettingsError(f"{option} {text!r}: write it as {form}")
    problem = text_setting_problem(name)
    if problem is not None:
        raise SettingsError(f"{option} {text!r}: the name {problem}")
    return target.strip(), name


def _checked_id(value: str, option: str) -> str:
    try:
        return CatalogReading.component_id(value)
    except ValueProblem as problem:
        raise SettingsError(f"{option}: {problem.message} ({problem.fix})") from None


def new_site(
    *,
    name: str | None,
    url: str | None,
    components: tuple[NewComponent, ...],
    groups: Mapping[str, str],
    language: str,
    timezone: str,
    support_url: str | None,
    started: date,
) -> NewSite:
    """The site, every value checked as ``herald check`` and the build would check it."""
    if not name or not name.strip():
        raise SettingsError("--name is missing: the site's name, e.g. --name 'Acme status'")
    if not url or not url.strip():
        raise SettingsError(
            "--url is missing: where the site will live, e.g. --url https://status.acme.example/"
        )
    for option, value, check in (
        ("--name", name, site_name_problem),
        ("--url", url, site_url_problem),
        ("--support-url", support_url, link_url_problem),
    ):
        problem = check(value) if value else None
        if problem is not None:
            raise SettingsError(f"{option}: {problem}")
    # pt_BR as gettext writes it, pt-BR as Material does: both are Brazilian Portuguese.
    chosen = language_tag(language)
    if chosen not in LANGUAGES:
        raise SettingsError(f"--language {language}: Herald speaks {offered_languages()}")
    try:
        zone(timezone)
    except OptionProblem as problem:
        raise SettingsError(f"--timezone: {problem}") from None
    return NewSite(
        name=name.strip(),
        url=url.strip() if url.strip().endswith("/") else url.strip() + "/",
        components=components,
        groups=dict(groups),
        language=chosen,
        timezone=timezone,
        support_url=support_url or None,
        started=started,
    )


def _quoted(value: str) -> str:
    """A YAML scalar that reads back as exactly ``value`` (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


def mkdocs_yml(site: NewSite) -> str:
    t = translator(site.language)
    # The palette toggle's names are the site's own settings, written in its language.
    dark, light = t.gettext("Switch to dark mode"), t.gettext("Switch to light mode")
    support = (
        f"      support_url: {_quoted(site.support_url)}\n"
        if site.support_url
        else "      # support_url: mailto:support@example.com\n"
    )
    return f"""\
# The status site: Material for MkDocs with Herald's plugin. Every Herald option is
# described in Herald's README ("Options"); these are the ones a new site sets.
site_name: {_quoted(site.name)}
site_url: {_quoted(site.url)}

theme:
  name: material
  language: {web_tag(site.language)}
  # No web fonts: the page makes no request to another host.
  font: false
  # Light and dark, as the reader's system prefers; the toggle remembers their choice.
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle:
        icon: material/weather-night
        name: {_quoted(dark)}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle:
        icon: material/weather-sunny
        name: {_quoted(light)}

nav:
  - index.md
  - history.md
  - about.md

plugins:
  - search
  - herald:
      # The zone for times written without an offset, and for the days of the history.
      timezone: {_quoted(site.timezone)}
      # The day this status page started: no bars or uptime before it.
      history_start: {site.started.isoformat()}
      # Where customers get help: a link on every page.
{support}\
      # How email subscribers stop the digest (mailto: or https:); email is sent only
      # once it is set.
      # unsubscribe: mailto:status-unsubscribe@example.com
      # Where readers sign up for email, e.g. a mailing list (see Herald's README).
      # subscribe_email: mailto:status-join@lists.example.com

markdown_extensions:
  - toc:
      permalink: false
  - tables
  - admonition
"""


def components_yml(site: NewSite) -> str:
    entries: list[dict[str, object]] = []
    placed: dict[str, list[dict[str, object]]] = {}
    for component in site.components:
        entry: dict[str, object] = {"id": component.id, "name": component.name}
        if component.group is None:
            entries.append(entry)
            continue
        if component.group not in placed:
            placed[component.group] = []
            entries.append(
                {"id": component.group, "name": site.groups[component.group],
                 "components": placed[component.group]}
            )  # fmt: skip
        placed[component.group].append(entry)
    header = (
        "# What customers depend on, in the order the status page shows it. Each entry has\n"
        "# an id (used in incidents and URLs: never change it) and a name; a group lists its\n"
        "# own components. Optional: description, since (the day it went live), and for\n"
        "# monitoring a probe (probe: https://example.com/health, run every 5 minutes by the\n"
        "# probe workflow) and alert labels (alerts: {service: web}).\n"
    )
    body = yaml.safe_dump({"components": entries}, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def _paragraph(text: str) -> str:
    """A Markdown paragraph wrapped to a readable width (a sentence without spaces, as in
    Japanese, stays one line)."""
    return textwrap.fill(text, width=90, break_long_words=False, break_on_hyphens=False)


_STATUS_MEANINGS = (
    (ComponentStatus.OPERATIONAL, N_("Everything works as usual.")),
    (ComponentStatus.DEGRADED_PERFORMANCE, N_("It works, but more slowly than usual.")),
    (ComponentStatus.PARTIAL_OUTAGE, N_("Some requests or some customers fail.")),
    (ComponentStatus.MAJOR_OUTAGE, N_("It does not work for most customers.")),
    (ComponentStatus.UNDER_MAINTENANCE, N_("Planned work announced in advance.")),
)


def about_md(site: NewSite) -> str:
    """The page about the status page, in the site's language: the team's page from then
    on, to change as it likes."""
    t: Translator = translator(site.language)
    # Texts are translated outside the f-strings: the catalogue tools do not look inside.
    title = t.gettext("About this page")
    intro = t.gettext(
        "This page says whether our services are working, and what we are doing when they are not."
    )
    meanings = t.gettext("What the statuses mean")
    heading, noticed = t.gettext("Status"), t.gettext("What you will notice")
    rows = "".join(
        f"| {component_status_label(t, status)} | {t.gettext(meaning)} |\n"
        for status, meaning in _STATUS_MEANINGS
    )
    when = t.gettext("When we post")
    posting = t.gettext(
        "When something goes wrong we post a first update as soon as we know, and we say"
        " when the next update will come. Maintenance is announced ahead of time with its"
        " window."
    )
    times = t.gettext("All times are shown in UTC; with JavaScript on, in your own time zone.")
    support = ""
    if site.support_url and site.support_url.startswith(("http://", "https://")):
        link = f"<{site.support_url}>"
        contact = t.gettext(
            "If something does not work for you and it is not listed here, contact us: %(link)s.",
            link=link,
        )
        support = f"\n{_paragraph(contact)}\n"
    return f"""\
# {title}

{_paragraph(intro)}

## {meanings}

| {heading} | {noticed} |
|---|---|
{rows}
## {when}

{_paragraph(posting)}

{_paragraph(times)}
{support}"""


def readme_md(site: NewSite) -> str:
    return f"""\
# {site.name}

The status page at {site.url}, built by [Herald](https://pypi.org/project/herald-status/)
from this repository: `components.yml` lists what customers depend on, and every
incident, maintenance and notice is a folder in `incidents/`, one file per update.

## Posting an update

Install Herald once (Python 3.11 or later):

    python -m pip install -r requirements.txt

Then, from this folder:

    herald new "Elevated error rates on sign-in" --component {site.components[0].id}=partial_outage
    herald update <incident-id> --status identified -m "We found the cause and are fixing it."
    herald resolve <incident-id> -m "Fixed. Everything works as usual again."
    herald check

Each command writes one file and prints it. Open a pull request with it: the check
workflow says on the pull request what customers will see, and merging publishes the
site within a minute or two (the publish workflow), then tells subscribers.

Scheduled maintenance: `herald new "Database upgrade" --kind maintenance --start ...
--end ...`. Times without an offset are read in {site.timezone}.

## Setting up publishing

1. Push this repository to GitHub.
2. Settings → Pages → Source: GitHub Actions.
3. Settings → Environments: the publish workflow deploys from `github-pages` and sends
   notifications from `notifications`; add the secrets there (HERALD_SMTP_HOST and the
   other HERALD_* settings in Herald's README, "Notifications"). Unset secrets mean "not
   configured".
4. Upgrading Herald: install the new version (`python -m pip install -U herald-status`)
   and run `herald init --upgrade`: it pins that version in `requirements.txt`, brings
   the workflows to that version's, prints what changed, and leaves the content alone.

## Monitoring drafts, people publish

Give a component a `probe:` in `components.yml` and the probe workflow checks it every 5
minutes; after a few failures in a row it opens a draft pull request with the incident
already written and the evidence beside it. Read it, correct it, merge it. Alerts from
Grafana or Alertmanager do the same through the alert workflow (Herald's README,
"From monitoring to a draft incident"). Allow GitHub Actions to create pull requests
(Settings → Actions → General → Workflow permissions). On a private repository, probing
every 5 minutes costs about 8,640 Actions minutes a month: probe less often, or remove
`.github/workflows/probe.yml` if you do not use it.
"""


GITIGNORE = """\
.venv/
__pycache__/
/site/
.herald-ledger/
.herald-probes/
# A subscriber list in the clear must never be committed (see Herald's README).
/subscribers.yml
"""


def repository_files(site: NewSite) -> dict[str, str]:
    """Every file of the new repository, by path."""
    files = {
        "mkdocs.yml": mkdocs_yml(site),
        "components.yml": components_yml(site),
        "incidents/.gitkeep": "",
        "docs/about.md": about_md(site),
        "README.md": readme_md(site),
        ".gitignore": GITIGNORE,
        REQUIREMENTS: requirement_line() + "\n",
    }
    files.update(workflow_files())
    return files


def in_the_way(root: Path, paths: Iterable[str]) -> list[str]:
    """The paths (and the folders they need) that something already occupies, or that
    would be reached through a link."""
    found = []
    for path in paths:
        target = root / path
        if target.exists() or target.is_symlink():
            found.append(path)
            continue
        for parent in Path(path).parents:
            folder = root / parent
            if parent != Path(".") and (
                folder.is_symlink() or (folder.exists() and not folder.is_dir())
            ):
                found.append(str(parent))
                break
    return sorted(set(found))


def write_file(root: Path, path: str, text: str, *, replace: bool = False) -> None:
    """Write ``path`` under ``root``, never through a link (a folder or the file itself)
    and never over a file unless ``replace``; any failure is a ``SettingsError``."""
    target = root / path
    try:
        folder = root
        for part in Path(path).parent.parts:
            folder = folder / part
            if folder.is_symlink():
                raise SettingsError(
                    f"{folder.relative_to(root)} is a link: Herald writes only into the"
                    " repository's own folders (replace the link with a folder)"
                )
            folder.mkdir(exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        flags |= os.O_TRUNC if replace else os.O_EXCL
        descriptor = os.open(target, flags, 0o644)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as error:
        raise SettingsError(f"cannot write {path}: {error.strerror or error}") from None


def write_files(root: Path, files: Mapping[str, str]) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SettingsError(f"cannot create {root}: {error.strerror or error}") from None
    for path, text in files.items():
        write_file(root, path, text)


def _read_existing(root: Path, path: str) -> str:
    """What the repository has at ``path`` ("" when nothing), never through a link."""
    target = root / path
    if target.is_symlink():
        raise SettingsError(f"{path} is a link: replace it with the file itself")
    if not target.exists():
        return ""
    if not target.is_file():
        raise SettingsError(f"{path} is not a file: move it away")
    try:
        return target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"cannot read {path}: {error}") from None


def upgraded_workflows(root: Path) -> dict[str, tuple[str, str]]:
    """Per workflow file that would change: (what the repository has, this version's)."""
    changed = {}
    for path, text in workflow_files().items():
        current = _read_existing(root, path)
        if current != text:
            changed[path] = (current, text)
    wanted = requirement_line()
    current = _read_existing(root, REQUIREMENTS)
    lines = current.splitlines()
    kept = [line for line in lines if not line.strip().startswith("herald-status")]
    upgraded = "\n".join([wanted, *kept]) + "\n"
    if upgraded != current:
        changed[REQUIREMENTS] = (current, upgraded)
    return changed


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )
