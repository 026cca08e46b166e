"""``serve --workers N``: every worker builds its own app, and a form opened on one worker is accepted by another
(one secret key from the parent; sessions in the database)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kansenmonitor.monitor import Monitor
from kansenmonitor.web.accounts.security import ENV_SECRET
from kansenmonitor.web.server import ENV_OPTIONS, ServeOptions, build_app, share_secret_key, worker_app

from .signin import PASSWORD, TOKEN, FormClient, ensure_account

USER = "werker"


@pytest.fixture(scope="module")
def home(demo_home, tmp_path_factory) -> Path:
    """A writable copy of the demo (the tests add an account and sessions)."""
    target = tmp_path_factory.mktemp("workers") / "home"
    shutil.copytree(demo_home, target)
    monitor = Monitor.open(home=target, create=False)
    ensure_account(monitor, USER, "analist")
    monitor.close()
    return target


def _worker(home: Path, monkeypatch) -> FormClient:
    """An app made the way a worker makes it: by the factory, from the environment the parent set."""
    monkeypatch.setenv("KANSENMONITOR_HOME", str(home))
    monkeypatch.delenv("KANSENMONITOR_DATABASE_URL", raising=False)
    return FormClient(worker_app(), raise_server_exceptions=False)


def _token(page) -> str:
    match = TOKEN.search(page.text)
    assert match, page.text[:500]
    return match.group(1)


def _sign_in_across(a: FormClient, b: FormClient):
    """Open the sign-in form on worker ``a`` and send it to worker ``b`` (same cookies, as one browser)."""
    token = _token(a.get("/aanmelden"))
    b.cookies = a.cookies
    return b.post("/aanmelden", data={"gebruikersnaam": USER, "wachtwoord": PASSWORD, "csrf_token": token},
                  follow_redirects=False)


def test_workers_share_one_key_and_accept_each_others_forms(home, monkeypatch):
    monkeypatch.delenv(ENV_SECRET, raising=False)
    assert share_secret_key() is True  # the parent made one key ...
    key = os.environ[ENV_SECRET]
    assert share_secret_key() is False and os.environ[ENV_SECRET] == key  # ... once
    monkeypatch.setenv(ENV_OPTIONS, ServeOptions(warm=False).to_env())
    a, b = _worker(home, monkeypatch), _worker(home, monkeypatch)
    assert a.app is not b.app and a.app.state.site is not b.app.state.site  # own caches per worker
    assert a.app.state.secret_key == b.app.state.secret_key == key

    r = _sign_in_across(a, b)
    assert r.status_code == 303, r.text[:800]
    # the session made on b is known on a (it is in the database), and a's sign-out form is accepted by b
    a.cookies = b.cookies
    account = a.get("/account")
    assert account.status_code == 200 and USER in account.text
    token = _token(account)
    b.cookies = a.cookies
    out = b.post("/afmelden", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303, out.text[:800]


def test_without_a_shared_key_a_form_from_another_process_is_refused(home, monkeypatch):
    """What the shared key prevents: two processes with a random key each refuse each other's forms."""
    monkeypatch.delenv(ENV_SECRET, raising=False)
    monkeypatch.setenv("KANSENMONITOR_HOME", str(home))
    a = FormClient(build_app(ServeOptions(warm=False)), raise_server_exceptions=False)
    b = FormClient(build_app(ServeOptions(warm=False)), raise_server_exceptions=False)
    assert a.app.state.secret_key != b.app.state.secret_key
    assert _sign_in_across(a, b).status_code == 403


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_with_two_workers(home):
    """The real command: two worker processes answer pages, and sign-in forms round-trip on fresh connections
    (so on either worker)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in (ENV_SECRET, "KANSENMONITOR_DATABASE_URL")}
    env["KANSENMONITOR_HOME"] = str(home)
    exe = Path(sys.executable).with_name("kansenmonitor")
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port), "--workers", "2", "--no-warm"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        assert httpx.get(f"{base}/gebieden", timeout=30).status_code == 200
        for _ in range(6):
            # a new connection per request: the kernel hands each to whichever worker accepts it
            with httpx.Client(base_url=base, timeout=30) as first:
                page = first.get("/aanmelden")
                cookies = dict(first.cookies)
            with httpx.Client(base_url=base, timeout=30, cookies=cookies) as second:
                r = second.post("/aanmelden", data={"gebruikersnaam": USER, "wachtwoord": PASSWORD,
                                                    "csrf_token": _token(page)},
                                headers={"Origin": base}, follow_redirects=False)
            assert r.status_code == 303, r.text[:800]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
