"""Broken and hostile files never crash the loader: each is reported as a problem."""

from __future__ import annotations

import pytest

from ..conftest import INCIDENT, StatusRepo

UPDATE = f"{INCIDENT}/2026-11-20T1410Z-investigating.md"

BILLION_LAUGHS = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "at: *g\n"
    "---\nText.\n"
)


HOSTILE = {
    "binary file": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        [f"{UPDATE}:1: the file is binary, not text (remove it or save it as UTF-8 text)"],
    ),
    "empty file": (
        b"",
        [
            f"{UPDATE}:1: the file does not start with front matter (begin the file with a line"
            " '---', the YAML settings, then another '---')"
        ],
    ),
    "empty front matter": (
        b"---\n---\nText.\n",
        [f"{UPDATE}:1: the front matter is empty (add the required settings)"],
    ),
    "not UTF-8": (
        "---\nat: 2026-11-20T14:10:00Z\nstatus: investigating\n---\nCaf\xe9 down.\n".encode(
            "latin-1"
        ),
        [f"{UPDATE}:5: the file is not valid UTF-8 text (save it as UTF-8)"],
    ),
    "YAML bomb": (
        BILLION_LAUGHS.encode(),
        [
            f"{UPDATE}:2: YAML anchors and aliases (& and *) are not supported"
            " (write the value out in full)"
        ],
    ),
    "deeply nested flow YAML": (
        ("---\nat: " + "[" * 5000 + "]" * 5000 + "\n---\nText.\n").encode(),
        [f"{UPDATE}:2: YAML nested more than 20 levels deep (flatten it)"],
    ),
    "deeply nested block YAML": (
        (
            "---\n" + "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(200)) + "---\nT.\n"
        ).encode(),
        [f"{UPDATE}:23: YAML nested more than 20 levels deep (flatten it)"],
    ),
    "ten megabytes": (
        b"---\nat: 2026-11-20T14:10:00Z\nstatus: investigating\n---\n" + b"x" * 10_000_000,
        [
            f"{UPDATE}:1: the file is 9.5 MiB, over the 1 MiB limit for content files"
            " (keep each file to a page of text; link to large material instead)"
        ],
    ),
    "python tag": (
        b"---\nat: !!python/object/apply:os.system ['echo pwned']\nstatus: investigating\n"
        b"---\nText.\n",
        [
            f"{UPDATE}:2: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not"
            " supported (remove the '!' tag; only plain YAML is read)"
        ],
    ),
    "a list where text belongs": (
        b"---\nat: [2026, 11, 20]\nstatus: investigating\n---\nText.\n",
        [
            f"{UPDATE}:2: 'at': a list is not a timestamp (write it as ISO 8601, e.g."
            " 2026-11-20 14:10, read in UTC; or with its offset, 2026-11-20T14:10:00Z)"
        ],
    ),
    "a mapping as a key": (
        b"---\n? {a: 1}\n: value\nat: 2026-11-20T14:10:00Z\n---\nText.\n",
        [f"{UPDATE}:2: a key is not a name (keys are words such as 'title' or 'at')"],
    ),
    "two YAML documents in front matter": (
        b"---\nat: 2026-11-20T14:10:00Z\n...\nstatus: investigating\n---\nText.\n",
        [f"{UPDATE}:2: 'status' is missing (add 'status: investigating')"],
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_update_file_is_reported_not_raised(repo: StatusRepo, name: str) -> None:
    data, expected = HOSTILE[name]
    repo.write(UPDATE, data)
    assert repo.problems() == expected


def test_hostile_components_file(repo: StatusRepo) -> None:
    repo.write("components.yml", BILLION_LAUGHS.replace("---\n", "").replace("Text.\n", ""))
    problems = repo.problems()
    assert problems[0] == (
        "components.yml:1: YAML anchors and aliases (& and *) are not supported"
        " (write the value out in full)"
    )


def test_byte_order_mark_and_windows_line_endings_are_read(repo: StatusRepo) -> None:
    repo.write(
        UPDATE,
        "\ufeff---\r\nat: 2026-11-20T14:10:00Z\r\nstatus: investigating\r\n---\r\n"
        "Text.\r\n".encode(),
    )
    site = repo.load()
    assert site.incidents[0].updates[0].message == "Text."


def test_a_folder_named_like_a_file_is_not_an_update(repo: StatusRepo) -> None:
    (repo.root / INCIDENT / "draft.md").mkdir()
    site = repo.load()
    assert [update.id for update in site.incidents[0].updates] == [
        "2026-11-20T1410Z-investigating",
        "2026-11-20T1500Z-resolved",
    ]
