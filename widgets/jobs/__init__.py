"""Work off the GUI thread: the session (load, fetch, import, analyse), the QThread workers,
the plain task functions they run, the typed results they hand back (results) and the
garbage-collection guard.

It may import `app` and itself; never a widget module (charts, tables, dialogs, the window):
results reach the window through signals.
"""
