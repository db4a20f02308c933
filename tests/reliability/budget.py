"""How hard the reliability tests push: one place for the counts RELIABILITY.md reports.

The everyday suite runs reduced counts so it stays quick; `RISKCURVE_TORTURE_FULL=1 pytest -m
torture` (`scripts/dev torture`) runs the full counts. test_reliability_doc.py checks that
RELIABILITY.md states exactly these numbers, so the document cannot drift from the tests.
"""

from __future__ import annotations

import os

import pytest

FULL = os.environ.get("RISKCURVE_TORTURE_FULL") == "1"

#: SIGKILLs in a row against one cache, everyday and full.
KILLS_EVERYDAY = 8
KILLS_FULL = 50
KILLS = KILLS_FULL if FULL else KILLS_EVERYDAY
#: Bars in each batch the killed child writes (one long series per batch, one transaction).
BATCH_BARS = 100_000
#: At least this share of the kills must land inside a batch (between BEGIN and COMMIT).
MIN_MID_BATCH_SHARE = 0.5

#: SIGKILLs of a process replacing one output file over and over (app.outputs), and of
#: `report` while it writes its files, everyday and full.
OUTPUT_KILLS_EVERYDAY = 20
OUTPUT_KILLS_FULL = 200
OUTPUT_KILLS = OUTPUT_KILLS_FULL if FULL else OUTPUT_KILLS_EVERYDAY
REPORT_KILLS_EVERYDAY = 3
REPORT_KILLS_FULL = 30
REPORT_KILLS = REPORT_KILLS_FULL if FULL else REPORT_KILLS_EVERYDAY

#: Hypothesis examples per fuzz property, everyday and full.
EXAMPLES_EVERYDAY = 250
EXAMPLES_FULL = 2_000
EXAMPLES = EXAMPLES_FULL if FULL else EXAMPLES_EVERYDAY


#: Marks for the fuzz modules: they belong to the torture runs (full counts with -m torture),
#: and may take long enough to shrink a failure to its simplest example.
FUZZ_MARKS = [pytest.mark.torture, pytest.mark.timeout(3_600 if FULL else 900)]


def fuzz_settings():
    """Hypothesis settings for every fuzz property: the example budget, no per-example deadline.

    File-system work makes example times vary with machine load, so a deadline would only
    produce flaky failures; the health check for slow data generation is off for the same reason.
    """
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
