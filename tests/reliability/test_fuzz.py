"""Bad input, fuzzed with hypothesis: configuration files, budget plans, orders CSVs, experiment
definitions and campaign names (unicode, HTML, SQL, very long, empty).

Each case ends in a clear error naming the file and the field or row, or in data that is stored
and shown safely. Runs are reproducible (``derandomize=True``); the module prints how many cases
ran, e.g. ``fuzz: 700 cases (config 150, ...), 0 unexpected errors``.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import ibis
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape as markup_escape

from assets.settings import EXAMPLE_CONFIG
from dashboards.drilldown import render_drilldown
from kpi.budget.plan import PlanError, load_plan
from kpi.model import FACTS
from kpi.registry import MEASURES
from kpi.rollup import RollupSpec, rollup
from pipelines.config import Config, ConfigError, load_config
from pipelines.sources.base import Extract, Window
from pipelines.sources.orders import OrdersFileError, read_orders
from pipelines.sources.streams import ADS_CAMPAIGN_DAILY
from pipelines.warehouse import store

T = TypeVar("T")
CASES: Counter[str] = Counter()
UNEXPECTED: list[str] = []
KINDS = ("config", "budget", "orders", "experiments", "names")


def fuzz(examples: int) -> settings:
    """Reproducible settings: a fixed number of examples, no deadline (busy CI machines)."""
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module", autouse=True)
def _summary(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print one line with the number of cases after the module's tests."""
    yield
    counts = ", ".join(f"{kind} {CASES[kind]}" for kind in KINDS)
    line = (f"fuzz: {sum(CASES.values())} cases ({counts}), "
            f"{len(UNEXPECTED)} unexpected errors")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is None or reporter is None:  # pragma: no cover
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"\n{line}")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the mutated configurations, with the budget plan the sample names beside it
    (as beside the sample: a plan that is not there is a configuration error)."""
    folder = tmp_path_factory.mktemp("fuzz")
    plan = EXAMPLE_CONFIG.parent / SAMPLE["budget"]["plan"]
    (folder / plan.name).write_bytes(plan.read_bytes())
    return folder


def attempt(kind: str, call: Callable[[], T],
            expected: type[Exception]) -> tuple[T | None, Exception | None]:
    """Run one case: its result, or the expected error; any other exception is recorded and
    re-raised (the property fails)."""
    CASES[kind] += 1
    try:
        return call(), None
    except expected as exc:
        return None, exc
    except Exception as exc:
        UNEXPECTED.append(f"{kind}: {type(exc).__name__}: {str(exc)[:200]}")
        raise


HOSTILE = (
    "", " ", "\t", "<script>alert(1)</script>", "'); DROP TABLE kpi_values; --",
    "\"quoted\" & 'single'", "\u202eRTL\u202c zero\u200bwidth\u2028sep", "ñ€🙂 Zürich",
    "x" * 10_000, "~nosuchuser/evil.csv", "America", "Europe/", "../../etc/passwd",
    "{kpi} %s ${x}", "\x00", "1e400", "-0", "2026-02-30",
)
ODD_VALUES = (-1, 0, -(10**30), 10**100, 1e308, float("inf"), float("nan"), True, None, [], {},
              [1, "a"], {"x": 1}, {"nested": {"deep": [None]}})
VALUES = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(ODD_VALUES),
                   st.integers(-(10**20), 10**20), st.floats(allow_nan=True),
                   st.text(max_size=20))
# the field as the file spells it (a mangled key such as "a[ccount_name" is named as it is)
FIELD_START = re.compile(r"(\(top level\)|[^\s:.]+(\.[^\s:]+)*): ")


# -- 1. configuration files -------------------------------------------------------------------

SAMPLE: dict[str, Any] = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))


def _paths(node: object, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path in a parsed YAML document (mappings and lists)."""
    if prefix:
        yield prefix
    items = (node.items() if isinstance(node, dict)
             else enumerate(node) if isinstance(node, list) else ())
    for key, child in items:
        yield from _paths(child, (*prefix, key))


def _mutate(doc: Any, path: tuple[Any, ...], op: str, value: object) -> None:
    """Delete, replace or add an unknown key at ``path`` (in place)."""
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if op == "delete":
        del parent[last]
    elif op == "replace":
        parent[last] = value
    else:
        target = parent[last] if isinstance(parent[last], dict) else parent
        if isinstance(target, dict):
            target["surprise_key"] = value


def _damage(text: str, draw: st.DrawFn) -> bytes:
    """YAML text broken by truncation, a tab, an unbalanced bracket, or bytes not UTF-8."""
    how = draw(st.sampled_from(["truncate", "tab", "bracket", "bytes", "latin1"]))
    at = draw(st.integers(0, len(text)))
    if how == "truncate":
        return text[:at].encode()
    if how == "tab":
        lines = text.splitlines()
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = "\t" + lines[i].lstrip()
        return "\n".join(lines).encode()
    if how == "bracket":
        return (text[:at] + draw(st.sampled_from(["[", "{", "]", "}", "\"", "'", ": ["]))
                + text[at:]).encode()
    if how == "latin1":
        return text.replace("–", "-").replace("×", "x").replace("é", "\xe9").encode(
            "latin-1", errors="replace")
    raw = text.encode()
    return raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3(", b"\xfe\xff", b"\x80"])) + raw[at:]


@st.composite
def config_files(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """A mutated sample configuration and the top-level key it touched (None: text damage)."""
    doc = copy.deepcopy(SAMPLE)
    op = draw(st.sampled_from(["delete", "replace", "replace", "unknown", "damage"]))
    if op == "damage":
        return _damage(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), draw), None
    path = draw(st.sampled_from(sorted(_paths(doc), key=str)))
    _mutate(doc, path, op, draw(VALUES))
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    return text.encode(), ("surprise_key" if op == "unknown" and len(path) == 1 else path[0])


@fuzz(150)
@given(case=config_files())
def test_config_files_load_or_name_the_file_and_field(case: tuple[bytes, str | None],
                                                      workdir: Path) -> None:
    content, key = case
    path = workdir / "campaign-kpi.yaml"
    path.write_bytes(content)
    config, error = attempt("config", lambda: load_config(path), ConfigError)
    if error is None:
        assert isinstance(config, Config)
        return
    message = str(error)
    assert message.startswith(f"{path}"), message
    rest = message[len(str(path)):]
    if key is None:  # damaged text: a YAML or encoding error, or (still YAML) a field error
        assert (re.match(r"( \(line \d+\))?: (not valid YAML|cannot read|expected a mapping)",
                         rest) or FIELD_START.match(rest[2:])), message
    else:
        assert rest.startswith(": ") and FIELD_START.match(rest[2:]), message
        assert str(key) in rest, message
    assert "Traceback" not in message


# -- 2. budget plans --------------------------------------------------------------------------

PLAN_HEADER = ("month", "period_start", "period_end", "level", "name", "media_budget",
               "production_costs", "agency_fees", "currency")
AMOUNTS = ("media_budget", "production_costs", "agency_fees")
NAMES = st.one_of(st.sampled_from(HOSTILE[3:9]), st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=30))
# (column, bad value): every one must be reported for its row and column.
PLAN_DEFECTS = (
    ("media_budget", ""), ("media_budget", "-5"), ("agency_fees", "12,50"),
    ("production_costs", "abc"), ("media_budget", "nan"), ("agency_fees", "inf"),
    ("media_budget", "1.000,50"), ("currency", ""), ("currency", "eur"), ("currency", "€"),
    ("level", "kanaal"), ("level", ""), ("month", "2026-13"), ("month", "nov 2026"),
    ("period_start", "2026-02-30"), ("name", ""), ("name", "Brand NL"),
)


@st.composite
def plan_rows(draw: st.DrawFn) -> tuple[list[dict[str, str]], dict[int, str], float]:
    """Plan rows (strings), the defective ones (index -> column) and the valid total."""
    rows: list[dict[str, str]] = []
    defects: dict[int, str] = {}
    total = 0.0
    for i in range(draw(st.integers(1, 8))):
        level = draw(st.sampled_from(["account", "channel", "campaign"]))
        name = {"account": "", "channel": f"{draw(NAMES)} #{i}",
                "campaign": f"gads:{draw(st.integers(0, 10**12))}"}[level]
        cents = [draw(st.integers(0, 10**9)) for _ in AMOUNTS]
        row = dict.fromkeys(PLAN_HEADER, "")
        row.update(month=f"{2026 + i // 12}-{i % 12 + 1:02d}", level=level, name=name,
                   currency=draw(st.sampled_from(["EUR", "USD", " EUR "])),
                   **{a: draw(st.sampled_from([f"{c / 100}", f" {c / 100} ", f"{c // 100}"]))
                      for a, c in zip(AMOUNTS, cents, strict=True)})
        if rows and draw(st.integers(0, 9)) == 0:  # a line repeated: overlapping periods
            rows.append(dict(rows[-1]))
            defects[i] = defects.get(i - 1, "overlapping")
            continue
        if draw(st.integers(0, 3)) == 0:
            column, bad = draw(st.sampled_from(PLAN_DEFECTS))
            if column == "period_start":
                row.update(month="", period_end="2026-03-05")
            if column == "name":
                row["level"] = "campaign" if bad else "channel"
            row[column] = bad
            defects[i] = "period_start" if column == "month" and not bad else column
        else:
            total += sum(float(row[a]) for a in AMOUNTS)
        rows.append(row)
    return rows, defects, total


def _plan_csv(rows: list[dict[str, str]], sep: str, bom: bool) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PLAN_HEADER, delimiter=sep, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def _check_plan_error(message: str, file: str, defects: dict[int, str], first_row: int) -> None:
    """Every defective row is named with its column; an overlapping row (checked once every
    row is valid) in a pair with an earlier row."""
    assert message.startswith(file), message
    fields_bad = any(column != "overlapping" for column in defects.values())
    for index, column in defects.items():
        if column == "overlapping" and fields_bad:
            continue
        row = index + first_row
        if column == "overlapping":
            # Paired with an earlier row it overlaps (of three equal rows, 2 and 4 may be the
            # pair named rather than 3 and 4).
            assert re.search(rf"rows \d+ and {row}\b: overlapping", message), message
        else:
            pattern = rf"\brow {row}, ({column}|month): "
            assert re.search(pattern, message), (pattern, message)


@fuzz(120)
@given(plan=plan_rows(), fmt=st.sampled_from(["csv,", "csv;", "csv\t", "yaml"]),
       bom=st.booleans())
def test_budget_plans_load_their_total_or_name_file_row_and_column(
        plan: tuple[list[dict[str, str]], dict[int, str], float], fmt: str, bom: bool,
        workdir: Path) -> None:
    rows, defects, total = plan
    if fmt == "yaml":
        path, first = workdir / "budget.yaml", 1
        cells = [{k: v for k, v in row.items() if v != ""} for row in rows]
        path.write_text(yaml.safe_dump(cells, allow_unicode=True), encoding="utf-8")
    else:
        path, first = workdir / "budget.csv", 2
        path.write_bytes(_plan_csv(rows, fmt[3], bom))
    lines, error = attempt("budget", lambda: load_plan(path), PlanError)
    if error is not None:
        assert defects, str(error)
        _check_plan_error(str(error), path.name, defects, first)
        return
    assert not defects
    assert lines is not None and len(lines) == len(rows)
    assert sum(line.total_budget for line in lines) == pytest.approx(total, rel=1e-9)
    assert [line.name for line in lines] == [row["name"].strip() for row in rows]


# -- 3. orders CSVs ---------------------------------------------------------------------------

KEY = b"fuzz-pseudonym-key-" + b"k" * 32
ORDER_HEADER = ("customer_id", "email", "order_id", "timestamp", "revenue", "currency",
                "campaign", "campaign_id")
ORDER_DEFECTS = (
    ("timestamp", "05/03/2026 14:00"), ("timestamp", ""), ("timestamp", "2026-02-30"),
    ("revenue", "-5"), ("revenue", "12,50"), ("revenue", "abc"), ("revenue", ""),
    ("revenue", "inf"), ("currency", "EURO"), ("currency", ""), ("currency", "XXX"),
    ("order_id", ""), ("campaign_id", "12a"), ("customer_id", ""),
)
MOMENTS = st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2027, 12, 31))


def _stamp(moment: dt.datetime, style: int) -> str:
    return (moment.isoformat(sep=" ", timespec="minutes"), moment.isoformat() + "Z",
            moment.isoformat(timespec="seconds") + "+01:00", moment.date().isoformat())[style]


@st.composite
def order_rows(draw: st.DrawFn) -> tuple[list[dict[str, str]], dict[str, int], int, float]:
    """Orders (strings), the first defective row (1-based) per column, and the number and
    revenue of the distinct valid orders."""
    rows: list[dict[str, str]] = []
    first_bad: dict[str, int] = {}
    count, revenue = 0, 0.0
    for i in range(draw(st.integers(1, 8))):
        if rows and draw(st.integers(0, 7)) == 0:  # exactly repeated: read once
            rows.append(dict(rows[-1]))
            continue
        guest = draw(st.booleans())
        cents = draw(st.integers(0, 10**8))
        row = {"customer_id": "" if guest else f"CUST-{draw(st.integers(10**6, 10**9))}-{i}",
               "email": f"Guest.{draw(st.integers(0, 10**6))}.{i}@Example.be",
               "order_id": f"o{i}", "timestamp": _stamp(draw(MOMENTS), draw(st.integers(0, 3))),
               "revenue": f"{cents / 100}", "currency": draw(st.sampled_from(["EUR", "usd"])),
               "campaign": draw(NAMES), "campaign_id": draw(st.sampled_from(["", "2087345005"]))}
        if draw(st.integers(0, 3)) == 0:
            column, bad = draw(st.sampled_from(ORDER_DEFECTS))
            row[column] = bad
            if column == "customer_id":
                row["email"] = ""
            first_bad.setdefault(column, i + 1)
        elif rows and draw(st.integers(0, 9)) == 0:  # an order id reused for another order
            row["order_id"] = rows[-1]["order_id"]
            first_bad.setdefault("order_id", i)
        else:
            count, revenue = count + 1, revenue + cents / 100
        rows.append(row)
    return rows, first_bad, count, revenue


@fuzz(100)
@given(orders=order_rows(), sep=st.sampled_from([",", ";", "\t"]), bom=st.booleans())
def test_orders_are_pseudonymised_or_name_file_row_and_column(
        orders: tuple[list[dict[str, str]], dict[str, int], int, float], sep: str, bom: bool,
        workdir: Path) -> None:
    rows, first_bad, count, revenue = orders
    path = workdir / "orders.csv"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ORDER_HEADER, delimiter=sep, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes((("\ufeff" if bom else "") + out.getvalue()).encode())
    personal = {v.strip() for r in rows for v in (r["customer_id"], r["email"]) if v.strip()}
    frame, error = attempt("orders", lambda: read_orders(path, key=KEY), OrdersFileError)
    if error is not None:
        message = str(error)
        assert first_bad, message
        assert message.startswith(str(path)), message
        for column, row in first_bad.items():
            if column == "order_id" and "repeated" in message:
                assert re.search(r"\brow \d+, column 'order_id'", message), message
                continue
            assert re.search(rf"\brow {row}, column '{column}'", message), (column, message)
        assert not any(p in message or p.lower() in message for p in personal), message
        return
    assert not first_bad
    assert frame is not None and len(frame) == count
    assert frame["revenue"].sum() == pytest.approx(revenue)
    assert frame["customer_key"].str.fullmatch(r"p_[0-9a-f]{16}").all()
    cells = " ".join(map(str, frame.to_numpy().ravel()))
    assert not any(p in cells or p.lower() in cells for p in personal)


# -- 4. experiment definitions ----------------------------------------------------------------

EXPERIMENT_VALUES = st.one_of(VALUES, st.sampled_from([
    [], [{"id": "a"}], [{"id": "a"}, {"id": "a"}], [{"id": "a", "weight": -1}, {"id": "b"}],
    [{"id": "a", "weight": "x"}, {"id": "b"}], [{"id": "a b"}, {"id": "b"}],
    [{"id": "a", "levels": ["x"]}, {"id": "b", "levels": ["y", "z"]}],
    [{"id": "m", "kind": "median", "numerator": "converted"}],
    [{"id": "m", "kind": "ratio", "numerator": "revenue"}],
    [{"id": "m", "kind": "proportion", "numerator": "converted", "mde": 0}],
    [{"name": "f", "levels": ["x"]}], [{"name": "subject", "levels": ["a", "b"]}],
    "2026-13-01", "2026-02-30", "yesterday", "2020-01-01", "2100-01-01", dt.date(2026, 9, 1),
    "proportion", "median", "sequential", "bayesian", "holm", "zz", 0.0, 1.0, 5.0,
    {"sd": 0}, {"mean": "x", "sd": 1}, {"sd": float("inf")},
]))
EXPERIMENT_KEYS = ("alpha", "power", "sequential_tuning", "prior", "correction", "two_sided",
                   "variant_dimension", "design", "factors")


@st.composite
def experiment_files(draw: st.DrawFn) -> tuple[int, dict[str, Any], str]:
    """The sample's experiments with one mutated: its index, the document, the touched key."""
    experiments = copy.deepcopy(SAMPLE["experiments"])
    index = draw(st.integers(0, len(experiments) - 1))
    target = experiments[index]
    op = draw(st.sampled_from(["delete", "replace", "replace", "unknown", "add"]))
    if op == "add":  # a field the sample leaves at its default
        key = draw(st.sampled_from(EXPERIMENT_KEYS))
        target[key] = draw(EXPERIMENT_VALUES)
    else:
        path = draw(st.sampled_from(sorted(_paths(target), key=str)))
        _mutate(target, path, op, draw(EXPERIMENT_VALUES))
        key = str(path[0])
    return index, {"history_start": "2026-01-01", "experiments": experiments}, key


@fuzz(120)
@given(case=experiment_files())
def test_experiment_definitions_are_valid_or_name_their_index_and_field(
        case: tuple[int, dict[str, Any], str], workdir: Path) -> None:
    index, doc, key = case
    path = workdir / "experiments.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    config, error = attempt("experiments", lambda: load_config(path), ConfigError)
    if error is None:
        assert config is not None and len(config.experiments) == len(doc["experiments"])
        return
    message = str(error)
    assert message.startswith(f"{path}: "), message
    named = re.search(rf"\bexperiments\.{index}(\.[\w.]+)?: ", message)
    reused = key == "id" and re.search(r"experiments: id '.*' is used twice", message)
    assert named or reused, message


# -- 5. campaign names ------------------------------------------------------------------------

BLANK = ("", " ", "\t \u3000", "\n")
CAMPAIGN_NAMES = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.sampled_from((*HOSTILE[3:8], "<b>B</b>", "a < b > c & d",
                     "\u05e2\u05d1\u05e8\u05d9\u05ea\u200f", "🙂" * 50, "Zonnig\u200dHuis",
                     "é" * 10_000)),
    st.text("<>&\"' ;-x\u200b\u202e", min_size=1, max_size=30),
)
WEEK = dt.date(2026, 3, 2)  # a Monday


def _values(name: str) -> pd.DataFrame:
    """``kpi_values`` for one complete week: the account, one channel and one campaign."""
    base = {"grain": "week", "period_start": pd.Timestamp(WEEK),
            "period_end": pd.Timestamp(WEEK + dt.timedelta(days=6)), "complete": True,
            "provisional": False, "currency": "EUR", "ad_group_key": None,
            "ad_group_name": None, "numerator": None, "denominator": None, "target": None}
    scopes = [{"level": "total", "channel": None, "campaign_key": None, "campaign_name": None},
              {"level": "channel", "channel": "Paid Search", "campaign_key": None,
               "campaign_name": None},
              {"level": "campaign", "channel": "Paid Search", "campaign_key": "gads:1",
               "campaign_name": name}]
    sums = {m: 10.0 for m in MEASURES}
    return pd.DataFrame([{**base, **scope, "metric": m, "value": v}
                         for scope in scopes for m, v in sums.items()])


@fuzz(40)
@given(name=CAMPAIGN_NAMES)
def test_campaign_names_are_shown_escaped_on_the_drill_down_page(name: str) -> None:
    shown = f"QZX{name}XZQ"  # markers: the page's own markup cannot match
    page, _ = attempt("names", lambda: render_drilldown(_values(shown), lang="en"), Exception)
    assert page is not None
    assert str(markup_escape(shown)) in page  # as the page's autoescape writes it
    if set("<>&") & set(name):
        assert shown not in page


@pytest.fixture(scope="module")
def warehouse() -> Iterator[ibis.BaseBackend]:
    con = store.connect(":memory:")
    yield con
    con.disconnect()


def _campaign_extract(name: str) -> Extract:
    day = dt.date(2026, 3, 2)
    row = {"date": day, "customer_id": "1234567890", "campaign_id": "1", "campaign_name": name,
           "campaign_status": "ENABLED", "channel_type": "SEARCH", "budget_micros": 1,
           "impressions": 1, "clicks": 1, "cost_micros": 1, "conversions": 0.0,
           "conversions_value": 0.0, "currency_code": "EUR", "time_zone": "Europe/Brussels",
           "extracted_at": pd.Timestamp("2026-03-03 05:00", tz="UTC")}
    return Extract(ADS_CAMPAIGN_DAILY, Window(day, day), pd.DataFrame([row]),
                   dt.datetime(2026, 3, 3, 5, tzinfo=dt.UTC), scope="1234567890")


@fuzz(60)
@given(name=st.one_of(CAMPAIGN_NAMES, st.sampled_from(BLANK)))
def test_campaign_names_round_trip_the_warehouse_byte_for_byte(
        name: str, warehouse: ibis.BaseBackend) -> None:
    written, _ = attempt("names", lambda: store.write_extract(warehouse, _campaign_extract(name)),
                         Exception)
    assert written == 1
    stored = warehouse.con.execute(
        f'SELECT campaign_name FROM "{ADS_CAMPAIGN_DAILY.table}"').fetchall()
    assert stored == [(name,)]
    assert stored[0][0].encode("utf-8") == name.encode("utf-8")


def _blank(name: str) -> bool:
    """Empty or only white space: ASCII controls \\t-\\r, Unicode separators (Z*)."""
    return all(c in "\t\n\v\f\r" or unicodedata.category(c).startswith("Z") for c in name)


@fuzz(25)
@given(name=st.one_of(st.sampled_from(BLANK), CAMPAIGN_NAMES))
def test_blank_campaign_names_fall_back_to_the_campaign_key(name: str) -> None:
    """The product's choice: a campaign without a usable name (empty or only whitespace) is
    shown by its key, like one missing from the dimension; other names are kept as they are."""
    model = ibis.memtable(pd.DataFrame([{"date": WEEK, "campaign_key": "gads:1",
                                         "ad_group_key": "gads:1:1", **dict.fromkeys(FACTS, 1.0)}]))
    campaigns = ibis.memtable(pd.DataFrame([{"campaign_key": "gads:1", "channel": "Paid Search",
                                             "campaign_name": name}]))
    ad_groups = ibis.memtable(pd.DataFrame([{"ad_group_key": "gads:1:1", "ad_group_name": "ag"}]))
    spec = RollupSpec(data_start=WEEK, data_end=WEEK + dt.timedelta(days=6),
                      provisional_since=None, grains=("week",), levels=("campaign",))
    frame, _ = attempt("names", lambda: rollup(model, campaigns, ad_groups, spec).execute(),
                       Exception)
    assert frame is not None
    expected = "gads:1" if _blank(name) else name
    assert frame["campaign_name"].tolist() == [expected]


def test_zz_fuzz_figure(record_property) -> None:
    """The number of cases this module ran (its last test: pytest-xdist's ``loadscope`` keeps
    a module on one worker, in order), for the figures after the run."""
    counts = ", ".join(f"{kind} {CASES[kind]}" for kind in KINDS)
    record_property("figure", f"fuzz: {sum(CASES.values())} cases ({counts}), "
                    f"{len(UNEXPECTED)} unexpected errors")
    assert not UNEXPECTED
