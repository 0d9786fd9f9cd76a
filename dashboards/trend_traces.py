"""The three traces every KPI trend draws: the target (dashed), the final points (solid) and the
provisional or incomplete ones (dotted, open markers, with their neighbours so the line joins),
shared by the overview's and the trends page's charts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dashboards.page import ACCENT, MUTED, plotly_text
from kpi.language.translate import translator

_t = translator("common")


def trend_traces(x: Sequence[Any], y: Sequence[float | None], targets: Sequence[float | None],
                 flagged: Sequence[bool], custom: list[list[str]], hover: str, lang: str, *,
                 size: int = 5, width: float = 2.25) -> list[dict[str, Any]]:
    """The target (when any), provisional and final traces of one KPI; ``y`` and ``targets``
    already scaled for the axis, ``flagged`` the points that are provisional or incomplete.

    >>> [t["name"] for t in trend_traces(["a", "b"], [1.0, 2.0], [None, 1.5], [False, True],
    ...                                  [["a"], ["b"]], "%{customdata[0]}", "en")]
    ['Target', 'Provisional or incomplete', 'Final']
    """
    n = len(y)
    near = [any(flagged[max(0, i - 1): i + 2]) for i in range(n)]
    data: list[dict[str, Any]] = []
    if any(v is not None for v in targets):
        data.append({"type": "scatter", "x": x, "y": list(targets), "mode": "lines",
                     "line": {"color": MUTED, "dash": "dash", "width": 1.5},
                     "name": plotly_text(_t("legend_target", lang)), "hoverinfo": "skip"})
    data.append({"type": "scatter", "x": x, "y": [v if near[i] else None for i, v in enumerate(y)],
                 "mode": "lines+markers", "line": {"color": ACCENT, "dash": "dot", "width": 2},
                 "marker": {"size": size + 2, "color": "#fff",
                            "line": {"color": ACCENT, "width": 2},
                            "opacity": [1 if f else 0 for f in flagged]},
                 "customdata": custom, "hovertemplate": hover,
                 "hoverinfo": ["all" if f else "skip" for f in flagged],
                 "name": plotly_text(_t("legend_provisional", lang))})
    data.append({"type": "scatter", "x": x,
                 "y": [None if f else v for v, f in zip(y, flagged, strict=True)],
                 "mode": "lines+markers", "line": {"color": ACCENT, "width": width},
                 "marker": {"size": size, "color": ACCENT}, "customdata": custom,
                 "hovertemplate": hover, "name": plotly_text(_t("legend_actual", lang))})
    return data
