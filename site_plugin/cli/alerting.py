"""``herald relay-alerts``: Alertmanager's alerts to GitHub, as ``herald-alert`` dispatches.

The settings come from the command line (where to listen, which repository) and the
environment (the token, GitHub's API, the shared secret); the relay itself is
``monitor.relay``. It runs until SIGTERM or SIGINT, then finishes the POSTs under way.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import signal
import sys
import threading
from collections.abc import Mapping
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from ..errors import SettingsError
from ..monitor.relay import AlertRelay, Forward, Log, RelaySettings
from ..notify.delivery import service_request
from .common import EXIT_OK, say

DEFAULT_LISTEN = "127.0.0.1:9095"
DEFAULT_API = "https://api.github.com"
GITHUB_TIMEOUT = 10.0
"""Seconds GitHub gets to take a dispatch: Alertmanager gives a notification 10 s at least,
then tries again."""
SHORTEST_SECRET = 16
REPOSITORY = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})")
GITHUB_REFUSALS = {
    401: "GitHub refused the token (HERALD_GITHUB_TOKEN)",
    403: "GitHub refused: the token may not create events on the repository (it needs"
    " Contents: read and write), or a rate limit was hit",
    404: "GitHub found no such repository, or the token may not see it",
    422: "GitHub refused the event as invalid",
}
"""GitHub's answers, in words that never repeat the token or what was sent."""


def run_relay(arguments: argparse.Namespace) -> int:
    """``herald relay-alerts``: relay until told to stop."""
    relay = open_relay(arguments.listen, arguments.repository, os.environ, _log)
    stopping = threading.Event()
    signals: list[str] = []

    def stop(number: int, frame: FrameType | None) -> None:
        signals.append(signal.Signals(number).name)
        stopping.set()

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        relay.serve_in_thread()
        secured = "with the bearer token" if relay.settings.shared_secret else "from anyone here"
        _log(
            f"herald relay-alerts: listening on {relay.url} for Alertmanager ({secured}),"
            f" sending to {relay.settings.repository}"
        )
        stopping.wait()
    finally:
        relay.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
    _log(f"herald relay-alerts: stopped ({signals[0] if signals else 'done'})")
    return EXIT_OK


def open_relay(listen: str, repository: str, environ: Mapping[str, str], log: Log) -> AlertRelay:
    """The relay, listening, with its settings read and checked; not yet answering.

    Raises:
        SettingsError: A setting is missing or wrong, or the address cannot be listened on.
    """
    host, port = listen_address(listen)
    owner, name = repository_name(repository)
    token = environ.get("HERALD_GITHUB_TOKEN", "").strip()
    if not token:
        raise SettingsError(
            "HERALD_GITHUB_TOKEN is not set: the relay needs a fine-grained token with"
            f" Contents: read and write on {owner}/{name} to create its dispatch events"
        )
    if _unprintable(token):
        raise SettingsError("HERALD_GITHUB_TOKEN has white space or a control character in it")
    api = environ.get("GITHUB_API_URL", "").strip() or DEFAULT_API
    problem = api_url_problem(api)
    if problem:
        raise SettingsError(f"GITHUB_API_URL {problem}")
    secret = environ.get("HERALD_RELAY_TOKEN", "") or None
    if secret is not None and (_unprintable(secret) or len(secret) < SHORTEST_SECRET):
        raise SettingsError(
            f"HERALD_RELAY_TOKEN must be at least {SHORTEST_SECRET} printable characters"
            " without spaces (e.g. the output of: openssl rand -hex 32)"
        )
    if secret is None and not is_loopback(host):
        raise SettingsError(
            f"--listen {listen} can be reached from other machines: set HERALD_RELAY_TOKEN"
            " (and Alertmanager's http_config.authorization.credentials to the same), or"
            " listen on 127.0.0.1"
        )
    settings = RelaySettings(host, port, f"{owner}/{name}", secret)
    forward = github_forwarder(f"{api.rstrip('/')}/repos/{owner}/{name}/dispatches", token)
    try:
        return AlertRelay(settings, forward, log)
    except OSError as error:
        raise SettingsError(f"cannot listen on {listen}: {error.strerror or error}") from None


def github_forwarder(dispatch_url: str, token: str) -> Forward:
    """Sends a dispatch request body to GitHub; ``DeliveryError`` when it was not taken."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }

    def forward(body: Mapping[str, Any]) -> None:
        service_request(
            dispatch_url,
            dict(body),
            headers=headers,
            timeout=GITHUB_TIMEOUT,
            refusals=GITHUB_REFUSALS,
        )

    return forward


def listen_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:9095`` for IPv6) → (host, port).

    Raises:
        SettingsError: It is not an address and a port.
    """
    host, colon, port = text.strip().rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not colon or not host or not (port.isascii() and port.isdigit()) or int(port) > 65535:
        raise SettingsError(f"--listen {text}: give HOST:PORT, e.g. {DEFAULT_LISTEN} or [::1]:9095")
    return host, int(port)


def repository_name(text: str) -> tuple[str, str]:
    """``OWNER/NAME`` → (owner, name).

    Raises:
        SettingsError: It is not a GitHub repository's name.
    """
    match = REPOSITORY.fullmatch(text.strip())
    if match is None or match.group(2) in (".", ".."):
        raise SettingsError(f"--repository {text}: give OWNER/NAME, e.g. acme/status")
    return match.group(1), match.group(2)


def api_url_problem(url: str) -> str | None:
    """What is wrong with GitHub's API address: ``https``, or ``http`` to this machine."""
    if _unprintable(url):
        return "has white space or a control character in it"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("https", "http") or not host:
        return f"'{url}' is not an https:// address"
    if parts.scheme == "http" and not is_loopback(host):
        return f"'{url}' would carry the token unencrypted: use https://"
    if parts.query or parts.fragment or parts.username is not None:
        return f"'{url}' has a query, fragment or user name, which an API address has not"
    return None


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _unprintable(text: str) -> bool:
    return any(char.isspace() or not char.isprintable() or not char.isascii() for char in text)


def _log(line: str) -> None:
    say(line)
    sys.stdout.flush()
