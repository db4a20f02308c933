"""Size limits, enforced by a test: small modules and small functions in app/, widgets/, main.py.

The rule, as the design notes state it:
- a module has fewer than MODULE_LINES (400) lines, counting every line of the file;
- a function or method has fewer than FUNCTION_LINES (40) lines, counted from its `def` line
  (decorators not included) to its last line, blank lines and comments included, its docstring
  excluded. A nested function counts inside the function that holds it, and on its own too.
A module or function over the limit is split along its jobs, not squeezed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULE_LINES = 400
FUNCTION_LINES = 40
SOURCES = sorted(
    [*(ROOT / "app").rglob("*.py"), *(ROOT / "widgets").rglob("*.py"), ROOT / "main.py"]
)


def function_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from `def` to the function's last line, without its docstring."""
    assert node.end_lineno is not None
    length = node.end_lineno - node.lineno + 1
    if ast.get_docstring(node) is not None:
        docstring = node.body[0]
        assert docstring.end_lineno is not None
        length -= docstring.end_lineno - docstring.lineno + 1
    return length


def _long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{node.name} (line {node.lineno}): {function_lines(node)} lines"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and function_lines(node) >= FUNCTION_LINES
    ]


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_rule_counts_from_def_to_the_end_without_the_docstring():
    source = 'def f():\n    """One\n    two."""\n    a = 1\n\n    return a\n'
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    assert function_lines(node) == 4  # def, a = 1, the blank line, return


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_every_module_is_under_the_line_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines < MODULE_LINES, f"{_name(path)} has {lines} lines (limit: under {MODULE_LINES})"


def test_every_function_is_under_the_line_limit():
    offenders = {_name(p): found for p in SOURCES if (found := _long_functions(p))}
    assert offenders == {}, f"functions of {FUNCTION_LINES} lines or more: {offenders}"
