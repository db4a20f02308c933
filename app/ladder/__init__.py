"""The risk-curve ladder: several markets watched at once, every leader → follower pair scanned.

The ladder is an ordered list of instruments (the `ladder` setting), safest first: S&P 500,
Russell 2000, Bitcoin. Each rung is a leader of the rungs below it. Nothing here re-implements
a signal: the rung states and the pair matrix are computed by the functions of app.signals and
app.analysis, as the single-pair analysis computes them.

Modules:
- rungs: `RungState`, where one market stands now (close, all-time high, regime, breakout,
  volatility, freshness), and how it is computed from cached bars.
- pairs: `PairCell`, one leader → follower event study at one horizon, and the pair matrix.
- scan: `LadderScan`, the rung table and the pair matrix of one ladder, from the cache.
- alerts: `Alert`, what a refresh found new (a breakout, a new all-time high, a regime turn).
"""
