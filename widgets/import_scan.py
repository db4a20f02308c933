"""Spare the modules that never use PySide's features from its source scan at import.

Once PySide6 is imported it wraps `__import__`, and for every module imported afterwards it
reads that module's whole source (`inspect.getsource`) to see whether it mentions PySide6, which
decides if PySide's opt-in `from __feature__ import …` syntax (snake_case, true_property) could
apply to it. Riskcurve imports pandas (~400 modules) in a worker after the window is up: the
scan made that import about 60 % slower, holding the GIL the GUI thread needs to draw; and it
read the source of each of Riskcurve's ~150 widget modules and pyqtgraph's ~200 on the way to
the first chart. The answer only matters to a module that selects a feature, and none of these
does: the libraries that never use Qt, Riskcurve itself (its widgets/, main.py and resources/
use PySide6 the ordinary way, never `__feature__`) and pyqtgraph (the same). They are answered
"does not use PySide6" without reading their source; every other module is scanned as before.
Should a PySide6 release rename the private function, nothing is changed and the app only
starts slower.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

#: Top-level packages that never use Qt: Riskcurve's own app/ (import-linter keeps Qt out of
#: it) and the analysis, download and storage libraries.
NO_QT_PACKAGES = frozenset(
    {
        "app",
        "ccxt",
        "certifi",
        "charset_normalizer",
        "curl_cffi",
        "dateutil",
        "idna",
        "numpy",
        "pandas",
        "pytz",
        "requests",
        "tzdata",
        "urllib3",
        "yfinance",
    }
)
#: Top-level packages that use Qt but never select a PySide feature (`from __feature__ import`).
NO_FEATURE_PACKAGES = frozenset({"main", "pyqtgraph", "resources", "widgets"})

_FEATURE_MODULE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"


def is_never_qt(name: str) -> bool:
    """A module of the standard library or of NO_QT_PACKAGES (by its dotted name)."""
    top = name.partition(".")[0]
    return top in NO_QT_PACKAGES or top in sys.stdlib_module_names


def never_selects_features(name: str) -> bool:
    """A module that never uses Qt, or one of NO_FEATURE_PACKAGES (by its dotted name)."""
    return is_never_qt(name) or name.partition(".")[0] in NO_FEATURE_PACKAGES


def skip_source_scan() -> bool:
    """Install the shortcut (once); False when this PySide6 has no such scan to shorten."""
    import PySide6.QtCore  # noqa: F401  (installs PySide6's import hook and its feature module)

    feature = sys.modules.get(_FEATURE_MODULE)
    check = getattr(feature, _CHECK, None)
    if feature is None or not callable(check):
        return False
    if getattr(check, "riskcurve_shortcut", False):
        return True
    setattr(feature, _CHECK, _shortened(check))
    return True


def _shortened(check: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def uses_pyside(module: ModuleType) -> bool:
        if never_selects_features(getattr(module, "__name__", "")):
            return False
        return check(module)

    uses_pyside.riskcurve_shortcut = True  # type: ignore[attr-defined]
    return uses_pyside
