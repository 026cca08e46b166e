"""Shared browser checks: axe-core in headless Chromium, and no request outside localhost.

Use the ``server`` fixture from ``tests/web/conftest.py`` and ``browser`` from ``tests/conftest.py`` and call
:func:`assert_accessible` for every page type a capability adds.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


AXE_URL = "/_test-axe/axe.min.js"


def assert_accessible(server: str, browser, path: str, statuses: tuple[int, ...] = (200, 404)) -> None:
    """No serious or critical WCAG 2.1 A/AA violations on ``path``, nothing loaded from elsewhere, and no
    Content-Security-Policy violation. CSP is not bypassed: axe is loaded as a script of the same site
    (mounted by :func:`serve_in_thread`), as the page's own policy allows."""
    page = browser.new_page()
    outside: list[str] = []
    blocked: list[str] = []
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith(server) else None)
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    response = page.goto(server + path, wait_until="load")
    assert response is not None and response.status in statuses, (path, response and response.status)
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), path
    page.add_script_tag(url=server + AXE_URL)
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    page.close()
    assert result["passes"], "axe ran no checks"
    assert not bad, f"{path}:\n" + "\n".join(bad)
    assert not outside, outside
    assert not blocked, f"{path}: {blocked}"


@contextmanager
def serve_in_thread(app) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free port of 127.0.0.1 in a thread; yields the base URL. The test's axe
    script is served from the same site (see :data:`AXE_URL`)."""
    import uvicorn
    from fastapi.staticfiles import StaticFiles

    if not any(getattr(r, "path", None) == AXE_URL.rsplit("/", 1)[0] for r in app.routes):
        app.mount(AXE_URL.rsplit("/", 1)[0], StaticFiles(directory=str(AXE.parent)))

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=5)
