"""Which report entries the current visitor sees merged into a programme: ``publiek`` only vastgesteld ones;
roles that may read internal figures of the programme also the concepts (marked "concept").

The programme pages load programmes without the request at hand, so a middleware keeps the request's ASGI
scope in a context variable; the accounts middleware puts the visitor (principal) into that scope's state.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from fastapi import FastAPI, Request

from ...accounts.policy import ANONYMOUS, Principal, Target, authorize
from ...entries.published import apply
from ...programme.model import Programme

_scope: ContextVar[dict[str, Any] | None] = ContextVar("kansenmonitor_request_scope", default=None)


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def remember_scope(request: Request, call_next):
        token = _scope.set(request.scope)
        try:
            return await call_next(request)
        finally:
            _scope.reset(token)


def visitor() -> Principal:
    """The visitor of the request being answered (anonymous outside a request)."""
    scope = _scope.get()
    state = (scope or {}).get("state") or {}
    who = state.get("principal") if isinstance(state, dict) else getattr(state, "principal", None)
    return who if isinstance(who, Principal) else ANONYMOUS


def include_concepts(who: Principal, programme: str) -> bool:
    return authorize(who, "read_internal", Target(programme=programme))


def visible_programme(site, programme: Programme) -> Programme:
    return apply(programme, site.monitor.store, include_concepts=include_concepts(visitor(), programme.id))
