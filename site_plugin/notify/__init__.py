"""Notifications: what is new for whom, the ledger, email, chat and webhooks."""
