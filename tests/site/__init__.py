"""site_plugin.site: pages, feeds, the API, calendars and badges, built by real mkdocs runs and
read in Chromium."""
