"""Open the warehouse on the engine the configuration chooses: a DuckDB file, Spark or BigQuery.

The transforms are Ibis expressions, so the connection returned here is all that changes
between engines; :mod:`pipelines.warehouse.store` picks the matching way to write.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ibis.backends import BaseBackend

from pipelines.engine_config import FIXED_SPARK_CONF, BigQuerySettings, Engine, SparkSettings
from pipelines.warehouse import limits
from pipelines.warehouse.portable import TABLE_FORMAT_KEY
from pipelines.warehouse.store import WarehouseError, connect

DUCKDB_FILE = "warehouse.duckdb"
LOCAL_SPARK_FOLDER = "spark"
BIGQUERY_SCOPES = ("https://www.googleapis.com/auth/bigquery",)


def describe(engine: Engine, data_dir: Path) -> str:
    """Where the warehouse is, for messages: a file, or a Spark master and database."""
    if engine.name == "spark":
        return f"Spark {engine.spark.master}, database {engine.spark.database}"
    if engine.name == "bigquery" and engine.bigquery is not None:
        bq = engine.bigquery
        at = f" at {bq.endpoint}" if bq.endpoint else ""
        return f"BigQuery project {bq.project}, dataset {bq.dataset} ({bq.location}){at}"
    return str(data_dir / DUCKDB_FILE)


def spark_conf(settings: SparkSettings, data_dir: Path) -> dict[str, str]:
    """The Spark properties of the session: local mode keeps its metastore (embedded Derby) and
    table files in ``<data dir>/spark``; the configuration's ``conf`` comes next; UTC last.

    >>> conf = spark_conf(SparkSettings(conf={"spark.executor.memory": "8g"}), Path("/d"))
    >>> conf["spark.sql.warehouse.dir"], conf["spark.executor.memory"]
    ('/d/spark/warehouse', '8g')
    >>> "spark.sql.warehouse.dir" in spark_conf(SparkSettings(master="yarn"), Path("/d"))
    False
    """
    conf = {"spark.ui.showConsoleProgress": "false", TABLE_FORMAT_KEY: settings.table_format}
    if settings.local:
        home = data_dir / LOCAL_SPARK_FOLDER
        conf |= {
            "spark.sql.catalogImplementation": "hive",
            "spark.sql.warehouse.dir": str(home / "warehouse"),
            "spark.hadoop.javax.jdo.option.ConnectionURL":
                f"jdbc:derby:;databaseName={home / 'metastore_db'};create=true",
            "spark.driver.extraJavaOptions": f"-Dderby.system.home={home}",
            "spark.sql.shuffle.partitions": "4",
            "spark.ui.enabled": "false",
        }
    return conf | dict(settings.conf) | FIXED_SPARK_CONF


def open_spark(settings: SparkSettings, data_dir: Path) -> BaseBackend:
    """Ibis on a Spark session (the running one if this process has it), in the database."""
    try:
        import ibis
        from pyspark.sql import SparkSession
    except ImportError as exc:  # the optional extra is missing
        raise WarehouseError(
            "engine.name is spark but pyspark is not installed: install the project with its "
            "'spark' extra (uv sync --extra spark)") from exc
    if settings.local:
        (data_dir / LOCAL_SPARK_FOLDER).mkdir(parents=True, exist_ok=True)
        # Local Python workers run with this interpreter and its packages (PySpark reads only
        # the environment variable for that).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(settings.master).appName(settings.app_name)
    for key, value in spark_conf(settings, data_dir).items():
        builder = builder.config(key, value)
    session = builder.enableHiveSupport().getOrCreate() if settings.local else \
        builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    session.sql(f"CREATE DATABASE IF NOT EXISTS {settings.database}")  # a checked name
    session.catalog.setCurrentDatabase(settings.database)
    return ibis.pyspark.connect(session)


def bigquery_credentials(settings: BigQuerySettings):
    """No credentials (``anonymous``, a local emulator), the service-account key file, or
    Application Default Credentials; a :class:`WarehouseError` that says what to set when none
    is found (never the key's content)."""
    from pipelines import google_credentials

    return google_credentials.load(
        anonymous=settings.anonymous, credentials_file=settings.credentials_file,
        scopes=BIGQUERY_SCOPES, setting="engine.bigquery.credentials_file", error=WarehouseError,
        none_found="BigQuery: no credentials found. Set engine.bigquery.credentials_file to a "
        "service-account key (JSON) with the BigQuery Data Editor and Job User roles, or "
        "GOOGLE_APPLICATION_CREDENTIALS, or run 'gcloud auth application-default login'.")


def _bigquery_client(settings: BigQuerySettings, credentials):
    """The BigQuery client. With an ``endpoint`` query results come back over its REST API:
    the client would otherwise read large results through the Storage Read API at Google's
    own address (which an emulator or a private endpoint does not stand for)."""
    from google.api_core.client_info import ClientInfo
    from google.cloud import bigquery

    class RestResultsClient(bigquery.Client):
        def _ensure_bqstorage_client(self, *args, **kwargs):
            return None

    kind = RestResultsClient if settings.endpoint else bigquery.Client
    options = {"api_endpoint": settings.endpoint} if settings.endpoint else None
    return kind(project=settings.project, credentials=credentials, location=settings.location,
                client_options=options, client_info=ClientInfo(user_agent="campaign-kpi"))


def _ensure_dataset(client, settings: BigQuerySettings, create: bool) -> None:
    """Create the dataset in its location if missing (with ``create``); refuse one in another
    location."""
    from google.api_core.exceptions import NotFound
    from google.cloud import bigquery

    reference = bigquery.DatasetReference(settings.project, settings.dataset)
    try:
        dataset = client.get_dataset(reference)
    except NotFound:
        if not create:
            raise WarehouseError(
                f"BigQuery project {settings.project} has no dataset {settings.dataset} yet: "
                "run campaign-kpi demo or campaign-kpi run --date first") from None
        dataset = bigquery.Dataset(reference)
        dataset.location = settings.location
        dataset.description = "campaign-kpi warehouse"
        client.create_dataset(dataset, exists_ok=True)
        return
    if dataset.location and dataset.location.lower() != settings.location.lower():
        raise WarehouseError(
            f"BigQuery dataset {settings.project}.{settings.dataset} is in {dataset.location}, "
            f"the configuration says engine.bigquery.location: {settings.location}; a dataset "
            "cannot move: set the location it has, or choose another dataset")


def open_bigquery(settings: BigQuerySettings, create: bool = True) -> BaseBackend:
    """Ibis on BigQuery, in the dataset (created in its location when missing, with
    ``create``)."""
    try:
        import google.cloud.bigquery as bigquery
        import ibis
        import ibis.backends.bigquery  # with the client libraries it needs
        from google.api_core.exceptions import Forbidden, GoogleAPICallError, Unauthorized
        from google.auth.exceptions import GoogleAuthError
    except ImportError as exc:  # the optional extra is missing
        raise WarehouseError(
            "engine.name is bigquery but the BigQuery client is not installed: install the "
            "project with its 'bigquery' extra (uv sync --extra bigquery)") from exc
    credentials = bigquery_credentials(settings)
    where = f"BigQuery project {settings.project}, dataset {settings.dataset}"
    client = _bigquery_client(settings, credentials)
    try:
        _ensure_dataset(client, settings, create)
    except WarehouseError:
        client.close()
        raise
    except (Unauthorized, Forbidden, GoogleAuthError) as exc:
        client.close()
        reason = exc.message if isinstance(exc, GoogleAPICallError) else type(exc).__name__
        raise WarehouseError(
            f"{where}: the credentials were refused ({reason}); check "
            "engine.bigquery.credentials_file or the application default credentials, and "
            "that they may create tables and run jobs in the project") from None
    except GoogleAPICallError as exc:
        client.close()
        raise WarehouseError(f"{where}: {exc.message}") from None
    con = ibis.bigquery.connect(client=client, project_id=settings.project,
                                dataset_id=settings.dataset, credentials=credentials,
                                location=settings.location)
    # Standard SQL without the legacy 'allowLargeResults' ibis sets (standard SQL ignores it,
    # but it turns every query into a job polled for its results instead of one request); a
    # table named without its dataset (an unbound ibis.table) is one of the warehouse's.
    con.client.default_query_job_config = bigquery.QueryJobConfig(
        use_legacy_sql=False,
        default_dataset=bigquery.DatasetReference(settings.project, settings.dataset))
    if settings.endpoint:
        con.storage_client = None  # results over the endpoint's REST API (see above)
    return con


def open_warehouse(engine: Engine, data_dir: Path, read_only: bool = False) -> BaseBackend:
    """The warehouse of ``engine`` (``read_only``: the DuckDB file opened read-only, no BigQuery
    dataset created)."""
    if engine.name == "spark":
        return open_spark(engine.spark, data_dir)
    if engine.name == "bigquery" and engine.bigquery is not None:
        return open_bigquery(engine.bigquery, create=not read_only)
    path = data_dir / DUCKDB_FILE
    settings = engine.duckdb
    bound = limits.resolve(path, settings.memory_limit, settings.threads, settings.temp_directory)
    return connect(path, read_only=read_only, bound=bound)
