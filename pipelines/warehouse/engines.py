"""Open the warehouse on the engine the configuration chooses: a DuckDB file, or Spark.

The transforms are Ibis expressions, so the connection returned here is all that changes
between engines; :mod:`pipelines.warehouse.store` picks the matching way to write.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ibis.backends import BaseBackend

from pipelines.engine_config import FIXED_SPARK_CONF, Engine, SparkSettings
from pipelines.warehouse.portable import TABLE_FORMAT_KEY
from pipelines.warehouse.store import WarehouseError, connect

DUCKDB_FILE = "warehouse.duckdb"
LOCAL_SPARK_FOLDER = "spark"


def describe(engine: Engine, data_dir: Path) -> str:
    """Where the warehouse is, for messages: a file, or a Spark master and database."""
    if engine.name == "spark":
        return f"Spark {engine.spark.master}, database {engine.spark.database}"
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


def open_warehouse(engine: Engine, data_dir: Path, read_only: bool = False) -> BaseBackend:
    """The warehouse of ``engine`` (``read_only`` applies to the DuckDB file)."""
    if engine.name == "spark":
        return open_spark(engine.spark, data_dir)
    return connect(data_dir / DUCKDB_FILE, read_only=read_only)
