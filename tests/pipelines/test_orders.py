"""Orders: keyed pseudonyms, the orders file reader and the demo orders' known process."""

from __future__ import annotations

import datetime as dt
import doctest
import hmac
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

from pipelines import privacy
from pipelines.privacy import KEY_ENV, PseudonymKeyError, pseudonym_key, pseudonymise
from pipelines.sources import orders as orders_pkg
from pipelines.sources.demo.meta_world import META_CAMPAIGNS
from pipelines.sources.demo.world import CAMPAIGNS, TIME_ZONE
from pipelines.sources.orders import (
    ORDER_COLUMN_NAMES,
    PROCESSES,
    OrdersFileError,
    demo_customers,
    demo_orders,
    empty_orders,
    read_orders,
)
from pipelines.sources.orders import demo as demo_module
from pipelines.sources.orders import file as file_module
from pipelines.sources.orders import schema as schema_module

KEY = b"test-key-0123456789abcdef-0123456789"
OTHER_KEY = b"another-key-0123456789abcdef-012345"
HEADER = "customer_id,order_id,timestamp,revenue,currency,email,source,medium,campaign,campaign_id"
ROWS = [
    "Jan.Peeters@Example.be,A-1,2026-03-01T14:05:00+01:00,129.95,EUR,Jan.Peeters@Example.be,"
    "google,cpc,Search – Merk – NL,2087345001",
    "C-77,A-2,2026-03-01 23:30,10,eur,marie@example.be,,,,",
    ",A-3,2026-03-02T08:00:00Z,0,EUR,guest@example.be,nieuwsbrief,email,nieuwsbrief-2026-03,",
    "C-77,A-2,2026-03-01 23:30,10,eur,marie@example.be,,,,",  # an exact repeat: read once
]
EMAILS = ("jan.peeters@example.be", "marie@example.be", "guest@example.be")


def _write_csv(path: Path, rows: list[str], header: str = HEADER, sep: str = ",") -> Path:
    text = "\n".join([header, *rows]) + "\n"
    path.write_text(text.replace(",", sep) if sep != "," else text, encoding="utf-8")
    return path


def _as_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False).lower()


# --- doctests ----------------------------------------------------------------------------------

@pytest.mark.parametrize("module", [privacy, orders_pkg, schema_module, file_module, demo_module])
def test_doctests(module) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


# --- pseudonyms --------------------------------------------------------------------------------

def test_pseudonymise_is_a_keyed_hmac_of_the_normalised_value() -> None:
    out = pseudonymise(["Jan@Example.be ", "jan@example.be", "C-1", "c-1"], KEY)
    expected = "p_" + hmac.digest(KEY, b"jan@example.be", "sha256").hex()[:16]
    assert out[0] == out[1] == expected
    assert out[2] != out[3]  # identifiers other than e-mail addresses keep their case
    assert all(re.fullmatch(r"p_[0-9a-f]{16}", v) for v in out)


def test_pseudonymise_is_deterministic_for_a_key_and_differs_between_keys() -> None:
    values = [f"user{i}@example.be" for i in range(1000)]
    first, again = pseudonymise(values, KEY), pseudonymise(values, KEY)
    other = pseudonymise(values, OTHER_KEY)
    assert (first == again).all()
    assert not (first == other).any()
    assert len(set(first)) == 1000


def test_pseudonymise_series_keeps_index_and_missing_values() -> None:
    values = pd.Series(["a", None, " ", 1234.0], index=[10, 11, 12, 13], name="customer_id")
    out = pseudonymise(values, KEY)
    assert out.index.tolist() == [10, 11, 12, 13] and out.name == "customer_id"
    assert out.isna().tolist() == [False, True, True, False]
    assert out[13] == pseudonymise(["1234"], KEY)[0]


def test_pseudonymise_rejects_a_weak_key() -> None:
    with pytest.raises(PseudonymKeyError, match="too short"):
        pseudonymise(["x"], b"short")


def test_pseudonymise_a_million_values_in_a_few_seconds() -> None:
    values = pd.Series([f"User{i % 250_000}@Example.com" for i in range(1_000_000)])
    began = time.perf_counter()
    out = pseudonymise(values, KEY)
    assert time.perf_counter() - began < 10  # about 0.5 s alone; generous for shared CI cores
    assert out.nunique() == 250_000


def test_pseudonym_key_from_the_environment() -> None:
    secret = "0123456789abcdef" * 4
    assert pseudonym_key({KEY_ENV: f"  {secret}\n"}) == secret.encode()


@pytest.mark.parametrize("env", [{}, {KEY_ENV: "   "}])
def test_missing_key_says_how_to_make_one(env: dict[str, str]) -> None:
    with pytest.raises(PseudonymKeyError) as info:
        pseudonym_key(env)
    assert KEY_ENV in str(info.value) and "secrets.token_hex(32)" in str(info.value)


def test_short_key_error_never_shows_the_key() -> None:
    with pytest.raises(PseudonymKeyError) as info:
        pseudonym_key({KEY_ENV: "hunter2-secret"})
    assert "hunter2" not in str(info.value) and "too short" in str(info.value)


def test_read_orders_without_a_key_fails_clearly(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    path = _write_csv(tmp_path / "orders.csv", ROWS)
    with pytest.raises(PseudonymKeyError, match=KEY_ENV):
        read_orders(path)


def test_read_orders_takes_the_key_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(KEY_ENV, KEY.decode())
    path = _write_csv(tmp_path / "orders.csv", ROWS)
    assert read_orders(path).equals(read_orders(path, key=KEY))


# --- reading files -----------------------------------------------------------------------------

def _expected() -> pd.DataFrame:
    keys = pseudonymise(["jan.peeters@example.be", "C-77", "guest@example.be"], KEY)
    return pd.DataFrame({
        "customer_key": keys,
        "order_id": ["A-1", "A-2", "A-3"],
        "order_date": [dt.date(2026, 3, 1), dt.date(2026, 3, 1), dt.date(2026, 3, 2)],
        "ordered_at": pd.to_datetime(["2026-03-01T13:05Z", "2026-03-01T22:30Z",
                                      "2026-03-02T08:00Z"]),
        "revenue": [129.95, 10.0, 0.0],
        "currency": ["EUR", "EUR", "EUR"],
        "source": ["google", np.nan, "nieuwsbrief"],
        "medium": ["cpc", np.nan, "email"],
        "campaign": ["Search – Merk – NL", np.nan, "nieuwsbrief-2026-03"],
        "campaign_id": ["2087345001", np.nan, np.nan],
    }).pipe(schema_module.conform_orders)


@pytest.mark.parametrize("fmt", ["csv", "semicolon", "parquet"])
def test_read_orders_round_trip(tmp_path: Path, fmt: str) -> None:
    if fmt == "parquet":
        csv = _write_csv(tmp_path / "source.csv", ROWS)
        path = tmp_path / "orders.parquet"
        pd.read_csv(csv, dtype=str, keep_default_na=False).to_parquet(path)
    else:
        path = _write_csv(tmp_path / "orders.csv", ROWS, sep=";" if fmt == "semicolon" else ",")
    got = read_orders(path, key=KEY)
    pd.testing.assert_frame_equal(got, _expected())
    assert got.dtypes.equals(empty_orders().dtypes)


def test_parquet_with_stored_types(tmp_path: Path) -> None:
    path = tmp_path / "orders.parquet"
    pd.DataFrame({
        "Customer ID": [77, 78],
        "Order ID": [1, 2],
        "Timestamp": pd.to_datetime(["2026-07-01 10:00", "2026-07-01 23:30"]),  # naive: local
        "Revenue": [12.5, 3.0],
        "Currency": ["EUR", "USD"],
        "utm_source": ["google", "google"],
        "Campaign ID": [2087345011, 2087345005],
        "Phone": ["0470 12 34 56", "0470 65 43 21"],  # not read at all
    }).to_parquet(path)
    got = read_orders(path, key=KEY)
    assert got["customer_key"].tolist() == pseudonymise(["77", "78"], KEY).tolist()
    assert got["order_id"].tolist() == ["1", "2"]
    assert got["ordered_at"].astype(str).tolist() == ["2026-07-01 08:00:00+00:00",
                                                       "2026-07-01 21:30:00+00:00"]
    assert got["order_date"].tolist() == [dt.date(2026, 7, 1)] * 2
    assert got["campaign_id"].tolist() == ["2087345011", "2087345005"]
    assert got.columns.tolist() == list(ORDER_COLUMN_NAMES)


def test_naive_times_are_reporting_time_and_date_is_cut_there(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "o.csv", ["c,1,2026-01-05 00:30,1,EUR,,,,,",
                                           "c,2,2026-01-04T23:30:00Z,1,EUR,,,,,"])
    brussels = read_orders(path, key=KEY)
    assert brussels["order_date"].tolist() == [dt.date(2026, 1, 5)] * 2
    utc = read_orders(path, key=KEY, time_zone="UTC")
    assert utc["order_date"].tolist() == [dt.date(2026, 1, 4), dt.date(2026, 1, 5)]


def test_empty_file_gives_the_empty_schema(tmp_path: Path) -> None:
    got = read_orders(_write_csv(tmp_path / "o.csv", []), key=KEY)
    assert got.empty and got.dtypes.equals(empty_orders().dtypes)


BAD_CASES = [
    # (rows, header (None: the five required columns), column, row, fragment)
    (["c,1,1,EUR"], "customer_id,order_id,revenue,currency", "timestamp", None, "missing"),
    (["c,1,2026-03-01,1,EUR", "c,2,05/03/2026 14:00,1,EUR"], None, "timestamp", 2,
     "'05/03/2026 14:00' is not an ISO 8601 time"),
    (["c,1,,1,EUR"], None, "timestamp", 1, "empty"),
    (["c,1,2026-03-01,1,EUR", "c,2,2026-03-01,-4.5,EUR"], None, "revenue", 2, "negative"),
    (["c,1,2026-03-01,NaN,EUR"], None, "revenue", 1, "NaN"),
    (["c,1,2026-03-01,,EUR"], None, "revenue", 1, "empty"),
    (["c,1,2026-03-01,\"12,50\",EUR"], None, "revenue", 1, "decimal separator"),
    (["c,1,2026-03-01,1,EUR", "c,2,2026-03-01,1,EURO"], None, "currency", 2, "'EURO'"),
    (["c,1,2026-03-01,1,ZZZ"], None, "currency", 1, "unknown currency code 'ZZZ'"),
    (["c,1,2026-03-01,1,EUR", "d,2,2026-03-01,1,EUR", "c,1,2026-03-01,2,EUR"], None,
     "order_id", 1, "order '1' is repeated with different revenue"),
    (["c,1,2026-03-01,1,EUR", ",2,2026-03-01,1,EUR"], None, "customer_id", 2,
     "empty customer_id"),
]


@pytest.mark.parametrize(("rows", "header", "column", "row", "fragment"), BAD_CASES)
def test_errors_name_file_row_and_column(tmp_path: Path, rows, header, column, row,
                                         fragment) -> None:
    path = _write_csv(tmp_path / "orders.csv", rows,
                      header or "customer_id,order_id,timestamp,revenue,currency")
    with pytest.raises(OrdersFileError) as info:
        read_orders(path, key=KEY)
    message = str(info.value)
    assert str(path) in message
    assert f"column {column!r}" in message
    if row is not None:
        assert f"row {row}," in message
    assert fragment in message
    assert info.value.problems[0].column == column


def test_bad_campaign_id_and_ragged_row(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "orders.csv", ["C-1,A-1,2026-03-01,1,EUR,,,,,20873-45"])
    with pytest.raises(OrdersFileError, match=r"row 1, column 'campaign_id': '20873-45'"):
        read_orders(path, key=KEY)
    path = _write_csv(tmp_path / "ragged.csv", ["C-1,A-1,2026-03-01,1,EUR,,,,,",
                                                "jan@example.be,A-2,2026-03-01,1,EUR,,,,,,"])
    with pytest.raises(OrdersFileError) as info:
        read_orders(path, key=KEY)
    assert "ragged.csv: row 2: 11 fields where the header has 10" in str(info.value)
    assert "jan@" not in str(info.value)


def test_every_problem_is_listed(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "orders.csv", [
        "C-1,A-1,2026-03-01,-1,EUR,,,,,", "C-1,A-2,yesterday,1,EUR,,,,,",
        "C-1,A-3,2026-03-01,-2,EUR,,,,,"])
    with pytest.raises(OrdersFileError) as info:
        read_orders(path, key=KEY)
    lines = str(info.value).splitlines()
    assert lines[0].endswith("2 problems")
    assert "row 2, column 'timestamp'" in lines[1]
    assert "row 1, column 'revenue'" in lines[2] and "(also row 3)" in lines[2]


def test_file_problems(tmp_path: Path) -> None:
    with pytest.raises(OrdersFileError, match="no such file"):
        read_orders(tmp_path / "missing.csv", key=KEY)
    (tmp_path / "orders.xlsx").write_bytes(b"PK")
    with pytest.raises(OrdersFileError, match=r"orders\.xlsx: cannot read \.xlsx"):
        read_orders(tmp_path / "orders.xlsx", key=KEY)
    (tmp_path / "latin1.csv").write_bytes(
        b"customer_id,order_id,timestamp,revenue,currency\nc,1,2026-03-01,1,\xe9UR\n")
    with pytest.raises(OrdersFileError, match=r"latin1\.csv: not UTF-8"):
        read_orders(tmp_path / "latin1.csv", key=KEY)
    with pytest.raises(ValueError, match="unknown time zone"):
        read_orders(tmp_path / "latin1.csv", key=KEY, time_zone="Europe/Brussel")


def test_email_never_leaves_the_reader(tmp_path: Path) -> None:
    got = read_orders(_write_csv(tmp_path / "orders.csv", ROWS), key=KEY)
    text = _as_text(got)
    for email in EMAILS:
        assert email not in text and email.split("@")[0] not in text
    assert "@" not in text
    # Errors on rows full of e-mail addresses quote none of them.
    bad = [r.replace("2026-03-01T14:05:00+01:00", "01/03/2026").replace("129.95", "-1")
           .replace(",0,EUR", ",x,EUR").replace("eur", "EURO") for r in ROWS]
    bad.append(ROWS[0].replace("129.95", "130"))  # same order id, other revenue
    bad.append(",A-9,2026-03-01,1,EUR,,,,,")  # neither customer_id nor email
    with pytest.raises(OrdersFileError) as info:
        read_orders(_write_csv(tmp_path / "bad.csv", bad), key=KEY)
    message = str(info.value).lower()
    assert len(info.value.problems) >= 5
    for email in EMAILS:
        assert email not in message and email.split("@")[0] not in message
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_read_many_orders_quickly(tmp_path: Path) -> None:
    n = 200_000  # 1M rows take about 2-3 s; a fifth keeps the suite quick
    rng = np.random.default_rng(3)
    customer = rng.integers(0, 50_000, n)
    frame = pd.DataFrame({
        "customer_id": [f"u{c}@example.be" for c in customer],
        "order_id": np.arange(n).astype(str),
        "timestamp": (pd.Timestamp("2025-01-01") + pd.to_timedelta(
            rng.integers(0, 400 * 86_400, n), unit="s")).strftime("%Y-%m-%dT%H:%M:%S"),
        "revenue": np.round(rng.gamma(2, 50, n), 2),
        "currency": "EUR",
    })
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    began = time.perf_counter()
    got = read_orders(path, key=KEY)
    assert time.perf_counter() - began < 10
    assert len(got) == n and got["customer_key"].nunique() == len(set(customer))


# --- demo orders -------------------------------------------------------------------------------

START, END = dt.date(2025, 1, 1), dt.date(2026, 2, 28)  # 14 months


@pytest.fixture(scope="module")
def demo() -> tuple[pd.DataFrame, pd.DataFrame]:
    return demo_orders(START, END, seed=7), demo_customers(START, END, seed=7)


def test_demo_is_deterministic_for_a_seed(demo) -> None:
    orders, _ = demo
    began = time.perf_counter()
    again = demo_orders(START, END, seed=7)
    assert time.perf_counter() - began < 10  # about 0.2 s alone
    pd.testing.assert_frame_equal(orders, again)
    other = demo_orders(START, END, seed=8)
    assert not orders["revenue"].head(1000).equals(other["revenue"].head(1000))


def test_demo_schema_size_and_no_personal_data(demo) -> None:
    orders, customers = demo
    assert orders.dtypes.equals(empty_orders().dtypes)
    assert orders["customer_key"].str.fullmatch(r"c_\d{6}").all()
    assert orders["order_id"].is_unique
    assert orders["ordered_at"].is_monotonic_increasing
    assert 20_000 <= customers.shape[0] <= 40_000
    assert set(orders["customer_key"]) == set(customers["customer_key"])
    assert orders["order_date"].min() >= START and orders["order_date"].max() <= END
    local = orders["ordered_at"].dt.tz_convert(TIME_ZONE).dt.date
    assert (local == orders["order_date"]).all()
    assert (orders["revenue"] > 0).all() and (orders["currency"] == "EUR").all()
    assert "@" not in _as_text(orders)


def test_demo_first_orders_cover_the_campaigns_and_organic_channels(demo) -> None:
    orders, customers = demo
    first = orders.drop_duplicates("customer_key")
    assert set(first["campaign_id"].dropna()) == {c.id for c in (*CAMPAIGNS, *META_CAMPAIGNS)}
    pairs = set(zip(first["source"], first["medium"], strict=True))
    assert {("google", "organic"), ("(direct)", "(none)"), ("nieuwsbrief", "email"),
            ("google", "cpc")} <= pairs
    paid = first["medium"] == "cpc"
    assert 0.5 < paid.mean() < 0.9
    # The customers' truth records the same acquisition as their first order.
    truth = customers.set_index("customer_key").loc[first["customer_key"]]
    assert (truth["acquired_campaign_id"].to_numpy() == first["campaign_id"].to_numpy()).sum() \
        == first["campaign_id"].notna().sum()
    # Renamed campaigns carry the name of the day.
    renamed = first[first["campaign_id"] == "2087345007"]["campaign"]
    assert {"Search – Generic – EN", "Search – Expats Brussels – EN"} == set(renamed)


def _summaries(orders: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """x (repeat orders), t_x and T in weeks per customer, with the true segment."""
    end = pd.Timestamp(END + dt.timedelta(days=1)).tz_localize(TIME_ZONE).tz_convert("UTC")
    per = orders.groupby("customer_key").agg(
        n=("order_id", "size"), first=("ordered_at", "min"), last=("ordered_at", "max"))
    week = pd.Timedelta(weeks=1)
    return pd.DataFrame({
        "x": per["n"] - 1,
        "t_x": (per["last"] - per["first"]) / week,
        "T": (end - per["first"]) / week,
        "segment": customers.set_index("customer_key")["segment"],
    })


def _expected_repeats(T: np.ndarray, r: float, alpha: float, a: float, b: float) -> np.ndarray:
    """BG/NBD E[X(T)] (Fader, Hardie & Lee 2005, eq. 9)."""
    z = T / (alpha + T)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + T)) ** r * hyp2f1(r, b, a + b - 1, z))


@pytest.mark.parametrize(("segment", "share_tol", "mean_tol"),
                         [("webshop", 0.02, 0.08), ("installation", 0.02, 0.15)])
def test_demo_repeat_behaviour_follows_the_true_process(demo, segment, share_tol,
                                                        mean_tol) -> None:
    orders, customers = demo
    summary = _summaries(orders, customers)
    mine = summary[summary["segment"] == segment]
    true = PROCESSES[segment]
    T = mine["T"].to_numpy()
    # P(no repeat by T) = (alpha / (alpha + T)) ** r for a customer observed T weeks.
    expected_share = 1 - np.mean((true.alpha / (true.alpha + T)) ** true.r)
    assert (mine["x"] > 0).mean() == pytest.approx(expected_share, abs=share_tol)
    expected_mean = _expected_repeats(T, true.r, true.alpha, true.a, true.b).mean()
    assert mine["x"].mean() == pytest.approx(expected_mean, rel=mean_tol)
    revenue = orders.merge(mine[[]], left_on="customer_key", right_index=True)["revenue"]
    assert revenue.mean() == pytest.approx(true.mean_order_value, rel=0.06)


def _bgnbd_negative_log_likelihood(log_params, x, t_x, T) -> float:
    r, alpha, a, b = np.exp(log_params)
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    tail = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
    ratio = np.where(x > 0, a / np.maximum(b + x - 1, 1e-12)
                     * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
    return -float(np.sum(head + tail + np.log1p(ratio)))


def test_demo_webshop_fit_recovers_the_true_parameters(demo) -> None:
    summary = _summaries(*demo)
    mine = summary[summary["segment"] == "webshop"]
    fit = minimize(_bgnbd_negative_log_likelihood, np.log([1.0, 10.0, 1.0, 1.0]),
                   args=(mine["x"].to_numpy(), mine["t_x"].to_numpy(), mine["T"].to_numpy()),
                   method="L-BFGS-B")
    assert fit.success
    r, alpha, a, b = np.exp(fit.x)
    true = PROCESSES["webshop"]
    assert r == pytest.approx(true.r, rel=0.1)
    assert alpha == pytest.approx(true.alpha, rel=0.1)
    assert a / (a + b) == pytest.approx(true.a / (true.a + true.b), abs=0.03)


def test_demo_rejects_an_inverted_window() -> None:
    with pytest.raises(ValueError, match="before start"):
        demo_orders(END, START)
