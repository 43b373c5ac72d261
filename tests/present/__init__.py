"""site_plugin.present: words, times, languages, Markdown and URLs."""
