"""site_plugin.mkdocs_plugin: the page assets (inlined styles, the deferred theme script)."""
