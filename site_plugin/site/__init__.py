"""The status site: page views, feeds, API files, calendars and badges (no MkDocs)."""
