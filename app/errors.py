"""The errors Riskcurve expects and explains to the user.

Two families, as in qutebrowser's KnownError/BugError split: every subclass of
`RiskcurveError` is "the environment's fault" (offline, a bad file, a full disk) and carries a
plain-language message that the CLI prints on one line and the GUI shows as is. Any other
exception is our bug: it is logged with its traceback and shown with details.
"""

from __future__ import annotations


class RiskcurveError(Exception):
    """An expected failure with a message written for the user."""

    #: Short machine-readable category, stored with an instrument's last error.
    kind = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class FetchError(RiskcurveError):
    """A data source could not deliver bars."""

    kind = "fetch"


class OfflineError(FetchError):
    """The network or the provider's host could not be reached at all."""

    kind = "offline"


class UnavailableError(FetchError):
    """The provider answered, but with a server error (HTTP 5xx): it is down, we are online."""

    kind = "unavailable"


class NotFoundError(FetchError):
    """The provider does not know the symbol."""

    kind = "not_found"


class RateLimitedError(FetchError):
    """The provider asked us to slow down; `retry_after` is in seconds when it said so."""

    kind = "rate_limited"

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class FetchTimeoutError(FetchError):
    """The provider did not answer within our deadline."""

    kind = "timeout"


class BadDataError(FetchError):
    """The provider answered, but with data we cannot trust (broken JSON, impossible prices)."""

    kind = "bad_data"


class CancelledError(RiskcurveError):
    """The user cancelled; nothing of the interrupted instrument was stored."""

    kind = "cancelled"


class CsvFormatError(RiskcurveError):
    """A CSV file was rejected; the message names the file, the line and the reason."""

    kind = "csv"

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class InvalidKeyError(RiskcurveError):
    """An instrument key does not follow the `source:ticker` grammar."""

    kind = "invalid_key"


class UnknownInstrumentError(RiskcurveError):
    """The cache holds no instrument with that key."""

    kind = "unknown_instrument"


class SettingsError(RiskcurveError):
    """A settings value is out of its allowed range; names the field."""

    kind = "settings"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class CacheError(RiskcurveError):
    """The local database could not be read or written (disk full, locked, read-only)."""

    kind = "cache"


class AnalysisError(RiskcurveError):
    """Analysis parameters or inputs make the requested analysis impossible."""

    kind = "analysis"


class OutputError(RiskcurveError):
    """An output path cannot be used as given (it exists, is a folder, a link or a device...)."""

    kind = "output"


class WriteError(RiskcurveError):
    """An output file could not be written (read-only folder, full disk); nothing was left."""

    kind = "write"


class FolderError(RiskcurveError):
    """A data, config, cache or log folder cannot be used (it is a file, it is read-only...)."""

    kind = "folder"


class ConfirmationNeeded(RiskcurveError):
    """The command would replace stored data; it needs the user's explicit yes (--replace)."""

    kind = "needs_confirmation"


class NoHistoryError(RiskcurveError):
    """There is no kept earlier version of an instrument's bars to restore."""

    kind = "no_history"


class InternalError(RiskcurveError):
    """A bug met while working on one item (one instrument); logged with its traceback."""

    kind = "internal"


def describe_exception(exc: BaseException) -> str:
    """An unexpected exception in a few words for a one-line message: `TypeError: first line`."""
    text = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ---------------------------------------------------------------------------------------------
# Exit codes: one table for every command.

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

#: Exit code per error kind: 2 when the user's input cannot work as given (fix the command,
#: the file or the settings), 1 when the work was attempted and failed (the network, the disk,
#: a provider; retrying later may help). A kind missing here counts as failed work.
EXIT_CODES: dict[str, int] = {
    RiskcurveError.kind: EXIT_FAILED,
    FetchError.kind: EXIT_FAILED,
    OfflineError.kind: EXIT_FAILED,
    UnavailableError.kind: EXIT_FAILED,
    NotFoundError.kind: EXIT_BAD_INPUT,
    RateLimitedError.kind: EXIT_FAILED,
    FetchTimeoutError.kind: EXIT_FAILED,
    BadDataError.kind: EXIT_FAILED,
    CancelledError.kind: EXIT_FAILED,
    CsvFormatError.kind: EXIT_BAD_INPUT,
    InvalidKeyError.kind: EXIT_BAD_INPUT,
    UnknownInstrumentError.kind: EXIT_BAD_INPUT,
    SettingsError.kind: EXIT_BAD_INPUT,
    CacheError.kind: EXIT_FAILED,
    AnalysisError.kind: EXIT_BAD_INPUT,
    OutputError.kind: EXIT_BAD_INPUT,
    WriteError.kind: EXIT_FAILED,
    FolderError.kind: EXIT_BAD_INPUT,
    ConfirmationNeeded.kind: EXIT_BAD_INPUT,
    NoHistoryError.kind: EXIT_BAD_INPUT,
    InternalError.kind: EXIT_FAILED,
}


def exit_code(error: BaseException) -> int:
    """The process exit code for an error that ended a command (see EXIT_CODES)."""
    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(error, RiskcurveError):
        return EXIT_CODES.get(error.kind, EXIT_FAILED)
    return EXIT_FAILED


def exit_code_of_all(errors: list[BaseException]) -> int:
    """One code for several failures (e.g. a fetch of many instruments): failed work wins."""
    if not errors:
        return EXIT_OK
    codes = {exit_code(error) for error in errors}
    return EXIT_FAILED if EXIT_FAILED in codes else max(codes)
