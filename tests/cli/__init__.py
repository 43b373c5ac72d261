"""site_plugin.cli: each command as a user runs it."""
