"""RELIABILITY.md states the figures the reliability tests really run with.

The table's numbers are compared with the constants in budget.py and with the case lists of
the test modules; every damaged-file and upstream-fault case is named in the text.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.cache.history import VERSIONS_KEPT
from tests.reliability import (
    budget,
    test_damaged_files,
    test_damaged_wal,
    test_first_use_race,
    test_folder_mistakes,
    test_fuzz_csv,
    test_fuzz_keys,
    test_fuzz_settings,
    test_gui_faults,
    test_output_files,
    test_settings_files,
    test_status_layout,
)

DOC = Path(__file__).resolve().parents[2] / "RELIABILITY.md"
FUZZ_MODULES = (test_fuzz_csv, test_fuzz_settings, test_fuzz_keys)


def table() -> dict[str, tuple[int, int]]:
    """figure -> (everyday, full), from the rows `| figure | number | number |`."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if (
            len(cells) == 3
            and re.fullmatch(r"[\d,]+", cells[1])
            and re.fullmatch(r"[\d,]+", cells[2])
        ):
            rows[cells[0]] = (int(cells[1].replace(",", "")), int(cells[2].replace(",", "")))
    return rows


def fuzz_properties() -> int:
    return sum(
        1
        for module in FUZZ_MODULES
        for name, value in vars(module).items()
        if name.startswith("test_") and hasattr(value, "hypothesis")
    )


def test_the_figures_table_matches_the_tests():
    properties = fuzz_properties()
    expected = {
        "SIGKILLs in a row against one cache": (budget.KILLS_EVERYDAY, budget.KILLS_FULL),
        "bars in each batch being written when killed": (budget.BATCH_BARS, budget.BATCH_BARS),
        "kills that must land inside a batch (percent, at least)": (
            round(budget.MIN_MID_BATCH_SHARE * 100),
        )
        * 2,
        "fuzz properties (hypothesis)": (properties, properties),
        "examples per fuzz property": (budget.EXAMPLES_EVERYDAY, budget.EXAMPLES_FULL),
        "fuzz examples per run": (
            properties * budget.EXAMPLES_EVERYDAY,
            properties * budget.EXAMPLES_FULL,
        ),
        "SIGKILLs of a writer replacing one output file": (
            budget.OUTPUT_KILLS_EVERYDAY,
            budget.OUTPUT_KILLS_FULL,
        ),
        "SIGKILLs of `report` while it writes its files": (
            budget.REPORT_KILLS_EVERYDAY,
            budget.REPORT_KILLS_FULL,
        ),
        "damaged cache files": (len(test_damaged_files.CACHE_DAMAGE),) * 2,
        "broken settings files": (len(test_damaged_files.SETTINGS_DAMAGE),) * 2,
        "upstream fault cases through the window": (len(test_gui_faults.CASES),) * 2,
        "earlier versions of an instrument's bars kept": (VERSIONS_KEPT,) * 2,
    }
    assert table() == expected
    # Every property runs with the budget's example count.
    decorated = sum(Path(m.__file__).read_text().count("@fuzz_settings()") for m in FUZZ_MODULES)
    assert decorated == properties
    assert budget.KILLS_FULL >= 50 and budget.BATCH_BARS >= 100_000


def test_every_case_is_named_in_the_text():
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    for name in (*test_damaged_files.CACHE_DAMAGE, *test_damaged_files.SETTINGS_DAMAGE):
        assert name in text, f"RELIABILITY.md does not mention the damaged-file case {name!r}"
    for name in test_gui_faults.CASES:
        assert name in text, f"RELIABILITY.md does not mention the upstream fault {name!r}"
    for name in test_damaged_wal.WAL_DAMAGE:
        assert name in text, f"RELIABILITY.md does not mention the damaged-WAL case {name!r}"
    modules = (
        test_output_files,
        test_folder_mistakes,
        test_first_use_race,
        test_settings_files,
        test_status_layout,
    )
    for module in modules:
        assert Path(module.__file__).name in text, f"RELIABILITY.md does not cover {module}"


def test_the_documented_commands_exist():
    text = DOC.read_text(encoding="utf-8")
    assert "RISKCURVE_TORTURE_FULL=1 python -m pytest -m torture" in text
    dev = (DOC.parent / "scripts" / "dev").read_text(encoding="utf-8")
    assert "RISKCURVE_TORTURE_FULL=1" in dev and "pytest -m torture" in dev
