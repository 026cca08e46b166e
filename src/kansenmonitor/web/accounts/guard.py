"""The one place where pages and ``/v1`` routes ask whether the current visitor may do something.

``require(request, action, target)`` returns the :class:`~kansenmonitor.accounts.policy.Principal` or raises
:class:`SignInRequired` (nobody signed in) or :class:`Forbidden` (signed in, but the policy says no). The
exception handlers registered in :mod:`.routes` turn these into a sign-in redirect, a Dutch refusal page
or an ``application/problem+json`` answer.
"""

from __future__ import annotations

from fastapi import Request

from ...accounts.policy import ACTIONS, Principal, Target, authorize, may_somewhere
from .security import principal_of


class SignInRequired(PermissionError):
    def __init__(self, action: str):
        self.action = action
        super().__init__(f"aanmelden nodig voor: {ACTIONS.get(action, action)}")


class Forbidden(PermissionError):
    def __init__(self, who: Principal, action: str):
        self.who = who
        self.action = action
        super().__init__(f"niet toegestaan voor rol {who.role}: {ACTIONS.get(action, action)}")


def allowed(request: Request, action: str, target: Target | None = None) -> bool:
    return authorize(principal_of(request), action, target)


def allowed_somewhere(request: Request, action: str) -> bool:
    return may_somewhere(principal_of(request), action)


def require(request: Request, action: str, target: Target | None = None) -> Principal:
    who = principal_of(request)
    if authorize(who, action, target):
        return who
    if not who.signed_in:
        raise SignInRequired(action)
    raise Forbidden(who, action)
