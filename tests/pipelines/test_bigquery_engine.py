"""Opening a BigQuery warehouse: what the messages say, and the credentials it picks, without a
server (the pipeline on a BigQuery emulator is tests/scale/test_bigquery_warehouse.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import google.auth
import pytest
from google.auth.credentials import AnonymousCredentials
from google.auth.exceptions import DefaultCredentialsError

from pipelines.engine_config import BigQuerySettings, Engine
from pipelines.warehouse.engines import bigquery_credentials, describe, open_warehouse
from pipelines.warehouse.store import WarehouseError

SECRET = "-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n"


def engine(**bigquery) -> Engine:
    return Engine.model_validate({"name": "bigquery",
                                  "bigquery": {"project": "acme-marketing", **bigquery}})


def test_describe_names_the_project_the_dataset_and_its_location():
    assert describe(engine(), Path("/d")) == \
        "BigQuery project acme-marketing, dataset campaign_kpi (EU)"
    local = engine(dataset="kpi_test", location="europe-west1",
                   endpoint="http://127.0.0.1:9050", anonymous=True)
    assert describe(local, Path("/d")) == ("BigQuery project acme-marketing, dataset kpi_test "
                                          "(europe-west1) at http://127.0.0.1:9050")


def test_a_local_emulator_gets_no_credentials_at_all():
    settings = BigQuerySettings(project="acme-marketing", endpoint="http://localhost:9050",
                                anonymous=True)
    assert isinstance(bigquery_credentials(settings), AnonymousCredentials)


def test_a_missing_key_file_is_named(tmp_path):
    with pytest.raises(WarehouseError, match=r"engine\.bigquery\.credentials_file: cannot read "
                       r"a service-account key from .*nope\.json \(FileNotFoundError\)"):
        open_warehouse(engine(credentials_file=str(tmp_path / "nope.json")), tmp_path)


def test_a_broken_key_file_is_refused_without_showing_its_content(tmp_path):
    key = tmp_path / "key.json"
    key.write_text(json.dumps({"type": "service_account", "private_key": SECRET,
                               "client_email": "kpi@acme-marketing.iam.gserviceaccount.com"}))
    with pytest.raises(WarehouseError, match=r"cannot read a service-account key") as info:
        open_warehouse(engine(credentials_file=str(key)), tmp_path)
    assert "not-a-real-key" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_without_any_credentials_the_message_says_what_to_set(tmp_path, monkeypatch):
    def no_credentials(**_):
        raise DefaultCredentialsError("no ADC")

    monkeypatch.setattr(google.auth, "default", no_credentials)
    with pytest.raises(WarehouseError, match=r"BigQuery: no credentials found\. Set "
                       r"engine\.bigquery\.credentials_file .*GOOGLE_APPLICATION_CREDENTIALS"):
        open_warehouse(engine(), tmp_path)


def test_without_the_bigquery_extra_the_message_says_how_to_install_it(tmp_path, monkeypatch):
    for module in ("google.cloud.bigquery", "ibis.backends.bigquery"):
        monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(WarehouseError, match=r"uv sync --extra bigquery"):
        open_warehouse(engine(), tmp_path)
