"""Persistence behind one interface: embedded SQLite by default, PostgreSQL when a URL is given."""

from .store import Store, default_home, default_url

__all__ = ["Store", "default_home", "default_url"]
