"""Sending: SMTP for the digest, HTTP for Slack, Discord, generic webhooks and the chat
services (Teams, Google Chat, Mastodon).

Each function either delivers or raises ``DeliveryError`` with what went wrong; the caller
records a delivery in the ledger only when the function returned.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import re
import smtplib
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import parseaddr, parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from .. import __version__
from ..characters import one_line
from ..errors import DeliveryError, SettingsError

ENV_PREFIX = "HERALD_"
LONGEST_RETRY_AFTER = 60.0
"""The longest wait a rate-limited answer (``Retry-After``) is given within a run; a
service that asks for more is left to the next run."""
ANSWER_LIMIT = 1 << 20
"""The most of a chat service's answer that is read (its JSON is a few kilobytes)."""
_T = TypeVar("_T")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    sender: str
    cafile: str | None = None
    timeout: float = 30.0
    rate: float | None = None
    """At most this many messages a second (HERALD_SMTP_RATE), for relays that limit it."""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> SmtpSettings | None:
        """``None`` when email is not configured at all; an error when half configured."""
        host = environ.get("HERALD_SMTP_HOST", "").strip()
        if not host:
            return None
        sender = environ.get("HERALD_SMTP_FROM", "").strip()
        if not sender:
            raise SettingsError(
                "HERALD_SMTP_FROM is not set (the address digests come from,"
                " e.g. Acme status <status@acme.example>)"
            )
        # GitHub Actions passes an unset variable as "": empty means unset, here as for
        # every HERALD_* setting.
        security = environ.get("HERALD_SMTP_SECURITY", "").strip().lower() or "starttls"
        if security not in ("starttls", "ssl", "none"):
            raise SettingsError(f"HERALD_SMTP_SECURITY={security!r} is not starttls, ssl or none")
        default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
        port_text = environ.get("HERALD_SMTP_PORT", "").strip() or str(default_port)
        if not (port_text.isascii() and port_text.isdigit()) or not 0 < int(port_text) < 65536:
            raise SettingsError(f"HERALD_SMTP_PORT={port_text!r} is not a port number")
        user = environ.get("HERALD_SMTP_USER") or None
        password = environ.get("HERALD_SMTP_PASSWORD") or None
        if user and not password:
            raise SettingsError("HERALD_SMTP_PASSWORD is not set (HERALD_SMTP_USER is)")
        timeout_text = environ.get("HERALD_SMTP_TIMEOUT", "").strip() or "30"
        try:
            timeout = float(timeout_text)
        except ValueError:
            raise SettingsError(f"HERALD_SMTP_TIMEOUT={timeout_text!r} is not seconds") from None
        rate_text = environ.get("HERALD_SMTP_RATE", "").strip()
        try:
            rate = float(rate_text) if rate_text else None
        except ValueError:
            rate = -1.0
        if rate is not None and not 0 < rate <= 10_000:
            raise SettingsError(
                f"HERALD_SMTP_RATE={rate_text!r} is not a number of messages a second"
            )
        return cls(
            host,
            int(port_text),
            security,
            user,
            password,
            sender,
            environ.get("HERALD_SMTP_CA_FILE") or None,
            timeout,
            rate,
        )


class SmtpSession:
    """One SMTP connection for many messages, opened when first needed and opened again
    after a failure; a provider counts connections, and a new one per subscriber costs a
    handshake (and a TLS negotiation) each."""

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self._client: smtplib.SMTP | None = None
        self._clock, self._sleep = clock, sleep
        self._next_send: float | None = None

    def _pace(self) -> None:
        """Keep to ``settings.rate`` messages a second, evenly spaced."""
        if self.settings.rate is None:
            return
        now = self._clock()
        if self._next_send is not None and now < self._next_send:
            self._sleep(self._next_send - now)
            now = self._next_send
        self._next_send = now + 1 / self.settings.rate

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        context = ssl.create_default_context(cafile=settings.cafile)
        if settings.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        try:
            if settings.security == "starttls":
                client.starttls(context=context)
            if settings.user and settings.password:
                _login(client, settings.user, settings.password)
        except BaseException:
            client.close()
            raise
        return client

    def send_bytes(self, recipient: str, data: bytes) -> None:
        """Deliver a message already serialised with CRLF line ends, to one recipient."""
        settings = self.settings
        self._pace()
        try:
            if self._client is None:
                self._client = self._connect()
            refused = self._client.sendmail(self.envelope_sender, [recipient], data)
        except smtplib.SMTPAuthenticationError as error:
            self.close()
            raise DeliveryError(f"SMTP login refused: {error.smtp_code}", retry=False) from None
        except UnicodeEncodeError:
            # smtplib writes the envelope in ASCII: an address beyond it cannot be sent to
            # here. Reported for this subscriber alone, and never with the address.
            self._reset()
            raise DeliveryError(
                "the address is not plain ASCII, which this server connection cannot carry",
                retry=False,
            ) from None
        except smtplib.SMTPRecipientsRefused as error:
            self._reset()
            codes = sorted({code for code, _ in error.recipients.values()})
            raise DeliveryError(
                f"the server refused the recipient ({codes})", retry=False
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise DeliveryError(
                f"SMTP {settings.host}:{settings.port}: {_without_addresses(str(error))}",
                retry=True,
            ) from None
        if refused:
            codes = sorted({code for code, _ in refused.values()})
            raise DeliveryError(f"the server refused the recipient ({codes})", retry=False)

    @property
    def envelope_sender(self) -> str:
        """The address of ``HERALD_SMTP_FROM`` (``Kestrel status <status@k.example>``)."""
        return parseaddr(self.settings.sender)[1] or self.settings.sender

    def _reset(self) -> None:
        try:
            if self._client is not None:
                self._client.rset()
        except (smtplib.SMTPException, OSError):
            self.close()


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a refused login is final, retrying it would only lock the account."""
    try:
        client.login(user, password)
    except smtplib.SMTPAuthenticationError as error:
        raise DeliveryError(f"SMTP login refused: {error.smtp_code}", retry=False) from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"SMTP login failed: {error}", retry=False) from None


def post_json(url: str, payload: Any, *, secret: str | None = None, timeout: float = 15) -> None:
    """POST a JSON payload; 2xx is delivered, 4xx is final, 5xx and network errors retry.

    ``timeout`` bounds the whole request, not each read: a receiver that trickles a byte
    every few seconds cannot hold the run.
    """
    _within(timeout, f"{_host(url)}: ", lambda: _post(url, payload, secret, timeout))


def _within(timeout: float, prefix: str, work: Callable[[], _T]) -> _T:
    """``work()``, given up after ``timeout`` seconds in all (it runs in a thread)."""
    answers: list[_T] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            answers.append(work())
        except BaseException as error:  # handed to the caller's thread
            failures.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    if failures:
        raise failures[0]
    if not answers:
        raise DeliveryError(f"{prefix}no complete answer within {timeout:g} s", retry=True)
    return answers[0]


def _post(url: str, payload: Any, secret: str | None, timeout: float) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Herald/{__version__}",
    }
    if secret:
        signature = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        headers["X-Herald-Signature"] = f"sha256={signature}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            # Followed, a redirect turns the POST into a GET without the payload, which a
            # receiver answers 200: recorded as delivered, never delivered.
            raise DeliveryError(
                f"HTTP {error.code} from {_host(url)}: the receiver redirects elsewhere; set"
                " the webhook URL to where it points",
                retry=False,
            ) from None
        detail = one_line(error.read(2000).decode("utf-8", "replace"), 300)
        retry = error.code >= 500 or error.code == 429
        raise DeliveryError(f"HTTP {error.code} from {_host(url)}: {detail}", retry=retry) from None
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"{_host(url)}: {error}", retry=True) from None


SERVICE_REFUSALS = {
    400: "the service refused the message as malformed",
    401: "the service refused the credentials",
    403: "the service refused access",
    404: "not found: the webhook or account is gone, or the URL is wrong",
    413: "the message is too large for the service",
    422: "the service refused the message",
    429: "the service is taking no more messages for now",
}
"""What an error status means, when the service gives no words of its own for it."""


def service_request(
    url: str,
    payload: Any = None,
    *,
    method: str = "POST",
    headers: Mapping[str, str] | None = None,
    timeout: float = 15,
    refusals: Mapping[int, str] | None = None,
    form: Mapping[str, str] | None = None,
) -> bytes:
    """One request to a chat service's API: the answer's body when it is 2xx.

    Unlike ``post_json``, no failure repeats the URL, its host or the answer's body: the
    services hold the secret in the URL (Google Chat's ``key`` and ``token``, a Teams
    workflow's ``sig``) or take a token, and an error answer may echo the request. A
    failure names the HTTP status in words (``refusals``: the service's own words for a
    status); 5xx, 429 and network errors may pass on a retry, and a 429 says how long the
    service asked to be left alone, for ``with_retries``. ``timeout`` bounds the whole
    request, as for ``post_json``.
    """
    body = None if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    sent = {"Accept": "application/json", "User-Agent": f"Herald/{__version__}"}
    if body is not None:
        sent["Content-Type"] = "application/json"
    elif form is not None:
        # Form fields instead of JSON (Twilio's Messages API takes them).
        body = urllib.parse.urlencode(form).encode("ascii")
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    sent.update(headers or {})
    request = urllib.request.Request(url, data=body, headers=sent, method=method)
    return _within(timeout, "", lambda: _exchange(request, timeout, refusals or {}))


def _exchange(
    request: urllib.request.Request, timeout: float, refusals: Mapping[int, str]
) -> bytes:
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return bytes(response.read(ANSWER_LIMIT))
    except urllib.error.HTTPError as error:
        code = error.code
        wait = _asked_wait(error.headers) if code == 429 else None
        error.close()  # unread: the body may echo what was sent
        if 300 <= code < 400:
            # Followed, the POST would become a GET that a service answers 200 to.
            raise DeliveryError(
                f"HTTP {code}: the service redirects elsewhere; set the URL to where it points",
                retry=False,
            ) from None
        words = refusals.get(code) or SERVICE_REFUSALS.get(code)
        words = words or ("the service failed" if code >= 500 else "refused")
        retry = code >= 500 or code == 429
        raise DeliveryError(f"HTTP {code}: {words}", retry=retry, retry_after=wait) from None
    except (urllib.error.URLError, OSError) as error:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        words = _without(str(reason), request.full_url)
        raise DeliveryError(f"the service was not reached ({words})", retry=True) from None
    except http.client.HTTPException as error:
        kind = type(error).__name__
        raise DeliveryError(f"the answer was broken ({kind})", retry=True) from None
    except ValueError as error:
        kind = type(error).__name__
        raise DeliveryError(f"the request could not be made ({kind})", retry=False) from None


def _without(text: str, url: str) -> str:
    """``text`` with every part of ``url`` that could be secret replaced by ``…``."""
    parts = urlsplit(url)
    secrets = [url, parts.netloc, parts.hostname or "", parts.query, parts.path]
    secrets += [value for _, value in parse_qsl(parts.query)]
    for secret in sorted((s for s in secrets if len(s) > 1), key=len, reverse=True):
        text = text.replace(secret, "…")
    return text


def _asked_wait(headers: Message) -> float | None:
    """The seconds a 429 asks to be waited: its ``Retry-After`` (seconds or an HTTP date)
    or, as Mastodon says it, ``X-RateLimit-Reset`` (an ISO 8601 time). A time is measured
    against the answer's own ``Date``, so the clocks of this machine do not matter."""
    retry_after = (headers.get("Retry-After") or "").strip()
    try:
        seconds = float(retry_after)
    except ValueError:
        pass
    else:
        return seconds if 0 <= seconds < float("inf") else None
    if retry_after:
        until = _http_date(retry_after)
    else:
        until = _iso_time((headers.get("X-RateLimit-Reset") or "").strip())
    now = _http_date(headers.get("Date") or "")
    if until is None or now is None:
        return None
    return max(0.0, (until - now).total_seconds())


def _http_date(text: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso_time(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def with_retries(
    attempt: Callable[[], None],
    *,
    tries: int = 3,
    delay: float = 1.0,
    longest_wait: float = LONGEST_RETRY_AFTER,
) -> None:
    """Run ``attempt``; retry what may pass next time, waiting ``delay``, then twice that.

    A failure that says how long to wait (a 429's ``Retry-After``) is waited for that long
    instead, up to ``longest_wait``; one that asks for longer is left to the next run at
    once, since trying again sooner would only be refused again.
    """
    for number in range(1, tries + 1):
        try:
            attempt()
            return
        except DeliveryError as error:
            if not error.retry or number == tries:
                raise
            wait = delay * 2 ** (number - 1)
            if error.retry_after is not None:
                if error.retry_after > longest_wait:
                    raise DeliveryError(
                        f"{error}; it asks to wait {error.retry_after:g} s, longer than a"
                        f" run waits ({longest_wait:g} s)",
                        retry=True,
                        retry_after=error.retry_after,
                    ) from None
                wait = error.retry_after
            time.sleep(wait)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *arguments: Any, **options: Any) -> None:
        return None  # the 3xx reaches the caller as an HTTPError


_OPENER = urllib.request.build_opener(_RefuseRedirects)


_ADDRESS = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")


def _without_addresses(text: str) -> str:
    """A server's words with any email address in them blanked out: a reply often quotes
    the recipient, and the run's report is a log anyone with the repository may read."""
    return _ADDRESS.sub("<address>", text)


def channel_url_problem(url: str) -> str | None:
    """What is wrong with a chat or webhook URL, in words that never repeat it (it is the
    secret): https, or http to this machine (for tests), and nothing else."""
    if any(char.isspace() or ord(char) < 0x20 for char in url):
        return "has white space or a control character in it"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "is not a URL"
    must = "must start with https:// (http:// only to this machine, for tests)"
    if parts.scheme not in ("https", "http"):
        return must
    if not host:
        return "is not an absolute URL (https://...)"
    if parts.scheme == "http" and host not in ("127.0.0.1", "localhost", "::1"):
        return must
    return None


def _host(url: str) -> str:
    return urlsplit(url).hostname or "the webhook"
