"""Message templates: Markdown with blanks, the team's own or Herald's, in Jinja's sandbox.

A template is a file anyone can propose in a pull request, and workflows render it: it
may fill in text, never reach Python, and never be read through a link out of the
repository.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from ..options import path_is_inside

PACKAGE_TEMPLATES = Path(__file__).parent.parent / "message_templates"


class TemplateProblem(Exception):
    """A template that cannot be used, in words, with how to fix it."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


def team_template(root: Path, folder: Path | None, name: str) -> Path | None:
    """The team's ``<folder>/<name>.md`` when there is one (refused when it links out)."""
    if folder is None:
        return None
    own = folder / f"{name}.md"
    if not os.path.lexists(own):
        return None
    if not path_is_inside(root, own):
        raise TemplateProblem(
            f"the message template {own.relative_to(root)} is a link out of the repository",
            "replace the link with the template itself",
        )
    return own


class _InsideLoader(jinja2.FileSystemLoader):
    """Loads templates only from files that really are in the folders it searches: an
    ``{% include %}`` of a link that leads elsewhere (``/proc/self/environ``, a secret
    file) is refused, as the named template itself is."""

    def __init__(self, folders: Sequence[Path]) -> None:
        super().__init__([str(folder) for folder in folders])
        self.folders = [folder.resolve() for folder in folders]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        for folder in self.folders:
            candidate = folder / template
            if os.path.lexists(candidate):
                if not path_is_inside(folder, candidate):
                    raise TemplateProblem(
                        f"the message template {template} is a link out of its folder",
                        "replace the link with the template itself",
                    )
                break
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError:
            raise TemplateProblem(
                f"the message template {template} is not UTF-8 text", "save it as UTF-8"
            ) from None


def render_message(
    folders: Sequence[Path], name: str, context: Mapping[str, Any], *, fallback: bool = True
) -> str:
    """``<name>.md`` from the first of ``folders`` that has it, else Herald's own (when
    ``fallback``), filled in from ``context``."""
    searched = list(folders)
    if fallback:
        searched.append(PACKAGE_TEMPLATES)
    environment = jinja2.sandbox.SandboxedEnvironment(
        loader=_InsideLoader(searched),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown, not HTML: the renderer shows raw HTML as text.
    )
    environment.filters["capitalize_first"] = lambda text: text[:1].upper() + text[1:]
    try:
        template = environment.get_template(f"{name}.md")
    except jinja2.TemplateNotFound:
        available = sorted(path.stem for path in PACKAGE_TEMPLATES.glob("*.md"))
        raise TemplateProblem(
            f"no message template '{name}'", f"use one of: {', '.join(available)}"
        ) from None
    except jinja2.TemplateError as error:
        raise TemplateProblem(f"message template '{name}' failed: {error}") from None
    try:
        return template.render(dict(context)).strip() + "\n"
    except jinja2.TemplateError as error:
        raise TemplateProblem(f"message template '{name}' failed: {error}") from None
    except RecursionError:
        raise TemplateProblem(
            f"message template '{name}' includes itself", "remove the include"
        ) from None
