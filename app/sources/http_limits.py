"""A cap on how much one HTTP answer may bring, for every session the sources use.

requests and curl_cffi read a whole body into memory before yfinance or ccxt look at it, so a
provider (or anything in between) that streams an endless 200 answer would grow the process
until it runs out of memory. The sessions therefore ask for a streamed body and read it here,
chunk by chunk, refusing an answer that announces or brings more than MAX_RESPONSE_BYTES
(after decompression, so a small compressed bomb counts at its real size).

32 MB is ample: the longest daily history we know (the S&P 500 since 1927, ~25,000 bars) is
about 2 MB as Yahoo's chart JSON, and an exchange page of 1,000 candles is under 100 KB.
"""

from __future__ import annotations

from typing import Any

from app.errors import BadDataError

MAX_RESPONSE_BYTES = 32 * 1024 * 1024
_CHUNK_BYTES = 256 * 1024


class ResponseTooLarge(Exception):
    """An answer exceeded MAX_RESPONSE_BYTES and was dropped.

    Deliberately not an OSError or a requests exception: yfinance and ccxt would take those
    for a network hiccup (and retry, or carry on without it).
    """

    def __init__(self, url: str, limit: int = MAX_RESPONSE_BYTES) -> None:
        super().__init__(f"the answer to {url} was larger than {limit // 2**20} MB")
        self.url = url
        self.limit = limit


def too_large(origin: str, what: str, limit: int = MAX_RESPONSE_BYTES) -> BadDataError:
    """The user's one line for an answer over the cap."""
    return BadDataError(
        f"{origin} sent an answer larger than {limit // 2**20} MB for {what} (a daily history "
        "is a few MB); it was refused and nothing was stored."
    )


def read_capped(response: Any, url: str, limit: int = MAX_RESPONSE_BYTES) -> None:
    """Read a streamed requests or curl_cffi response's body into it, at most `limit` bytes.

    Afterwards `response.content` and `.text` work as for an ordinary (unstreamed) response.
    Raises ResponseTooLarge (and closes the connection) when the body is larger.
    """
    announced = str(response.headers.get("Content-Length") or "").strip()
    if announced.isdigit() and int(announced) > limit:
        response.close()
        raise ResponseTooLarge(url, limit)
    is_requests = hasattr(response, "_content_consumed")  # else curl_cffi
    # curl_cffi hands over what curl received and warns when given a chunk size.
    pieces = response.iter_content(_CHUNK_BYTES) if is_requests else response.iter_content()
    chunks: list[bytes] = []
    size = 0
    for chunk in pieces:
        size += len(chunk)
        if size > limit:
            response.close()
            raise ResponseTooLarge(url, limit)
        chunks.append(chunk)
    body = b"".join(chunks)
    if is_requests:  # requests keeps the body in private fields
        response._content = body
        response._content_consumed = True
    else:  # curl_cffi: a plain attribute
        response.content = body
