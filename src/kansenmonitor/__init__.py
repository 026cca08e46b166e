"""Kansenmonitor: see where opportunities are unequal, invest unequally, follow and report.

The curated public API::

    from kansenmonitor import Monitor, Level, Status
    m = Monitor.open()
    m.profile("WK015306")
"""

from .core.errors import (
    ImportValidationError,
    KansenmonitorError,
    UnknownIndicatorError,
    UnknownRegionError,
    ValidationError,
)
from .core.model import Aggregation, Indicator, Level, Observation, Polarity, Region, Status
from .monitor import Monitor, ProfileRow, RegionProfile

__version__ = "0.1.0"

__all__ = [
    "Aggregation",
    "ImportValidationError",
    "Indicator",
    "KansenmonitorError",
    "Level",
    "Monitor",
    "Observation",
    "Polarity",
    "ProfileRow",
    "Region",
    "RegionProfile",
    "Status",
    "UnknownIndicatorError",
    "UnknownRegionError",
    "ValidationError",
]
