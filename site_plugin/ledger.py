"""What each notification target has already been sent: the delivery ledger.

A small JSON file: for every target (``email:<id>``, ``slack``, ``discord``, ``webhook``)
the keys ``<incident id>/<update id>`` it has received. A target is marked only after its
delivery succeeded, and the file is saved after each target, so a run that fails half-way
resends nothing that arrived and loses nothing that did not.

The ledger is pushed to a branch of the status repository, which may be public: it never
holds an address. A subscriber's target is a keyed hash (HMAC-SHA256) of the normalised
address under ``HERALD_LEDGER_KEY``, a secret; without the key nobody can tell from the
ledger who subscribes, nor test a guessed address.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .model import Incident, Update

FORMAT_VERSION = 1


class LedgerError(Exception):
    """The ledger file exists but cannot be used."""


def update_key(incident: Incident, update: Update) -> str:
    return f"{incident.id}/{update.id}"


EMAIL_PREFIX = "email:"


def subscriber_target(address: str, key: str) -> str:
    """The ledger target of one subscriber: ``email:`` and a keyed hash of the address."""
    normalised = address.strip().lower().encode("utf-8")
    digest = hmac.new(key.encode("utf-8"), normalised, hashlib.sha256).hexdigest()
    return f"{EMAIL_PREFIX}{digest[:40]}"


def is_legacy_target(target: str) -> bool:
    """A target written by an older Herald, named by the address itself."""
    return target.startswith(EMAIL_PREFIX) and "@" in target


@dataclass
class Ledger:
    """Delivered keys per target, loaded from and saved to ``path``."""

    path: Path
    delivered: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Ledger:
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != FORMAT_VERSION:
                raise LedgerError(f"{path}: unknown ledger version {data.get('version')!r}")
            delivered = {target: set(keys) for target, keys in data["delivered"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise LedgerError(
                f"{path} is not a Herald ledger ({error}); restore it from its branch"
            ) from None
        return cls(path, delivered)

    def forget_addresses(self, renamed: dict[str, str]) -> bool:
        """Rename targets that an older Herald named by address (``renamed``: old → new),
        and drop the rest of them (people no longer subscribed); whether anything changed.
        """
        changed = False
        for target in [target for target in self.delivered if is_legacy_target(target)]:
            keys = self.delivered.pop(target)
            new = renamed.get(target)
            if new is not None:
                self.delivered.setdefault(new, set()).update(keys)
            changed = True
        return changed

    def knows(self, target: str) -> bool:
        return target in self.delivered

    def has(self, target: str, key: str) -> bool:
        return key in self.delivered.get(target, set())

    def record(self, target: str, keys: Iterable[str]) -> None:
        """Mark ``keys`` delivered to ``target`` and save at once."""
        self.delivered.setdefault(target, set()).update(keys)
        self.save()

    def save(self) -> None:
        body = {
            "version": FORMAT_VERSION,
            "delivered": {target: sorted(keys) for target, keys in sorted(self.delivered.items())},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the file and rename: a crash never leaves half a ledger.
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(body, file, indent=1)
            file.write("\n")
        Path(temporary).replace(self.path)
