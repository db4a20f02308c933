"""The tabs below the charts (Signals, Statistics, Cycles, Data) and their table models.

Owns the pandas-backed Qt models, the column definitions (wording, tooltips, formats) and the
tab widgets. It may import `app`, `widgets.theme` and `widgets.charts` (the Cycles tab embeds
the cycles chart); never the jobs or the dialogs.
"""
