"""Debian's Chromium, as the tests that read pages the way a customer's browser does
launch it: headless, and making no request of its own beyond the page's."""

from __future__ import annotations

import os
import shutil
from typing import Any

CHROMIUM = os.environ.get("HERALD_CHROMIUM") or shutil.which("chromium")
"""The browser's path: ``HERALD_CHROMIUM``, else ``chromium`` on the path; ``None``
without one."""

LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def launch_chromium(playwright: Any) -> Any:
    """Chromium started through Playwright (``sync_playwright()``'s value)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(LAUNCH_ARGS))
