"""A real GNU Mailman 3 on loopback, for the tests that post to a mailing list.

Mailman pins its own dependencies, so it lives in its own virtual environment
(``.venv-mailman/`` at the repository root, or ``HERALD_MAILMAN_VENV``), made on first use
from the package registry and reused after. Each server gets a fresh temporary folder:
SQLite database, queues and logs; its REST API and LMTP runner listen on free loopback
ports, and it delivers its outgoing mail to an SMTP server the test runs (the
"smarthost"). Every wait has a deadline, and stopping it ends exactly the processes it
started.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import email
import email.policy
import fcntl
import json
import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from ..conftest import REPO_ROOT

MAILMAN_REQUIREMENTS = ("mailman==3.3.10", "sqlalchemy>=2.0,<2.1")
"""The Mailman the tests were written against, and the bounds its own dependencies need
beyond what it declares (SQLAlchemy 2.1 breaks its roster queries)."""
WANTED = " ".join(MAILMAN_REQUIREMENTS)
INSTALL_TIMEOUT = 900.0
START_TIMEOUT = 240.0
"""Seconds Mailman may take to start its runners and answer (a loaded 2-core machine)."""
STOP_TIMEOUT = 60.0
REST_TIMEOUT = 30.0


def mailman_environment() -> Path:
    """The ``bin`` folder of a virtual environment with Mailman, installed if need be."""
    venv = Path(os.environ.get("HERALD_MAILMAN_VENV") or REPO_ROOT / ".venv-mailman")
    stamp = venv / ".herald-installed"
    if _installed(stamp):
        return venv / "bin"
    venv.mkdir(parents=True, exist_ok=True)
    with (venv / ".install-lock").open("w") as lock:
        # Two test runs at once must not install into one environment together.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _installed(stamp):
            return venv / "bin"
        steps = (
            [sys.executable, "-m", "venv", str(venv)],
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *MAILMAN_REQUIREMENTS,
            ],
        )
        for step in steps:
            try:
                done = subprocess.run(
                    step, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
                )
            except subprocess.TimeoutExpired:
                raise AssertionError(
                    f"installing {WANTED} into {venv} took over {INSTALL_TIMEOUT:g} s"
                ) from None
            if done.returncode != 0:
                raise AssertionError(
                    f"installing {WANTED} into {venv} failed:\n"
                    + (done.stdout + done.stderr)[-4000:]
                )
        stamp.write_text(WANTED, encoding="utf-8")
    return venv / "bin"


def _installed(stamp: Path) -> bool:
    try:
        return stamp.read_text(encoding="utf-8") == WANTED
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(
    ready: Callable[[], bool], timeout: float, what: str, explain: Callable[[], str] = str
) -> None:
    """Poll ``ready`` until it holds; fail saying ``what`` did not happen in ``timeout``."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout:g} s{explain()}")
        time.sleep(0.1)


class MailmanServer:
    """Mailman's master and runners, configured in ``folder``, delivering to ``smarthost``.

    Use as a context manager: it starts, waits until the REST API and the LMTP runner
    answer, and on leaving stops the master (which stops its runners) and waits for all
    of them to be gone.
    """

    def __init__(self, folder: Path, smarthost_port: int) -> None:
        self.folder = folder
        self.bin = mailman_environment()
        self.var = folder / "var"
        self.rest_port = free_port()
        self.lmtp_port = free_port()
        self.password = base64.b32encode(os.urandom(10)).decode("ascii")
        self.config = folder / "mailman.cfg"
        self.config.write_text(
            f"""\
[mailman]
layout: herald
site_owner: owner@lists.example.com

[paths.herald]
var_dir: {self.var}

[database]
class: mailman.database.sqlite.SQLiteDatabase
url: sqlite:///{self.var}/data/mailman.db

[mta]
# Mail arrives by LMTP from the test's relay: no MTA to tell about new lists.
incoming: mailman.mta.null.NullMTA
lmtp_host: 127.0.0.1
lmtp_port: {self.lmtp_port}
smtp_host: 127.0.0.1
smtp_port: {smarthost_port}

[webservice]
hostname: 127.0.0.1
port: {self.rest_port}
admin_user: herald-test
admin_pass: {self.password}

[runner.nntp]
start: no
""",
            encoding="utf-8",
        )
        self.process: subprocess.Popen[bytes] | None = None
        self.output = folder / "master-output.log"

    # -- running ---------------------------------------------------------------------

    def __enter__(self) -> MailmanServer:
        environment = {
            key: value for key, value in os.environ.items() if not key.startswith("MAILMAN_")
        }
        with self.output.open("wb") as output:
            # Its own session: the master and its runners are one process group, ours.
            self.process = subprocess.Popen(
                [str(self.bin / "master"), "-C", str(self.config)],
                cwd=self.folder,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until(
                self._answers,
                START_TIMEOUT,
                "Mailman's REST API and LMTP did not answer",
                self.logs,
            )
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exception: object) -> None:
        self.stop()

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(
                f"Mailman's master exited ({self.process.returncode}){self.logs()}"
            )
        try:
            self.rest("GET", "system/versions")
            with socket.create_connection(("127.0.0.1", self.lmtp_port), timeout=2):
                pass
        except (OSError, urllib.error.URLError):
            return False
        return True

    def stop(self) -> None:
        """SIGTERM to the master, which stops its runners; then wait for every one."""
        process, self.process = self.process, None
        if process is None:
            return
        group = process.pid  # the session's leader: its group holds every runner
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(group, signal.SIGKILL)
                process.wait(timeout=STOP_TIMEOUT)
                raise AssertionError(
                    f"Mailman did not stop within {STOP_TIMEOUT:g} s of SIGTERM{self.logs()}"
                ) from None
        try:
            wait_until(
                lambda: not _group_alive(group), STOP_TIMEOUT, "Mailman's runners did not exit"
            )
        except AssertionError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            raise

    def logs(self) -> str:
        """The end of the master's output and of Mailman's own logs, for a failure."""
        parts = []
        for path in [self.output, *sorted((self.var / "logs").glob("*.log"))]:
            with contextlib.suppress(OSError):
                text = path.read_text("utf-8", "replace")[-3000:]
                if text.strip():
                    parts.append(f"\n--- {path.name} ---\n{text}")
        return "".join(parts)

    def queues_empty(self) -> bool:
        """Nothing waiting or in hand in any queue (a runner renames what it works on)."""
        queues = self.var / "queue"
        return not any(
            entry.is_file()
            for queue in queues.iterdir()
            if queue.is_dir() and queue.name not in ("bad", "shunt")
            for entry in queue.iterdir()
        )

    # -- REST ------------------------------------------------------------------------

    def rest(self, method: str, path: str, **fields: str) -> Any:
        """Call the REST API (3.1); fields go as a form. Returns the JSON answer, or the
        ``Location`` of what a POST created."""
        url = f"http://127.0.0.1:{self.rest_port}/3.1/{path}"
        data = urllib.parse.urlencode(fields).encode("ascii") if fields else None
        request = urllib.request.Request(url, data=data, method=method)
        login = base64.b64encode(f"herald-test:{self.password}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {login}")
        try:
            with urllib.request.urlopen(request, timeout=REST_TIMEOUT) as response:
                body = response.read()
                location = response.headers.get("Location")
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            raise AssertionError(f"Mailman REST {method} {path}: {error.code} {detail}") from None
        if body:
            return json.loads(body)
        return location

    def create_list(self, posting_address: str, *, style: str = "legacy-announce") -> str:
        """A list (and its domain); returns its list id."""
        local, domain = posting_address.split("@")
        with contextlib.suppress(AssertionError):  # the domain may exist already
            self.rest("POST", "domains", mail_host=domain)
        self.rest("POST", "lists", fqdn_listname=posting_address, style_name=style)
        list_id = f"{local}.{domain}"
        self.rest("PATCH", f"lists/{list_id}/config", send_welcome_message="false")
        return list_id

    def subscribe(self, list_id: str, address: str) -> None:
        """A member who needs no confirmation mail: verified, confirmed and approved."""
        self.rest(
            "POST",
            "members",
            list_id=list_id,
            subscriber=address,
            pre_verified="true",
            pre_confirmed="true",
            pre_approved="true",
            send_welcome_message="false",
        )

    def accept_posts_from(self, list_id: str, address: str) -> None:
        """What a list owner does for an announcing sender: a nonmember whose posts are
        accepted without moderation."""
        location = self.rest(
            "POST", "members", list_id=list_id, subscriber=address, role="nonmember"
        )
        member = str(location).rsplit("/", 1)[-1]
        self.rest("PATCH", f"members/{member}", moderation_action="accept")


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LmtpRelay:
    """An aiosmtpd handler that hands mail for ``domain`` to Mailman's LMTP port: the MTA
    in front of the list server. It answers 250 only once Mailman has the message, so
    Herald records a post only when the list has it."""

    def __init__(self, domain: str, lmtp_port: int) -> None:
        self.domain = domain
        self.lmtp_port = lmtp_port
        self.posts: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if not address.lower().endswith("@" + self.domain):
            return "550 5.1.1 this relay only delivers to the list server"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, self._forward, envelope)
        except (smtplib.SMTPException, OSError) as error:
            return f"451 4.3.0 the list server did not take it: {error}"
        self.posts.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def _forward(self, envelope: Any) -> None:
        with smtplib.LMTP("127.0.0.1", self.lmtp_port, timeout=60) as lmtp:
            lmtp.sendmail(envelope.mail_from, envelope.rcpt_tos, envelope.content)


@contextlib.contextmanager
def smtp_server(handler: object) -> Iterator[int]:
    """An aiosmtpd server on a free loopback port, for as long as the block runs."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


class Smarthost:
    """An aiosmtpd handler that keeps what Mailman delivers: (recipients, message)."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.deliveries.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def received_by(self, address: str) -> list[email.message.EmailMessage]:
        return [message for recipients, message in self.deliveries if address in recipients]
