"""Page files made ahead: folders and empty files, and never a page that is there already."""

from __future__ import annotations

import stat
from pathlib import Path

from site_plugin.mkdocs_plugin.files_ahead import FilesAhead, remove_if_empty

from ..conftest import StatusRepo, build_site


def made(paths: list[Path]) -> None:
    ahead = FilesAhead(str(path) for path in paths)
    ahead.start()
    ahead.wait()


def test_the_folders_and_empty_files_are_made_with_the_mode_open_gives(tmp_path: Path) -> None:
    pages = [tmp_path / "site" / "incidents" / name / "index.html" for name in ("a", "b")]
    made(pages)
    reference = tmp_path / "reference.html"
    reference.write_bytes(b"")
    for page in pages:
        assert page.read_bytes() == b""
        assert stat.S_IMODE(page.stat().st_mode) == stat.S_IMODE(reference.stat().st_mode)


def test_a_page_written_already_is_left_as_it_is(tmp_path: Path) -> None:
    page = tmp_path / "incidents" / "a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>written</p>", "utf-8")
    made([page, tmp_path / "incidents" / "b" / "index.html"])
    assert page.read_text("utf-8") == "<p>written</p>"
    assert (tmp_path / "incidents" / "b" / "index.html").exists()


def test_a_path_it_cannot_make_stops_it_quietly(tmp_path: Path) -> None:
    (tmp_path / "incidents").write_text("a file where a folder should be", "utf-8")
    made([tmp_path / "incidents" / "a" / "index.html", tmp_path / "b" / "index.html"])
    assert (tmp_path / "incidents").is_file()
    assert not (tmp_path / "b").exists()


def test_waiting_for_one_never_started_returns() -> None:
    FilesAhead(["/nonexistent/index.html"]).wait()


def test_only_an_empty_file_is_removed(tmp_path: Path) -> None:
    empty, written = tmp_path / "empty.html", tmp_path / "written.html"
    empty.write_bytes(b"")
    written.write_bytes(b"<p>page</p>")
    for path in (empty, written, tmp_path / "missing.html"):
        remove_if_empty(str(path), str(tmp_path))
    assert not empty.exists()
    assert written.read_bytes() == b"<p>page</p>"


def test_the_folders_made_for_it_go_with_it_up_to_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    page = site / "incidents" / "a" / "index.html"
    other = site / "incidents" / "b" / "index.html"
    made([page, other])
    other.write_bytes(b"<p>page</p>")
    remove_if_empty(str(page), str(site))
    assert not (site / "incidents" / "a").exists()
    assert other.read_bytes() == b"<p>page</p>"
    remove_if_empty(str(other), str(site))
    assert site.is_dir()


def test_a_blank_herald_page_leaves_no_file(repo: StatusRepo) -> None:
    """A team's override that renders an incident page blank: MkDocs writes no page, and
    the file made ahead for it goes too, so the site has none there, as without Herald."""
    overrides = repo.root / "overrides" / "herald"
    overrides.mkdir(parents=True)
    (overrides / "incident.html").write_text("   \n", "utf-8")
    repo.write(
        "mkdocs.yml",
        "site_name: Test status\nsite_url: https://status.test.example/\n"
        "theme:\n  name: material\n  custom_dir: overrides\nplugins:\n  - search\n  - herald\n",
    )
    result = build_site(repo.root, strict=False)
    assert result.returncode == 0, result.stderr
    assert not (repo.root / "site" / "incidents").exists()
    assert (repo.root / "site" / "index.html").stat().st_size > 0
