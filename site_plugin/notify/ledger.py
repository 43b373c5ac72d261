"""What each notification target has already been sent: the delivery ledger.

A JSON file: for every target (``email:<id>``, ``slack``, ``discord``, ``webhook``) the
keys ``<incident id>/<update id>`` it has received. A target is marked only after its
delivery succeeded: each delivery appends one line to a journal beside the file
(``ledger.json.journal``), which costs the same for the first subscriber as for the ten
thousandth, and survives the process being killed; the run ends by writing the whole
ledger once (atomically) and removing the journal. Loading replays a journal left by a
run that did not end, so a run that fails half-way resends nothing that arrived and
loses nothing that did not.

The ledger is pushed to a branch of the status repository, which may be public: it never
holds an address. A subscriber's target is a keyed hash (HMAC-SHA256) of the normalised
address under ``HERALD_LEDGER_KEY``, a secret; without the key nobody can tell from the
ledger who subscribes, nor test a guessed address.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..content.model import Incident, Update
from ..errors import LedgerError

FORMAT_VERSION = 2
"""2: each distinct set of keys is written once (``key_sets``) and targets point at it, so
ten thousand subscribers who all had the same updates cost one list, not ten thousand.
1 (read, and rewritten as 2): every target with its own list."""


def update_key(incident: Incident, update: Update) -> str:
    return f"{incident.id}/{update.id}"


EMAIL_PREFIX = "email:"


def keyed_target(prefix: str, contact: str, key: str) -> str:
    """A ledger target named by ``prefix`` and a keyed hash of an address or a number,
    never by the contact itself (the ledger may be public)."""
    normalised = contact.strip().lower().encode("utf-8")
    digest = hmac.new(key.encode("utf-8"), normalised, hashlib.sha256).hexdigest()
    return f"{prefix}{digest[:40]}"


def subscriber_target(address: str, key: str) -> str:
    """The ledger target of one subscriber: ``email:`` and a keyed hash of the address."""
    return keyed_target(EMAIL_PREFIX, address, key)


def unsubscribe_token(address: str, key: str) -> str:
    """What an https unsubscribe link carries for one subscriber: a keyed hash of the
    address that is *not* the ledger's name for them (the ledger may be public), so only
    the subscriber's own email holds it, and only someone with the key can make one."""
    normalised = address.strip().lower().encode("utf-8")
    digest = hmac.new(key.encode("utf-8"), b"unsubscribe\0" + normalised, hashlib.sha256)
    return digest.hexdigest()[:40]


MIN_LEDGER_KEY_LENGTH = 32
"""Characters a ledger key must have at least: the hashes it makes are published."""


def is_legacy_target(target: str) -> bool:
    """A target written by an older Herald, named by the address itself."""
    return target.startswith(EMAIL_PREFIX) and "@" in target


@contextlib.contextmanager
def ledger_lock(path: Path) -> Iterator[None]:
    """Hold the ledger for one run: a second ``herald notify`` on the same ledger (a person
    at a terminal while the workflow runs) refuses instead of sending everything twice."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+b")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise LedgerError(f"cannot lock {path}: {error.strerror}") from None
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LedgerError(
                f"another herald notify is using {path} right now; this run sends nothing"
                " (run it again when that one has finished)"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@dataclass
class Ledger:
    """Delivered keys per target, loaded from and saved to ``path``."""

    path: Path
    delivered: dict[str, frozenset[str]] = field(default_factory=dict)
    _journal: TextIO | None = field(default=None, repr=False, compare=False)
    changed: bool = field(default=False, compare=False)
    """Whether anything was recorded (or replayed) since the ledger was last written."""

    @property
    def journal_path(self) -> Path:
        return self.path.with_name(self.path.name + ".journal")

    @classmethod
    def load(cls, path: Path) -> Ledger:
        ledger = cls(path)
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise LedgerError(
                    f"{path} is not a Herald ledger ({error}); restore it from its branch"
                ) from None
            ledger.delivered = _delivered_from(data, path)
        ledger._replay_journal()
        return ledger

    def _replay_journal(self) -> None:
        """Take in what a run that did not end recorded; a torn last line is ignored."""
        try:
            lines = self.journal_path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as error:
            raise LedgerError(f"{self.journal_path} cannot be read ({error})") from None
        for line in lines:
            try:
                entry = json.loads(line)
                target, keys = entry["target"], entry["keys"]
            except (ValueError, KeyError, TypeError):
                continue  # the line being written when the run was killed
            if isinstance(target, str) and isinstance(keys, list):
                self._add(target, [str(key) for key in keys])
                self.changed = True

    def forget_addresses(self, renamed: dict[str, str]) -> bool:
        """Rename targets that an older Herald named by address (``renamed``: old → new),
        and drop the rest of them (people no longer subscribed); whether anything changed.
        """
        changed = False
        for target in [target for target in self.delivered if is_legacy_target(target)]:
            keys = self.delivered.pop(target)
            new = renamed.get(target)
            if new is not None:
                self._add(new, keys)
            changed = True
        return changed

    def _add(self, target: str, keys: Iterable[str]) -> None:
        # A new set, never the old one changed: targets loaded from one key set share it.
        self.delivered[target] = self.delivered.get(target, frozenset()) | {
            sys.intern(key) for key in keys
        }

    def knows(self, target: str) -> bool:
        return target in self.delivered

    def has(self, target: str, key: str) -> bool:
        return key in self.delivered.get(target, frozenset())

    def record(self, target: str, keys: Iterable[str]) -> None:
        """Mark ``keys`` delivered to ``target``, in the journal at once."""
        keys = list(keys)
        self._add(target, keys)
        self.changed = True
        try:
            if self._journal is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._journal = open(self.journal_path, "a", encoding="utf-8")  # noqa: SIM115
            # One line, flushed: the kernel keeps it even when the process is killed next.
            self._journal.write(json.dumps({"target": target, "keys": keys}) + "\n")
            self._journal.flush()
        except OSError as error:
            # Sending on without recording would send it all again next time: stop here.
            raise LedgerError(
                f"{self.journal_path} cannot be written ({error.strerror}); the delivery"
                " just made may be repeated by the next run"
            ) from None

    def save(self) -> None:
        """Write the whole ledger atomically, then drop the journal it now contains."""
        index: dict[frozenset[str], int] = {}
        for keys in self.delivered.values():
            index.setdefault(keys, len(index))
        key_sets = list(index)
        body = {
            "version": FORMAT_VERSION,
            "key_sets": [sorted(keys) for keys in key_sets],
            "delivered": {target: index[keys] for target, keys in sorted(self.delivered.items())},
        }
        temporary: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Write beside the file and rename: a crash never leaves half a ledger.
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(body, file, indent=1)
                file.write("\n")
            Path(temporary).replace(self.path)
        except OSError as error:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            # The journal still holds every delivery: the next run takes it in.
            raise LedgerError(
                f"{self.path} cannot be written ({error.strerror}); the journal beside it"
                " keeps what was delivered"
            ) from None
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        self.journal_path.unlink(missing_ok=True)
        self.changed = False


def _delivered_from(data: object, path: Path) -> dict[str, frozenset[str]]:
    """The targets and their keys from a parsed ledger of either version; a ledger of the
    wrong shape, valid JSON or not, is refused (it would resend the history or drop it)."""
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(data, dict) or version not in (1, FORMAT_VERSION):
        raise LedgerError(f"{path}: unknown ledger version {version!r}")
    delivered = data.get("delivered")
    wrong = LedgerError(
        f"{path} is not a Herald ledger ('delivered' must map each target to its update"
        " keys); restore it from its branch"
    )
    if not isinstance(delivered, dict) or not all(isinstance(t, str) for t in delivered):
        raise wrong
    key_lists: object
    if version == 1:
        key_lists = list(delivered.values())
        pointers = dict(zip(delivered, range(len(key_lists)), strict=True))
    else:
        key_lists = data.get("key_sets")
        pointers = delivered
        if not isinstance(key_lists, list) or not all(
            isinstance(p, int) and not isinstance(p, bool) and 0 <= p < len(key_lists)
            for p in pointers.values()
        ):
            raise wrong
    if not isinstance(key_lists, list) or not all(
        isinstance(keys, list) and all(isinstance(key, str) for key in keys) for keys in key_lists
    ):
        raise wrong
    shared = [frozenset(sys.intern(key) for key in keys) for keys in key_lists]
    return {target: shared[pointer] for target, pointer in pointers.items()}
