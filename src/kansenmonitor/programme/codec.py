"""Generic conversion between the programme dataclasses and plain dicts (YAML/Excel rows).

``from_dict`` converts while collecting :class:`~kansenmonitor.core.errors.Issue` objects, so one pass
reports every problem with file, line/row and field. ``to_dict`` is the canonical form that both the
YAML and the Excel writer use, which is what makes round-trips lossless.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import types
import typing
from dataclasses import MISSING
from enum import Enum
from functools import cache
from typing import Any

from kansenmonitor.core.errors import Issue

LINE_KEY = "__line__"
KEYLINES_KEY = "__keylines__"
FILE_KEY = "__file__"
#: Separator of list items in one Excel cell.
LIST_SEPARATOR = "; "


class Context:
    """Collects issues while converting one file."""

    def __init__(self, file: str):
        self.file = file
        self.issues: list[Issue] = []

    def add(self, file: str, row: int | None, field: str | None, message: str, hint: str | None = None) -> None:
        self.issues.append(Issue(file=file, row=row, field=field, message=message, hint=hint))


@cache
def hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def public_fields(cls: type) -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def is_internal(cls: type, name: str) -> bool:
    return any(f.name == name and f.metadata.get("internal") for f in dataclasses.fields(cls))


def unwrap_optional(tp: Any) -> tuple[Any, bool]:
    """``X | None`` → ``(X, True)``."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


def list_item_type(tp: Any) -> Any | None:
    tp, _ = unwrap_optional(tp)
    if typing.get_origin(tp) is list:
        return typing.get_args(tp)[0]
    return None


def is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


# ---------------------------------------------------------------------------------------------
# dict → dataclass


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _convert(value: Any, tp: Any, ctx: Context, file: str, line: int | None, field: str) -> tuple[bool, Any]:
    """Convert ``value`` to ``tp``. Returns ``(ok, converted)``; on failure an issue is recorded."""
    tp, optional = unwrap_optional(tp)
    if _is_empty(value):
        return True, None

    def fail(message: str, hint: str | None = None) -> tuple[bool, Any]:
        ctx.add(file, line, field, message, hint)
        return False, None

    item_tp = list_item_type(tp)
    if item_tp is not None:
        if isinstance(value, str) and not is_dataclass_type(item_tp):
            value = [part.strip() for part in value.split(";") if part.strip()]
        if not isinstance(value, list):
            value = [value]
        out = []
        ok_all = True
        for item in value:
            if is_dataclass_type(item_tp):
                if not isinstance(item, dict):
                    ok_all = False
                    fail(f"verwacht een lijst van gegevens, niet '{item}'")
                    continue
                obj = from_dict(item_tp, item, ctx, file, line)
                if obj is None:
                    ok_all = False
                else:
                    out.append(obj)
            else:
                ok, conv = _convert(item, item_tp, ctx, file, line, field)
                ok_all &= ok
                if ok and conv is not None:
                    out.append(conv)
        return ok_all, out
    if is_dataclass_type(tp):
        if not isinstance(value, dict):
            return fail(f"verwacht een groep velden, niet '{value}'")
        obj = from_dict(tp, value, ctx, file, line)
        return obj is not None, obj
    if isinstance(tp, type) and issubclass(tp, Enum):
        text = str(value).strip()
        for member in tp:
            if member.value == text:
                return True, member
        allowed = ", ".join(m.value for m in tp)
        return fail(f"ongeldige waarde '{text}'", f"kies uit: {allowed}")
    if tp is bool:
        if isinstance(value, bool):
            return True, value
        text = str(value).strip().lower()
        if text in ("ja", "true", "yes", "1", "waar", "j"):
            return True, True
        if text in ("nee", "false", "no", "0", "onwaar", "n"):
            return True, False
        return fail(f"'{value}' is geen ja/nee-waarde", "gebruik true of false (ja of nee)")
    if tp is int:
        if isinstance(value, bool):
            return fail(f"'{value}' is geen geheel getal")
        if isinstance(value, int):
            return True, value
        if isinstance(value, float) and value.is_integer():
            return True, int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return True, int(value.strip())
        return fail(f"'{value}' is geen geheel getal")
    if tp is float:
        if isinstance(value, bool):
            return fail(f"'{value}' is geen getal")
        if isinstance(value, int | float):
            number = value
        elif isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                return fail(f"'{value}' is geen getal", "gebruik een punt als decimaalteken, zonder duizendtallen")
        else:
            return fail(f"'{value}' is geen getal")
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        return True, number
    if tp is str:
        if isinstance(value, dt.datetime):
            return True, value.isoformat()
        if isinstance(value, dt.date):
            return True, value.isoformat()
        if isinstance(value, dict | list):
            return fail("verwacht tekst, niet een lijst of groep")
        if isinstance(value, bool):
            return True, "true" if value else "false"
        return True, str(value).strip() if isinstance(value, str) else str(value)
    if typing.get_origin(tp) is tuple:
        return True, tuple(value)
    return fail(f"onbekend veldtype {tp}")


def from_dict(cls: type, data: dict, ctx: Context, file: str | None = None, line: int | None = None) -> Any:
    """Build ``cls`` from ``data``; returns ``None`` when a required field is missing or invalid."""
    file = data.get(FILE_KEY, file or ctx.file)
    line = data.get(LINE_KEY, line)
    keylines: dict = data.get(KEYLINES_KEY, {}) or {}
    type_hints = hints(cls)
    fields = {f.name: f for f in public_fields(cls)}
    kwargs: dict[str, Any] = {}
    present: set[str] = set()
    ok = True
    for key, value in data.items():
        if key in (LINE_KEY, KEYLINES_KEY, FILE_KEY):
            continue
        key_line = keylines.get(key, line)
        if key not in fields:
            close = difflib.get_close_matches(str(key), list(fields), n=1)
            ctx.add(file, key_line, str(key), f"onbekend veld bij {cls.__name__}",
                    f"bedoelt u '{close[0]}'?" if close else f"toegestane velden: {', '.join(fields)}")
            ok = False
            continue
        good, converted = _convert(value, type_hints[key], ctx, file, key_line, key)
        ok &= good
        if not good:
            present.add(key)
        if converted is not None:
            kwargs[key] = converted
    for name, f in fields.items():
        if name in kwargs or name in present:
            continue
        if f.default is MISSING and f.default_factory is MISSING:
            ctx.add(file, line, name, f"verplicht veld ontbreekt bij {cls.__name__}")
            ok = False
    if not ok and any(
        n not in kwargs and f.default is MISSING and f.default_factory is MISSING for n, f in fields.items()
    ):
        return None
    try:
        obj = cls(**kwargs)
    except (TypeError, ValueError) as exc:  # defensive: constructor rejected the combination
        ctx.add(file, line, None, f"ongeldige gegevens voor {cls.__name__}: {exc}")
        return None
    if "origin" in {f.name for f in dataclasses.fields(cls)} and line is not None:
        obj.origin = (file, line)
    return obj


# ---------------------------------------------------------------------------------------------
# dataclass → dict


def to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_dict(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def to_dict(obj: Any) -> dict[str, Any]:
    """Canonical dict: dataclass field order, no internal fields, no empty values."""
    out: dict[str, Any] = {}
    for f in public_fields(type(obj)):
        value = getattr(obj, f.name)
        if value is None or (isinstance(value, list) and not value):
            continue
        out[f.name] = to_plain(value)
    return out
