"""Where a setting is written in a YAML file: the line of a field path such as
``("sources", "ga4", "restatement_days")``, from the marks of the composed YAML nodes.

>>> root = compose("history_start: 2026-01-01\\nsources:\\n  ga4:\\n    restatment_days: 3\\n")
>>> line_of(root, ("sources", "ga4", "restatment_days"))
4
>>> line_of(compose("targets:\\n  - {kpi: cpa, value: 45}\\n  - {kpi: ctr, value: 3}\\n"),
...         ("targets", 1, "value"))
3
>>> line_of(root, ("sources", "google_ads", "customer_ids"))  # not written: its section's line
2
>>> line_of(root, ("engine",)) is None  # nothing of it is written
True
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml


def compose(text: str, loader: type[yaml.SafeLoader] = yaml.SafeLoader) -> yaml.Node | None:
    """The YAML node tree of ``text`` (None when it is empty or not YAML)."""
    try:
        return yaml.compose(text, Loader=loader)  # a SafeLoader: composing builds no objects
    except yaml.YAMLError:
        return None


def line_of(root: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """The line (from 1) of the setting at ``loc``: its key's line in a mapping, its own line in
    a list. For a path the file does not spell out to the end (a missing setting), the line of
    the deepest part it does; None when not even the first part is there."""
    node, line = root, None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            entry = next((  # the last of duplicate keys is the one YAML keeps
                (key, value) for key, value in reversed(node.value)
                if isinstance(key, yaml.ScalarNode) and key.value == str(part)), None)
            if entry is None:
                break
            line, node = entry[0].start_mark.line + 1, entry[1]
        elif (isinstance(node, yaml.SequenceNode) and isinstance(part, int)
              and 0 <= part < len(node.value)):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
