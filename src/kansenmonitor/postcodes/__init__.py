"""Postcodes: which buurten a four-digit postcode area (PC4) overlaps, so a resident can find a buurt by postcode.

The lookup is computed once, when the PC4 boundaries are loaded (``init --demo`` or ``kansenmonitor postcodes
load``), by intersecting the PC4 polygons with the buurt polygons in the store; the web search only reads it.
"""

from .lookup import (
    MIN_SHARE_OF_BUURT,
    MIN_SHARE_OF_PC4,
    Pc4Lookup,
    buurten_for,
    compute_overlaps,
    load_lookup,
    load_pc4_file,
    normalise_postcode,
    read_pc4_file,
    store_lookup,
)

__all__ = ["MIN_SHARE_OF_BUURT", "MIN_SHARE_OF_PC4", "Pc4Lookup", "buurten_for", "compute_overlaps",
           "load_lookup", "load_pc4_file", "normalise_postcode", "read_pc4_file", "store_lookup"]
