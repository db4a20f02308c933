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


FETCH_ERROR_KINDS = {
    cls.kind: cls
    for cls in (
        FetchError,
        OfflineError,
        UnavailableError,
        NotFoundError,
        RateLimitedError,
        FetchTimeoutError,
        BadDataError,
        CancelledError,
    )
}
