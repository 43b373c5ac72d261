"""``herald init``: another company's status repository, from nothing to a site that builds.

End to end: the real command writes the repository, then the real ``herald check``,
``mkdocs build --strict``, actionlint and zizmor run on it, as the new team's CI would.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from site_plugin import __version__
from site_plugin.authoring.scaffold import workflow_files
from site_plugin.present.i18n import LANGUAGES

from ..conftest import REPO_ROOT, build_site, run_herald
from ..test_workflows import tool

ACME = (
    "--name",
    "Acme status",
    "--url",
    "https://status.acme.example/",
    "--component",
    "api=Public API",
    "--component",
    "dashboard=Dashboard",
    "--component",
    "regions/eu=Europe (Frankfurt)",
    "--component",
    "regions/us=United States",
    "--group",
    "regions=Regions",
    "--support-url",
    "https://help.acme.example/",
)


def init(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return run_herald(root.parent, "init", str(root), *arguments)


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("acme") / "status"
    result = init(root, *ACME)
    assert result.returncode == 0, result.stderr
    return root


def test_the_new_repository_checks_and_builds(acme: Path) -> None:
    check = run_herald(acme, "check", "--strict")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Checked 4 components and 0 incidents: no problems." in check.stdout
    build = build_site(acme)
    assert build.returncode == 0, build.stderr
    home = BeautifulSoup((acme / "site" / "index.html").read_text("utf-8"), "html.parser")
    assert "All Systems Operational" in home.get_text(" ")
    names = [name.get_text(strip=True) for name in home.select(".herald-component__name")]
    assert names[:3] == ["Public API", "Dashboard", "Regions"]
    assert (acme / "site" / "about" / "index.html").is_file()
    # History starts the day the page started: no days claimed before it, in any label.
    uptime = home.select_one(".herald-component__uptime")
    assert uptime is not None
    assert uptime.get_text(" ", strip=True) == "100.00% uptime since 25 Nov 2026"
    component = BeautifulSoup(
        (acme / "site" / "components" / "api" / "index.html").read_text("utf-8"), "html.parser"
    )
    headings = [term.get_text(strip=True) for term in component.select(".herald-uptime dt")]
    assert headings == ["Uptime since 25 Nov 2026"]
    bars = home.select(".herald-component")[0].select(".herald-bar")
    assert len(bars) == 90
    assert all(
        "herald-bar--none" in bar["class"] or "no data" in bar.get_text() for bar in bars[:-1]
    )


def test_the_new_repository_has_what_a_team_needs(acme: Path) -> None:
    for path in (
        "mkdocs.yml",
        "components.yml",
        "incidents/.gitkeep",
        "docs/about.md",
        "README.md",
        ".gitignore",
        "requirements.txt",
        ".github/workflows/check.yml",
        ".github/workflows/publish.yml",
        ".github/workflows/post-update.yml",
        ".github/herald-problem-matcher.json",
    ):
        assert (acme / path).is_file(), path
    config = yaml.load((acme / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    schemes = [entry["scheme"] for entry in config["theme"]["palette"]]
    assert schemes == ["default", "slate"], "light and dark"
    herald = next(plugin["herald"] for plugin in config["plugins"] if isinstance(plugin, dict))
    assert herald["history_start"] == "2026-11-25", "the day init ran"
    assert herald["support_url"] == "https://help.acme.example/"
    assert (acme / "requirements.txt").read_text("utf-8") == f"herald-status=={__version__}\n"
    readme = (acme / "README.md").read_text("utf-8")
    assert "## Posting an update" in readme
    assert "herald new " in readme and "--component api=partial_outage" in readme


def test_nothing_of_the_example_is_in_it(acme: Path) -> None:
    for path in acme.rglob("*"):
        if path.is_file() and "site" not in path.relative_to(acme).parts:
            assert "kestrel" not in path.read_text("utf-8").lower(), path


def test_the_workflows_lint_clean(acme: Path, tmp_path: Path) -> None:
    root = tmp_path / "repository"
    subprocess.run(["cp", "-r", str(acme), str(root)], check=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    lint = subprocess.run(
        [tool("actionlint"), "-no-color"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    audit = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", str(root / ".github" / "workflows")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_the_workflows_are_herald_s_own_but_for_the_install_line(acme: Path) -> None:
    for path in (".github/workflows/check.yml", ".github/workflows/publish.yml"):
        ours = (REPO_ROOT / path).read_text("utf-8").splitlines()
        theirs = (acme / path).read_text("utf-8").splitlines()
        assert len(ours) == len(theirs)
        different = [(a, b) for a, b in zip(ours, theirs, strict=True) if a != b]
        assert different, path
        assert all(
            a.strip() == "run: python -m pip install -e ."
            and b.strip() == "run: python -m pip install -r requirements.txt"
            for a, b in different
        ), different


def test_a_first_incident_posts_and_publishes(acme: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(acme), str(root)], check=True)
    new = run_herald(
        root, "new", "Sign-in fails for some customers", "--component", "dashboard=partial_outage"
    )
    assert new.returncode == 0, new.stderr
    assert run_herald(root, "check").returncode == 0
    build = build_site(root)
    assert build.returncode == 0, build.stderr
    home = (root / "site" / "index.html").read_text("utf-8")
    assert "Sign-in fails for some customers" in home


def test_init_never_overwrites(tmp_path: Path) -> None:
    root = tmp_path / "status"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Ours\n", "utf-8")
    (root / "docs" / "about.md").write_text("# Ours\n", "utf-8")
    result = init(root, *ACME)
    assert result.returncode == 2
    assert "nothing was written" in result.stderr
    assert "  mkdocs.yml" in result.stderr and "  docs/about.md" in result.stderr
    assert (root / "mkdocs.yml").read_text("utf-8") == "site_name: Ours\n"
    assert sorted(path.name for path in root.rglob("*")) == ["about.md", "docs", "mkdocs.yml"]


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (("--name", "Acme status"), "--url is missing"),
        (("--url", "https://status.acme.example/"), "--name is missing"),
        (("--name", "A", "--url", "javascript:alert(1)"), "--url"),
        (("--name", "A", "--url", "https://s.example/#top"), "a fragment"),
        (("--name", "A", "--url", "https://u:p@s.example/"), "user name or password"),
        (("--name", "<b>Acme</b>", "--url", "https://s.example/"), "--name"),
        (("--name", "A", "--url", "https://s.example/", "--component", "API=Api"), "usable id"),
        (("--name", "A", "--url", "https://s.example/", "--component", "api"), "ID=NAME"),
        (
            ("--name", "A", "--url", "https://s.example/", "--language", "xx"),
            "en, de, fr, es, pt_BR and ja",
        ),
        (("--name", "A", "--url", "https://s.example/", "--timezone", "Mars/Base"), "time zone"),
    ],
)
def test_init_refuses_what_the_site_would_refuse(
    tmp_path: Path, arguments: tuple[str, ...], said: str
) -> None:
    root = tmp_path / "status"
    result = init(root, *arguments)
    assert result.returncode != 0
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert not root.exists()


def test_a_name_with_quotes_and_colons_stays_text(tmp_path: Path) -> None:
    root = tmp_path / "status"
    name = "Acme: status # live"
    component = 'API: "v2" # & <more>'
    result = init(
        root, "--name", name, "--url", "https://s.example/", "--component", f"api={component}"
    )
    assert result.returncode == 0, result.stderr
    config = yaml.load((root / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    assert config["site_name"] == name
    components = yaml.safe_load((root / "components.yml").read_text("utf-8"))
    assert components["components"][0]["name"] == component
    assert run_herald(root, "check").returncode == 0


#: A new site in each language, started on 1 December 2026: Material's name for the
#: language, the palette toggle's names, the about page's heading and first status, the
#: headline, and the component row's uptime since the first day.
NEW_SITES = {
    "de": (
        "de",
        ["Zum dunklen Modus wechseln", "Zum hellen Modus wechseln"],
        "Über diese Seite",
        "Betriebsbereit",
        "Alle Systeme betriebsbereit",
        "100,00\xa0% Verfügbarkeit seit 1. Dez. 2026",
    ),
    "fr": (
        "fr",
        ["Passer au mode sombre", "Passer au mode clair"],
        "À propos de cette page",
        "Opérationnel",
        "Tous les systèmes sont opérationnels",
        "100,00\xa0% de disponibilité depuis le 1 déc. 2026",
    ),
    "es": (
        "es",
        ["Cambiar al modo oscuro", "Cambiar al modo claro"],
        "Acerca de esta página",
        "Operativo",
        "Todos los sistemas operativos",
        "100,00\xa0% de disponibilidad desde el 1 dic 2026",
    ),
    "pt_BR": (
        "pt-BR",
        ["Mudar para o modo escuro", "Mudar para o modo claro"],
        "Sobre esta página",
        "Operacional",
        "Todos os sistemas operacionais",
        "100,00% de disponibilidade desde 1 de dez. de 2026",
    ),
    "ja": (
        "ja",
        ["ダークモードに切り替え", "ライトモードに切り替え"],
        "このページについて",
        "正常",
        "すべてのシステムが正常に稼働しています",
        "2026年12月1日以降の稼働率：100.00%",
    ),
}
DECEMBER_FIRST = "1796126400"
"""2026-12-01 12:00 UTC."""


def test_every_language_has_a_new_site_test() -> None:
    assert sorted(NEW_SITES) == sorted(language for language in LANGUAGES if language != "en")


@pytest.mark.parametrize(
    ("argument", "language"),
    [
        ("de", "de"),
        ("fr", "fr"),
        ("es", "es"),
        ("pt_BR", "pt_BR"),
        # The form Material names its language by.
        ("pt-BR", "pt_BR"),
        ("ja", "ja"),
    ],
)
def test_a_site_in_each_language(tmp_path: Path, argument: str, language: str) -> None:
    theme_language, toggles, about_title, first_status, headline, uptime = NEW_SITES[language]
    root = tmp_path / "status"
    result = run_herald(
        tmp_path,
        "init",
        str(root),
        "--name",
        "Acme",
        "--url",
        "https://s.example/",
        "--support-url",
        "https://help.acme.example/",
        "--language",
        argument,
        epoch=DECEMBER_FIRST,
    )
    assert result.returncode == 0, result.stderr
    config = yaml.load((root / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    assert config["theme"]["language"] == theme_language
    assert [entry["toggle"]["name"] for entry in config["theme"]["palette"]] == toggles
    about = (root / "docs" / "about.md").read_text("utf-8")
    assert about.startswith(f"# {about_title}\n")
    assert f"| {first_status} |" in about
    assert "<https://help.acme.example/>" in about
    check = run_herald(root, "check", "--strict", epoch=DECEMBER_FIRST)
    assert check.returncode == 0, check.stdout + check.stderr
    build = build_site(root, epoch=DECEMBER_FIRST)
    assert build.returncode == 0, build.stderr
    home = BeautifulSoup((root / "site" / "index.html").read_text("utf-8"), "html.parser")
    banner = home.select_one(".herald-banner__status")
    assert banner is not None and " ".join(banner.get_text().split()) == headline
    row = home.select_one(".herald-component__uptime")
    assert row is not None and row.get_text(strip=True) == uptime
    page = BeautifulSoup((root / "site" / "about" / "index.html").read_text("utf-8"), "html.parser")
    assert page.h1 is not None and page.h1.get_text(strip=True) == about_title


def test_the_help_names_every_language(tmp_path: Path) -> None:
    result = run_herald(tmp_path, "init", "--help")
    assert result.returncode == 0, result.stderr
    help_text = " ".join(result.stdout.split())
    assert f"{', '.join(LANGUAGES[:-1])} or {LANGUAGES[-1]} (default: en)" in help_text


def test_upgrade_rewrites_the_workflows_and_leaves_the_content(acme: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(acme), str(root)], check=True)
    publish = root / ".github/workflows/publish.yml"
    publish.write_text(publish.read_text("utf-8") + "# our own edit\n", "utf-8")
    (root / "requirements.txt").write_text("herald-status==0.0.1\nrequests\n", "utf-8")
    components = (root / "components.yml").read_text("utf-8") + "# our own note\n"
    (root / "components.yml").write_text(components, "utf-8")
    result = run_herald(root, "init", "--upgrade")
    assert result.returncode == 0, result.stderr
    assert "-herald-status==0.0.1" in result.stdout
    assert f"+herald-status=={__version__}" in result.stdout
    assert "a/.github/workflows/publish.yml" in result.stdout
    assert publish.read_text("utf-8") == workflow_files()[".github/workflows/publish.yml"]
    assert (root / "requirements.txt").read_text("utf-8") == (
        f"herald-status=={__version__}\nrequests\n"
    )
    assert (root / "components.yml").read_text("utf-8") == components
    again = run_herald(root, "init", "--upgrade")
    assert again.returncode == 0 and "already this version's" in again.stdout


def test_upgrade_needs_a_status_repository(tmp_path: Path) -> None:
    result = run_herald(tmp_path, "init", "--upgrade")
    assert result.returncode != 0
    assert "has no mkdocs.yml" in result.stderr


def test_init_never_writes_through_a_link(tmp_path: Path) -> None:
    root = tmp_path / "status"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root.mkdir()
    (root / "docs").symlink_to(elsewhere)
    result = init(root, *ACME)
    assert result.returncode == 2 and "  docs" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_upgrade_never_writes_through_a_link(acme: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(acme), str(root)], check=True)
    elsewhere = tmp_path / "elsewhere"
    (root / ".github").rename(elsewhere)
    (root / ".github").symlink_to(elsewhere)
    (elsewhere / "workflows" / "check.yml").write_text("# ours\n", "utf-8")
    result = run_herald(root, "init", "--upgrade")
    assert result.returncode != 0 and "is a link" in result.stderr
    assert "Traceback" not in result.stderr
    assert (elsewhere / "workflows" / "check.yml").read_text("utf-8") == "# ours\n"


def test_a_name_beyond_the_basic_plane_builds(tmp_path: Path) -> None:
    root = tmp_path / "status"
    result = init(root, "--name", "Acme 🚀 status", "--url", "https://s.example/")
    assert result.returncode == 0, result.stderr
    build = build_site(root)
    assert build.returncode == 0, build.stderr
    assert "Acme 🚀 status" in (root / "site" / "index.html").read_text("utf-8")
