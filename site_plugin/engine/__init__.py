"""The status engine: pure functions of the content model and a moment."""
