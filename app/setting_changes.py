"""What a settings change implies for the window: fetch, re-analyse, redraw, or nothing.

Read from each row's `affects` in the settings table (app.config), so a new setting needs no
entry here; the one addition is a new name for the leader or follower, which the verdicts say.
"""

from __future__ import annotations

from app.config import INSTRUMENT_SETTINGS, SETTINGS, Settings
from app.setting_kinds import ANALYSIS, VIEW


def changed_parts(old: Settings, new: Settings) -> set[str]:
    """What a change implies: "instruments" (fetch what is new), "analysis" (re-run the
    analysis on the bars in memory), "display" (redraw); from the rows' `affects`."""
    parts: set[str] = set()
    if old.instruments != new.instruments:
        parts.add("instruments")
    pairs = [(r, getattr(old, r.name), getattr(new, r.name)) for r in SETTINGS]
    for key in dict.fromkeys((*old.instruments, *new.instruments)):
        pair_member = key in (new.leader, new.follower)
        before, after = old.instrument(key), new.instrument(key)
        pairs += [
            (r, getattr(before, r.name), getattr(after, r.name))
            for r in INSTRUMENT_SETTINGS
            if pair_member or ANALYSIS not in r.affects
        ]
    for row, before, after in pairs:
        if before != after:
            parts.update(_PARTS[a] for a in row.affects if a in _PARTS)
    if _pair_renamed(old, new):
        parts.add("analysis")
    return parts


def analysis_fingerprint(settings: Settings) -> str:
    """Every setting the analysis of the pair reads, as text: equal texts, equal analyses of the
    same bars (app.chart_snapshot keys its drawing with it). The pair's own settings include
    their names, which the verdicts say."""
    rows = [(r.name, getattr(settings, r.name)) for r in SETTINGS if ANALYSIS in r.affects]
    pair = [(key, settings.instrument(key)) for key in (settings.leader, settings.follower)]
    return repr((rows, pair))


def _pair_renamed(old: Settings, new: Settings) -> bool:
    """The user's own name for the leader or the follower changed: the verdict sentences,
    written by the analysis, name them (app.pipeline.markets_of)."""
    pair = (new.leader, new.follower)
    return any(old.instrument(k).label != new.instrument(k).label for k in pair)


_PARTS = {ANALYSIS: "analysis", VIEW: "display"}
