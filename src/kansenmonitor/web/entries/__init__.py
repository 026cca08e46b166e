"""Reporting in the browser and ``/v1``: report entries (meldingen), the approval queue and one entry's page."""

from .routes import NAV, register

__all__ = ["NAV", "register"]
