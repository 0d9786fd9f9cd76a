"""Settings that validate one by one but would silently give wrong numbers together: a target
for a channel no rule produces, a budget file that is not there. Each problem names its field
and, where one is likely, the value meant.

>>> from pipelines.config import Config
>>> config = Config.model_validate({"history_start": "2026-01-01",
...                                 "targets": [{"kpi": "cpl", "value": 40,
...                                              "channel": "Paid search"}]})
>>> problems(config)[0].message.split(" (")[0]
"no channel 'Paid search'; did you mean 'Paid Search'?"
>>> suggestion("restatment_days", ["restatement_days", "property_id"])
'restatement_days'
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel

if TYPE_CHECKING:
    from pipelines.config import Config


@dataclass(frozen=True)
class Problem:
    """What is wrong with the setting at ``loc`` (a field path such as ``("targets", 3,
    "channel")``)."""

    loc: tuple[int | str, ...]
    message: str


def suggestion(given: str, choices: Iterable[str]) -> str | None:
    """The choice ``given`` most likely meant: the same but for case, else the closest spelling
    (difflib), else None."""
    choices = list(choices)
    same = [c for c in choices if c.casefold() == given.casefold()]
    close = same or difflib.get_close_matches(given, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def channels(config: Config) -> tuple[str, ...]:
    """Every channel the model can give a campaign: the Google Ads channel types' channels, the
    GA4 rules' channels, Meta Ads' channel and ``channels.other``, sorted."""
    named = {*config.channels.ads_channel_types.values(),
             *(rule.channel for rule in config.channels.ga4_rules),
             config.channels.meta_ads_channel, config.channels.other}
    return tuple(sorted(named))


def _unknown_channels(config: Config) -> list[Problem]:
    known = channels(config)
    found = []
    for n, target in enumerate(config.targets):
        if target.channel is None or target.channel in known:
            continue
        meant = suggestion(target.channel, known)
        found.append(Problem(("targets", n, "channel"), (
            f"no channel {target.channel!r}" + (f"; did you mean {meant!r}?" if meant else "")
            + " (the channels of channels.ads_channel_types, channels.ga4_rules, "
            f"channels.meta_ads_channel and channels.other: {', '.join(known)})")))
    for field in ("recipients", "webhooks"):
        for n, subscriber in enumerate(getattr(config.delivery, field, ()) or ()):
            for m, channel in enumerate(subscriber.channels or ()):
                if channel.casefold() in {k.casefold() for k in known}:
                    continue
                meant = suggestion(channel, known)
                found.append(Problem(("delivery", field, n, "channels", m), (
                    f"no channel {channel!r}" + (f"; did you mean {meant!r}?" if meant else "")
                    + f" (the model's channels: {', '.join(known)})")))
    return found


def _missing_files(config: Config) -> list[Problem]:
    found = []
    for field in ("plan", "costs"):
        path: Path | None = getattr(config.budget, field)
        if path is None or path.is_file():
            continue
        siblings = ([p.name for p in path.parent.iterdir() if p.suffix == path.suffix]
                    if path.parent.is_dir() else [])
        meant = suggestion(path.name, siblings)
        found.append(Problem(("budget", field), (
            f"no file {path} (a path relative to the configuration file)"
            + (f"; did you mean {meant!r}?" if meant else ""))))
    return found


def problems(config: Config) -> tuple[Problem, ...]:
    """What in ``config`` would silently give wrong numbers (empty when nothing)."""
    return (*_unknown_channels(config), *_missing_files(config))


def advice(config: Config) -> tuple[Problem, ...]:
    """What ``check-config`` warns about without refusing the file: settings whose default
    gives honest but easily misread numbers (CLV on revenue when no gross margin is set).

    >>> from pipelines.config import Config
    >>> advice(Config.model_validate({"history_start": "2026-01-01"}))[0].loc
    ('clv', 'gross_margin')
    """
    found = []
    if config.sources.orders.kind != "none" and not config.clv.margin_set:
        found.append(Problem(("clv", "gross_margin"), (
            "no gross margin set: CLV and CLV:CAC are computed on revenue (shown as 'on "
            "revenue, no margin set'); add clv: gross_margin: the share of revenue you keep, "
            "e.g. 0.35")))
    return tuple(found)


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The settings model a field holds: the field's own type, or the model among the items of a
    tuple, list or dict, or among the members of an optional or a union."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return _model_in(args[0])
    if origin in (typing.Union, types.UnionType, tuple, list, dict):
        return next((m for m in map(_model_in, args) if m is not None), None)
    return None


def settings_at(model: type[BaseModel], loc: Sequence[int | str]) -> tuple[str, ...]:
    """The setting names of the section at ``loc`` below ``model``.

    >>> from pipelines.config import Config
    >>> settings_at(Config, ("sources", "ga4"))[:3]
    ('credentials_file', 'endpoint', 'anonymous')
    >>> settings_at(Config, ("targets", 0))
    ('kpi', 'value', 'channel', 'campaign')
    """
    annotation: object = model
    for part in loc:
        current = _model_in(annotation)
        if current is None:
            return ()
        if isinstance(part, str) and part in current.model_fields:
            annotation = current.model_fields[part].annotation
        # else: a list index or a mapping key; the items' model is the same annotation's
    current = _model_in(annotation)
    return tuple(current.model_fields) if current is not None else ()
