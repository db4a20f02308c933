"""The signal engine: pure, vectorised numpy functions on plain arrays.

Every function here takes epoch-day integer arrays (days since 1970-01-01, sorted, unique) and
float price arrays, not DataFrames, for two reasons: the arithmetic on calendar days (gaps,
horizons) is exact integer arithmetic, and the engine stays fast on a million bars without a
per-bar Python loop. `app.analysis` converts bar frames to arrays, calls these modules and turns
their output back into the documented frames. Nothing here imports `app.analysis` (an
import-linter contract): the types both sides share live here and app.analysis re-exports them.

Modules:
- common: array helpers (price on or before a day, log returns, rolling sums).
- breakouts: all-time highs and breakouts after a consolidation.
- forward: follower returns after events, base-rate returns of every day.
- event_study: per-horizon statistics against the era-matched null, Holm across horizons.
- era: each event's era pool (the follower days it is compared with), means, percentiles.
- null_test: the era-matched bootstrap p-values, leave-one-out, Holm adjustment.
- interval: the t-interval of the excess over the era (exact t quantile).
- verdicts: the verdict rule, its kind and its plain sentence.
- regimes: Lunde–Timmermann bull/bear dating.
- correlation: rolling correlation of daily log returns, weekly lead-lag scan.
- cycles: halving cycles and aligned curves.
- volatility: rolling annualised volatility and its percentile.
- params: the analysis parameters (AnalysisParams), read by the parts.
- state: where the leader stands now (LeaderState, for a status line).
- parts: the timed parts of one run, as app.analysis.run_analysis assembles them.
"""
