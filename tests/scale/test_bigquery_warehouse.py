"""The whole pipeline with ``engine: bigquery``: the user's command against a local BigQuery
emulator (tests/fakes/bigquery.py), every table equal to the DuckDB warehouse's, and a nightly
re-run that changes nothing and leaves no staging table behind."""

from __future__ import annotations

import datetime as dt

import google.auth.credentials
import grpc
import pandas as pd
import pyarrow as pa
import pytest
import yaml
from google.api_core.exceptions import ResourceExhausted
from google.cloud import bigquery, bigquery_storage_v1
from google.cloud.bigquery_storage_v1.services.big_query_read.transports import (
    BigQueryReadGrpcTransport,
)

from pipelines.engine_config import Engine
from pipelines.warehouse import portable
from pipelines.warehouse.engines import open_warehouse
from pipelines.warehouse.store import WarehouseError
from tests.fakes.bigquery import emulator
from tests.scale.conftest import END, scale_config
from tests.scale.test_spark_warehouse import assert_same_as_duckdb, campaign_kpi
from tests.scale.test_spark_warehouse import comparable as spark_comparable

DATASET = "campaign_kpi"

pytestmark = [
    pytest.mark.slow,
    # google-cloud-bigquery reads Storage API pages with a method its storage library deprecates.
    pytest.mark.filterwarnings(
        "ignore:Retrieving Arrow record batches directly:PendingDeprecationWarning"),
]


@pytest.fixture(scope="module")
def bq_emulator(tmp_path_factory):
    with emulator(tmp_path_factory.mktemp("bqemulator") / "emulator.log") as running:
        yield running


@pytest.fixture(scope="module")
def client(bq_emulator):
    bq = bigquery.Client(project=bq_emulator.project,
                         credentials=google.auth.credentials.AnonymousCredentials(),
                         client_options={"api_endpoint": bq_emulator.endpoint})
    yield bq
    bq.close()


@pytest.fixture(scope="module")
def read_client(bq_emulator):
    """The emulator's Storage Read API (gRPC, without TLS): a table of 240,000 rows in under a
    second, where the REST API's pages of 10,000 rows take twenty."""
    channel = grpc.insecure_channel(bq_emulator.grpc,
                                    options=[("grpc.max_receive_message_length", -1)])
    yield bigquery_storage_v1.BigQueryReadClient(
        transport=BigQueryReadGrpcTransport(channel=channel))
    channel.close()


def bigquery_tables(client: bigquery.Client, read_client) -> dict[str, pd.DataFrame]:
    """Every table of the dataset: through the Storage Read API, or the REST API for a table
    the emulator will not send in one gRPC message (it caps them at 11 MB)."""
    out = {}
    for item in client.list_tables(DATASET):
        rows = client.list_rows(item.reference)
        try:
            out[item.table_id] = rows.to_arrow(bqstorage_client=read_client).to_pandas()
        except ResourceExhausted:
            out[item.table_id] = client.list_rows(item.reference).to_arrow(
                create_bqstorage_client=False).to_pandas()
    return out


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """As for Spark, and dates as midnight UTC: DuckDB stores the roll-ups' period ends as
    timestamps (its date + interval is a timestamp), BigQuery as dates."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column].dropna()
        if frame[column].dtype == object and len(values) and all(
                isinstance(v, dt.date) for v in values):
            frame[column] = pd.to_datetime(frame[column], utc=True)
    return spark_comparable(frame)


def engine_on(bq_emulator, **settings) -> Engine:
    return Engine.model_validate({"name": "bigquery", "bigquery": {
        "project": bq_emulator.project, "dataset": DATASET, "endpoint": bq_emulator.endpoint,
        "anonymous": True, **settings}})


@pytest.fixture(scope="module")
def bigquery_demo(tmp_path_factory, bq_emulator) -> tuple:
    """``campaign-kpi demo`` on BigQuery over the scale tests' four weeks."""
    folder = tmp_path_factory.mktemp("bigquery-engine")
    config = scale_config().model_copy(update={"engine": engine_on(bq_emulator)})
    path = folder / "campaign-kpi.yaml"
    path.write_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False))
    done = campaign_kpi("demo", "--config", str(path), "--data-dir", str(folder / "data"),
                        cwd=folder)
    return folder, done.stdout


@pytest.fixture(scope="module")
def demo_tables(bigquery_demo, client, read_client) -> dict[str, pd.DataFrame]:
    """The tables as the demo left them (read once: the re-run test compares against them)."""
    return bigquery_tables(client, read_client)


def test_demo_runs_on_bigquery_and_says_so(bigquery_demo, bq_emulator, client):
    folder, out = bigquery_demo
    data = folder / "data"
    assert (f"Warehouse  BigQuery project {bq_emulator.project}, dataset {DATASET} (EU) at "
            f"{bq_emulator.endpoint}") in out
    assert not (data / "warehouse.duckdb").exists()
    assert client.get_dataset(DATASET).location == "EU"
    for page in ("overview", "drilldown", "experiments", "budget", "clv", "quality"):
        assert all((data / "out" / f"{page}.{lang}.html").stat().st_size > 10_000
                   for lang in ("nl", "fr", "en"))
        assert (data / "out" / f"{page}.html").is_file()  # opens the configured language's
    assert list((data / "out" / "reports").glob("*/weekly-report.fr.html"))


def test_every_table_equals_the_duckdb_warehouse(demo_tables, demo_warehouse):
    assert_same_as_duckdb(demo_tables, demo_warehouse, comparable)


def test_nightly_rerun_on_bigquery_changes_nothing(bigquery_demo, demo_tables, client,
                                                   read_client):
    folder, _ = bigquery_demo
    before = {n: comparable(f) for n, f in demo_tables.items()}
    campaign_kpi("run", "--date", END.isoformat(), "--config",
                 str(folder / "campaign-kpi.yaml"), "--data-dir", str(folder / "data"),
                 cwd=folder)
    after = {n: comparable(f) for n, f in bigquery_tables(client, read_client).items()}
    assert sorted(after) == sorted(before)  # no staging or incoming table left behind
    assert not [n for n in after if n.endswith("__staging") or n.startswith("_incoming_")]
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], check_dtype=False, obj=name)


def test_arrow_rows_arrive_with_their_nulls_and_types(bq_emulator, tmp_path):
    """Loaded from Arrow (not through pandas): a missing text stays missing, whole numbers with
    gaps stay whole, a column with no value at all becomes text; no incoming table is left."""
    con = open_warehouse(engine_on(bq_emulator, dataset="arrow_rows"), tmp_path)
    stamp = dt.datetime(2026, 1, 5, 12, 30, tzinfo=dt.UTC)
    rows = pa.table({
        "text": pa.array(["a", None, "NaN"]),
        "count": pa.array([1, None, 3], pa.int32()),
        "share": pa.array([0.5, None, 1e-12]),
        "day": pa.array([dt.date(2026, 1, 5), None, dt.date(2026, 2, 1)]),
        "at": pa.array([stamp, None, stamp], pa.timestamp("ns", tz="UTC")),
        "flag": pa.array([True, None, False]),
        "nothing": pa.nulls(3),
    })
    assert portable.replace_tables(con, {"t": rows}) == {"t": 3}
    schema = con.table("t").schema()
    assert [str(schema[c]) for c in schema] == [
        "string", "int64", "float64", "date", "timestamp('UTC')", "boolean", "string"]
    got = con.to_pyarrow(con.table("t").order_by("day")).to_pydict()
    assert got["text"] == ["a", "NaN", None] and got["count"] == [1, 3, None]
    assert got["share"] == [0.5, 1e-12, None] and got["at"] == [stamp, stamp, None]
    assert got["nothing"] == [None, None, None]
    assert con.list_tables() == ["t"]


def test_a_dataset_in_another_location_is_refused(bq_emulator, client, tmp_path):
    dataset = bigquery.Dataset(f"{bq_emulator.project}.in_the_us")
    dataset.location = "US"
    client.create_dataset(dataset)
    with pytest.raises(WarehouseError, match=r"dataset campaign-kpi-test\.in_the_us is in US, "
                       r"the configuration says engine\.bigquery\.location: EU"):
        open_warehouse(engine_on(bq_emulator, dataset="in_the_us"), tmp_path)


def test_a_reader_does_not_create_the_dataset(bq_emulator, client, tmp_path):
    with pytest.raises(WarehouseError, match=r"has no dataset never_made yet: run campaign-kpi "
                       r"demo or campaign-kpi run --date first"):
        open_warehouse(engine_on(bq_emulator, dataset="never_made"), tmp_path, read_only=True)
    assert "never_made" not in [d.dataset_id for d in client.list_datasets()]
