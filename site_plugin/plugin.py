"""Where MkDocs finds the ``herald`` plugin (the ``mkdocs.plugins`` entry point).

The plugin lives in ``mkdocs_plugin``; this name stays, so that an installed Herald and
anything that imports the plugin keep working across versions.
"""

from .mkdocs_plugin.plugin import HeraldPlugin

__all__ = ["HeraldPlugin"]
