"""The Signals tab: the follower's regime at each breakout, with its base rate beside it."""

from __future__ import annotations

import pytest

from tests.widgets.result_factory import make_result
from widgets.tables.tabs import SignalsTab

pytestmark = pytest.mark.gui


def test_signals_tab_shows_the_regime_and_the_share_of_bull_days(qtbot):
    result = make_result()
    tab = SignalsTab()
    qtbot.addWidget(tab)
    tab.show_result(result)
    fields = [c.field for c in tab.model.columns]
    assert "regime_at_breakout" in fields and "regime_end" in fields
    assert "bull_near" not in fields
    share = round(result.follower_bull_share * 100)
    assert f"Regime at breakout: Bitcoin (Bitstamp) was in a bull phase on {share}%" in (
        tab.summary.text()
    )
    column = fields.index("regime_at_breakout")
    texts = [tab.model.index(r, column).data() for r in range(tab.model.rowCount())]
    kinds = result.breakouts["regime"].tolist()
    assert [t.split(",")[0] for t in texts] == kinds  # "" where unknown
