"""Watching components: probes, alerts from monitoring, and the draft incidents they open.

A machine may draft, never publish: what this package finds becomes a draft pull request
(or, when a team asks for it, a first "investigating" update), and a person decides.
"""
