"""Experiments in the configuration: the sample's four load as engine specs; mistakes name the
experiment and the field; a source that cannot measure a metric says why."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assets.settings import EXAMPLE_CONFIG
from pipelines.config import ConfigError, load_config
from pipelines.experiment_config import ga4_variant_dimension
from pipelines.sources.demo import experiments as demo

LANDING = {"id": "lp", "name": "Landing page", "arms": [{"id": "a"}, {"id": "b"}],
           "control": "a", "start": "2026-10-01", "end": "2026-10-28",
           "metrics": [{"id": "conversion", "kind": "proportion", "numerator": "converted"}]}


def write(tmp_path: Path, experiments: list[dict], **more) -> Path:
    path = tmp_path / "campaign-kpi.yaml"
    path.write_text(yaml.safe_dump({"history_start": "2026-01-01", "experiments": experiments,
                                    **more}), encoding="utf-8")
    return path


def test_the_sample_declares_the_demo_experiments() -> None:
    config = load_config(EXAMPLE_CONFIG)
    specs = {d.id: d.spec() for d in config.experiments}
    assert set(specs) == {demo.LANDING_ID, demo.AD_COPY_ID, demo.EMAIL_ID, demo.SRM_ID}
    expected = {s.id: s for s in demo.specs(specs[demo.LANDING_ID].start,
                                            specs[demo.LANDING_ID].end)}
    for exp_id, spec in specs.items():  # same arms, control, metrics and factors as the demo's
        assert spec.arm_ids == expected[exp_id].arm_ids
        assert spec.control == expected[exp_id].control
        assert [(m.id, m.kind, m.numerator, m.denominator, m.covariate) for m in spec.metrics] \
            == [(m.id, m.kind, m.numerator, m.denominator, m.covariate)
                for m in expected[exp_id].metrics]
        assert spec.factors == expected[exp_id].factors
    assert specs[demo.AD_COPY_ID].design == "sequential"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"control": "x"}, r"experiments\.0: .*experiment 'lp': control 'x' is not one of the "
                           r"arms \('a', 'b'\)"),
        ({"arms": [{"id": "a"}]}, r"experiments\.0: .*arms: need at least 2, got 1"),
        ({"arms": [{"id": "a", "weight": 0}, {"id": "b"}]},
         r"experiments\.0\.arms\.0\.weight: .*greater than 0"),
        ({"end": "2026-09-01"}, r"end 2026-09-01 is before start 2026-10-01"),
        ({"start": "2026-13-01"}, r"experiments\.0\.start: "),
        ({"metrics": [{"id": "m", "kind": "ratio", "numerator": "revenue"}]},
         r"metrics\['m'\]\.denominator is required for a ratio metric"),
        ({"metrics": [{"id": "m", "kind": "median", "numerator": "revenue"}]},
         r"experiments\.0\.metrics\.0\.kind: "),
        ({"design": "bayesian"}, r"experiments\.0\.design: "),
        ({"id": "lp offer"}, r"experiments\.0\.id: .*pattern"),
        ({"surprise": 1}, r"experiments\.0\.surprise: unknown setting 'surprise' \(the "
                          r"settings here: id, name, "),
    ],
)
def test_mistakes_name_the_experiment_and_field(tmp_path, change, message) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, [{**LANDING, **change}]))


def test_ids_must_be_unique(tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"experiments: id 'lp' is used twice"):
        load_config(write(tmp_path, [LANDING, LANDING]))


def test_the_demo_names_the_columns_it_has(tmp_path) -> None:
    bad = {**LANDING, "metrics": [{"id": "m", "kind": "mean", "numerator": "basket"}]}
    with pytest.raises(ConfigError, match=r"experiments\.0\.metrics\.0: the demo has no column "
                                          r"'basket' \(it has converted, revenue"):
        load_config(write(tmp_path, [bad]))


def test_ga4_can_only_measure_proportions(tmp_path) -> None:
    mean = {**LANDING, "metrics": [{"id": "rev", "kind": "mean", "numerator": "purchase"}]}
    sources = {"ga4": {"kind": "ga4", "property_id": "318004561"},
               "experiments": {"kind": "ga4"}}
    with pytest.raises(ConfigError, match=r"experiments\.0\.metrics\.0\.kind: GA4 reports "
                                          r"aggregates, so only proportion metrics"):
        load_config(write(tmp_path, [mean], sources=sources))
    with pytest.raises(ConfigError, match=r"sources\.experiments\.kind: ga4 needs sources\.ga4"):
        load_config(write(tmp_path, [LANDING], sources={"experiments": {"kind": "ga4"}}))
    config = load_config(write(tmp_path, [LANDING], sources=sources))
    assert ga4_variant_dimension(config.experiments[0]) == "customUser:exp_lp"


def test_a_file_source_needs_a_csv_or_parquet_path_next_to_the_config(tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"sources\.experiments: .*path: name the CSV"):
        load_config(write(tmp_path, [LANDING], sources={"experiments": {"kind": "file"}}))
    with pytest.raises(ConfigError, match=r"units\.xlsx is neither \.csv nor \.parquet"):
        load_config(write(tmp_path, [LANDING], sources={"experiments": {
            "kind": "file", "path": "units.xlsx"}}))
    config = load_config(write(tmp_path, [LANDING], sources={"experiments": {
        "kind": "file", "path": "exports/units.csv"}}))
    assert config.sources.experiments.path == tmp_path / "exports" / "units.csv"
