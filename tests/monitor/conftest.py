"""The real Alertmanager, the relay and the stand-in for GitHub the alert tests use."""

from .alertmanager import alertmanager, github, relay  # noqa: F401  (fixtures, found by their names)
