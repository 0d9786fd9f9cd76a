"""The ``engine:`` section of the configuration: where the warehouse lives and the transforms run.

``duckdb`` (the default) keeps the warehouse in one file in the data folder. ``spark`` keeps it in
a Spark catalog (a cluster's metastore, or a local one in the data folder) and runs the same
Ibis transforms there.

>>> Engine().name
'duckdb'
>>> spark = Engine.model_validate({"name": "spark", "spark": {"master": "spark://etl:7077"}})
>>> spark.spark.master, spark.spark.database, spark.spark.table_format
('spark://etl:7077', 'campaign_kpi', 'parquet')
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

# Spark settings a configuration may not change: the pipeline's dates and times assume UTC.
FIXED_SPARK_CONF = {"spark.sql.session.timeZone": "UTC"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SparkSettings(_Strict):
    """How to reach Spark and where the tables go.

    ``master``: ``local[2]`` runs Spark inside the pipeline's process (a metastore and table
    files under ``<data dir>/spark``); ``spark://host:7077``, ``yarn`` or ``k8s://…`` send the
    work to a cluster, whose own catalog (Hive metastore, Glue, Unity) keeps the tables.
    ``table_format``: ``delta`` or ``iceberg`` (when the cluster has them) make every table
    replacement atomic; plain ``parquet`` replaces a table by writing it anew.
    ``conf``: any further Spark properties (``spark.executor.memory: 8g``, catalog settings).
    """

    master: str = "local[2]"
    app_name: str = "campaign-kpi"
    database: str = "campaign_kpi"
    table_format: Literal["parquet", "delta", "iceberg"] = "parquet"
    conf: dict[str, str] = {}

    @field_validator("database")
    @classmethod
    def _database_name(cls, name: str) -> str:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"{name!r} is not a database name of lower-case letters, digits "
                             "and underscores")
        return name

    @field_validator("conf")
    @classmethod
    def _no_fixed_settings(cls, conf: dict[str, str]) -> dict[str, str]:
        fixed = sorted(set(conf) & set(FIXED_SPARK_CONF))
        if fixed:
            raise ValueError(f"{', '.join(fixed)} cannot be changed: the pipeline works in UTC")
        return conf

    @property
    def local(self) -> bool:
        """Whether Spark runs inside this process (``local``, ``local[4]``, ``local[*]``)."""
        return self.master.startswith("local")


class Engine(_Strict):
    name: Literal["duckdb", "spark"] = "duckdb"
    spark: SparkSettings = SparkSettings()
