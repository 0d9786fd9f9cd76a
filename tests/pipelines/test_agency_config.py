"""The agency file: the sample loads; every mistake names the file, the client and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.agency import EXAMPLE_AGENCY
from pipelines.agency_config import AgencyConfigError, client_id, load_agency
from pipelines.config import load_config


def test_the_sample_agency_and_each_client_configuration_load():
    agency = load_agency(EXAMPLE_AGENCY)
    assert [c.id for c in agency.clients] == ["brasserie-lupus", "fietsen-vdb",
                                              "kaeserei-alpenblick"]
    configs = [load_config(c.config) for c in agency.clients]  # relative to the agency file
    assert len({c.demo.seed for c in configs}) == 3  # three different demo accounts
    assert {c.reporting.language for c in configs} == {"nl", "fr", "en"}
    assert {c.reporting.currency for c in configs} == {"EUR", "CHF"}
    assert all(c.budget.plan is not None and c.budget.plan.is_file() for c in configs)


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "lupus.yaml").write_text("history_start: 2026-01-01\n", encoding="utf-8")
    path = tmp_path / "agency.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "said"), [
    ("clients:\n  - {id: lupus, config: lupus.yaml}\n  - {id: lupus, config: lupus.yaml}\n",
     "clients.1 (lupus).id: 'lupus' is already the id of clients.0; every client needs its own "
     "id (it names the client's data folder) (line 3)"),
    ("clients:\n  - {id: Fietsen VDB, config: lupus.yaml}\n",
     "clients.0 (Fietsen VDB).id: 'Fietsen VDB' is not a lower-case slug such as 'fietsen-vdb' "
     "(letters a-z, digits and single hyphens); did you mean 'fietsen-vdb'? (line 2)"),
    ("clients:\n  - {id: lupus, config: lupus.yaml}\n  - id: vdb\n    config: vdb.yaml\n",
     "clients.1 (vdb).config: {dir}/vdb.yaml: no file there (a client's configuration file, "
     "relative to the agency file) (line 4)"),
    ("clients:\n  - {id: lupus, config: lupus.yaml, nmae: Lupus}\n",
     "clients.0 (lupus).nmae: unknown setting 'nmae'; did you mean 'name'? (line 2)"),
    ("client:\n  - {id: lupus, config: lupus.yaml}\n",
     "client: unknown setting 'client'; did you mean 'clients'? (line 1)"),
    ("clients: []\n", "clients: list at least one client, each {id: <slug>, config: <file>, "
     "name: <optional display name>} (line 1)"),
    ("clients:\n  - lupus.yaml\n", "clients.0: write each client as {id: <slug>, config: "
     "<file>, name: <optional display name>} (line 2)"),
    ("clients:\n  - {id: lupus, config: lupus.yaml}\nlanguage: de\n",
     "language: Input should be 'nl', 'fr' or 'en' (line 3)"),
    ("clients: [\n", "(line 2): not valid YAML"),
    ("- lupus\n", "expected a mapping with 'clients:' at the top level"),
])
def test_a_mistake_names_the_file_the_client_and_the_field(tmp_path, text, said):
    path = write(tmp_path, text)
    with pytest.raises(AgencyConfigError) as caught:
        load_agency(path)
    assert str(caught.value).startswith(str(path))
    assert said.replace("{dir}", str(tmp_path)) in str(caught.value)


def test_a_client_configuration_is_named_relative_to_the_agency_file(tmp_path):
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / "a.yaml").write_text("history_start: 2026-01-01\n")
    path = tmp_path / "agency.yaml"
    path.write_text("clients:\n  - {id: a, config: clients/a.yaml}\n")
    assert load_agency(path).clients[0].config == tmp_path / "clients" / "a.yaml"
    assert load_agency(path).client("a").name is None
    with pytest.raises(KeyError, match="no client 'b' \\(clients: a\\)"):
        load_agency(path).client("b")


def test_a_missing_agency_file_is_named(tmp_path):
    with pytest.raises(AgencyConfigError, match=r"nope\.yaml: cannot read the agency file"):
        load_agency(tmp_path / "nope.yaml")


@pytest.mark.parametrize("bad", ["", "a--b", "-a", "a-", "A", "a_b", "é", "a" * 41, "../x"])
def test_an_id_that_could_not_name_a_folder_is_refused(bad):
    with pytest.raises(ValueError):
        client_id(bad)
