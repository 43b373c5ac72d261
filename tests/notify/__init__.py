"""site_plugin.notify: the digest, the ledger and every channel, against real servers on
loopback."""
