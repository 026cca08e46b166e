"""Participation rounds on the website and in ``/v1``: the public frame, form and summary; moderation for staff."""

from .routes import NAV, register

__all__ = ["NAV", "register"]
