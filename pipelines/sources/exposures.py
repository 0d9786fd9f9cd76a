"""Experiment exposures, one row per unit and experiment: from the demo or from a file.

A file (CSV or Parquet) holds ``experiment_id``, ``unit_id``, ``arm``, ``first_exposure_date``
(ISO date) and the numeric metric columns the configured experiments name (an empty cell is
0: an exposed unit that did nothing). Rows of experiments not in the configuration are
skipped; units first exposed after ``as_of`` are left out. ``unit_id`` is replaced by a keyed
hash at once (:mod:`pipelines.privacy`), so the raw identifier is never stored.

Problems raise :class:`ExposuresError` naming the file, the row (header = row 1) and the
column: an arm that is not in the experiment, a unit in two arms or listed twice (it would be
counted twice), a date or number that does not parse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from experiments.sufficient import KEYS as STAT_KEYS
from experiments.sufficient import SUMS as STAT_SUMS
from pipelines.config import Config
from pipelines.experiment_config import ExperimentDefinition, ga4_variant_dimension

KEYS = ("experiment_id", "unit_id", "arm", "first_exposure_date")
UNITS_TABLE = "raw_experiment_units"


class ExposuresError(ValueError):
    """Exposures that cannot be used; the message names the file, row and column."""


def unit_columns(definitions: Sequence[ExperimentDefinition]) -> tuple[str, ...]:
    """Every column of the units table: the keys, then each metric column once."""
    metrics = dict.fromkeys(c for d in definitions for c in d.columns())
    return KEYS + tuple(c for c in metrics if c not in KEYS)


def _read(path: Path) -> pd.DataFrame:
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise ExposuresError(f"{path}: file not found (sources.experiments.path)") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ExposuresError(f"{path}: cannot read the exposures file ({exc})") from None


def _first_bad(path: Path, frame: pd.DataFrame, bad: pd.Series, column: str, why: str,
               show: bool = True) -> None:
    """Raise naming the first bad row; ``show=False`` for identifiers (personal data)."""
    if bad.any():
        where = int(np.flatnonzero(bad.to_numpy())[0])
        shown = f"got {str(frame[column].iloc[where])[:60]!r}; " if show else ""
        raise ExposuresError(f"{path} row {frame.index[where] + 2}, {column}: {why} "
                             f"({shown}{int(bad.sum())} such rows)")


def read_units_file(path: Path, definitions: Sequence[ExperimentDefinition], as_of: dt.date,
                    pseudonymise) -> pd.DataFrame:
    """The units of the configured experiments in ``path``, identifiers hashed.

    ``pseudonymise`` maps a Series of raw identifiers to keyed hashes.
    """
    frame = _read(path)
    columns = unit_columns(definitions)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ExposuresError(f"{path}: missing column(s) {', '.join(missing)} (the configured "
                             f"experiments need {', '.join(columns)})")
    frame = frame.reset_index(drop=True)
    frame["experiment_id"] = frame["experiment_id"].astype(str).str.strip()
    wanted = {d.id: d for d in definitions}
    frame = frame[frame["experiment_id"].isin(list(wanted))]
    frame["arm"] = frame["arm"].astype(str).str.strip()
    for exp_id, d in wanted.items():
        mine = frame["experiment_id"] == exp_id
        arms = [a.id for a in d.arms]
        _first_bad(path, frame, mine & ~frame["arm"].isin(arms), "arm",
                   f"not an arm of experiment {exp_id!r} ({', '.join(arms)})")
    ids = frame["unit_id"].astype("string").str.strip()
    _first_bad(path, frame, (ids.isna() | (ids == "")).astype(bool), "unit_id", "empty",
               show=False)
    _first_bad(path, frame, ids.to_frame().assign(e=frame["experiment_id"]).duplicated(),
               "unit_id", "this unit is listed twice in the same experiment (in one arm or "
               "two); each unit must appear once per experiment", show=False)
    days = pd.to_datetime(frame["first_exposure_date"], errors="coerce", format="ISO8601")
    _first_bad(path, frame, days.isna(), "first_exposure_date", "not an ISO date (2026-10-01)")
    out = {"experiment_id": frame["experiment_id"], "unit_id": pseudonymise(ids),
           "arm": frame["arm"], "first_exposure_date": days.dt.normalize().astype("datetime64[s]")}
    for column in columns[len(KEYS):]:
        values = pd.to_numeric(frame[column], errors="coerce")
        _first_bad(path, frame, values.isna() & frame[column].notna(), column, "not a number")
        _first_bad(path, frame, ~np.isfinite(values.fillna(0.0)), column, "not a finite number")
        out[column] = values.fillna(0.0).astype("float64")
    units = pd.DataFrame(out)
    return units[units["first_exposure_date"] <= pd.Timestamp(as_of)].reset_index(drop=True)


def demo_units_for(definitions: Sequence[ExperimentDefinition], as_of: dt.date,
                   seed: int) -> pd.DataFrame:
    """The demo's units for the configured experiments (planted truths for the four it knows)."""
    from pipelines.sources.demo.experiments import demo_units

    units = demo_units(tuple(d.spec() for d in definitions), as_of, seed)
    columns = list(unit_columns(definitions))
    units = units[columns] if len(units) else pd.DataFrame(columns=columns)
    return units.astype({c: "float64" for c in columns[len(KEYS):]}).astype(
        {"first_exposure_date": "datetime64[s]"})


GA4_STATS_TABLE = "raw_experiment_ga4_stats"


def units_schema(definitions: Sequence[ExperimentDefinition]) -> pa.Schema:
    """The Arrow schema of the units table for these experiments."""
    metrics = unit_columns(definitions)[len(KEYS):]
    return pa.schema([("experiment_id", pa.string()), ("unit_id", pa.string()),
                      ("arm", pa.string()), ("first_exposure_date", pa.date32()),
                      *[(c, pa.float64()) for c in metrics]])


def stats_schema() -> pa.Schema:
    """The Arrow schema of a sufficient-statistics table (see experiments.sufficient)."""
    return pa.schema([*[(c, pa.string()) for c in STAT_KEYS], ("n", pa.int64()),
                      *[(c, pa.float64()) for c in STAT_SUMS if c != "n"]])


def as_arrow(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame`` in exactly ``schema`` (an empty frame gives an empty table of that shape)."""
    if frame.empty:
        return schema.empty_table()
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


@dataclass(frozen=True)
class Exposures:
    """One pull: unit rows (demo, file) or ready statistics (GA4), and what to report."""

    units: pa.Table
    ga4_stats: pa.Table
    metadata: dict = field(default_factory=dict)


def pull_exposures(config: Config, as_of: dt.date) -> Exposures:
    """The configured experiments' exposures up to ``as_of`` from the configured source."""
    definitions = config.experiments
    source = config.sources.experiments
    empty_units, empty_stats = units_schema(definitions).empty_table(), stats_schema().empty_table()
    if not definitions:
        return Exposures(empty_units, empty_stats, {"experiments": 0})
    meta = {"experiments": len(definitions), "source": source.kind, "as_of": as_of.isoformat()}
    if source.kind == "ga4":
        from pipelines.sources.factory import ga4_settings
        from pipelines.sources.ga4.experiments import Ga4ExperimentQuery, pull_experiment_stats

        queries = [Ga4ExperimentQuery(
            experiment_id=d.id, variant_dimension=ga4_variant_dimension(d),
            arms=tuple(a.id for a in d.arms),
            metrics=tuple((m.id, (m.numerator,)) for m in d.metrics),
            start=d.start, end=d.end) for d in definitions]
        stats, extra = pull_experiment_stats(ga4_settings(config), queries, as_of)
        return Exposures(empty_units, as_arrow(stats, stats_schema()), {**meta, **extra})
    if source.kind == "file":
        from pipelines.privacy import pseudonym_key, pseudonymise

        key = pseudonym_key()
        units = read_units_file(source.path, definitions, as_of,
                                lambda ids: pseudonymise(ids, key))
        meta["file"] = str(source.path)
    else:
        units = demo_units_for(definitions, as_of, config.demo.seed)
    return Exposures(as_arrow(units, units_schema(definitions)), empty_stats, meta)
