"""Microsoft Teams, Google Chat and Mastodon: one message per incident with news.

Each service is a ``connect`` function of the environment, the site and the request
timeout. It reads the service's settings and checks them, so that a wrong or half-given
setting is a ``SettingsError`` that fails this channel alone, and returns how to tell the
service of one incident's news (``Send``), or ``None`` when the channel is off (its
variables unset or empty). Every message is in the site's language and says the latest
status, the title, the first line of the latest update and the link.

Content reaches every service as the plain text it is, whatever it holds:

- **Teams**: the Adaptive Card carries all text in ``TextRun`` elements, which Teams does
  not read as Markdown (a ``TextBlock`` would make ``[x](url)`` a link and ``**x**``
  bold); the card's ``{{DATE(...)}}`` functions are broken apart.
- **Google Chat**: the card's text is HTML-escaped (cards read a few HTML tags); the
  message's ``text`` has a markup with no escape, so each markup character is set apart.
- **Mastodon**: no ``@`` or ``#`` of content can mention anyone or make a hashtag, and
  the status is cut at a word to the instance's character limit.

No setting's value, URL, token or answer body is ever part of an error: the URLs are the
secrets (Google Chat's ``key`` and ``token``, a Teams workflow's ``sig``).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..characters import one_line
from ..errors import DeliveryError, SettingsError
from ..present.context import SiteContext
from ..present.i18n import N_
from ..present.labels import update_label
from .delivery import channel_url_problem, service_request
from .digest import Pending

Send = Callable[[Pending], None]
"""Tells one service of one incident's news; raises ``DeliveryError`` when it did not."""
Connect = Callable[[Mapping[str, str], SiteContext, float], Send | None]
"""The environment, the site and the request timeout → how to send (``None``: off)."""

READ_MORE = N_("Read this on the status page")
"""The button under the Teams and Google Chat cards (the feeds' words for the link)."""

# -- Microsoft Teams ----------------------------------------------------------------------

TEAMS_URL = "HERALD_TEAMS_WEBHOOK_URL"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
_TEAMS_REFUSED = (
    "the workflow refused the request (turned off, or it lets only some people trigger"
    " it: set 'Who can trigger the flow' to Anyone)"
)
TEAMS_REFUSALS = {
    400: "the workflow refused the message as malformed",
    401: _TEAMS_REFUSED,
    403: _TEAMS_REFUSED,
    404: "the workflow is gone (create it again and store its new URL)",
    429: "the workflow is throttled",
}


def teams_payload(site: SiteContext, item: Pending) -> dict[str, Any]:
    """A Workflows webhook message with one Adaptive Card: the headline, who and when, the
    latest update's first line, and a button to the incident's page."""
    t = site.translator
    incident, latest = item.incident, item.updates[-1]
    status = update_label(t, incident, latest)
    body = [
        _card_text(f"{status}: {one_line(incident.title)}", size="Medium", weight="Bolder"),
        _card_text(f"{one_line(site.name)} · {t.utc_text(latest.at)}", isSubtle=True),
    ]
    line = _first_line(latest.message, 2000)
    if line:
        body.append(_card_text(line))
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": body,
        "actions": [
            {
                "type": "Action.OpenUrl",
                "title": t.gettext(READ_MORE),
                "url": site.incident_link(incident.id),
            }
        ],
    }
    return {
        "type": "message",
        "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}],
    }


def _card_text(text: str, **style: Any) -> dict[str, Any]:
    """One line of plain text for an Adaptive Card.

    A ``TextRun`` inside a ``RichTextBlock``: unlike a ``TextBlock``, Teams reads no
    Markdown in it, so links, emphasis and lists of content stay text. The card still
    replaces ``{{DATE(...)}}`` and ``{{TIME(...)}}`` in text; a word joiner between the
    braces leaves them as written.
    """
    run = {"type": "TextRun", "text": text.replace("{{", "{\u2060{"), **style}
    return {"type": "RichTextBlock", "inlines": [run]}


def connect_teams(environ: Mapping[str, str], site: SiteContext, timeout: float) -> Send | None:
    url = _webhook_url(environ, TEAMS_URL)
    if url is None:
        return None

    def send(item: Pending) -> None:
        # A workflow answers 202 once it has queued the run: a card that never shows
        # is in the workflow's run history, not here.
        payload = teams_payload(site, item)
        service_request(url, payload, timeout=timeout, refusals=TEAMS_REFUSALS)

    return send


# -- Google Chat --------------------------------------------------------------------------

GOOGLE_CHAT_URL = "HERALD_GOOGLE_CHAT_WEBHOOK_URL"
GOOGLE_CHAT_HOST = "chat.googleapis.com"
_GOOGLE_CHAT_REFUSED = (
    "Google Chat refused the webhook's key or token (deleted, or the URL is cut short)"
)
GOOGLE_CHAT_REFUSALS = {
    400: "Google Chat refused the message as malformed",
    401: _GOOGLE_CHAT_REFUSED,
    403: _GOOGLE_CHAT_REFUSED,
    404: "the space or its webhook is gone (create the webhook again)",
    429: "Google Chat takes about one message a second per space",
}
_SPACE_MESSAGES = re.compile(r"/v1/spaces/[^/]+/messages")
_CHAT_MARKUP = re.compile(r"([*_~`<])")
WORD_JOINER = "\u2060"


def google_chat_payload(site: SiteContext, item: Pending) -> dict[str, Any]:
    """A ``text`` line (what notifications show) and a card: the site and the time, the
    title and the latest update's first line, and a button to the incident's page. Every
    update of an incident goes to one thread (``threadKey``)."""
    t = site.translator
    incident, latest = item.incident, item.updates[-1]
    status = update_label(t, incident, latest)
    title = one_line(incident.title)
    paragraph = f"<b>{html.escape(title)}</b>"
    line = _first_line(latest.message, 2000)
    if line:
        paragraph += f"<br>{html.escape(line)}"
    button = {
        "text": t.gettext(READ_MORE),
        "onClick": {"openLink": {"url": site.incident_link(incident.id)}},
    }
    card = {
        # The header is plain text: only the site's name and Herald's own words go there.
        "header": {
            "title": one_line(site.name),
            "subtitle": f"{status} · {t.utc_text(latest.at)}",
        },
        "sections": [
            {
                "widgets": [
                    {"textParagraph": {"text": paragraph}},
                    {"buttonList": {"buttons": [button]}},
                ]
            }
        ],
    }
    return {
        "text": chat_text(f"{status}: {title}"),
        "thread": {"threadKey": incident.id},
        "cardsV2": [{"cardId": "incident", "card": card}],
    }


def chat_text(text: str) -> str:
    """``text`` for a Google Chat message's ``text`` field, shown as written.

    Chat reads ``*bold*``, ``_italic_``, ``~struck~`` and ```code``` there, ``<url|text>``
    as a link and ``<users/all>`` as a mention of everyone, and has no escape for any of
    them. A word joiner (U+2060: invisible, no break) on each side of such a character
    means no two of them pair up as formatting and no ``<`` starts a link or a mention.
    """
    return _CHAT_MARKUP.sub(rf"{WORD_JOINER}\1{WORD_JOINER}", text)


def google_chat_url_problem(url: str) -> str | None:
    """What keeps ``url`` from being a space's webhook, in words that never repeat it."""
    problem = channel_url_problem(url)
    if problem is not None:
        return problem
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname != GOOGLE_CHAT_HOST:
        return f"is not a Google Chat webhook URL (those start https://{GOOGLE_CHAT_HOST}/)"
    query = dict(parse_qsl(parts.query))
    if not _SPACE_MESSAGES.fullmatch(parts.path) or not query.get("key") or not query.get("token"):
        return (
            "is not a whole space webhook URL (…/v1/spaces/…/messages?key=…&token=…): copy"
            " it again from the space's Apps & integrations, Webhooks"
        )
    return None


def connect_google_chat(
    environ: Mapping[str, str], site: SiteContext, timeout: float
) -> Send | None:
    url = _webhook_url(environ, GOOGLE_CHAT_URL, google_chat_url_problem)
    if url is None:
        return None
    if "messageReplyOption" not in dict(parse_qsl(urlsplit(url).query)):
        # Without it Chat ignores the thread key and starts a thread per message.
        url += "&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"

    def send(item: Pending) -> None:
        answer = service_request(
            url, google_chat_payload(site, item), timeout=timeout, refusals=GOOGLE_CHAT_REFUSALS
        )
        _expect(answer, "name", "Google Chat answered without the message it created")

    return send


# -- Mastodon -----------------------------------------------------------------------------

MASTODON_URL = "HERALD_MASTODON_URL"
MASTODON_TOKEN = "HERALD_MASTODON_TOKEN"
MASTODON_LIMIT = 500
"""Characters in a status, when the instance does not say (Mastodon's default)."""
MASTODON_URL_LENGTH = 23
"""What Mastodon counts for any URL, however long, when the instance does not say."""
MASTODON_REFUSALS = {
    401: f"the instance refused {MASTODON_TOKEN} (revoked, or made on another instance)",
    403: "the token may not post (it needs the write:statuses scope), or the account is suspended",
    404: f"no Mastodon API there ({MASTODON_URL} is the instance's address alone)",
    422: "the instance refused the status (too long for it, or a setting of the account)",
    429: "the instance limits how often the account posts",
}
ZERO_WIDTH_JOINER = "\u200d"
# Mastodon reads "@name" and "@name@server" as a mention, which notifies that account,
# wherever "@" comes straight before a user name's letter, digit or underscore; and "#"
# (or the full-width one, U+FF03) before a word as a hashtag, which lists the status under it.
# A zero-width joiner straight after the sign is neither: the text reads the same and
# mentions no one, so content cannot make the status account ping anybody.
_MENTION_OR_TAG = re.compile("([@#\uff20\uff03])")
_URL_START = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_CUT_BEFORE = " ,;:.-\u2013\u2014"  # and the dashes


def mastodon_status(
    site: SiteContext,
    item: Pending,
    limit: int = MASTODON_LIMIT,
    url_length: int = MASTODON_URL_LENGTH,
) -> str:
    """The status: ``<status words>: <title>``, the latest update's first line and the
    link, each a paragraph, within ``limit`` as Mastodon counts.

    The first line is cut at a word (with ``…``) when the whole does not fit, and left out
    when not even a word of it fits; the title is cut so too when even it alone does not
    fit; the link is always whole.
    """
    t = site.translator
    incident, latest = item.incident, item.updates[-1]
    link = site.incident_link(incident.id)
    words = f"{update_label(t, incident, latest)}: "
    title = _no_mentions(one_line(incident.title, 2000))
    line = _no_mentions(_first_line(latest.message, 5000))

    def status(head: str, line: str) -> str:
        return "\n\n".join(part for part in (head, line, link) if part)

    def fits(head: str, line: str) -> bool:
        text = "".join(f"{part}\n\n" for part in (head, line) if part)
        return mastodon_length(text, url_length) + url_length <= limit

    head = words + title
    if fits(head, line):
        return status(head, line)
    shorter = _cut_at_word(line, lambda cut: fits(head, cut)) if line else ""
    if shorter:
        return status(head, shorter)
    shorter = _cut_at_word(title, lambda cut: fits(words + cut, ""))
    if shorter:
        return status(words + shorter, "")
    return status(_cut_at_word(head, lambda cut: fits(cut, "")), "")  # a tiny limit


def mastodon_length(text: str, url_length: int = MASTODON_URL_LENGTH) -> int:
    """At least as many characters as Mastodon counts in ``text``.

    Mastodon counts user-perceived characters (never more than Python's code points) and
    each URL as ``url_length``, whatever its length. Where a URL of content ends is its
    reading, not ours, so each one is counted whole and ``url_length`` on top: never less
    than Mastodon's count, and at most ``url_length`` more per URL.
    """
    return len(text) + url_length * len(_URL_START.findall(text))


def mastodon_idempotency_key(site: SiteContext, item: Pending) -> str:
    """The same for the same updates of the same site, run after run: Mastodon answers a
    post whose key it saw in the last hour with the status it made then, so a post
    retried after a lost answer is not made twice."""
    keys = "\n".join([site.url, *item.keys])
    return "herald-" + hashlib.sha256(keys.encode("utf-8")).hexdigest()


def connect_mastodon(environ: Mapping[str, str], site: SiteContext, timeout: float) -> Send | None:
    address = environ.get(MASTODON_URL, "").strip()
    token = environ.get(MASTODON_TOKEN, "").strip()
    if not address and not token:
        return None
    if not token:
        raise SettingsError(
            f"{MASTODON_TOKEN} is not set ({MASTODON_URL} is): create an access token with"
            " the write:statuses scope under Preferences, Development, New application"
        )
    if not address:
        raise SettingsError(
            f"{MASTODON_URL} is not set ({MASTODON_TOKEN} is): set it to the instance's"
            " address, e.g. https://mastodon.social"
        )
    problem = channel_url_problem(address)
    if problem is not None:
        raise SettingsError(f"{MASTODON_URL} {problem}")
    parts = urlsplit(address)
    if parts.path.strip("/") or parts.query or parts.fragment or parts.username:
        raise SettingsError(
            f"{MASTODON_URL} is not an instance's address alone (e.g. https://mastodon.social,"
            " without a path: the account is the token's)"
        )
    if not re.fullmatch(r"[\x21-\x7e]+", token):
        raise SettingsError(
            f"{MASTODON_TOKEN} has white space or a character beyond ASCII in it (store the"
            " access token alone)"
        )
    return _Mastodon(f"{parts.scheme}://{parts.netloc}", token, site, timeout)


class _Mastodon:
    """Posts statuses to one account, having asked the instance its limits once."""

    def __init__(self, instance: str, token: str, site: SiteContext, timeout: float) -> None:
        self.instance, self.site, self.timeout = instance, site, timeout
        self._token = token
        self._limits: tuple[int, int] | None = None

    def __call__(self, item: Pending) -> None:
        if self._limits is None:
            self._limits = self._instance_limits()
        limit, url_length = self._limits
        payload = {
            "status": mastodon_status(self.site, item, limit, url_length),
            "visibility": "public",
            # ISO 639, as Mastodon's API asks: the language alone, without a region.
            "language": self.site.translator.locale.language,
        }
        headers = {
            "Authorization": f"Bearer {self._token}",
            "Idempotency-Key": mastodon_idempotency_key(self.site, item),
        }
        answer = service_request(
            f"{self.instance}/api/v1/statuses",
            payload,
            headers=headers,
            timeout=self.timeout,
            refusals=MASTODON_REFUSALS,
        )
        _expect(answer, "id", "the instance answered without the status it posted")

    def _instance_limits(self) -> tuple[int, int]:
        """``configuration.statuses`` of ``GET /api/v2/instance`` (public: no token sent);
        Mastodon's defaults when it cannot be had (an older or other server)."""
        try:
            answer = json.loads(
                service_request(
                    f"{self.instance}/api/v2/instance", method="GET", timeout=self.timeout
                )
            )
        except (DeliveryError, ValueError):
            return MASTODON_LIMIT, MASTODON_URL_LENGTH
        statuses = _path(answer, "configuration", "statuses")
        limit = _count(_path(statuses, "max_characters"), MASTODON_LIMIT, low=50)
        url_length = _count(_path(statuses, "characters_reserved_per_url"), MASTODON_URL_LENGTH)
        return limit, url_length


def _path(value: object, *keys: str) -> object:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _count(value: object, default: int, *, low: int = 0, high: int = 100_000) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    return default


# -- shared -------------------------------------------------------------------------------


def _webhook_url(
    environ: Mapping[str, str],
    variable: str,
    problem_of: Callable[[str], str | None] = channel_url_problem,
) -> str | None:
    """The URL in ``variable``; ``None`` when unset or empty (GitHub Actions passes an
    unset secret as ""), a ``SettingsError`` naming the variable when it is wrong."""
    url = environ.get(variable, "").strip()
    if not url:
        return None
    problem = problem_of(url)
    if problem is not None:
        raise SettingsError(f"{variable} {problem}")
    return url


def _expect(answer: bytes, field: str, failure: str) -> None:
    """A service that created something answers with it, as JSON; anything else (a proxy's
    page, say) is not taken for delivery."""
    try:
        created = json.loads(answer)
    except ValueError:
        created = None
    if not isinstance(created, dict) or not created.get(field):
        raise DeliveryError(failure, retry=False)


def _first_line(text: str, limit: int) -> str:
    """The first line of an update's Markdown, as written, at most ``limit`` characters."""
    lines = text.strip().splitlines()
    return one_line(lines[0], limit) if lines else ""


def _no_mentions(text: str) -> str:
    return _MENTION_OR_TAG.sub(rf"\1{ZERO_WIDTH_JOINER}", text)


def _cut_at_word(text: str, fits: Callable[[str], bool]) -> str:
    """The longest start of ``text`` that ends at a word, with ``…``, for which ``fits``;
    cut inside the first word when not even that fits; ``""`` when nothing does."""

    def longest(ends: list[int]) -> str:
        # ``fits`` holds for a shorter start whenever it holds for a longer one.
        found, low, high = "", 0, len(ends) - 1
        while low <= high:
            middle = (low + high) // 2
            cut = text[: ends[middle]].rstrip(_CUT_BEFORE) + "…"
            if cut != "…" and fits(cut):
                found, low = cut, middle + 1
            else:
                high = middle - 1
        return found

    at_words = longest([match.start() for match in re.finditer(" ", text)])
    return at_words or longest(list(range(1, len(text))))
