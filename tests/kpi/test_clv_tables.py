"""The CLV step as a pure function (kpi.clv.tables), without Dagster or a warehouse: segments
by the first order, CLV per channel and campaign as sums of the customers', the fit kept and
reused in the same ISO week, refitted when what it was made on changed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kpi.clv.settings import ClvSettings
from kpi.clv.tables import ClvInputs, clv_tables
from tests.kpi.clv_demo import demo_customers

END = dt.date(2026, 1, 31)  # a Saturday
CHANNELS = {"gads:1": "Paid Search", "gads:2": "Paid Search", "ga4:google/organic/(not set)":
            "Organic Search"}
COST = {"channel": pd.Series({"Paid Search": 5000.0}),
        "campaign": pd.Series({"gads:1": 3000.0, "gads:2": 2000.0})}


@pytest.fixture(scope="module")
def inputs() -> ClvInputs:
    customers = demo_customers(END)
    keys = list(CHANNELS)
    campaign = [keys[i % 3] for i in range(len(customers))]
    acquired = pd.DataFrame({"customer_key": customers["customer_key"],
                             "acquired_on": pd.Timestamp("2025-10-01"),
                             "cohort": pd.Timestamp("2025-10-01"), "campaign_key": campaign,
                             "channel": [CHANNELS[c] for c in campaign]})
    history = customers[["customer_key", "orders", "revenue_to_date", "first_order_value"]]
    summary = customers.drop(columns=["orders", "revenue_to_date", "first_order_value",
                                      "segment"])
    cohorts = pd.DataFrame({"cohort": [pd.Timestamp("2025-10-01")], "months_since": [0]})
    return ClvInputs(first=dt.date(2025, 10, 1), end=END, acquired=acquired, history=history,
                     summary=summary, cohorts=cohorts, cost=COST)


def test_the_tables_segment_sum_and_keep_their_fit(inputs) -> None:
    settings = ClvSettings(high_value_first_order=1000.0, gross_margin=0.4)
    out = clv_tables(inputs, settings, stored=None, basis="b1")
    customers = out.customers
    assert customers["customer_key"].is_monotonic_increasing
    assert len(customers) == len(inputs.history)
    high = customers.set_index("customer_key")["segment"] == "high_value"
    first = inputs.history.set_index("customer_key")["first_order_value"]
    assert high.equals((first >= 1000.0).reindex(high.index))
    assert set(out.model["segment"]) == {"standard", "high_value"}
    assert out.model["gross_margin_set"].all()
    assert (out.model["observation_end"] == pd.Timestamp(END)).all()
    assert out.metadata["fit"] == "refitted: no stored fit"
    assert out.metadata["customers"] == len(customers)
    assert out.fit is not None and (out.fit.basis, out.fit.fitted_on) == ("b1", END)
    assert out.cohorts is inputs.cohorts

    groups = out.by_acquisition.set_index(["level", "group"])
    assert list(out.by_acquisition.columns[:1]) == ["level"]
    assert (out.by_acquisition["since"] == pd.Timestamp("2025-10-01")).all()
    for level, column in (("channel", "channel"), ("campaign", "campaign_key")):
        mine = groups.loc[level]
        sums = customers.groupby(column)["clv"].sum()
        assert mine["total_clv"].to_dict() == pytest.approx(sums.to_dict())
        assert mine["customers"].sum() == len(customers)
    assert groups.loc[("campaign", "gads:1"), "acquisition_cost"] == 3000.0
    assert np.isclose(groups.loc[("channel", "Paid Search"), "cac"],
                      5000.0 / groups.loc[("channel", "Paid Search"), "customers"])

    # The next night of the same ISO week scores with the kept fit: the same values.
    again = clv_tables(inputs, settings, stored=out.fit, basis="b1")
    assert again.metadata["fit"] == f"scored with the fit of {END.isoformat()}"
    pd.testing.assert_frame_equal(again.customers, customers)
    assert again.fit.fitted_on == END
    # Other orders, segments or currency: refitted.
    other = clv_tables(inputs, settings, stored=out.fit, basis="b2")
    assert other.metadata["fit"].startswith("refitted: ")
    # No segment rule: one model for everyone.
    single = clv_tables(inputs, ClvSettings(), stored=None, basis="b1")
    assert set(single.customers["segment"]) == {"all"}
    assert not single.model["gross_margin_set"].any()
