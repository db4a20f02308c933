"""pyqtgraph, imported without making every Qt class at once: the charts import it from here.

pyqtgraph keeps copies of PySide6's QtCore, QtGui and QtWidgets (pyqtgraph.Qt.QtCore, …) and,
when it is imported, fills them by reading every name of PySide6's modules
(`pyqtgraph/Qt/__init__.py`, `_copy_attrs`). PySide6 makes a class the first time its name is
read, so that loop makes all of the three modules' classes: about 100 ms on the way to the
first live chart, for the few dozen classes the charts use.

Here the copies are made before pyqtgraph is imported, and each answers a name on its first use
by reading it from PySide6 (and then keeps it). pyqtgraph's copying loop, which only asks whether
a name is already there, is told yes without PySide6 being asked, so no class is made before it
is used. Every other use gets PySide6's own object, the same one the rest of the app uses.

Should a pyqtgraph release fill its copies some other way, they are only filled eagerly again
and the charts start as slowly as before.
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore
import PySide6.QtGui
import PySide6.QtWidgets

#: pyqtgraph's function that copies PySide6's names into its copies (see the module docstring).
COPY_LOOP = "_copy_attrs"
MIRRORED = {
    "pyqtgraph.Qt.QtCore": PySide6.QtCore,
    "pyqtgraph.Qt.QtGui": PySide6.QtGui,
    "pyqtgraph.Qt.QtWidgets": PySide6.QtWidgets,
}


class QtMirror(ModuleType):
    """pyqtgraph's copy of a PySide6 module that reads each name from it on first use."""

    def __init__(self, name: str, source: ModuleType) -> None:
        super().__init__(name, source.__doc__)
        self.__source = source
        self.__names = frozenset(dir(source))  # the names only: no class is made for them

    def __getattr__(self, name: str) -> object:
        if name in self.__names and sys._getframe(1).f_code.co_name == COPY_LOOP:
            return True  # "already here": the loop copies nothing and makes no class
        value = getattr(self.__source, name)
        setattr(self, name, value)
        return value


def _mirror_pyside() -> None:
    for name, source in MIRRORED.items():
        if name not in sys.modules:
            sys.modules[name] = QtMirror(name, source)


if "pyqtgraph" not in sys.modules:
    _mirror_pyside()

import pyqtgraph as pg  # noqa: E402  (after the copies are in place)

__all__ = ["pg"]
