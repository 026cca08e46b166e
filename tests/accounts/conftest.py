"""Fixtures: a writable copy of the demo database with one account per role, and clients signed in as each."""

from __future__ import annotations

import shutil

import pytest

from kansenmonitor.monitor import Monitor
from kansenmonitor.web.app import create_app

#: username, role, organisation, programme — one account per role
ACCOUNTS = [
    ("lezer1", "lezer", None, None),
    ("partner1", "partner", "Concordia", None),
    ("eigenaar1", "programma-eigenaar", None, "kansrijk-enschede-2023-2033"),
    ("analist1", "analist", None, None),
    ("beheer1", "beheerder", None, None),
]
ROLES = ["publiek"] + [a[1] for a in ACCOUNTS]


@pytest.fixture(scope="session")
def accounts_home(demo_home, tmp_path_factory):
    home = tmp_path_factory.mktemp("accounts") / "home"
    shutil.copytree(demo_home, home)
    return home


@pytest.fixture(scope="session")
def accounts_monitor(accounts_home):
    monitor = Monitor.open(home=accounts_home, url=f"sqlite:///{accounts_home / 'kansenmonitor.sqlite'}")
    _matrix_round(monitor)
    yield monitor
    monitor.close()


@pytest.fixture(scope="session")
def accounts_app(accounts_monitor):
    return create_app(accounts_monitor)


@pytest.fixture(scope="session")
def role_clients(accounts_app, accounts_monitor):
    """A client per role (``publiek``: not signed in), all on the same app."""
    from web.signin import FormClient, signed_in

    clients = {"publiek": FormClient(accounts_app, raise_server_exceptions=False)}
    for username, role, organisation, programme in ACCOUNTS:
        clients[role] = signed_in(accounts_app, accounts_monitor, username, role, organisation, programme)
    return clients


def _matrix_round(monitor) -> None:
    """The open participation round the role matrix tries its participation routes on."""
    from datetime import UTC, datetime, timedelta

    from kansenmonitor import participation as pt

    if pt.get_round(monitor.store, "matrix-ronde") is None:
        today = datetime.now(UTC).date()
        pt.create_round(monitor, {"id": "matrix-ronde", "naam": "Matrixronde", "gebied": "WK015306",
                                  "vastgelegd": "het budget", "invloed": "de volgorde", "niveau": "raadplegen",
                                  "wat_gebeurt_ermee": "de gemeente weegt het mee",
                                  "open_van": (today - timedelta(days=1)).isoformat(),
                                  "open_tot": (today + timedelta(days=30)).isoformat()}, actor="test")
