"""Web pages and /v1 resources of the networks capability (registered by :func:`register`)."""

from .routes import NAV, register

__all__ = ["NAV", "register"]
