"""Herald as another company gets it: the wheel from the package index, in a fresh folder.

Builds the sdist and the wheel with ``python -m build``, installs the wheel (not this
checkout) into a new virtual environment, and from an empty folder outside this
repository runs ``herald init``, posts an incident and builds the site, as the README's
"Start your own status page" says.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from site_plugin import __version__

from .conftest import NOW_EPOCH, REPO_ROOT
from .test_workflows import tool

PACKAGE_DATA = (
    "site_plugin/templates/herald/home.html",
    "site_plugin/templates/assets/herald/herald.css",
    "site_plugin/locales/de/LC_MESSAGES/herald.po",
    "site_plugin/message_templates/investigating.md",
    "site_plugin/email_templates/digest.html",
    "site_plugin/scaffold/workflows/publish.yml",
    "site_plugin/scaffold/herald-problem-matcher.json",
    "site_plugin/site/embed.js",
)


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO_ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def test_the_wheel_and_the_sdist_carry_everything(distributions: Path) -> None:
    (wheel,) = distributions.glob("herald_status-*.whl")
    (sdist,) = distributions.glob("herald_status-*.tar.gz")
    assert wheel.name == f"herald_status-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"herald_status-{__version__}.dist-info/METADATA").decode()
    for path in PACKAGE_DATA:
        assert path in names, path
    assert f"herald_status-{__version__}.dist-info/licenses/LICENSE" in names
    assert "Classifier: Framework :: MkDocs" in metadata
    assert "Project-URL: Changelog," in metadata
    assert not any(name.startswith(("tests/", "site_plugin/tests")) for name in names)
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for path in (*PACKAGE_DATA, "LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml"):
        assert path in members, path


def test_the_wheel_builds_a_new_company_s_site(distributions: Path, tmp_path: Path) -> None:
    (wheel,) = distributions.glob("herald_status-*.whl")
    environment = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True, timeout=120)
    python = environment / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    work = tmp_path / "empty"
    work.mkdir()
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV") and not key.startswith("HERALD_")
    }
    clean.update(
        PATH=f"{environment / 'bin'}{os.pathsep}{clean.get('PATH', '')}",
        SOURCE_DATE_EPOCH=NOW_EPOCH,
        NO_MKDOCS_2_WARNING="1",
    )

    def run(*command: str, cwd: Path = work) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=cwd, env=clean, capture_output=True, text=True, timeout=300, check=False
        )

    where = run(str(python), "-c", "import site_plugin; print(site_plugin.__file__)")
    assert str(environment) in where.stdout and str(REPO_ROOT) not in where.stdout
    version = run("herald", "--version")
    assert version.stdout.strip() == f"herald {__version__}"
    made = run(
        "herald", "init", "status", "--name", "Northwind status", "--url",
        "https://status.northwind.example/", "--component", "shop=Web shop",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    site = work / "status"
    posted = run(
        "herald", "new", "Checkout is slow", "--component", "shop=degraded_performance", cwd=site
    )
    assert posted.returncode == 0, posted.stderr
    check = run("herald", "check", cwd=site)
    assert check.returncode == 0, check.stdout + check.stderr
    build = run("mkdocs", "build", "--strict", cwd=site)
    assert build.returncode == 0, build.stderr
    home = (site / "site" / "index.html").read_text("utf-8")
    assert "Checkout is slow" in home and "Northwind status" in home
    # The new team's CI lints the workflows it was given.
    assert run("git", "init", "-q", cwd=site).returncode == 0
    lint = run(tool("actionlint"), "-no-color", cwd=site)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    audit = run(tool("zizmor"), "--offline", "--no-progress", str(site / ".github" / "workflows"))
    assert audit.returncode == 0, audit.stdout + audit.stderr
