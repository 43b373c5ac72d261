"""The site as every output and channel presents it.

Pages, feeds, the JSON API, calendars, badges, the email digest and chat messages all say
the same things about the site: its name, its address, where an incident's page lives,
which language and time zone it speaks in, where readers get help and how they stop
email. They read them from one ``SiteContext``, built once from the options (by the
MkDocs plugin for a build, by the command line for ``herald notify`` and ``digest``), so a
custom URL layout or language reaches every output alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import Translator, english
from .urls import UrlLayout, absolute_url, site_host


@dataclass(frozen=True)
class SiteContext:
    """Who the site is and how it speaks.

    Attributes:
        name: The site's name (``site_name``).
        url: Its absolute address (``site_url``), where every link starts.
        layout: Where pages live under it (the URL options).
        translator: The language of every word Herald writes.
        timezone: The zone the Statuspage API reports in.
        support_url: Where readers get help, if the site says.
        unsubscribe: How email subscribers stop the digest, if the site says.
        subscribe_email: Where readers sign up for email (a list's ``mailto:`` subscribe
            address or an ``https:`` page), if the site says.
    """

    name: str
    url: str
    layout: UrlLayout = field(default_factory=UrlLayout)
    translator: Translator = field(default_factory=english)
    timezone: str = "UTC"
    support_url: str | None = None
    unsubscribe: str | None = None
    subscribe_email: str | None = None

    @property
    def host(self) -> str:
        """The host of ``url``: the stable part of feed ids and email headers."""
        return site_host(self.url)

    def absolute(self, path: str) -> str:
        """``path`` (from the site root) as an absolute URL."""
        return absolute_url(self.url, path)

    def incident_url(self, incident_id: str) -> str:
        """The incident page's URL from the site root."""
        return self.layout.incident_url(incident_id)

    def incident_link(self, incident_id: str) -> str:
        """The incident page's absolute URL, for messages read away from the site."""
        return self.absolute(self.layout.incident_url(incident_id))
