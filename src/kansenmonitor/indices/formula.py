"""Safe arithmetic formulas over named columns (for allocation keys), parsed with :mod:`ast`.

Only numbers, column names, ``+ - * / **``, unary minus and the functions ``sqrt``, ``log``, ``exp``,
``abs``, ``min`` and ``max`` (element-wise) are allowed. Nothing is passed to ``eval``.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

import numpy as np

from ..core.errors import KansenmonitorError

_BINOPS = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide, ast.Pow: np.power}
_FUNCS = {"sqrt": (np.sqrt, 1), "log": (np.log, 1), "exp": (np.exp, 1), "abs": (np.abs, 1),
          "min": (np.minimum, 2), "max": (np.maximum, 2)}


class FormulaError(KansenmonitorError, ValueError):
    """A formula that is not allowed or refers to an unknown column."""


def _check(node: ast.AST, columns: set[str], text: str) -> None:
    if isinstance(node, ast.Expression):
        return _check(node.body, columns, text)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        _check(node.left, columns, text)
        return _check(node.right, columns, text)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return _check(node.operand, columns, text)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return None
    if isinstance(node, ast.Name):
        if node.id not in columns:
            raise FormulaError(f"formule '{text}': onbekende kolom '{node.id}'; beschikbaar: {', '.join(sorted(columns))}")
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS and not node.keywords:
        if len(node.args) != _FUNCS[node.func.id][1]:
            raise FormulaError(f"formule '{text}': {node.func.id} verwacht {_FUNCS[node.func.id][1]} argument(en)")
        for a in node.args:
            _check(a, columns, text)
        return None
    raise FormulaError(f"formule '{text}': '{ast.unparse(node) if hasattr(ast, 'unparse') else node}' is niet "
                       "toegestaan; gebruik alleen getallen, kolomnamen, + - * / ** en sqrt, log, exp, abs, min, max")


def _eval(node: ast.AST, data: Mapping[str, np.ndarray]):
    if isinstance(node, ast.Expression):
        return _eval(node.body, data)
    if isinstance(node, ast.BinOp):
        return _BINOPS[type(node.op)](_eval(node.left, data), _eval(node.right, data))
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, data)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return np.asarray(data[node.id], dtype=float)
    if isinstance(node, ast.Call):
        return _FUNCS[node.func.id][0](*[_eval(a, data) for a in node.args])
    raise FormulaError("niet toegestaan")  # unreachable after _check


def safe_formula(text: str, data: Mapping[str, np.ndarray]) -> np.ndarray:
    """Evaluate ``text`` element-wise over the columns in ``data``."""
    if len(text) > 500:
        raise FormulaError("formule is te lang (meer dan 500 tekens)")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"formule '{text}' is geen geldige rekenregel: {exc.msg}") from exc
    _check(tree, set(data), text)
    with np.errstate(all="ignore"):
        return np.asarray(_eval(tree, data), dtype=float) * np.ones(len(next(iter(data.values()))) if data else 1)
