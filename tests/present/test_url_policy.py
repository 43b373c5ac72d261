"""One URL policy, reading URLs as a browser does: every disguise of a script link is seen."""

from __future__ import annotations

import pytest

from site_plugin.notify.digest import unsubscribe_headers
from site_plugin.options import (
    link_url_problem,
    repository_path_problem,
    site_name_problem,
    unsubscribe_problem,
    url_layout_problem,
)
from site_plugin.url_policy import browser_reading, is_allowed_url, url_scheme

from ..hostile import SAFE_TARGETS, SCRIPT_TARGETS


@pytest.mark.parametrize("target", SCRIPT_TARGETS)
def test_every_disguise_of_a_script_link_is_refused(target: str) -> None:
    assert not is_allowed_url(target.strip("<>"))


@pytest.mark.parametrize("target", SAFE_TARGETS)
def test_web_mail_phone_and_relative_links_are_kept(target: str) -> None:
    assert is_allowed_url(target)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("java&#x09;script&colon;alert(1)", "javascript:alert(1)"),
        ("  \x01javascript:x", "javascript:x"),
        ("javascript&amp;colon;x", "javascript:x"),
        ("%256A", "j"),
        ("https://a.example/x y", "https://a.example/x y"),
    ],
)
def test_urls_are_read_through_every_layer_of_encoding(written: str, read: str) -> None:
    assert browser_reading(written) == read


def test_schemes_compare_without_case_and_relative_urls_have_none() -> None:
    assert url_scheme("HTTPS://A.EXAMPLE/") == "https"
    assert url_scheme("/a:b") is None
    assert url_scheme("?q=a:b") is None
    assert url_scheme("a:b") == "a"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("javascript:alert(1)", "must be an absolute URL starting with http:, https:, mailto:"),
        ("java\tscript:alert(1)", "has white space, a line break or a control character"),
        ("https://help.example/\r\nBcc: all@example.com", "has white space, a line break"),
        ('https://help.example/"onmouseover=', 'cannot stand in a URL (<, >, " or `)'),
        ("help/", "must be an absolute URL"),
    ],
)
def test_support_url_refuses_what_is_not_a_plain_link(value: str, problem: str) -> None:
    reason = link_url_problem(value)
    assert reason is not None and problem in reason


def test_unsubscribe_is_mailto_or_https() -> None:
    assert unsubscribe_problem("mailto:leave@example.com") is None
    assert unsubscribe_problem("https://example.com/leave?list=status") is None
    assert unsubscribe_problem("http://example.com/leave") is not None
    assert unsubscribe_problem("mailto:a@example.com\r\nBcc: b@example.com") is not None
    # It goes into an email header as it is: ASCII only, and short enough for one line.
    assert "not ASCII" in (unsubscribe_problem("https://exämple.com/leave") or "")
    assert unsubscribe_problem("https://xn--exmple-cua.com/leave") is None
    assert "longer than" in (unsubscribe_problem("https://example.com/" + "a" * 900) or "")
    # Written as mail clients read it: a lower-case scheme, and no subscriber of its own.
    assert "lower case" in (unsubscribe_problem("HTTPS://example.com/leave") or "")
    assert "lower case" in (unsubscribe_problem("%68ttps://example.com/leave") or "")
    assert "Herald adds" in (unsubscribe_problem("https://example.com/leave?subscriber=x") or "")


def test_the_subscriber_token_is_added_to_the_query_as_written() -> None:
    headers = dict(unsubscribe_headers("https://e.example/leave?next=/a/b:c&flag#top", "ab12"))
    assert headers["List-Unsubscribe"] == (
        "<https://e.example/leave?next=/a/b:c&flag&subscriber=ab12#top>"
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert dict(unsubscribe_headers("https://e.example/leave", "ab12"))["List-Unsubscribe"] == (
        "<https://e.example/leave?subscriber=ab12>"
    )
    assert unsubscribe_headers("mailto:leave@e.example", "ab12") == [
        ("List-Unsubscribe", "<mailto:leave@e.example>")
    ]


@pytest.mark.parametrize(
    "layout",
    [
        "../escaped-{id}/",
        "incidents/../../{id}/",
        "incidents//{id}/",
        "./{id}/",
        "a\\{id}/",
        "incidents/{id}/../../x/",
        "inc%2e%2e/{id}/",
        "incidents/{id}?x/",
        "c:/{id}/",
    ],
)
def test_no_url_layout_can_leave_the_site_folder(layout: str) -> None:
    assert url_layout_problem(layout, ("id",)) is not None


def test_plain_layouts_are_accepted() -> None:
    assert url_layout_problem("status/{id}/", ("id",)) is None
    assert url_layout_problem("history/{year}-{month:02d}/", ("year", "month")) is None
    assert url_layout_problem("history/", ()) is None


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.yml", "a/../../b", "C:\\x", ""])
def test_content_paths_stay_in_the_repository(path: str) -> None:
    assert repository_path_problem(path) is not None


def test_site_names_with_markup_are_refused_and_ordinary_ones_kept() -> None:
    assert site_name_problem('Acme"><script>alert(1)</script>') is not None
    assert site_name_problem("Acme\u202estatus") is not None
    assert site_name_problem("Smith & Co's status") is None
