"""Sending: SMTP for the digest, HTTP for Slack, Discord and generic webhooks.

Each function either delivers or raises ``DeliveryError`` with what went wrong; the caller
records a delivery in the ledger only when the function returned.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from .. import __version__
from ..characters import one_line
from ..errors import DeliveryError, SettingsError

ENV_PREFIX = "HERALD_"


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
                f"SMTP {settings.host}:{settings.port}: {error}", retry=True
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
    outcome: list[BaseException | None] = []
    worker = threading.Thread(
        target=_post_catching, args=(url, payload, secret, timeout, outcome), daemon=True
    )
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise DeliveryError(f"{_host(url)}: no complete answer within {timeout:g} s", retry=True)
    if outcome[0] is not None:
        raise outcome[0]


def _post_catching(
    url: str, payload: Any, secret: str | None, timeout: float, outcome: list[BaseException | None]
) -> None:
    try:
        _post(url, payload, secret, timeout)
    except BaseException as error:  # handed to the caller's thread
        outcome.append(error)
    else:
        outcome.append(None)


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


def with_retries(attempt: Callable[[], None], *, tries: int = 3, delay: float = 1.0) -> None:
    """Run ``attempt``; retry what may pass next time, waiting ``delay``, then twice that."""
    for number in range(1, tries + 1):
        try:
            attempt()
            return
        except DeliveryError as error:
            if not error.retry or number == tries:
                raise
            time.sleep(delay * 2 ** (number - 1))


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *arguments: Any, **options: Any) -> None:
        return None  # the 3xx reaches the caller as an HTTPError


_OPENER = urllib.request.build_opener(_RefuseRedirects)


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
