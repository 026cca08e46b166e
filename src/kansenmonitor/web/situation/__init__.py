"""The situation pages: home, map, region profiles, indicators, compare (the core pages of the site)."""

from .routes import prepare, router

__all__ = ["prepare", "router"]
