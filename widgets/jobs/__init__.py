"""Work off the GUI thread: the session (load, fetch, import, analyse), the QThread workers,
the plain task functions they run and the garbage-collection guard.

It may import `app` and itself; never a widget module (charts, tables, dialogs, the window):
results reach the window through signals.
"""
