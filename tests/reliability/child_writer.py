"""Child process of the kill torture: writes big batches into a cache until it is killed.

Usage: python child_writer.py DB FIRST_BATCH

Prints "BEGIN n" (flushed) right before batch n goes to Cache.store_bars and "COMMIT n" once it
returned, so the parent knows which batches were surely committed and which one a kill may have
interrupted. It stops on its own after MAX_BATCHES, so an orphan never runs forever.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

MAX_BATCHES = 40


def main(argv: list[str]) -> int:
    from app.cache import Cache
    from tests.reliability.torture_data import batch_frame, batch_key

    db_path, first = Path(argv[0]), int(argv[1])
    with Cache.open(db_path) as cache:
        for batch in range(first, first + MAX_BATCHES):
            frame = batch_frame(batch)
            print(f"BEGIN {batch}", flush=True)
            cache.store_bars(batch_key(batch), frame)
            print(f"COMMIT {batch}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
