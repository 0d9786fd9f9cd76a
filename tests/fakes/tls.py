"""A self-signed TLS certificate for ``localhost`` that gRPC's default channels trust.

``GoogleAdsClient.get_service`` always opens a *secure* channel with gRPC's default root
certificates. gRPC reads those roots once per process, from the file named by
``GRPC_DEFAULT_SSL_ROOTS_FILE_PATH`` if it is set, when the first secure channel that needs them
connects. So :func:`trust_localhost_cert` must run before any such channel in the process: call
it from a ``pytest_configure`` hook or rely on the session fixture ``ads_tls`` (which the
``ads_server`` fixture depends on). Setting it later has no effect, and ``AdsServer`` then fails
fast with an explanation instead of hanging in TLS handshakes.

The variable then names a bundle: the roots it named before (if any) plus this certificate.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import ipaddress
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOTS_ENV = "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"
SHARED_ENV = "CAMPAIGN_KPI_FAKE_TLS_DIR"  # the certificate's folder, for child processes


@dataclass(frozen=True)
class LocalhostCert:
    """PEM certificate (SAN ``DNS:localhost``, ``IP:127.0.0.1``), key, and the cert file."""

    cert_pem: bytes
    key_pem: bytes
    path: Path


@functools.cache
def localhost_cert() -> LocalhostCert:
    """The certificate of this process and the processes it starts (pytest-xdist's workers):
    gRPC reads its roots once, possibly before a worker's own set-up runs, so the workers
    serve the certificate their parent already made them trust."""
    shared = os.environ.get(SHARED_ENV)
    if shared and (Path(shared) / "localhost.pem").is_file():
        folder = Path(shared)
        return LocalhostCert((folder / "localhost.pem").read_bytes(),
                             (folder / "localhost.key").read_bytes(), folder / "localhost.pem")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    san = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    folder = Path(tempfile.mkdtemp(prefix="fake-google-tls-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "localhost.pem"
    path.write_bytes(cert_pem)
    (folder / "localhost.key").write_bytes(key_pem)
    os.environ[SHARED_ENV] = str(folder)
    return LocalhostCert(cert_pem, key_pem, path)


def trust_localhost_cert() -> LocalhostCert:
    """Point gRPC's default roots at a bundle holding the localhost certificate; return it.

    Idempotent. If the variable already names a bundle (some machines set it to the system CA
    file), the new bundle keeps those roots and adds ours, so other TLS use is unaffected.
    """
    cert = localhost_cert()
    bundle = cert.path.with_name("roots.pem")
    current = os.environ.get(ROOTS_ENV)
    if current and Path(current) == bundle:
        return cert
    previous = Path(current).read_bytes() if current and Path(current).is_file() else b""
    bundle.write_bytes(previous.rstrip() + b"\n" + cert.cert_pem if previous else cert.cert_pem)
    os.environ[ROOTS_ENV] = str(bundle)
    return cert
