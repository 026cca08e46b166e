"""Serve a signed-in visitor a page rendered once for everyone, with only the account link made theirs.

Public pages (an area's profile) are the same for every visitor except for the account link in the header. They
are rendered once and kept; :func:`personalised` swaps that link for the signed-in visitor's own, so signing in
does not cost a full render per page (issue 11's bench: signed-in pages at most 2x the anonymous ones).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request

from ...accounts.policy import ANONYMOUS
from .. import i18n
from .security import principal_of

#: the account link as rendered for a visitor who is not signed in (``_account.html``)
_ANONYMOUS_LINK = re.compile(rb'<p class="account-link"><a href="/aanmelden">[^<]*</a></p>')


def personalised(request: Request, body: bytes) -> bytes | None:
    """``body`` (rendered for an anonymous visitor) with the signed-in visitor's account link; ``body`` itself
    for an anonymous visitor; ``None`` when the link is not found (then render the page for them instead)."""
    if not principal_of(request).signed_in:
        return body
    from ..app import lang_of

    app = request.scope.get("kansenmonitor_app") or request.app
    lang = lang_of(request)
    own = app.state.templates.env.get_template("_account.html").render(
        request=request, lang=lang, _=i18n.translator(lang)).strip().encode("utf-8")
    out, n = _ANONYMOUS_LINK.subn(lambda _m: own, body, count=1)
    return out if n == 1 else None


@contextmanager
def as_anonymous(request: Request) -> Iterator[None]:
    """Render as a visitor who is not signed in (the body that is kept for everyone), whoever is asking."""
    who = getattr(request.state, "principal", ANONYMOUS)
    request.state.principal = ANONYMOUS
    try:
        yield
    finally:
        request.state.principal = who
