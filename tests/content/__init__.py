"""site_plugin.content: reading components and incidents, and every problem they can have."""
