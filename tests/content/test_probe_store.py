"""The probe results store on a real folder: what goes in comes out, in time order, once;
a damaged file is a problem on its path, never a traceback, and nothing leads out."""

from __future__ import annotations

import os
import random
import zlib
from array import array
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from site_plugin.content.measurements import U32, Outcome, ProbeResult, ProbeSeries, epoch_seconds
from site_plugin.content.probe_store import (
    MAGIC,
    MAX_RESULTS,
    ProbeStore,
    decode,
    encode,
    read_probe_results,
)
from site_plugin.errors import ContentError

START = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
FIX = "(restore it from the probe results branch's history, or delete it)"


def every_five_minutes(start: datetime, count: int, latency: int = 120) -> list[ProbeResult]:
    return [
        ProbeResult(start + timedelta(minutes=5 * index), Outcome.UP, 200, latency + index)
        for index in range(count)
    ]


@pytest.fixture
def store(tmp_path: Path) -> ProbeStore:
    return ProbeStore(tmp_path / ".herald-probes", name=".herald-probes")


def problems_of(store: ProbeStore, component_id: str = "api") -> list[str]:
    found, problems = store.read([component_id], START - timedelta(days=400), START)
    assert component_id not in found
    return [str(problem) for problem in problems]


def test_what_goes_in_comes_out(store: ProbeStore) -> None:
    results = [
        ProbeResult(START, Outcome.UP, 200, 87, detail="fine"),
        ProbeResult(START + timedelta(minutes=5), Outcome.SLOW, 200, 4_100),
        ProbeResult(START + timedelta(minutes=10), Outcome.WRONG_STATUS, 503, 35),
        ProbeResult(START + timedelta(minutes=15), Outcome.TIMEOUT),
        ProbeResult(START + timedelta(minutes=20), Outcome.TLS, None, None),
        ProbeResult(START + timedelta(minutes=25), Outcome.UP, 204, 0),
    ]
    assert store.append("api", results) == 6
    series = store.series("api", START, START + timedelta(hours=1))
    # The detail is evidence for a draft, not kept: everything else is.
    assert series.results() == [
        ProbeResult(result.at, result.outcome, result.status_code, result.latency_ms)
        for result in results
    ]
    assert store.latest("api", 2) == series.results()[-2:]
    assert store.component_ids() == ["api"]
    assert sorted(path.name for path in (store.folder / "api").iterdir()) == ["2026-11.probes"]


def test_a_fresh_store_reads_as_empty(store: ProbeStore) -> None:
    assert store.component_ids() == []
    assert len(store.series("api", START - timedelta(days=90), START)) == 0
    assert store.latest("api", 10) == []
    assert store.read(["api"], START - timedelta(days=90), START) == ({}, [])


def test_series_takes_since_and_leaves_until(store: ProbeStore) -> None:
    store.append("api", every_five_minutes(START, 12))
    series = store.series("api", START + timedelta(minutes=10), START + timedelta(minutes=30))
    assert [result.at for result in series.results()] == [
        START + timedelta(minutes=minutes) for minutes in (10, 15, 20, 25)
    ]


def test_results_are_kept_in_time_order_whatever_order_they_come_in(store: ProbeStore) -> None:
    results = every_five_minutes(START, 10)
    store.append("api", [results[index] for index in (7, 2, 9, 0)])
    # Later runs may bring earlier results (a retried run, a merged branch).
    store.append("api", [results[index] for index in (5, 1, 8, 3, 6, 4)])
    assert store.series("api", START, START + timedelta(hours=1)).results() == results
    data = (store.folder / "api" / "2026-11.probes").read_bytes()
    assert decode(data, (2026, 11)).results() == results


def test_a_result_at_a_moment_already_stored_is_stored_once(store: ProbeStore) -> None:
    first = ProbeResult(START, Outcome.UP, 200, 100)
    again = ProbeResult(START + timedelta(microseconds=400_000), Outcome.TIMEOUT)
    assert store.append("api", [first, again, first]) == 1
    path = store.folder / "api" / "2026-11.probes"
    written = path.read_bytes()
    modified = path.stat().st_mtime_ns
    assert store.append("api", [again]) == 0
    assert path.read_bytes() == written and path.stat().st_mtime_ns == modified
    assert store.append("api", [again, ProbeResult(START + timedelta(minutes=5), Outcome.UP)]) == 1
    assert store.latest("api", 5) == [first, ProbeResult(START + timedelta(minutes=5), Outcome.UP)]


def test_months_are_files_of_their_own_and_read_across(store: ProbeStore) -> None:
    new_year = datetime(2027, 1, 1, tzinfo=UTC)
    results = every_five_minutes(new_year - timedelta(minutes=15), 6)
    results.append(ProbeResult(datetime(2027, 3, 2, 8, tzinfo=UTC), Outcome.REFUSED))
    store.append("api", results)
    assert store.months("api") == [(2026, 12), (2027, 1), (2027, 3)]
    assert (
        decode((store.folder / "api/2026-12.probes").read_bytes(), (2026, 12)).results()
        == (results[:3])
    )
    # The last second of a month belongs to it; its first (results[3]) to the next.
    edge = [ProbeResult(new_year - timedelta(seconds=1), Outcome.UP, 200, 1)]
    store.append("api", edge)
    december = decode((store.folder / "api/2026-12.probes").read_bytes(), (2026, 12))
    assert december.results() == [*results[:3], *edge]
    january = decode((store.folder / "api/2027-01.probes").read_bytes(), (2027, 1))
    assert january.results()[0] == results[3]
    assert store.series("api", new_year, new_year + timedelta(seconds=1)).results() == [results[3]]
    everything = store.series(
        "api", datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC)
    )
    assert everything.results() == sorted([*results, *edge], key=lambda result: result.at)
    # Newest last, from the newest months back: three files for five results.
    assert store.latest("api", 5) == everything.results()[-5:]
    assert store.latest("api", 100) == everything.results()
    assert store.latest("api", 0) == []


def test_times_with_another_offset_are_the_same_moments(store: ProbeStore) -> None:
    berlin = START.astimezone(timezone(timedelta(hours=1)))
    store.append("api", [ProbeResult(berlin, Outcome.UP, 200, 5)])
    assert store.latest("api", 1)[0].at == START


def test_what_a_store_cannot_hold_is_refused(store: ProbeStore) -> None:
    with pytest.raises(ValueError, match="no time zone"):
        store.append("api", [ProbeResult(datetime(2026, 11, 25, 10, 0), Outcome.UP)])  # noqa: DTZ001
    with pytest.raises(ValueError, match="not an HTTP status code"):
        store.append("api", [ProbeResult(START, Outcome.UP, 70_000, 5)])
    with pytest.raises(ValueError, match="latency"):
        store.append("api", [ProbeResult(START, Outcome.UP, 200, -1)])
    assert not store.folder.exists()


@pytest.mark.parametrize("component_id", ["../outside", "api/../../x", "", ".git", "API", "a\nb"])
def test_component_ids_are_slugs_so_none_leads_out(store: ProbeStore, component_id: str) -> None:
    with pytest.raises(ValueError, match="is not a component id"):
        store.append(component_id, every_five_minutes(START, 1))
    with pytest.raises(ValueError, match="is not a component id"):
        store.series(component_id, START, START + timedelta(hours=1))
    assert not store.folder.exists()


def write_month(store: ProbeStore, data: bytes, month: str = "2026-11") -> Path:
    path = store.folder / "api" / f"{month}.probes"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def valid_month() -> bytes:
    return encode(ProbeSeries.of(every_five_minutes(START, 50)))


def test_a_file_cut_short_is_a_problem_on_its_path(store: ProbeStore) -> None:
    data = valid_month()
    for length in (len(data) - 1, len(data) // 2, 12, 6, 4):
        write_month(store, data[:length])
        [problem] = problems_of(store)
        assert problem.startswith(".herald-probes/api/2026-11.probes:1: ")
        assert "is cut short" in problem or "not a probe results file" in problem, problem
        assert problem.endswith(FIX)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: b"PK\x03\x04" + data[4:], "is not a probe results file (it does not start"),
        (lambda data: data[:4] + b"\x02" + data[5:], "is a probe results file of version 2"),
        (lambda data: data[:5] + b"garbage" + data[12:], "its compressed data cannot be read"),
        (lambda data: data[:-6] + bytes(b ^ 0x55 for b in data[-6:-4]) + data[-4:], "damaged"),
        (lambda data: data + b"\x00", "has bytes after its end"),
        (lambda data: b"", "is not a probe results file"),
    ],
    ids=["another format", "another version", "garbage", "flipped bits", "trailing", "empty"],
)
def test_a_damaged_file_is_a_problem_on_its_path(
    store: ProbeStore, damage: Any, message: str
) -> None:
    write_month(store, damage(valid_month()))
    [problem] = problems_of(store)
    assert problem.startswith(".herald-probes/api/2026-11.probes:1: "), problem
    assert message in problem
    # The same problem stops a run from appending on top of it, and the file stays.
    before = (store.folder / "api/2026-11.probes").read_bytes()
    with pytest.raises(ContentError) as caught:
        store.append("api", every_five_minutes(START + timedelta(days=1), 1))
    assert [str(found) for found in caught.value.problems] == [problem]
    assert (store.folder / "api/2026-11.probes").read_bytes() == before


def test_a_file_whose_body_is_wrong_is_a_problem(store: ProbeStore) -> None:
    body = zlib.decompress(valid_month()[5:])
    count = int.from_bytes(body[:4], "little")
    # Two results at one second: the deltas must grow.
    unordered = bytearray(body)
    unordered[12 + 1] = 0  # the second delta's low byte
    unordered[12 + count + 1] = 0  # ... and its next byte
    cases = {
        "is damaged: its results are not in time order": bytes(unordered),
        "is damaged: it says it holds 0 results": (0).to_bytes(4, "little") + body[4:],
        "is damaged: it holds fewer than the 50 results it says": body[:-1],
        "is damaged: it holds more than the 50 results it says": body + b"\x00",
    }
    outcome = bytearray(body)
    outcome[12 + 4 * count] = 42
    cases["has a result with outcome 42, which this Herald does not know"] = bytes(outcome)
    for message, damaged in cases.items():
        write_month(store, MAGIC + b"\x01" + zlib.compress(damaged))
        [problem] = problems_of(store)
        assert message in problem, problem


def test_a_file_of_another_month_is_a_problem(store: ProbeStore) -> None:
    write_month(store, valid_month(), "2026-10")
    assert problems_of(store) == [
        ".herald-probes/api/2026-10.probes:1: holds results outside 2026-10, the month its name"
        f" says {FIX}"
    ]


@pytest.mark.parametrize("first", [2**63 - 1, 2**63 - 10, -(2**63)])
def test_times_at_the_ends_of_64_bits_are_a_problem_not_a_crash(
    store: ProbeStore, first: int
) -> None:
    body = bytearray(zlib.decompress(valid_month()[5:]))
    body[4:12] = first.to_bytes(8, "little", signed=True)
    write_month(store, MAGIC + b"\x01" + zlib.compress(bytes(body)))
    assert problems_of(store) == [
        ".herald-probes/api/2026-11.probes:1: holds results outside 2026-11, the month its name"
        f" says {FIX}"
    ]


def test_a_small_file_cannot_make_the_build_read_millions_of_results(store: ProbeStore) -> None:
    # A result every second of November: 2.6 million results in some 30 KB of zlib.
    count = 30 * 24 * 3600
    low = epoch_seconds(datetime(2026, 11, 1, tzinfo=UTC))
    every_second = ProbeSeries(
        array("q", range(low, low + count)),
        array("B", bytes(count)),
        array("H", [200]) * count,
        array(U32, [100]) * count,
    )
    data = encode_unchecked(every_second)
    assert len(data) < 64 * 1024
    write_month(store, data)
    assert problems_of(store) == [
        ".herald-probes/api/2026-11.probes:1: is damaged: it says it holds 2,592,000 results"
        f" (at most {MAX_RESULTS:,}, one a minute on average, are read) {FIX}"
    ]


def test_a_month_is_not_written_beyond_what_a_month_file_holds(store: ProbeStore) -> None:
    low = datetime(2026, 11, 1, tzinfo=UTC)
    results = [ProbeResult(low + timedelta(seconds=s), Outcome.UP, 200, 5) for s in range(3)]
    store.append("api", results)
    before = (store.folder / "api/2026-11.probes").read_bytes()
    many = [
        ProbeResult(low + timedelta(seconds=10 + s), Outcome.UP, 200, 5) for s in range(MAX_RESULTS)
    ]
    with pytest.raises(ContentError) as caught:
        store.append("api", many)
    assert [str(problem) for problem in caught.value.problems] == [
        f".herald-probes/api/2026-11.probes:1: would hold more than {MAX_RESULTS:,} results,"
        " one a minute on average, which is more than a month file holds (probe at most once"
        " a minute)"
    ]
    assert (store.folder / "api/2026-11.probes").read_bytes() == before


def encode_unchecked(series: ProbeSeries) -> bytes:
    """A month file as ``encode`` writes it, for as many results as a test likes."""
    header = len(series).to_bytes(4, "little") + series.at[0].to_bytes(8, "little", signed=True)
    deltas = array(U32, [0]) + array(
        U32, [b - a for a, b in zip(series.at, series.at[1:], strict=False)]
    )
    columns = (deltas, series.outcome, series.status_code, series.latency_ms)
    body = header + b"".join(shuffled(column) for column in columns)
    return MAGIC + b"\x01" + zlib.compress(body, 9)


def shuffled(values: array[int]) -> bytes:
    raw = values.tobytes()
    return b"".join(raw[plane :: values.itemsize] for plane in range(values.itemsize))


def test_a_month_that_is_not_a_file_is_a_problem(store: ProbeStore) -> None:
    (store.folder / "api" / "2026-11.probes").mkdir(parents=True)
    assert problems_of(store) == [
        f".herald-probes/api/2026-11.probes:1: is not a regular file {FIX}"
    ]


def test_links_out_of_the_folder_are_refused(store: ProbeStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "2026-11.probes").write_bytes(valid_month())
    (store.folder / "api").mkdir(parents=True)
    os.symlink(outside / "2026-11.probes", store.folder / "api" / "2026-11.probes")
    assert problems_of(store) == [
        ".herald-probes/api/2026-11.probes:1: is a link to a place outside the probe results"
        " folder (keep the results in the folder itself: replace the link with the file)"
    ]
    os.symlink(outside, store.folder / "web")
    assert store.component_ids() == ["api"]
    assert problems_of(store, "web") == [
        ".herald-probes/web:1: is a link to a place outside the probe results folder (keep the"
        " results in the folder itself: replace the link with the folder)"
    ]
    with pytest.raises(ContentError, match="is a link to a place outside"):
        store.append("web", every_five_minutes(START, 1))
    assert sorted(path.name for path in outside.iterdir()) == ["2026-11.probes"]
    # A link inside the folder is the folder's own.
    os.symlink(store.folder / "api", store.folder / "api-copy")
    assert store.component_ids() == ["api", "api-copy"]


def test_a_folder_that_cannot_be_listed_is_a_problem(
    store: ProbeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.append("api", every_five_minutes(START, 1))
    listing = os.scandir

    def refused(path: Any) -> Any:
        if Path(path).name == "api":
            raise PermissionError(13, "Permission denied")
        return listing(path)

    monkeypatch.setattr(os, "scandir", refused)
    assert problems_of(store) == [
        ".herald-probes/api:1: cannot be read: Permission denied (check its permissions)"
    ]


def test_a_missing_folder_means_no_results_silently(tmp_path: Path) -> None:
    since, until = START - timedelta(days=90), START
    assert read_probe_results(tmp_path, ".herald-probes", ["api"], since, until) == ({}, [])


def test_the_folder_itself_must_be_a_folder_in_the_repository(tmp_path: Path) -> None:
    since, until = START - timedelta(days=90), START
    root = tmp_path / "repo"
    root.mkdir()
    (root / "probes").write_text("not a folder", encoding="utf-8")
    _, problems = read_probe_results(root, "probes", ["api"], since, until)
    assert [str(problem) for problem in problems] == [
        "probes:1: the probe results folder is a file, not a folder (remove the file, or set"
        " probe_results to the folder of the results)"
    ]
    os.symlink(tmp_path, root / ".herald-probes")
    _, problems = read_probe_results(root, ".herald-probes", ["api"], since, until)
    assert [str(problem) for problem in problems] == [
        ".herald-probes:1: the probe results folder is a link to a place outside the repository"
        " (check out the probe results branch into the folder itself)"
    ]


def test_every_problem_is_reported_at_once_and_the_rest_is_read(store: ProbeStore) -> None:
    store.append("web", every_five_minutes(START, 3))
    write_month(store, b"broken", "2026-11")
    (store.folder / "sms").mkdir()
    (store.folder / "sms" / "2026-10.probes").write_bytes(b"")
    found, problems = store.read(
        ["api", "sms", "web", "dashboard"], START - timedelta(days=60), START + timedelta(days=1)
    )
    assert list(found) == ["web"] and len(found["web"]) == 3
    assert [problem.path for problem in problems] == [
        ".herald-probes/api/2026-11.probes",
        ".herald-probes/sms/2026-10.probes",
    ]


def test_files_the_build_does_not_need_are_not_read(store: ProbeStore) -> None:
    write_month(store, b"broken", "2025-01")
    assert store.read(["api"], START - timedelta(days=90), START) == ({}, [])


def test_a_failed_write_leaves_the_month_as_it_was(
    store: ProbeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.append("api", every_five_minutes(START, 2))
    before = (store.folder / "api/2026-11.probes").read_bytes()

    def full_disk(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        store.append("api", every_five_minutes(START + timedelta(hours=1), 2))
    assert (store.folder / "api/2026-11.probes").read_bytes() == before
    assert sorted(path.name for path in (store.folder / "api").iterdir()) == ["2026-11.probes"]


def test_names_that_are_not_the_stores_are_left_alone(store: ProbeStore) -> None:
    store.append("api", every_five_minutes(START, 2))
    (store.folder / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")
    (store.folder / "README.md").write_text("Probe results.\n", encoding="utf-8")
    (store.folder / "Not A Slug").mkdir()
    (store.folder / "api" / "notes.txt").write_text("", encoding="utf-8")
    (store.folder / "api" / "2026-13.probes").write_bytes(b"")
    assert store.component_ids() == ["api"]
    assert store.months("api") == [(2026, 11)]
    assert len(store.series("api", START, START + timedelta(days=1))) == 2


def test_a_year_of_results_is_compact(store: ProbeStore) -> None:
    # Five-minute runs that start a little late, with noisy latency: about 2.5 bytes each.
    rng = random.Random(7)
    results = []
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    while moment < datetime(2027, 1, 1, tzinfo=UTC):
        late = timedelta(seconds=min(int(rng.lognormvariate(4.5, 0.6)), 240))
        latency = int(rng.lognormvariate(5, 0.25))
        results.append(ProbeResult(moment + late, Outcome.UP, 200, latency))
        moment += timedelta(minutes=5)
    assert store.append("api", results) == len(results)
    size = sum(path.stat().st_size for path in (store.folder / "api").iterdir())
    assert size / len(results) < 3.0
    assert store.latest("api", len(results)) == results
