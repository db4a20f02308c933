"""One table of exit codes (app.errors.EXIT_CODES) for every command: 2 for input that cannot
work as given, 1 for work that failed. The same mistake gives the same code everywhere."""

from __future__ import annotations

import pytest

from app import errors
from app.cli import main as cli_main
from app.errors import EXIT_BAD_INPUT, EXIT_CODES, EXIT_FAILED, exit_code

UNKNOWN = "csv:nope"


def test_every_error_kind_is_in_the_table():
    kinds = {
        cls.kind
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.RiskcurveError)
    }
    assert kinds == set(EXIT_CODES)
    assert set(EXIT_CODES.values()) == {EXIT_FAILED, EXIT_BAD_INPUT}


def test_several_failures_failed_work_wins():
    offline, unknown = errors.OfflineError("x"), errors.UnknownInstrumentError("y")
    assert errors.exit_code_of_all([unknown, offline]) == EXIT_FAILED
    assert errors.exit_code_of_all([unknown]) == EXIT_BAD_INPUT
    assert errors.exit_code_of_all([]) == 0
    assert exit_code(KeyboardInterrupt()) == 130


@pytest.mark.parametrize(
    "command",
    [
        ["export-csv", UNKNOWN, "--out", "{tmp}/out.csv"],
        ["analyze", "--leader", UNKNOWN, "--follower", "csv:also-nope"],
        ["analyze", "--leader", UNKNOWN, "--follower", "csv:also-nope", "--format", "json"],
        ["fetch", "nasdaq:AAPL"],
        ["import", "{tmp}/in.csv", "--symbol", "nasdaq:AAPL"],
        ["import", "{tmp}/missing.csv", "--symbol", "csv:x"],
        ["export-csv", "nasdaq:AAPL", "--out", "{tmp}/out.csv"],
    ],
)
def test_bad_input_exits_2_with_one_line_from_every_command(paths, tmp_path, capsys, command):
    (tmp_path / "in.csv").write_text("Date,Close\n2024-01-02,1.5\n")
    (tmp_path / "x.csv").write_text("Date,Close\n2024-01-02,1.5\n")
    assert cli_main(["import", str(tmp_path / "x.csv"), "--symbol", "csv:x"]) == 0
    capsys.readouterr()
    argv = [part.replace("{tmp}", str(tmp_path)) for part in command]
    assert cli_main(argv) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("riskcurve: "), err
    assert "Traceback" not in err


def test_no_cached_data_is_bad_input_for_export_and_analyze_alike(paths, tmp_path, capsys):
    codes = {
        "export-csv": cli_main(["export-csv", UNKNOWN, "--out", str(tmp_path / "o.csv")]),
        "analyze": cli_main(["analyze", "--leader", UNKNOWN, "--follower", "csv:other"]),
    }
    assert codes == {"export-csv": EXIT_BAD_INPUT, "analyze": EXIT_BAD_INPUT}
    assert "No cached data" in capsys.readouterr().err
