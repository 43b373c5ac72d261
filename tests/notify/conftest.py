"""The real mail server and HTTP receiver on loopback that every notify test uses."""

from .test_notify import inbox, receiver  # noqa: F401  (fixtures, found by their names)
