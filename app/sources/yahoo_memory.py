"""yfinance's small caches (time zones, cookie, ISIN look-ups), kept in this process's memory.

yfinance 1.7 keeps them as SQLite files under a cache folder, and its cookie cache stores the
cookie as a *pickle* that it loads again on the next run (`cache._CookieCache.lookup` calls
`pickle.loads`). Unpickling runs code, so a cache file that came with a copied or shared data
folder could run someone else's code on the next Yahoo fetch; a truncated or garbage file (or a
folder in its place) made every Yahoo fetch crash. Riskcurve therefore never lets yfinance open
those files: `install()` puts the dict-backed caches below into yfinance's cache managers
before each call, so its database managers (`_TzDBManager`, `_CookieDBManager`,
`_ISINDBManager`) are never asked for a file, wherever they point.

What this costs: a new process asks Yahoo once more for its cookie, crumb and each ticker's
time zone (three small requests); within a process they are reused as before.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from typing import Any


class MemoryKeyValue:
    """The lookup/store interface of yfinance's timezone and ISIN caches, in a dict."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._lock = threading.Lock()

    def lookup(self, key: str) -> Any:
        with self._lock:
            return self._values.get(key)

    def store(self, key: str, value: Any) -> None:
        with self._lock:
            if value is None:
                self._values.pop(key, None)
            else:
                self._values[key] = value


class MemoryCookies:
    """The lookup/store interface of yfinance's cookie cache: objects kept, never pickled."""

    def __init__(self) -> None:
        self._cookies: dict[str, tuple[Any, dt.datetime]] = {}
        self._lock = threading.Lock()

    def lookup(self, strategy: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._cookies.get(strategy)
        if entry is None:
            return None
        cookie, stored = entry
        # A copy, as the pickled round trip gave: yfinance merges it into a live cookie jar.
        return {"cookie": copy.deepcopy(cookie), "age": dt.datetime.now() - stored}

    def store(self, strategy: str, cookie: Any) -> None:
        with self._lock:
            if cookie is None:
                self._cookies.pop(strategy, None)
            else:
                self._cookies[strategy] = (copy.deepcopy(cookie), dt.datetime.now())


_MANAGERS = (
    ("_TzCacheManager", "_tz_cache", MemoryKeyValue),
    ("_CookieCacheManager", "_Cookie_cache", MemoryCookies),
    ("_ISINCacheManager", "_isin_cache", MemoryKeyValue),
)
_install_lock = threading.Lock()


def install() -> None:
    """Give yfinance's cache managers in-memory caches, unless they already have ours.

    Called before every yfinance call (cheap), so the caches are back in place even after
    something reset yfinance's managers (a test, or yfinance itself).
    """
    from yfinance import cache

    with _install_lock:
        for manager_name, attribute, kind in _MANAGERS:
            manager = getattr(cache, manager_name)
            if not isinstance(getattr(manager, attribute, None), kind):
                setattr(manager, attribute, kind())
