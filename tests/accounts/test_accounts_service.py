"""Accounts on both backends: creation with Dutch messages per field, lock-out, sessions, tokens, audit lines."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from kansenmonitor.accounts import audit, service
from kansenmonitor.accounts.passwords import verify_password
from kansenmonitor.accounts.tables import accounts
from kansenmonitor.core.errors import ValidationError
from kansenmonitor.store import Store

PW = "correct paard batterij niet"


@pytest.fixture
def engine(backend_url):
    store = Store.open(url=backend_url)
    yield store.engine
    store.close()


def test_add_hashes_with_argon2_and_logs_without_secret(engine):
    acc = service.add_account(engine, "J.Jansen", PW, "analist", "Jan Jansen", actor="beheer")
    assert acc.username == "j.jansen" and acc.role == "analist" and acc.active
    with engine.connect() as conn:
        stored = conn.execute(select(accounts.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PW not in stored
    assert verify_password(stored, PW) and not verify_password(stored, PW + "x")
    (line,) = audit.history(engine, "account", "j.jansen")
    assert line["actor"] == "beheer" and line["action"] == "account.add" and line["before"] is None
    assert line["after"]["role"] == "analist"
    assert "password_hash" not in line["after"] and "$argon2" not in json.dumps(line)


@pytest.mark.parametrize("kwargs, field, words", [
    ({"username": "x", "password": PW, "role": "analist"}, "gebruikersnaam", "2 tot 80 tekens"),
    ({"username": "kort", "password": "kort", "role": "analist"}, "wachtwoord", "te kort"),
    ({"username": "piet", "password": "piet" * 4, "role": "analist"}, "wachtwoord", "gebruikersnaam niet"),
    ({"username": "rol", "password": PW, "role": "koning"}, "rol", "geen rol"),
    ({"username": "partner", "password": PW, "role": "partner"}, "organisatie", "organisatie"),
    ({"username": "eig", "password": PW, "role": "programma-eigenaar"}, "programma", "één programma"),
])
def test_bad_input_names_the_field_and_stores_nothing(engine, kwargs, field, words):
    with pytest.raises(ValidationError) as info:
        service.add_account(engine, **kwargs)
    assert [i.field for i in info.value.issues] == [field]
    assert words in str(info.value)
    assert service.list_accounts(engine) == [] and audit.entries(engine) == []


def test_duplicate_name_is_refused(engine):
    service.add_account(engine, "anna", PW, "lezer")
    with pytest.raises(ValidationError, match="er is al een account 'anna'"):
        service.add_account(engine, "Anna", PW, "beheerder")
    assert [a.role for a in service.list_accounts(engine)] == ["lezer"]


def test_lock_out_after_five_failures_and_reset_lifts_it(engine):
    service.add_account(engine, "anna", PW, "lezer")
    for _ in range(service.MAX_FAILURES - 1):
        with pytest.raises(service.SignInRefused) as info:
            service.sign_in(engine, "anna", "fout wachtwoord")
        assert info.value.reason == "wrong"
    with pytest.raises(service.SignInRefused) as info:
        service.sign_in(engine, "anna", "fout wachtwoord")
    assert info.value.reason == "locked"
    # locked: even the right password is refused now
    with pytest.raises(service.SignInRefused) as info:
        service.sign_in(engine, "anna", PW)
    assert info.value.reason == "locked"
    assert any(e["action"] == "account.lock" for e in audit.history(engine, "account", "anna"))
    service.reset_password(engine, "anna", "een ander lang wachtwoord", actor="beheer")
    assert service.sign_in(engine, "anna", "een ander lang wachtwoord").username == "anna"


def test_unknown_user_and_wrong_password_get_the_same_answer(engine):
    service.add_account(engine, "anna", PW, "lezer")
    with pytest.raises(service.SignInRefused) as a:
        service.sign_in(engine, "niemand", PW)
    with pytest.raises(service.SignInRefused) as b:
        service.sign_in(engine, "anna", "fout")
    assert str(a.value) == str(b.value) == service.WRONG


def test_sessions_end_when_disabled_or_signed_out(engine):
    acc = service.add_account(engine, "anna", PW, "lezer")
    raw = service.create_session(engine, acc)
    assert service.session_account(engine, raw).username == "anna"
    assert service.session_account(engine, raw + "x") is None and service.session_account(engine, None) is None
    service.set_active(engine, "anna", False, reason="vertrokken")
    assert service.session_account(engine, raw) is None
    with pytest.raises(service.SignInRefused) as info:
        service.sign_in(engine, "anna", PW)
    assert info.value.reason == "disabled"
    service.set_active(engine, "anna", True)
    raw = service.create_session(engine, service.sign_in(engine, "anna", PW))
    service.end_session(engine, raw)
    assert service.session_account(engine, raw) is None
    actions = [e["action"] for e in audit.history(engine, "account", "anna")]
    assert actions == ["account.add", "account.disable", "account.enable"]


def test_tokens_carry_scope_and_can_be_revoked(engine):
    service.add_account(engine, "ggd", PW, "lezer")
    raw = service.create_token(engine, "ggd", "dashboard", "lezen")
    who = service.token_principal(engine, raw)
    assert who.username == "ggd" and who.role == "lezer" and who.token_scope == "lezen"
    assert raw not in json.dumps(audit.entries(engine))
    with pytest.raises(ValidationError, match="geen scope"):
        service.create_token(engine, "ggd", "x", "alles")
    assert service.revoke_tokens(engine, "ggd", "dashboard") == 1
    assert service.token_principal(engine, raw) is None
    assert service.list_tokens(engine)[0]["revoked"]


def test_role_change_checks_scope_fields(engine):
    service.add_account(engine, "wijkracht", PW, "lezer")
    with pytest.raises(ValidationError, match="organisatie"):
        service.set_role(engine, "wijkracht", "partner")
    acc = service.set_role(engine, "wijkracht", "partner", organisation="Wijkracht")
    assert acc.role == "partner" and acc.organisation == "Wijkracht" and acc.version == 2
    with pytest.raises(ValidationError, match="bestaat niet"):
        service.set_role(engine, "wijkracht", "programma-eigenaar", programme="nergens",
                         known_programmes={"kansrijk-enschede"})


def test_the_session_cache_forgets_at_sign_out_and_sees_other_processes_within_its_seconds(engine, monkeypatch):
    acc = service.add_account(engine, "bram", PW, "lezer")
    raw = service.create_session(engine, acc)
    cache = service.SessionCache()
    clock = [1000.0]
    monkeypatch.setattr(service.time, "monotonic", lambda: clock[0])
    assert cache.account(engine, raw).username == "bram"
    assert cache.account(engine, None) is None and cache.account(engine, "x" * 300) is None
    # another process disables the account: this process still knows the session for at most SECONDS
    service.set_active(engine, "bram", False, reason="vertrokken")
    assert cache.account(engine, raw).username == "bram"
    clock[0] += service.SessionCache.SECONDS
    assert cache.account(engine, raw) is None
    # signing out in this process works at once
    service.set_active(engine, "bram", True)
    raw = service.create_session(engine, service.sign_in(engine, "bram", PW))
    assert cache.account(engine, raw).username == "bram"
    service.end_session(engine, raw)
    cache.forget(raw)
    assert cache.account(engine, raw) is None
