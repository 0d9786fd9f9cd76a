"""No secret leaks: the nightly job with the real GA4 and Google Ads connectors, real
credentials (fake but realistic, every one marked ``SECRET-CANARY-<n>``) and real personal data
in an orders file, then a scan of every place a secret could end up.

The secrets, and how they are used (the fakes check they were):

1. the Google Ads developer token, 2. OAuth client id, 3. client secret, 4. refresh token: in a
   ``google-ads.yaml`` named by ``sources.google_ads.credentials_file``, and in the
   ``GOOGLE_ADS_*`` variables (one run reads them from there). The refresh token is exchanged at
   a local OAuth token endpoint (Google's is unreachable offline: the Ads library's default
   token URI is pointed at it) for 7. an access token, which the fake Ads server receives;
5. ``CAMPAIGN_KPI_PSEUDONYM_KEY`` (orders from a file with customer ids and e-mail addresses:
   the stored keys are checked to be its HMACs);
6. a service-account JSON key for GA4 (``sources.ga4.credentials_file``, and
   ``GOOGLE_APPLICATION_CREDENTIALS``): its private key (an RSA key; its base64 lines, DER and
   the base64 of the PEM are scanned too), its key id, and the signed JWTs the GA4 client sent
   (collected from the fake and scanned whole and by part);
8. a secret pasted into the YAML itself (a Spark property such as an S3 secret key: the only
   free-form mapping the configuration accepts).

Also scanned: personal data from the orders file (``PII-CANARY`` customer ids and e-mails).

Runs: one that succeeds (then the weekly report in English, with its PDF); two that fail in
process: GA4 answering 503 until the retries run out while Google Ads (credentials from the
variables) answers UNAUTHENTICATED, and GA4 answering 401 while the OAuth endpoint says the
refresh token was revoked; and ``campaign-kpi run`` in a subprocess whose ``google-ads.yaml``
has a syntax error on the refresh token's line. Each failing source is also called directly,
and its exception kept with its whole chain.

Scanned: stdout/stderr (fd level, and the subprocess's), every Python log record (root at
DEBUG), both Dagster instances through their API (every run with its config and tags, every
event with its metadata and errors), every file under both data folders (warehouse, Dagster's
sqlite files and compute logs, HTML, the PDF and its deflated streams, plotly.js), every cell of
every table (as text), the exceptions. Needles, in any case: the ``SECRET-CANARY`` and
``PII-CANARY`` markers, each secret raw, url-encoded and base64, and every 12-character piece
of it (3 apart: a quoted line or a cut-off part is found too); UTF-16 forms in PDFs. The PDF's
page text is glyph codes (no PDF library in the lock file), so its strings, metadata and
inflated streams are what is read. The summary line is written to the terminal.

The resolved configuration (``data/.campaign-kpi.resolved.yaml``) may hold the secret pasted
into the YAML, verbatim: it *is* the user's configuration (re-serialised, with command-line
overrides; the run's resources read it, so it must be whole), it lies next to the warehouse and
not in ``out/`` (the folder meant for sharing), and it holds exactly what the user's file holds:
nothing from the environment or from credential files, which it names by path only. The test
checks that, and the scan checks that the pasted secret is nowhere else.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import re
import subprocess
import sys
import threading
import traceback
import urllib.parse
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dagster as dg
import duckdb
import google.ads.googleads.oauth2
import pandas as pd
import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from assets.runner import RESOLVED_CONFIG, failure_reason, run_nightly, run_weekly_report
from assets.settings import EXAMPLE_CONFIG, Paths
from kpi.weekly import IsoWeek
from pipelines.config import Config, load_config
from pipelines.privacy import KEY_ENV, pseudonymise
from pipelines.sources.base import Window
from pipelines.sources.factory import make_sources
from pipelines.sources.retry import SourceError
from pipelines.sources.streams import streams_of
from pipelines.warehouse.store import connect
from tests.fakes.ads_server import AdsFault, AdsServer
from tests.fakes.fixtures import DEMO
from tests.fakes.ga4_server import GA4Fault, GA4Server

START, END = dt.date(2026, 3, 2), dt.date(2026, 3, 15)
CANARY, PII = "SECRET-CANARY", "PII-CANARY"
DEVELOPER_TOKEN = "SECRET-CANARY-1-dEvToKeN_8fQ2"
CLIENT_ID = "SECRET-CANARY-2-418520.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-SECRET-CANARY-3-cl13nt+s3cr3t"
REFRESH_TOKEN = "1//SECRET-CANARY-4-r3fr3sh/t0ken+with=specials&more"
PSEUDONYM_KEY = "SECRET-CANARY-5-" + "7f3a9c2e" * 6
PRIVATE_KEY_ID = "SECRET-CANARY-6-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
ACCESS_TOKEN = "ya29.SECRET-CANARY-7-a1B2c3D4e5F6"
YAML_SECRET = "SECRET-CANARY-8-s3-s3cr3t/K7MDENG+bPxRfiCY"
CLI = str(Path(sys.executable).parent / "campaign-kpi")


# -- a local OAuth 2.0 token endpoint ----------------------------------------------------------

class TokenServer:
    """``POST /token``: a refresh-token grant with the right client and token gets
    :data:`ACCESS_TOKEN`; anything else, or any grant while ``revoked``, ``invalid_grant``
    (Google's answer to a revoked or expired refresh token)."""

    def __init__(self) -> None:
        self.grants: list[dict[str, str]] = []
        self.revoked = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = dict(urllib.parse.parse_qsl(body))
                server.grants.append(form)
                good = (form.get("grant_type") == "refresh_token"
                        and form.get("refresh_token") == REFRESH_TOKEN
                        and form.get("client_id") == CLIENT_ID
                        and form.get("client_secret") == CLIENT_SECRET)
                if good and not server.revoked:
                    status, answer = 200, {"access_token": ACCESS_TOKEN, "expires_in": 3599,
                                           "token_type": "Bearer",
                                           "scope": "https://www.googleapis.com/auth/adwords"}
                else:
                    status, answer = 400, {"error": "invalid_grant",
                                           "error_description": "Token has been expired or "
                                           "revoked."}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/token"

    def __enter__(self) -> TokenServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


# -- the scanner --------------------------------------------------------------------------------

PUBLIC = (".apps.googleusercontent.com",)  # parts of a secret that are no secret
WINDOW, STEP = 12, 3  # any piece of 14 characters of a secret is found (quoted lines, cut-offs)


def needles_for(secrets: Iterable[str], extra: Iterable[str] = ()) -> list[str]:
    """Lower-cased forms to look for: the markers; each secret raw, url-encoded, base64, and
    its pieces of :data:`WINDOW` characters every :data:`STEP` (so that a truncated or quoted
    part of it is found too); ``extra`` as they are."""
    out = {CANARY, PII, *extra}
    for secret in secrets:
        raw = secret.encode()
        out |= {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret),
                base64.b64encode(raw).decode().rstrip("="),
                base64.urlsafe_b64encode(raw).decode().rstrip("=")}
        starts = sorted({*range(0, len(secret) - WINDOW + 1, STEP), len(secret) - WINDOW})
        out |= {secret[i:i + WINDOW] for i in starts if i >= 0
                and not any(secret[i:i + WINDOW] in public for public in PUBLIC)}
    return sorted({n.lower() for n in out if len(n) >= WINDOW or n in (CANARY, PII)})


@dataclass
class Scan:
    """Counts what was read, and every place a needle was found."""

    needles: list[str]
    files: int = 0
    bytes: int = 0
    cells: int = 0
    pdf_streams: int = 0
    texts: Counter[str] = field(default_factory=Counter)  # log records, events, outputs, ...
    hits: list[str] = field(default_factory=list)

    def text(self, kind: str, where: str, text: str) -> None:
        self.texts[kind] += 1
        self._search(where, text)

    def _search(self, where: str, text: str) -> None:
        self.bytes += len(text.encode())
        low = text.lower()
        self.hits += [f"{where}: {n!r}" for n in self.needles if n in low]

    def blob(self, where: str, data: bytes, utf16: bool = False) -> None:
        """Bytes as UTF-8 (ASCII needles match Latin-1 too), and as UTF-16 if ``utf16``."""
        self.bytes += len(data)
        low = data.lower()
        for needle in self.needles:
            forms = [needle.encode()]
            if utf16:
                forms += [needle.encode("utf-16-le"), needle.encode("utf-16-be")]
            if any(f in low for f in forms):
                self.hits.append(f"{where}: {needle!r}")

    def file(self, path: Path, root: Path) -> None:
        self.files += 1
        data = path.read_bytes()
        where = str(path.relative_to(root))
        pdf = data.startswith(b"%PDF")
        self.blob(where, data, utf16=pdf)
        if pdf:  # PDF text strings may be UTF-16; page content and fonts are deflated
            for i, stream in enumerate(pdf_streams(data)):
                self.pdf_streams += 1
                self.blob(f"{where} (stream {i})", stream, utf16=True)

    def folder(self, root: Path, skip: str = "") -> None:
        """Every file under ``root`` (but those named ``skip``)."""
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != skip):
            self.file(path, root.parent)

    def warehouse(self, path: Path) -> None:
        """Every cell of every table, as text (DuckDB compresses strings on disk)."""
        # read-write, and bounded as the pipeline's own connections are: the runs may hold it
        # open in this process (DuckDB shares a file only between connections of one setting)
        con = connect(path).con
        try:
            for (table,) in con.execute("SELECT table_name FROM information_schema.tables "
                                        "ORDER BY 1").fetchall():
                result = con.execute(  # our own table names, quoted
                    "SELECT * FROM " + '"' + table.replace('"', '""') + '"')
                columns = [d[0] for d in result.description]
                rows = result.fetchall()
                self.cells += len(rows) * len(columns)
                for i, column in enumerate(columns):
                    self._search(f"table {table}.{column}",
                                 "\x00".join(str(row[i]) for row in rows))
        finally:
            con.close()

    def instance(self, instance: dg.DagsterInstance) -> None:
        """Every run (config, tags) and every event of it, serialised whole."""
        for record in instance.get_run_records():
            run = record.dagster_run
            self.text("Dagster runs", f"run {run.run_id[:8]}", dg.serialize_value(run))
            for entry in instance.all_logs(run.run_id):
                self.text("Dagster events", f"event {run.run_id[:8]} "
                          f"{entry.dagster_event_type}", dg.serialize_value(entry))

    @property
    def summary(self) -> str:
        texts = ", ".join(f"{n:,} {kind}" for kind, n in sorted(self.texts.items()))
        return (f"secrets scan: {self.files} files ({self.pdf_streams} PDF streams inflated), "
                f"{self.bytes:,} bytes, {self.cells:,} table cells, {texts}; "
                f"{len(self.needles)} needles, {len(self.hits)} hits")


def pdf_streams(data: bytes) -> Iterator[bytes]:
    """The deflated streams of a PDF, inflated (Chromium compresses page content and fonts)."""
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            yield zlib.decompressobj().decompress(data[match.end():match.end() + 5_000_000])
        except zlib.error:
            continue


class Records(logging.Handler):
    """Every log record of every logger, formatted with its arguments and exception."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception as exc:
            self.lines.append(f"{record.name} {record.msg!r} {record.args!r} ({exc})")


# -- the secrets on disk -----------------------------------------------------------------------

@dataclass(frozen=True)
class Secrets:
    folder: Path
    ads_yaml: Path
    sa_key: Path
    private_pem: str
    orders: Path
    customers: tuple[str, ...]  # the identifier each customer is known by: id, else e-mail

    @property
    def key_forms(self) -> list[str]:
        """The private key as it may leak: its base64 lines, DER as base64 and hex."""
        body = [line for line in self.private_pem.splitlines() if "-----" not in line]
        der = base64.b64decode("".join(body))
        return [*body[1:-1], "".join(body)[100:200], der.hex()[200:300],
                base64.b64encode(self.private_pem.encode()).decode()[80:160]]


def write_secrets(folder: Path, token_uri: str) -> Secrets:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    sa_key = folder / "ga4-key.json"
    sa_key.write_text(json.dumps({
        "type": "service_account", "project_id": "zonnig-huis-analytics",
        "private_key_id": PRIVATE_KEY_ID, "private_key": pem,
        "client_email": "campaign-kpi@zonnig-huis-analytics.iam.gserviceaccount.com",
        "client_id": "104857600000000000001", "token_uri": token_uri,
        "auth_uri": "https://accounts.google.com/o/oauth2/auth"}), encoding="utf-8")
    ads_yaml = folder / "google-ads.yaml"
    ads_yaml.write_text(yaml.safe_dump({
        "developer_token": DEVELOPER_TOKEN, "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN,
        "use_proto_plus": True}), encoding="utf-8")
    rows = ["customer_id,email,order_id,timestamp,revenue,currency,source,medium,campaign"]
    customers = []
    for i in range(40):
        known, email = f"{PII}-C{i:04d}" if i % 5 else "", f"klant{i}.{PII.lower()}@example.be"
        customers.append(known or email)  # every fifth is a guest: the e-mail is the customer
        for k in range(1 + i % 3):
            day = START + dt.timedelta(days=(i * 3 + k * 5) % 14)
            rows.append(f"{known},{email},O-{i}-{k},{day}T10:{k:02d}:00+01:00,"
                        f"{50 + 7 * i + k}.95,EUR,google,cpc,Search – Merk – NL")
    orders = folder / "orders.csv"
    orders.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return Secrets(folder, ads_yaml, sa_key, pem, orders, tuple(customers))


def user_config(secrets: Secrets, ga4: GA4Server, ads: AdsServer, name: str,
                ads_yaml: Path | None) -> Path:
    """A user's configuration file ``name``, with a secret pasted into it (a Spark property);
    Google Ads credentials from ``ads_yaml``, else from the ``GOOGLE_ADS_*`` variables."""
    base = load_config(EXAMPLE_CONFIG).model_dump(mode="json")
    ads_source = {"kind": "google_ads", "customer_ids": [DEMO.customer_id],
                  "login_customer_id": "999-000-1111", "endpoint": ads.endpoint}
    if ads_yaml is not None:
        ads_source["credentials_file"] = str(ads_yaml)
    raw = {
        **base, "history_start": START.isoformat(), "experiments": [],
        "sources": {
            "google_ads": ads_source,
            "ga4": {"kind": "ga4", "property_id": DEMO.property_id, "endpoint": ga4.endpoint,
                    "transport": "rest", "credentials_file": str(secrets.sa_key)},
            "orders": {"kind": "file", "path": str(secrets.orders)},
            "retry": {"max_retries": 1, "initial_seconds": 0.01, "max_seconds": 0.02},
        },
        "engine": {"name": "duckdb", "spark": {"conf": {
            "spark.hadoop.fs.s3a.access.key": "AKIAEXAMPLEKEY",
            "spark.hadoop.fs.s3a.secret.key": YAML_SECRET}}},
    }
    path = secrets.folder / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# -- the runs -----------------------------------------------------------------------------------

@dataclass
class Runs:
    secrets: Secrets
    paths: Paths
    config: Config
    user_config: Path
    instance: dg.DagsterInstance
    results: dict[str, dg.ExecuteInProcessResult]
    exceptions: dict[str, str]
    cli: subprocess.CompletedProcess[str]
    output: str  # stdout and stderr of the test process while the runs ran
    logs: list[str]
    grants: list[dict[str, str]]
    ads_metadata: list[dict[str, str | bytes]]
    ga4_headers: list[dict[str, str]]
    resolved: dict[str, tuple[str, Path]]  # run -> (the resolved copy, the user's file)
    cli_data: Path


def _pull_error(config: Config, platform: str) -> str:
    """What one source raises, with its whole chain (causes and contexts)."""
    source = make_sources(config, platform)[0]
    try:
        source.pull(streams_of(platform)[0], Window(END, END))
    except Exception as exc:
        kind = "" if isinstance(exc, SourceError) else "NOT A SourceError: "
        return kind + "".join(traceback.format_exception(exc))
    raise AssertionError(f"{platform}: expected the pull to fail")


@pytest.fixture(scope="module")
def runs(tmp_path_factory, ads_tls, request) -> Iterator[Runs]:
    folder = tmp_path_factory.mktemp("secrets")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    records = Records()
    root = logging.getLogger()
    level = root.level
    env = {KEY_ENV: PSEUDONYM_KEY, "GOOGLE_ADS_DEVELOPER_TOKEN": DEVELOPER_TOKEN,
           "GOOGLE_ADS_CLIENT_ID": CLIENT_ID, "GOOGLE_ADS_CLIENT_SECRET": CLIENT_SECRET,
           "GOOGLE_ADS_REFRESH_TOKEN": REFRESH_TOKEN,
           }
    with TokenServer() as tokens, GA4Server([DEMO]) as ga4, AdsServer([DEMO]) as ads, \
            pytest.MonkeyPatch.context() as patch:
        secrets = write_secrets(folder, tokens.uri)
        for name, value in env.items():
            patch.setenv(name, value)
        patch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(secrets.sa_key))
        # Google's OAuth endpoint is unreachable offline: the Ads library's default, local.
        installed = google.ads.googleads.oauth2.get_installed_app_credentials.__wrapped__
        patch.setattr(installed, "__defaults__", (None, tokens.uri))
        config_path = user_config(secrets, ga4, ads, "campaign-kpi.yaml", secrets.ads_yaml)
        config = load_config(config_path)
        paths = Paths(folder / "data", config_path)
        home = paths.data_dir / "dagster_home"
        home.mkdir(parents=True)
        root.addHandler(records)
        root.setLevel(logging.DEBUG)
        results, exceptions = {}, {}
        try:
            with dg.DagsterInstance.local_temp(tempdir=str(home)) as instance:
                capturing = capture is not None and capture.is_globally_capturing()
                if capturing:
                    capture.read_global_capture()  # start the fd capture afresh
                results["success"] = run_nightly(paths, config, START, END, instance=instance)
                resolved = {"success": ((paths.data_dir / RESOLVED_CONFIG).read_text(
                    encoding="utf-8"), config_path)}
                used = Paths(paths.data_dir, paths.data_dir / RESOLVED_CONFIG)
                results["report"] = run_weekly_report(used, config, IsoWeek.ended_by(END),
                                                      ("en",), pdf=True, instance=instance)
                # 1: GA4 answers 503 (and retries run out); Google Ads rejects the credentials
                # (here read from the GOOGLE_ADS_* variables).
                from_env = load_config(user_config(secrets, ga4, ads, "from-env.yaml", None))
                ga4.script(GA4Fault("unavailable", times=1000))
                ads.script(AdsFault("unauthenticated", times=1000))
                results["server_errors"] = run_nightly(paths, from_env, END, END,
                                                       instance=instance)
                exceptions["server_errors"] = (_pull_error(from_env, "ga4")
                                               + _pull_error(from_env, "google_ads"))
                ga4.clear_faults()
                ads.clear_faults()
                # 2: GA4 answers 401; the OAuth endpoint says the refresh token was revoked.
                ga4.script(GA4Fault("unauthenticated", times=1000))
                tokens.revoked = True
                results["revoked"] = run_nightly(paths, config, END, END, instance=instance)
                exceptions["revoked"] = (_pull_error(config, "ga4")
                                         + _pull_error(config, "google_ads"))
                ga4.clear_faults()
                # 3: the command line, with a syntax error on the refresh token's line.
                broken = secrets.folder / "google-ads-broken.yaml"
                broken.write_text(secrets.ads_yaml.read_text(encoding="utf-8").replace(
                    f"refresh_token: {REFRESH_TOKEN}", f"refresh_token: {REFRESH_TOKEN}: x"),
                    encoding="utf-8")
                broken_config = user_config(secrets, ga4, ads, "broken.yaml", broken)
                exceptions["yaml_typo"] = _pull_error(load_config(broken_config),
                                                      "google_ads")
                cli_data = folder / "cli-data"  # this process holds the other warehouse open
                cli = subprocess.run(
                    [CLI, "run", "--date", END.isoformat(), "--data-dir", str(cli_data),
                     "--config", str(broken_config)], capture_output=True, text=True,
                    timeout=300, cwd=folder,
                    env={**os.environ, "PATH": "/usr/bin:/bin", "COLUMNS": "120"})
                resolved["cli"] = ((cli_data / RESOLVED_CONFIG).read_text(encoding="utf-8"),
                                   broken_config)
                output = ""
                if capturing:
                    out, err = capture.read_global_capture()
                    output = out + err
                yield Runs(secrets, paths, config, config_path, instance, results, exceptions,
                           cli, output, records.lines, list(tokens.grants),
                           [r.metadata for r in ads.requests],
                           [r.headers for r in ga4.requests], resolved, cli_data)
        finally:
            root.removeHandler(records)
            root.setLevel(level)


@pytest.fixture(scope="module")
def scan(runs: Runs, request) -> Scan:
    """Everything scanned once; the summary goes to the terminal."""
    jwts = {h["authorization"].removeprefix("Bearer ") for h in runs.ga4_headers
            if "authorization" in h}  # the signed tokens the GA4 client sent: whole, by part
    parts = {part for jwt in jwts for part in [jwt, *jwt.split(".")[1:]]}
    needles = needles_for([DEVELOPER_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN,
                           PSEUDONYM_KEY, PRIVATE_KEY_ID, ACCESS_TOKEN, YAML_SECRET],
                          extra=[*runs.secrets.key_forms, *parts])
    result = Scan(needles)
    result.text("outputs", "stdout/stderr of the test process", runs.output)
    result.text("outputs", "campaign-kpi stdout", runs.cli.stdout)
    result.text("outputs", "campaign-kpi stderr", runs.cli.stderr)
    for i, line in enumerate(runs.logs):
        result.text("log records", f"log record {i}", line)
    for name, text in runs.exceptions.items():
        result.text("exceptions", f"exception ({name})", text)
    for name, run in runs.results.items():
        result.text("exceptions", f"failure reason ({name})", failure_reason(run) or "")
    result.instance(runs.instance)
    with dg.DagsterInstance.local_temp(tempdir=str(runs.cli_data / "dagster_home")) as cli:
        result.instance(cli)  # the command line's run history, kept in its data folder
    for folder in (runs.paths.data_dir, runs.cli_data):
        result.folder(folder, skip=RESOLVED_CONFIG)  # that one is judged on its own, below
    result.warehouse(runs.paths.warehouse)
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # to the terminal, past the capture
            reporter.write_line(f"\n{result.summary}")
    return result


def test_the_runs_used_the_secrets(runs: Runs) -> None:
    """Not vacuous: each secret did its job, and each run ended as it should."""
    assert runs.results["success"].success and runs.results["report"].success
    for name in ("server_errors", "revoked"):
        assert not runs.results[name].success, name
    assert runs.cli.returncode == 1 and "The run failed" in runs.cli.stderr
    if runs.output:  # what Dagster's console logger wrote was read (not with pytest -s)
        assert "STEP_FAILURE" in runs.output
    assert any(g.get("refresh_token") == REFRESH_TOKEN and g.get("client_secret") == CLIENT_SECRET
               for g in runs.grants)
    sent = [m for m in runs.ads_metadata if m.get("authorization") == f"Bearer {ACCESS_TOKEN}"]
    assert sent and all(m.get("developer-token") == DEVELOPER_TOKEN for m in sent)
    jwt = next(h["authorization"] for h in runs.ga4_headers if "authorization" in h)
    header = json.loads(base64.urlsafe_b64decode(jwt.split()[1].split(".")[0] + "=="))
    assert header["kid"] == PRIVATE_KEY_ID  # signed with the service account's key
    report = runs.paths.output / "reports" / IsoWeek.ended_by(END).label / "weekly-report.en.pdf"
    assert report.read_bytes().startswith(b"%PDF")
    con = connect(runs.paths.warehouse).con
    stored = set(con.execute("SELECT DISTINCT customer_key FROM raw_orders").df()["customer_key"])
    con.close()
    assert stored == set(pseudonymise(pd.Series(runs.secrets.customers), PSEUDONYM_KEY.encode()))


def test_what_each_failure_says(runs: Runs) -> None:
    """The failures say what to fix, without the secret."""
    said = {name: failure_reason(run) or "" for name, run in runs.results.items()}
    errors = runs.exceptions
    assert "rows from 0): failed after 1 retry of this request: 503" in said["server_errors"]
    assert "Google Ads rejected the credentials for customer 4815162342" in \
        errors["server_errors"]
    assert "GA4 rejected the credentials" in said["revoked"]
    assert "the credentials could not be loaded (RefreshError: " in errors["revoked"] and \
        "invalid_grant" in errors["revoked"]
    typo = "the credentials could not be loaded (ScannerError: mapping values are not allowed"
    assert typo in errors["yaml_typo"] and "NOT A SourceError" not in errors["yaml_typo"]
    assert f"pull_google_ads: Google Ads: {typo}" in " ".join(runs.cli.stderr.split())


def test_no_secret_anywhere(scan: Scan, record_property) -> None:
    record_property("figure", scan.summary)
    assert scan.hits == [], scan.summary
    assert scan.files >= 30 and scan.cells > 10_000 and scan.pdf_streams > 5, scan.summary
    assert scan.texts["Dagster runs"] == 5 and scan.texts["Dagster events"] > 300, scan.summary
    assert scan.texts["log records"] > 50, scan.summary


def test_the_resolved_configuration_is_the_users_own(runs: Runs) -> None:
    """It holds what the user's file holds (the pasted Spark secret included), not a byte from
    the environment or the credential files: those it names by path only."""
    for run, (text, user_file) in runs.resolved.items():
        assert yaml.safe_load(text) == load_config(user_file).model_dump(mode="json"), run
        assert YAML_SECRET in text and YAML_SECRET in user_file.read_text(encoding="utf-8")
        assert str(runs.secrets.sa_key) in text
        scan = Scan(needles_for([DEVELOPER_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN,
                                 PSEUDONYM_KEY, PRIVATE_KEY_ID, ACCESS_TOKEN],
                                extra=runs.secrets.key_forms))
        scan.text("files", f"resolved ({run})", text.replace(YAML_SECRET, "<the user's own>")
                  .replace(CANARY, "<marker>"))
        assert scan.hits == [], run


def test_the_scanner_finds_planted_secrets(tmp_path: Path) -> None:
    """Each way of scanning finds a secret planted where it looks."""
    secrets = write_secrets(tmp_path, "http://127.0.0.1:1/token")
    scan = Scan(needles_for([REFRESH_TOKEN, PSEUDONYM_KEY], extra=secrets.key_forms))
    (tmp_path / "page.html").write_text(f"<p>{urllib.parse.quote_plus(REFRESH_TOKEN)}</p>")
    (tmp_path / "b64.txt").write_text(base64.b64encode(PSEUDONYM_KEY.encode()).decode())
    (tmp_path / "key.json").write_text(json.dumps({"k": secrets.private_pem}))  # \n escaped
    (tmp_path / "title.pdf").write_bytes(b"%PDF-1.4\n<< /Title <" + b"\xfe\xff"
                                         + f"x {PII}".encode("utf-16-be") + b"> >>")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> stream\n"
                                       + zlib.compress(PSEUDONYM_KEY.upper().encode())
                                       + b"\nendstream")
    (tmp_path / "clean.txt").write_text("nothing to see " * 100)
    for name in ("page.html", "b64.txt", "key.json", "title.pdf", "doc.pdf", "clean.txt"):
        scan.file(tmp_path / name, tmp_path)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE TABLE t AS SELECT 'nothing' AS a, ? AS b", [f"x {REFRESH_TOKEN[:20]}"])
    con.close()
    scan.warehouse(tmp_path / "w.duckdb")
    scan.text("log records", "log", f"refreshing with {PII.lower()}")
    where = {hit.split(":")[0] for hit in scan.hits}
    assert where == {"page.html", "b64.txt", "key.json", "title.pdf", "doc.pdf (stream 0)",
                     "table t.b", "log"}, scan.hits
    assert not any(h.startswith("table t.a") for h in scan.hits)
