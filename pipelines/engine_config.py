"""The ``engine:`` section of the configuration: where the warehouse lives and the transforms run.

``duckdb`` (the default) keeps the warehouse in one file in the data folder. ``spark`` keeps it in
a Spark catalog (a cluster's metastore, or a local one in the data folder) and ``bigquery`` in a
BigQuery dataset; both run the same Ibis transforms there.

>>> Engine().name
'duckdb'
>>> spark = Engine.model_validate({"name": "spark", "spark": {"master": "spark://etl:7077"}})
>>> spark.spark.master, spark.spark.database, spark.spark.table_format
('spark://etl:7077', 'campaign_kpi', 'parquet')
>>> bq = Engine.model_validate({"name": "bigquery", "bigquery": {"project": "acme-marketing"}})
>>> bq.bigquery.project, bq.bigquery.dataset, bq.bigquery.location
('acme-marketing', 'campaign_kpi', 'EU')
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipelines.warehouse.limits import MEMORY_SIZE

# Spark settings a configuration may not change: the pipeline's dates and times assume UTC.
FIXED_SPARK_CONF = {"spark.sql.session.timeZone": "UTC"}


def _matching(pattern: str | re.Pattern[str], value: str, what: str,
              shown: str | None = None) -> str:
    """``value`` if all of it matches ``pattern``; else a ValueError saying it is not ``what``.

    >>> _matching(r"[a-z]+", "Acme", "a name of lower-case letters")
    Traceback (most recent call last):
    ValueError: 'Acme' is not a name of lower-case letters
    """
    if not re.fullmatch(pattern, value):
        raise ValueError(f"{shown if shown is not None else value!r} is not {what}")
    return value


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
        return _matching(r"[a-z_][a-z0-9_]*", name,
                         "a database name of lower-case letters, digits and underscores")

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


# Hosts an endpoint may name for ``anonymous`` access: a test server on this machine.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
# A project ID (6-30 characters), optionally after the domain of a legacy domain-scoped project.
_PROJECT = re.compile(r"(?:[a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]")
# A multi-region (EU, US) or a region (europe-west1, us-central1, northamerica-northeast1).
_LOCATION = re.compile(r"EU|US|[a-z]+(?:-[a-z]+)+[0-9]+")


class BigQuerySettings(_Strict):
    """Which BigQuery dataset keeps the warehouse, and how to reach it.

    ``project``: the Google Cloud project that holds the dataset and runs (pays for) the queries.
    ``dataset``: created in ``location`` when missing. ``location``: where the data is stored
    and processed, ``EU`` by default (personal data of EU customers stays in the EU); a region
    such as ``europe-west1`` works too. An existing dataset keeps the location it was created
    with: the pipeline refuses to run when the two differ.
    ``credentials_file``: a service account's JSON key; without it, Application Default
    Credentials (``GOOGLE_APPLICATION_CREDENTIALS``, ``gcloud auth application-default login``,
    or the service account of the machine on Google Cloud).
    ``endpoint``: another address of the BigQuery API (a Private Service Connect endpoint, or a
    local emulator); query results then come back over that REST API, not the Storage Read API.
    ``anonymous``: send no credentials at all, only allowed with a local endpoint (tests).
    """

    project: str
    dataset: str = "campaign_kpi"
    location: str = "EU"
    credentials_file: Path | None = None
    endpoint: str | None = None
    anonymous: bool = False

    @field_validator("project")
    @classmethod
    def _project_id(cls, project: str) -> str:
        return _matching(_PROJECT, project, "a Google Cloud project ID (6 to 30 lower-case "
                         "letters, digits and hyphens, starting with a letter)")

    @field_validator("dataset")
    @classmethod
    def _dataset_name(cls, name: str) -> str:
        return _matching(r"[A-Za-z0-9_]{1,1024}", name,
                         "a dataset name of letters, digits and underscores")

    @field_validator("location")
    @classmethod
    def _location(cls, location: str) -> str:
        normalised = location.upper() if location.upper() in ("EU", "US") else location.lower()
        _matching(_LOCATION, normalised, "a BigQuery location (EU, US or a region such as "
                  "europe-west1)", shown=location)
        return normalised

    @field_validator("endpoint")
    @classmethod
    def _endpoint_url(cls, endpoint: str | None) -> str | None:
        if endpoint is not None and not re.fullmatch(r"https?://[^\s/?#]+/?", endpoint):
            raise ValueError(f"{endpoint!r} is not an endpoint address such as "
                             "https://bigquery-acme.p.googleapis.com or http://localhost:9050")
        return endpoint.rstrip("/") if endpoint else endpoint

    @model_validator(mode="after")
    def _anonymous_only_locally(self) -> BigQuerySettings:
        if self.anonymous and not self.local_endpoint:
            raise ValueError("anonymous: only allowed with a local endpoint (an emulator on "
                             "this machine)")
        if self.anonymous and self.credentials_file is not None:
            raise ValueError("credentials_file and anonymous: choose one")
        if (self.endpoint or "").startswith("http://") and not self.local_endpoint:
            raise ValueError(f"endpoint: {self.endpoint} is plain http on another machine; "
                             "use https (credentials would travel unencrypted)")
        return self

    @property
    def local_endpoint(self) -> bool:
        """Whether ``endpoint`` is a server on this machine (an emulator)."""
        host = (self.endpoint or "").split("://")[-1].rsplit(":", 1)[0]
        return host in LOCAL_HOSTS


class DuckDBSettings(_Strict):
    """How much of the machine the DuckDB warehouse may take; what is not set comes from the
    machine (see :mod:`pipelines.warehouse.limits`: a quarter of its memory, at most 1 GiB;
    every core; a ``duckdb-spill`` folder next to the warehouse file).

    ``memory_limit``: in DuckDB's syntax (``1GB``, ``1.5GiB``, ``800MB``); work beyond it
    spills to ``temp_directory``. Raise it on a big machine to spill less.

    >>> DuckDBSettings(memory_limit="2 GB").memory_limit
    '2 GB'
    >>> DuckDBSettings(memory_limit="2 gigs")
    Traceback (most recent call last):
    pydantic_core._pydantic_core.ValidationError: 1 validation error for DuckDBSettings
    memory_limit
      Value error, '2 gigs' is not a memory size such as 1GB, 1.5GiB or 800MB ...
    """

    memory_limit: str | None = None
    threads: int | None = Field(None, ge=1)
    temp_directory: Path | None = None

    @field_validator("memory_limit")
    @classmethod
    def _memory_size(cls, size: str | None) -> str | None:
        if size is None:
            return size
        return _matching(MEMORY_SIZE, size.strip(), "a memory size such as 1GB, 1.5GiB or 800MB")


class Engine(_Strict):
    name: Literal["duckdb", "spark", "bigquery"] = "duckdb"
    duckdb: DuckDBSettings = DuckDBSettings()
    spark: SparkSettings = SparkSettings()
    bigquery: BigQuerySettings | None = None

    @model_validator(mode="after")
    def _bigquery_settings(self) -> Engine:
        if self.name == "bigquery" and self.bigquery is None:
            raise ValueError("name is bigquery: add a bigquery section with at least the "
                             "project (engine.bigquery.project)")
        return self
