"""Web side of accounts: the security middleware, sign-in/out, the account page and ``/v1/ik``."""

from .guard import Forbidden, SignInRequired, allowed, require
from .routes import NAV, register

__all__ = ["NAV", "Forbidden", "SignInRequired", "allowed", "register", "require"]
