"""Shipped custom areas (YAML files in this folder) and how an area file is derived from source data.

The YAML files are read by :func:`kansenmonitor.core.areas.shipped_area_files`; :mod:`.derive` builds one
from points that carry an area label (Enschede's polling stations with their stadsdeel).
"""
