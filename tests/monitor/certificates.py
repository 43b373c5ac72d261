"""Certificates for the probe tests, made with the ``openssl`` command: a test CA and
leaf certificates with chosen names and validity, and one self-signed certificate no one
trusts.

``openssl ca`` takes a start and an end date as given (``-startdate``, ``-enddate``),
which OpenSSL 3.0 already has, so an expired certificate needs no fake clock.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

CA_CONFIG = """\
[ca]
default_ca = test_ca

[test_ca]
dir = {folder}
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir/issued
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none

[any_name]
commonName = supplied
"""

LEAF_EXTENSIONS = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = {names}
"""


@dataclass(frozen=True)
class Leaf:
    """A certificate and its key, as a server loads them."""

    certificate: Path
    key: Path
    not_after: datetime


@dataclass(frozen=True)
class Certificates:
    ca: Path
    """The test CA's certificate: the trust store, through ``SSL_CERT_FILE``."""
    valid: Leaf
    """For 127.0.0.1 and localhost, valid for 90 days."""
    other_host: Leaf
    """For elsewhere.example only."""
    expired: Leaf
    """For 127.0.0.1, valid for one day in 2020."""
    expiring: Leaf
    """For 127.0.0.1, expiring three days after it was made."""
    self_signed: Leaf
    """For 127.0.0.1, signed by itself: in no trust store."""


def openssl(*arguments: str | Path, cwd: Path) -> None:
    subprocess.run(
        ["openssl", *map(str, arguments)], cwd=cwd, check=True, capture_output=True, timeout=60
    )


def asn1_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%SZ")


def make_certificates(folder: Path, now: datetime) -> Certificates:
    """Every certificate the tests use, under ``folder``; dates counted from ``now``."""
    now = now.replace(microsecond=0)
    (folder / "issued").mkdir(parents=True)
    (folder / "index.txt").write_text("")
    (folder / "serial").write_text("1000\n")
    config = folder / "ca.cnf"
    config.write_text(CA_CONFIG.format(folder=folder))
    openssl(
        *("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"),
        *("-keyout", "ca.key", "-out", "ca.pem", "-days", "3650", "-subj", "/CN=Herald test CA"),
        *("-addext", "basicConstraints=critical,CA:TRUE"),
        *("-addext", "keyUsage=critical,keyCertSign,cRLSign"),
        cwd=folder,
    )

    def leaf(name: str, names: str, start: datetime, end: datetime) -> Leaf:
        extensions = folder / f"{name}.ext"
        extensions.write_text(LEAF_EXTENSIONS.format(names=names))
        openssl(
            *("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"),
            *("-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}"),
            cwd=folder,
        )
        openssl(
            *("ca", "-batch", "-notext", "-config", config, "-extfile", extensions),
            *("-startdate", asn1_time(start), "-enddate", asn1_time(end)),
            *("-in", f"{name}.csr", "-out", f"{name}.pem"),
            cwd=folder,
        )
        return Leaf(folder / f"{name}.pem", folder / f"{name}.key", end)

    local = "IP:127.0.0.1, DNS:localhost"
    day = timedelta(days=1)
    self_signed_end = now + 90 * day
    openssl(
        *("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"),
        *("-keyout", "self-signed.key", "-out", "self-signed.pem", "-days", "90"),
        *("-subj", "/CN=127.0.0.1", "-addext", f"subjectAltName={local}"),
        cwd=folder,
    )
    return Certificates(
        ca=folder / "ca.pem",
        valid=leaf("valid", local, now - day, now + 90 * day),
        other_host=leaf("other-host", "DNS:elsewhere.example", now - day, now + 90 * day),
        expired=leaf(
            "expired",
            local,
            datetime(2020, 1, 1, tzinfo=UTC),
            datetime(2020, 1, 2, tzinfo=UTC),
        ),
        expiring=leaf("expiring", local, now - day, now + 3 * day),
        self_signed=Leaf(folder / "self-signed.pem", folder / "self-signed.key", self_signed_end),
    )
