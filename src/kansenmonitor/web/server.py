"""How ``kansenmonitor serve`` builds the app in each server worker.

With ``--workers N`` uvicorn starts N processes; each calls :func:`worker_app` (an app factory), which opens its
own store and :class:`~.service.Site` (own caches) and, unless told not to, prepares the profiles from the store in
bulk before it accepts visitors. The parent hands its options to the workers through the environment
(:data:`ENV_OPTIONS`), and with them one secret key: without a configured ``$KANSENMONITOR_SECRET_KEY`` the parent
makes one (:func:`share_secret_key`), so that a form opened on one worker is accepted by another.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field

#: the serve options, as JSON, from the parent process to every worker
ENV_OPTIONS = "KANSENMONITOR_SERVE_OPTIONS"


@dataclass
class ServeOptions:
    read_only: bool = False
    production: bool = False
    warm: bool = True
    allowed_hosts: list[str] = field(default_factory=list)

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> ServeOptions:
        raw = os.environ.get(ENV_OPTIONS)
        return cls(**json.loads(raw)) if raw else cls()


def share_secret_key() -> bool:
    """Make sure every worker signs with the same key: without a configured one, make one now (in the parent,
    before the workers start) and put it in the environment the workers inherit. True when one was made."""
    from .accounts.security import ENV_SECRET, secret_key

    if secret_key() is not None:
        return False
    os.environ[ENV_SECRET] = secrets.token_hex(32)
    return True


def build_app(options: ServeOptions, monitor=None, echo=print):
    """The web app of one server process: its own store connection, caches and (with ``options.warm``) profiles
    prepared from the store before the first visitor."""
    from ..monitor import Monitor
    from .app import create_app

    if monitor is None:
        monitor = Monitor.open(create=False)
    app = create_app(monitor, read_only=options.read_only, allowed_hosts=set(options.allowed_hosts) or None)
    app.state.production = options.production
    if options.warm:
        from .situation import prepare

        site = app.state.site
        # before the first visitor: every profile the site links to (newest indeling), from the store in bulk;
        # the older indelingen follow in the background
        started = time.perf_counter()
        n = prepare(site, newest=True)
        echo(f"{n} profielen klaar in {time.perf_counter() - started:.0f} s (proces {os.getpid()}).")

        def older() -> None:
            begun = time.perf_counter()
            m = prepare(site, False)
            echo(f"{m} profielen van oudere indelingen klaar in {time.perf_counter() - begun:.0f} s "
                 f"(proces {os.getpid()}).")

        threading.Thread(target=older, name="prepare", daemon=True).start()
        site.on_refresh = prepare  # after an import while the server runs: again, in the background
    return app


def worker_app():
    """The app factory uvicorn calls in each worker (``kansenmonitor.web.server:worker_app``)."""
    return build_app(ServeOptions.from_env())
