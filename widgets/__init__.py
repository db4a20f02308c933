"""Everything Qt: the main window, charts, table models, dialogs and the thread workers.

Nothing here talks to the network or to SQLite on the GUI thread: workers call the same app/
functions the command line calls, and hand their results to slots.
"""
