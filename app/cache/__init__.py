"""The local SQLite store of instruments and daily bars.

Design (after qutebrowser's misc/sql.py): `PRAGMA user_version` is the schema version with
forward migrations; WAL so a reader never blocks the writer (two processes may share a cache);
`synchronous=NORMAL` (durable at checkpoints, never corrupt); every batch of bars is written in
ONE transaction, so a crash, a kill or a full disk leaves either all of it or none of it.
One connection per thread: a `Cache` must stay on the thread that opened it.

Dates are stored as integer epoch days (the trading date), which keeps loads fast: a million
bars become a DataFrame without parsing a single string.

The package is cut along its jobs:

- `schema`: the tables, migrations and opening a file (a new one is created whole);
- `checks`: telling a damaged file from a good one (size, integrity, tables and columns);
- `classify`: what a failed SQLite call means for the user (by SQLite's error code);
- `rows`: turning rows into bars frames and instrument summaries and back;
- `alerts`: the ladder's alerts table (one row per event, stored once);
- `store`: `Cache`, the one object the rest of the app talks to.
"""

from app.cache.schema import BUSY_TIMEOUT_S, SCHEMA_VERSION
from app.cache.store import Cache, InstrumentInfo

__all__ = ["BUSY_TIMEOUT_S", "SCHEMA_VERSION", "Cache", "InstrumentInfo"]
