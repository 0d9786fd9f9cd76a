"""An agency run keeps no client's generated demo account for the next client (each is about
1.2 GB at 300 campaigns × 3 years; the cache would hold four)."""

from __future__ import annotations

from pathlib import Path

from assets import agency
from pipelines.agency_config import Agency
from pipelines.config import load_config
from pipelines.sources.factory import _demo_source, make_sources

DEMO = "history_start: 2026-03-01\ndemo: {{seed: {seed}, traffic_scale: 0.1, end: 2026-03-07}}\n"


def test_each_client_starts_without_the_last_ones_demo_account(tmp_path: Path, monkeypatch):
    clients = []
    for seed in (3, 4, 5):
        path = tmp_path / f"c{seed}.yaml"
        path.write_text(DEMO.format(seed=seed), encoding="utf-8")
        clients.append({"id": f"c{seed}", "config": path})
    cached_at_start = []

    def run_client(client, data_dir, **_options):
        cached_at_start.append(_demo_source.cache_info().currsize)
        make_sources(load_config(client.config), "google_ads")  # generates and caches its own
        return client.id

    monkeypatch.setattr(agency, "run_client", run_client)
    _demo_source.cache_clear()
    runs = agency.run_agency(Agency.model_validate({"clients": clients}), tmp_path / "data")
    assert runs == ("c3", "c4", "c5")
    assert cached_at_start == [0, 0, 0]
    assert _demo_source.cache_info().currsize == 0
