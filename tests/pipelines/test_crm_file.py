"""Another CRM by export (sources.crm.kind: file): the demo CRM written out as contacts /
deals / contact_deals / archived files reads back as the demo source's rows (same pseudonyms),
CSV or Parquet; bad files are named by file, row and column (the close match for a misspelt
column), never quoting an ID; the configuration asks for the folder."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from assets.cli import app
from pipelines.crm_config import CrmSource
from pipelines.sources.crm.file import CrmFileError, FileCrm
from pipelines.sources.crm.pull import pull_crm
from pipelines.sources.crm.store import store_crm_pull
from pipelines.sources.crm.streams import CRM_STREAMS
from pipelines.sources.demo import DemoSettings
from pipelines.sources.demo.crm_source import DEMO_KEY, STAGES, DemoCrm
from pipelines.warehouse.store import connect

STEP_OF = {v: k for k, v in STAGES.items()}
NOW = dt.datetime(2026, 3, 1, 6, tzinfo=dt.UTC)


def export(crm: DemoCrm, folder, parquet: tuple[str, ...] = ()) -> None:
    """The demo CRM's portal as another CRM would export it."""
    portal = crm.portal
    contacts = pd.DataFrame([{
        "Contact ID": r.id, "created_at": r.properties["createdate"],
        "modified_at": r.properties["lastmodifieddate"],
        "funnel_step": STEP_OF[r.properties["lifecyclestage"]],
        **{f"{s}_at": r.properties.get(f"hs_lifecyclestage_{v}_date") for s, v in STAGES.items()},
        "original_source": r.properties["hs_analytics_source"],
        "source_drill_1": r.properties["hs_analytics_source_data_1"],
        "source_drill_2": r.properties["hs_analytics_source_data_2"],
        "utm_campaign": r.properties["utm_campaign"], "gclid": r.properties["hs_google_click_id"],
        "fbclid": r.properties["hs_facebook_click_id"], "email": f"x{r.id}@example.be"}
        for r in portal.contacts])
    deals = pd.DataFrame([{
        "deal_id": r.id, "created_at": r.properties["createdate"],
        "modified_at": r.properties["hs_lastmodifieddate"],
        "closed_at": r.properties["closedate"], "pipeline": r.properties["pipeline"],
        "deal_stage": r.properties["dealstage"],
        "outcome": {"closedwon": "won", "closedlost": "lost"}.get(r.properties["dealstage"],
                                                                   "open"),
        "amount": r.properties["amount"], "currency_code": "eur"} for r in portal.deals])
    pairs = pd.DataFrame([{"contact_id": c, "deal_id": d}
                          for c, found in portal.associations.items() for d in found])
    archived = pd.DataFrame([{"object_type": "contact", "id": i, "archived_at": a.isoformat()}
                             for i, _, a in portal.archived_contacts])
    for name, frame in (("contacts", contacts), ("deals", deals), ("contact_deals", pairs),
                        ("archived", archived)):
        if name in parquet:
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        else:
            frame.to_csv(folder / f"{name}.csv", index=False, sep=";" if name == "deals" else ",")


@pytest.fixture(scope="module")
def demo() -> DemoCrm:
    return DemoCrm(DemoSettings(dt.date(2025, 11, 1), dt.date(2026, 2, 20), seed=7))


@pytest.mark.parametrize("parquet", [(), ("contacts", "contact_deals")])
def test_an_export_of_the_demo_crm_reads_as_the_demo_rows(tmp_path, demo, parquet):
    export(demo, tmp_path, parquet)
    source = FileCrm(tmp_path, key=DEMO_KEY, now=NOW)
    for name, stream in CRM_STREAMS.items():
        got = source.pull(stream, None).drop(columns=["extracted_at"])
        expected = demo.pull(stream, None).drop(columns=["extracted_at"])
        if name == "crm_contacts":  # the export gives the step, HubSpot its own stage name
            got, expected = got.drop(columns="lifecycle_stage"), expected.drop(
                columns="lifecycle_stage")
        pd.testing.assert_frame_equal(got, expected, obj=name)
    con = connect(":memory:")
    stored = store_crm_pull(con, pull_crm(source, "file", None))
    assert stored.rows["raw_crm_contacts"] == len(demo.portal.contacts)
    again = store_crm_pull(con, pull_crm(FileCrm(tmp_path, key=DEMO_KEY), "file", NOW))
    assert again.upserts == {"crm_contacts": 0, "crm_deals": 0, "crm_contact_deals": 0}


def _write(folder, name: str, text: str) -> None:
    (folder / f"{name}.csv").write_text(text, encoding="utf-8")


def test_bad_files_are_named_by_row_and_column_without_quoting_ids(tmp_path):
    _write(tmp_path, "contacts", "contact_id,created_at,modifed_at\n"
           "secret-901,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z\n")
    with pytest.raises(CrmFileError) as info:
        FileCrm(tmp_path, key=DEMO_KEY).pull(CRM_STREAMS["crm_contacts"], None)
    assert str(info.value) == (
        "contacts.csv: column 'modified_at': missing (a required column); the file has "
        "'modifed_at': did you mean 'modified_at'?")
    _write(tmp_path, "deals", "deal_id,created_at,modified_at,outcome,amount,currency_code\n"
           "secret-1,2026-03-01,2026-03-02,won,\"12,5\",EUR\n"
           "secret-2,01/03/2026,2026-03-02,gewonnen,100,\n"
           "secret-2,2026-03-01,2026-03-02,open,,\n")
    with pytest.raises(CrmFileError) as info:
        FileCrm(tmp_path, key=DEMO_KEY).pull(CRM_STREAMS["crm_deals"], None)
    text = str(info.value)
    assert text.startswith("deals.csv: 5 problems")
    assert "row 1, column 'amount': '12,5' is not an amount >= 0 (a point for decimals)" in text
    assert "row 2, column 'created_at': '01/03/2026' is not an ISO 8601 time" in text
    assert "row 2, column 'outcome': 'gewonnen': use one of won, lost, open" in text
    assert "row 2, column 'currency_code': empty beside an amount" in text
    assert "rows 2" not in text and "row 3, column 'deal_id': repeated" in text
    assert "secret" not in text
    with pytest.raises(CrmFileError, match=r"contact_deals\.csv: no such file"):
        FileCrm(tmp_path, key=DEMO_KEY).pull(CRM_STREAMS["crm_contact_deals"], None)
    empty = FileCrm(tmp_path, key=DEMO_KEY).pull(CRM_STREAMS["crm_archived"], None)
    assert empty.empty  # the erasures file is optional


def test_kind_file_needs_the_folder():
    with pytest.raises(ValidationError, match="path: name the folder"):
        CrmSource(kind="file")
    assert CrmSource(kind="file", path="crm-export").path.name == "crm-export"


def test_check_connection_reads_the_crm_and_the_email_tool(tmp_path, monkeypatch):
    """``campaign-kpi check-connection`` tries the CRM and the e-mail tool too: the demo's
    answer, then a bad export named by file and column (exit 1), nothing stored."""
    monkeypatch.setenv("CAMPAIGN_KPI_PSEUDONYM_KEY", "k" * 32)
    _write(tmp_path, "contacts", "contact_id,created_at,modifed_at\n"
           "secret-901,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z\n")
    path = tmp_path / "campaign-kpi.yaml"
    for crm, code in (({"kind": "demo"}, 0), ({"kind": "file", "path": str(tmp_path)}, 1)):
        path.write_text(yaml.safe_dump({
            "history_start": "2026-03-01", "demo": {"end": "2026-03-31"},
            "sources": {"crm": crm, "email": {"kind": "demo"}}}), encoding="utf-8")
        result = CliRunner().invoke(app, ["check-connection", "--config", str(path),
                                          "--data-dir", str(tmp_path)], env={"COLUMNS": "250"})
        assert result.exit_code == code, result.output
        said = " ".join(result.output.split())
        assert "✓ email (demo):" in said
        if code == 0:
            assert "✓ crm (demo):" in said
        else:
            assert "✗ crm (file): contacts.csv: column 'modified_at': missing" in said
            assert "secret" not in said
    assert not (tmp_path / "warehouse.duckdb").exists()
