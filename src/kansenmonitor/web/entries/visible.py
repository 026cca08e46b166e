"""Which report entries the current visitor sees merged into a programme: ``publiek`` only vastgesteld ones;
roles that may read internal figures of the programme also the concepts (marked "concept").

The programme pages load programmes without the request at hand, so a middleware keeps the request's ASGI
scope in a context variable; the accounts middleware puts the visitor (principal) into that scope's state.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from fastapi import FastAPI

from ...accounts.policy import ANONYMOUS, Principal, Target, authorize
from ...entries.published import apply
from ...programme.model import Programme

_scope: ContextVar[dict[str, Any] | None] = ContextVar("kansenmonitor_request_scope", default=None)


class _RememberScope:
    """Plain ASGI middleware (no extra task and streams per request, as ``@app.middleware`` would add)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _scope.set(scope)
        try:
            await self.app(scope, receive, send)
        finally:
            _scope.reset(token)


def install(app: FastAPI) -> None:
    app.add_middleware(_RememberScope)


def visitor() -> Principal:
    """The visitor of the request being answered (anonymous outside a request)."""
    scope = _scope.get()
    state = (scope or {}).get("state") or {}
    who = state.get("principal") if isinstance(state, dict) else getattr(state, "principal", None)
    return who if isinstance(who, Principal) else ANONYMOUS


def include_concepts(who: Principal, programme: str) -> bool:
    return authorize(who, "read_internal", Target(programme=programme))


def visible_programme(site, programme: Programme) -> Programme:
    """``programme`` with the entries this visitor may see merged in; kept with the site's caches until an entry
    or approval is written (the per-request version moves) or the programme itself changes (the site drops its
    caches), so a page read does not decode every entry of the store."""
    concepts = include_concepts(visitor(), programme.id)
    store = site.monitor.store
    key = ("programme-visible", programme.id, id(programme), concepts, store.per_request_version())
    return site.cached_view(key, lambda: apply(programme, store, include_concepts=concepts))
