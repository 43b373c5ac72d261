"""Presentation: words, times, URLs, Markdown to safe HTML, the Statuspage documents."""
