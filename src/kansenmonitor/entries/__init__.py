"""Report entries ("meldingen"): spending, indicator values, narratives and decisions entered in the browser or
the API, ``concept`` until a second person sets them ``vastgesteld``; only vastgesteld entries are published."""

from .model import AFGEWEZEN, CONCEPT, KINDS, STATES, VASTGESTELD, Approval, Entry, kind_label
from .published import apply
from .service import AlreadyDecided, OwnEntry, create_entry, decide, entries, get_entry, history

__all__ = ["AFGEWEZEN", "CONCEPT", "KINDS", "STATES", "VASTGESTELD", "AlreadyDecided", "Approval", "Entry",
           "OwnEntry", "apply", "create_entry", "decide", "entries", "get_entry", "history", "kind_label"]
