"""site_plugin.engine: statuses, promises, windows and history at a moment."""
