"""The agency file: the client accounts one pipeline runs, each an ordinary configuration file.

Each client is a complete configuration (everything a single account can set, a client can
set), kept in a data folder of its own (``<data dir>/clients/<id>/``). This file only lists
them; a client's own configuration is read when that client runs, so one broken client stops
no other. Errors name the agency file, the client and the field, and the line
(``data/agency.yaml: clients.1 (fietsen-vdb).config: data/clients/x.yaml: no file there (a
client's configuration file, relative to the agency file) (line 5)``).

>>> config = getfixture("tmp_path") / "lupus.yaml"
>>> config.touch()  # it must exist; it is read when the client runs
>>> agency = Agency.model_validate({"clients": [{"id": "lupus", "config": config}]})
>>> agency.clients[0].id, agency.language
('lupus', 'en')
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipelines.config_checks import settings_at, suggestion
from pipelines.config_files import beside, read_text
from pipelines.config_lines import compose, line_of

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID = 40


class AgencyConfigError(ValueError):
    """An agency file that cannot be used; the message names the file, client and field."""


def client_id(value: str) -> str:
    """A lower-case slug (letters, digits, single hyphens): it names the client's folder.

    >>> client_id("fietsen-vdb")
    'fietsen-vdb'
    >>> client_id("Fietsen VDB")
    Traceback (most recent call last):
    ...
    ValueError: 'Fietsen VDB' is not a lower-case slug such as 'fietsen-vdb' (letters a-z, \
digits and single hyphens); did you mean 'fietsen-vdb'?
    """
    if len(value) <= MAX_ID and SLUG.fullmatch(value):
        return value
    meant = "-".join(re.findall(r"[a-z0-9]+", value.lower()))[:MAX_ID].strip("-")
    hint = f"; did you mean {meant!r}?" if meant and meant != value else ""
    if len(value) > MAX_ID:
        raise ValueError(f"{value[:MAX_ID]!r}…: at most {MAX_ID} characters{hint}")
    raise ValueError(f"{value!r} is not a lower-case slug such as 'fietsen-vdb' (letters a-z, "
                     f"digits and single hyphens){hint}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Client(_Strict):
    """One client account: its id (its folder's name), its configuration file, a display name
    (default: the configuration's ``account_name``)."""

    id: str
    config: Path
    name: str | None = Field(None, min_length=1)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return client_id(value)

    @field_validator("config")
    @classmethod
    def _exists(cls, path: Path) -> Path:
        if not path.is_file():
            what = "a folder, not a file" if path.is_dir() else "no file there"
            raise ValueError(f"{path}: {what} (a client's configuration file, relative to the "
                             "agency file)")
        return path


class Agency(_Strict):
    """The clients, in the order they run; the agency's own name and page language."""

    name: str = "Agency"
    language: Literal["nl", "fr", "en"] = "en"  # of agency/overview.html (all three written)
    clients: tuple[Client, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Agency:
        seen: dict[str, int] = {}
        for n, client in enumerate(self.clients):
            if client.id in seen:
                raise ValueError(f"clients.{n}.id: {client.id!r} is already the id of "
                                 f"clients.{seen[client.id]}; every client needs its own id "
                                 "(it names the client's data folder)")
            seen[client.id] = n
        return self

    def client(self, client_id: str) -> Client:
        """The client ``client_id``; KeyError naming the ids there are."""
        for client in self.clients:
            if client.id == client_id:
                return client
        raise KeyError(f"no client {client_id!r} (clients: "
                       f"{', '.join(c.id for c in self.clients)})")


def _where(raw: object, loc: tuple[int | str, ...]) -> str:
    """``clients.1 (fietsen-vdb).config``: the field path, with the client's id when known."""
    parts = [str(p) for p in loc]
    if len(loc) >= 2 and loc[0] == "clients" and isinstance(loc[1], int):
        clients = raw.get("clients") if isinstance(raw, dict) else None
        entry = clients[loc[1]] if isinstance(clients, list) and loc[1] < len(clients) else None
        named = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(named, str) and named:
            parts[1] = f"{loc[1]} ({named})"
    return ".".join(parts) or "(top level)"


CLIENT_SHAPE = "{id: <slug>, config: <file>, name: <optional display name>}"
OUR_WORDS = {
    "missing": "missing: list the clients, each " + CLIENT_SHAPE,
    "too_short": "list at least one client, each " + CLIENT_SHAPE,
    "model_type": "write each client as " + CLIENT_SHAPE,
    "tuple_type": "a list of clients, each " + CLIENT_SHAPE,
}


def _message(error: dict) -> str:
    loc = tuple(error["loc"])
    if error["type"] in OUR_WORDS and loc[:1] == ("clients",) and len(loc) <= 2:
        return OUR_WORDS[error["type"]]
    if error["type"] != "extra_forbidden":
        return error["msg"].removeprefix("Value error, ")
    known = settings_at(Agency, loc[:-1])
    meant = suggestion(str(loc[-1]), known)
    return f"unknown setting {loc[-1]!r}" + (
        f"; did you mean {meant!r}?" if meant else f" (the settings here: {', '.join(known)})")


def _loc(error: dict) -> tuple[int | str, ...]:
    """The error's field; a model-level error that names its field (``clients.2.id: ...``)
    points there."""
    loc = tuple(error["loc"])
    found = re.match(r"(?:Value error, )?clients\.(\d+)\.(\w+): ", error["msg"])
    return ("clients", int(found[1]), found[2]) if found and not loc else loc


def _resolve(raw: dict, folder: Path) -> None:
    """Client configuration files named relative to the agency file."""
    for entry in raw.get("clients") or []:
        if isinstance(entry, dict) and isinstance(entry.get("config"), str):
            entry["config"] = beside(folder, entry["config"])


def load_agency(path: Path) -> Agency:
    """Read and validate the agency file ``path``; AgencyConfigError naming file and field."""
    text = read_text(path, "agency file", AgencyConfigError)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise AgencyConfigError(f"{path}{line}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise AgencyConfigError(f"{path}: expected a mapping with 'clients:' at the top level")
    named = {**raw, "clients": [dict(e) if isinstance(e, dict) else e
                                for e in raw.get("clients") or []]} \
        if isinstance(raw.get("clients"), list) else dict(raw)
    _resolve(named, path.parent)
    try:
        return Agency.model_validate(named)
    except ValidationError as exc:
        root = compose(text)
        said = []
        errors = exc.errors(include_url=False)
        if any(len(e["loc"]) > 1 for e in errors):  # an empty list only because items failed
            errors = [e for e in errors if e["type"] != "too_short"]
        for error in errors:
            loc = _loc(error)
            message = re.sub(r"^clients\.\d+\.\w+: ", "", _message(error))
            line = line_of(root, loc)
            said.append(f"{_where(raw, loc)}: {message}" + (f" (line {line})" if line else ""))
        raise AgencyConfigError(f"{path}: {'; '.join(said)}") from None
