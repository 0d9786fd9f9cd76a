"""The demo's newsletters: realistic Belgian B2C rates, reports that grow after a send, GA4
email sessions that match the clicks, and draws of their own (nothing else moves)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pipelines.sources.base import Window
from pipelines.sources.demo import DemoSettings, DemoSource
from pipelines.sources.demo import simulate as simulate_module
from pipelines.sources.demo.email_simulate import observed_sends, simulate_email_ga4
from pipelines.sources.demo.simulate import simulate
from pipelines.sources.streams import STREAMS

START, END = dt.date(2024, 6, 1), dt.date(2026, 5, 31)


@pytest.mark.parametrize("seed", [7, 11])
def test_rates_are_those_of_a_belgian_b2c_newsletter(seed):
    sends = observed_sends(START, END, seed)
    delivered = sends["deliveries"]
    rate = lambda column: sends[column] / delivered  # noqa: E731
    assert len(sends) == 48 and set(sends["language"]) == {"nl", "fr"}
    assert ((delivered / sends["emails_sent"]).between(0.975, 0.995)).all()
    assert rate("unique_opens").between(0.33, 0.52).all()
    machine = 1 - sends["unique_opens_excl_machine"] / sends["unique_opens"]
    assert machine.between(0.45, 0.65).all()  # a large share of the opens are Apple's proxy
    # About 3 % click, up to 4.5 % in December (gift ideas); CTOR about 6-10 %.
    assert rate("unique_clicks").between(0.018, 0.048).all()
    assert rate("unique_clicks").median() == pytest.approx(0.029, abs=0.004)
    assert (sends["unique_clicks"] / sends["unique_opens"]).between(0.045, 0.12).all()
    assert rate("unsubscribes").between(0.0008, 0.0035).all()


def test_reports_grow_after_a_send_and_are_final_after_a_month():
    sends = [observed_sends(dt.date(2026, 3, 1), dt.date(2026, 3, 31),
                            as_of=dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC) + dt.timedelta(hours=h))
             .set_index("campaign_id").loc["f4e5d6202603"] for h in (1, 6, 24, 72, 24 * 30)]
    final = observed_sends(dt.date(2026, 3, 1), dt.date(2026, 3, 31)).set_index(
        "campaign_id").loc["f4e5d6202603"]
    for column in ("unique_opens", "unique_opens_excl_machine", "unique_clicks",
                   "unsubscribes"):
        seen = [int(s[column]) for s in sends]
        assert seen == sorted(seen) and seen[-1] == final[column], column
        assert seen[0] < 0.2 * final[column], column
    assert all(s["emails_sent"] == final["emails_sent"] for s in sends)
    # Machine opens come first: early on, most opens are Apple's proxy.
    early = sends[1]
    assert early["unique_opens_excl_machine"] / early["unique_opens"] < 0.5 * (
        final["unique_opens_excl_machine"] / final["unique_opens"]) + 0.2
    before = observed_sends(dt.date(2026, 3, 1), dt.date(2026, 3, 31),
                            as_of=dt.datetime(2026, 3, 5, 8, tzinfo=dt.UTC))
    assert "f4e5d6202603" not in set(before["campaign_id"])  # sent at 10:00 Brussels


def test_a_range_equals_the_same_days_of_a_longer_history():
    days = np.arange(np.datetime64("2025-01-01"), np.datetime64("2025-12-31") + 1)
    whole = simulate_email_ga4(days, seed=7)
    part = simulate_email_ga4(days[100:140], seed=7)
    assert np.array_equal(whole.sessions[100:140], part.sessions)
    assert whole.editions[100:140] == part.editions
    longer = observed_sends(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    shorter = observed_sends(dt.date(2025, 5, 1), dt.date(2025, 6, 30))
    pd.testing.assert_frame_equal(
        longer[longer["send_date"].between(dt.date(2025, 5, 1), dt.date(2025, 6, 30))]
        .reset_index(drop=True), shorter)


def test_nothing_else_moves(monkeypatch):
    """The newsletter's GA4 traffic has its own draws: with other values for it, every other
    GA4 entity, the Ads and the Meta days are unchanged."""
    base = simulate(dt.date(2026, 1, 1), dt.date(2026, 2, 28), seed=7)
    real = simulate_email_ga4
    monkeypatch.setattr(simulate_module, "simulate_email_ga4",
                        lambda days, seed, scale: real(days, seed + 1, scale))
    other = simulate(dt.date(2026, 1, 1), dt.date(2026, 2, 28), seed=7)
    assert np.array_equal(base.ga4_sessions[:, :-1], other.ga4_sessions[:, :-1])
    assert np.array_equal(base.ga4_events[:, :-1], other.ga4_events[:, :-1])
    assert np.array_equal(base.cost_micros, other.cost_micros)
    assert np.array_equal(base.meta.spend_cents, other.meta.spend_cents)
    assert not np.array_equal(base.ga4_sessions[:, -1], other.ga4_sessions[:, -1])


def test_ga4_email_sessions_match_the_clicks():
    """Per edition, GA4's email sessions (utm_campaign = the send's tag) are 1 to 2 times its
    unique clicks (repeat clicks, returns by the link, older editions' readers)."""
    settings = DemoSettings(dt.date(2025, 6, 1), dt.date(2026, 3, 31))
    rows = DemoSource(settings).pull(STREAMS["ga4_sessions_daily"],
                                     Window(settings.start, settings.end)).frame
    email = rows[rows["session_medium"] == "email"]
    sessions = email.groupby("session_campaign_name")["sessions"].sum()
    sends = observed_sends(settings.start, settings.end).set_index("utm_campaign")
    # Whole editions only: the first and the last are cut by the history's ends.
    inner = sends.index[2:-2]
    ratio = sessions.reindex(inner) / sends.loc[inner, "unique_clicks"]
    assert ratio.between(1.0, 2.0).all(), ratio
    assert ratio.median() == pytest.approx(1.45, abs=0.15)
    assert set(email["session_source"]) == {"nieuwsbrief", "lettre"}
