"""The ``kansenmonitor`` command: one entry point, thin over :class:`~kansenmonitor.monitor.Monitor`.

The core data commands live in :mod:`.data`; every other module of this package is a capability that adds
its commands with ``register(app)`` (found by name, so a new capability needs no edit here). Outside
packages plug in through the entry point group ``kansenmonitor.cli``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from importlib.metadata import entry_points

from ..core.errors import KansenmonitorError
from . import data  # noqa: F401  (registers the core commands)
from .base import app, err, fail, open_monitor, out
from .data import profile_to_dict

#: command-group order in ``--help`` for the shipped capabilities; others follow in name order
ORDER = ("programme", "evaluate", "decision", "index", "web")


def _register_plugins() -> None:
    names = [m.name for m in pkgutil.iter_modules(__path__) if m.name not in ("base", "data")]
    names.sort(key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        if hasattr(module, "register"):
            module.register(app)
    for ep in entry_points(group="kansenmonitor.cli"):
        ep.load()(app)


_register_plugins()


def main() -> None:
    try:
        app()
    except KansenmonitorError as exc:  # pragma: no cover - last resort; commands handle their own errors
        err.print(f"Fout: {exc}")
        sys.exit(2)


__all__ = ["app", "err", "fail", "main", "open_monitor", "out", "profile_to_dict"]
