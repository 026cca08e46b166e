"""Accounts, sign-in, sessions and API tokens on the store (SQLite or PostgreSQL).

Every change is written with its audit line in one transaction. Bad input raises
:class:`~kansenmonitor.core.errors.ValidationError` naming the field, and changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..core.errors import Issue, KansenmonitorError, ValidationError
from . import audit
from .passwords import hash_password, needs_rehash, password_problem, verify_password
from .policy import ACCOUNT_ROLES, Principal, role_label
from .tables import account_sessions, accounts, api_tokens

#: failed sign-ins in a row before an account is locked, and for how long
MAX_FAILURES = 5
LOCK_MINUTES = 15
SESSION_HOURS = 10
TOKEN_SCOPES = ("lezen", "schrijven")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")
#: a valid argon2 hash of a random password: verifying against it costs as much as a real check, so an
#: unknown user name cannot be told from a wrong password by timing
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


class SignInRefused(KansenmonitorError, PermissionError):
    """Sign-in refused; ``reason`` is ``wrong``, ``locked`` or ``disabled`` (the message never says which
    of user name or password was wrong)."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str
    role: str
    organisation: str | None
    programme: str | None
    active: bool
    locked_until: str | None
    created_at: str
    version: int

    def principal(self, token_scope: str | None = None) -> Principal:
        return Principal(username=self.username, role=self.role, display_name=self.display_name,
                         organisation=self.organisation, programme=self.programme, account_id=self.id,
                         token_scope=token_scope)

    def public(self) -> dict:
        """What may be shown or logged about an account (no secrets)."""
        return {"username": self.username, "display_name": self.display_name, "role": self.role,
                "organisation": self.organisation, "programme": self.programme, "active": self.active}


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="seconds")


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _account(row) -> Account:
    m = row._mapping
    return Account(m["id"], m["username"], m["display_name"], m["role"], m["organisation"], m["programme"],
                   bool(m["active"]), m["locked_until"], m["created_at"], m["version"])


def _where(username: str):
    return accounts.c.username == username.strip().lower()


def get_account(engine, username: str) -> Account | None:
    with engine.connect() as conn:
        row = conn.execute(select(accounts).where(_where(username))).first()
    return _account(row) if row else None


def list_accounts(engine) -> list[Account]:
    with engine.connect() as conn:
        return [_account(r) for r in conn.execute(select(accounts).order_by(accounts.c.username))]


def count_accounts(engine) -> int:
    return len(list_accounts(engine))


def _require(engine, username: str, where: str) -> Account:
    acc = get_account(engine, username)
    if acc is None:
        raise ValidationError([Issue(where, None, "gebruikersnaam", f"er is geen account '{username}'",
                                     "zie 'kansenmonitor users list'")], "Er is niets gewijzigd.")
    return acc


def _check_role(role: str, organisation: str | None, programme: str | None, where: str,
                known_programmes: set[str] | None = None) -> list[Issue]:
    issues = []
    if role not in ACCOUNT_ROLES:
        issues.append(Issue(where, None, "rol", f"'{role}' is geen rol",
                            f"kies uit: {', '.join(ACCOUNT_ROLES)}"))
    if role == "partner" and not (organisation or "").strip():
        issues.append(Issue(where, None, "organisatie", "een partner hoort bij een organisatie",
                            "geef de organisatie zoals die bij de interventies staat, bijv. 'Wijkracht'"))
    if role == "programma-eigenaar" and not (programme or "").strip():
        issues.append(Issue(where, None, "programma", "een programma-eigenaar hoort bij één programma",
                            "geef het programma, bijv. 'kansrijk-enschede'"))
    if (role == "programma-eigenaar" and programme and known_programmes is not None
            and programme not in known_programmes):
        issues.append(Issue(where, None, "programma", f"programma '{programme}' bestaat niet",
                            f"kies uit: {', '.join(sorted(known_programmes))}"))
    return issues


def add_account(engine, username: str, password: str | None, role: str, display_name: str | None = None,
                organisation: str | None = None, programme: str | None = None, actor: str | None = None,
                known_programmes: set[str] | None = None, sso: bool = False) -> Account:
    """Create an account. With ``sso=True`` it has no password: its owner signs in only through the
    organisation's single sign-on (:mod:`.oidc`), under this user name. Nothing is stored when a field is
    not right."""
    name = (username or "").strip().lower()
    where = f"account {name or '(zonder naam)'}"
    issues: list[Issue] = []
    if not USERNAME.match(name):
        issues.append(Issue(where, None, "gebruikersnaam", "een gebruikersnaam is 2 tot 80 tekens: kleine letters, "
                            "cijfers en . _ @ -", "bijv. 'j.jansen' of 'j.jansen@enschede.nl'"))
    if not sso:
        problem = password_problem(password or "", name)
        if problem:
            issues.append(Issue(where, None, "wachtwoord", problem))
    issues += _check_role(role, organisation, programme, where, known_programmes)
    if not issues and get_account(engine, name) is not None:
        issues.append(Issue(where, None, "gebruikersnaam", f"er is al een account '{name}'",
                            "kies een andere naam of gebruik 'kansenmonitor users reset'"))
    if issues:
        raise ValidationError(issues, "Het account is niet aangemaakt.")
    row = {"username": name, "display_name": (display_name or "").strip() or name, "role": role,
           "password_hash": None if sso else hash_password(password or ""),
           "organisation": (organisation or "").strip() or None if role == "partner" else None,
           "programme": (programme or "").strip() or None if role == "programma-eigenaar" else None,
           "active": True, "failed_attempts": 0, "locked_until": None, "created_at": audit.now(), "version": 1}
    try:
        with engine.begin() as conn:
            conn.execute(insert(accounts).values(**row))
            audit.record(conn, actor or audit.cli_actor(), "account.add", "account", name, None, row)
    except IntegrityError as exc:  # a second process created the same name in the meantime
        raise ValidationError([Issue(where, None, "gebruikersnaam", f"er is al een account '{name}'")],
                              "Het account is niet aangemaakt.") from exc
    acc = get_account(engine, name)
    assert acc is not None
    return acc


def _change(engine, acc: Account, values: dict, action: str, actor: str | None, reason: str | None = None,
            end_sessions: bool = False) -> Account:
    before = acc.public()
    with engine.begin() as conn:
        conn.execute(update(accounts).where(accounts.c.id == acc.id)
                     .values(**values, version=accounts.c.version + 1))
        if end_sessions:
            conn.execute(delete(account_sessions).where(account_sessions.c.account_id == acc.id))
        after = {**before, **{k: v for k, v in values.items() if k in before}}
        audit.record(conn, actor or audit.cli_actor(), action, "account", acc.username, before, after, reason)
    new = get_account(engine, acc.username)
    assert new is not None
    return new


def set_active(engine, username: str, active: bool, actor: str | None = None, reason: str | None = None) -> Account:
    """Disable (and sign out everywhere) or enable an account."""
    acc = _require(engine, username, f"account {username}")
    return _change(engine, acc, {"active": active, "failed_attempts": 0, "locked_until": None},
                   "account.enable" if active else "account.disable", actor, reason, end_sessions=not active)


def reset_password(engine, username: str, password: str, actor: str | None = None) -> Account:
    """Set a new password, lift a lock-out and end the account's sessions."""
    acc = _require(engine, username, f"account {username}")
    problem = password_problem(password or "", acc.username)
    if problem:
        raise ValidationError([Issue(f"account {acc.username}", None, "wachtwoord", problem)],
                              "Het wachtwoord is niet gewijzigd.")
    return _change(engine, acc, {"password_hash": hash_password(password), "failed_attempts": 0,
                                 "locked_until": None}, "account.reset", actor, end_sessions=True)


def set_role(engine, username: str, role: str, organisation: str | None = None, programme: str | None = None,
             actor: str | None = None, known_programmes: set[str] | None = None) -> Account:
    acc = _require(engine, username, f"account {username}")
    issues = _check_role(role, organisation, programme, f"account {acc.username}", known_programmes)
    if issues:
        raise ValidationError(issues, "De rol is niet gewijzigd.")
    return _change(engine, acc, {"role": role,
                                 "organisation": (organisation or "").strip() or None if role == "partner" else None,
                                 "programme": (programme or "").strip() or None
                                 if role == "programma-eigenaar" else None},
                   "account.role", actor, end_sessions=True)


# -- sign-in and sessions ------------------------------------------------------------------------------
WRONG = "De gebruikersnaam of het wachtwoord klopt niet."
LOCKED = (f"Dit account is voor {LOCK_MINUTES} minuten geblokkeerd na {MAX_FAILURES} mislukte pogingen. "
          "Probeer het daarna opnieuw, of vraag de beheerder om een nieuw wachtwoord.")
DISABLED = "Dit account is uitgeschakeld. Vraag de beheerder om het weer aan te zetten."


def sign_in(engine, username: str, password: str) -> Account:
    """Check the password; count failures and lock the account after :data:`MAX_FAILURES` in a row."""
    name = (username or "").strip().lower()
    with engine.connect() as conn:
        row = conn.execute(select(accounts).where(_where(name))).first()
    if row is None:
        verify_password(_DUMMY_HASH, password or "")
        raise SignInRefused("wrong", WRONG)
    acc = _account(row)
    now = _now()
    if acc.locked_until and datetime.fromisoformat(acc.locked_until) > now:
        raise SignInRefused("locked", LOCKED)
    if not verify_password(row._mapping["password_hash"], password or ""):
        with engine.begin() as conn:
            conn.execute(update(accounts).where(accounts.c.id == acc.id)
                         .values(failed_attempts=accounts.c.failed_attempts + 1))
            failures = conn.execute(select(accounts.c.failed_attempts).where(accounts.c.id == acc.id)).scalar_one()
            if failures >= MAX_FAILURES:
                conn.execute(update(accounts).where(accounts.c.id == acc.id)
                             .values(locked_until=_iso(now + timedelta(minutes=LOCK_MINUTES)), failed_attempts=0))
                audit.record(conn, "systeem", "account.lock", "account", acc.username,
                             reason=f"{MAX_FAILURES} mislukte aanmeldingen na elkaar")
        if failures >= MAX_FAILURES:
            raise SignInRefused("locked", LOCKED)
        raise SignInRefused("wrong", WRONG)
    if not acc.active:
        raise SignInRefused("disabled", DISABLED)
    values: dict = {"failed_attempts": 0, "locked_until": None}
    if needs_rehash(row._mapping["password_hash"]):
        values["password_hash"] = hash_password(password)
    with engine.begin() as conn:
        conn.execute(update(accounts).where(accounts.c.id == acc.id).values(**values))
    return acc


UNKNOWN_SSO = ("Er is bij de kansenmonitor geen account voor u. Vraag de beheerder een account te maken onder de "
               "naam die uw organisatie doorgeeft: {name}.")


def sso_sign_in(engine, username: str) -> Account:
    """The account of someone whom the single sign-on provider has identified as ``username``.

    The provider proves who someone is, not what they may do: the account (and its role) must exist here.
    A locked or disabled account is refused as with a password; a successful sign-in clears failed attempts."""
    name = (username or "").strip().lower()
    acc = get_account(engine, name) if name else None
    if acc is None:
        raise SignInRefused("unknown", UNKNOWN_SSO.format(name=name or "(geen naam)"))
    if acc.locked_until and datetime.fromisoformat(acc.locked_until) > _now():
        raise SignInRefused("locked", LOCKED)
    if not acc.active:
        raise SignInRefused("disabled", DISABLED)
    with engine.begin() as conn:
        conn.execute(update(accounts).where(accounts.c.id == acc.id).values(failed_attempts=0))
    return acc


def create_session(engine, acc: Account) -> str:
    """A new session for ``acc``; returns the cookie value (only its hash is stored)."""
    raw = secrets.token_urlsafe(32)
    now = _now()
    with engine.begin() as conn:
        conn.execute(delete(account_sessions).where(account_sessions.c.expires_at < _iso(now)))
        conn.execute(insert(account_sessions).values(token_hash=token_hash(raw), account_id=acc.id,
                                                     created_at=_iso(now),
                                                     expires_at=_iso(now + timedelta(hours=SESSION_HOURS))))
    return raw


def session_account(engine, raw: str | None) -> Account | None:
    """The active account of a session cookie value, or ``None`` (unknown, expired or disabled)."""
    if not raw or len(raw) > 200:
        return None
    q = (select(accounts, account_sessions.c.expires_at)
         .join(account_sessions, account_sessions.c.account_id == accounts.c.id)
         .where(account_sessions.c.token_hash == token_hash(raw)))
    with engine.connect() as conn:
        row = conn.execute(q).first()
    if row is None or row._mapping["expires_at"] < _iso(_now()) or not row._mapping["active"]:
        return None
    return _account(row)


class SessionCache:
    """The sessions this server process checked in the last :data:`SECONDS` seconds, so that a signed-in visitor's
    pages do not each ask the database who they are (that was a seventh of the server's work under 50 signed-in
    users, bench_users). Signing out in this process forgets the session at once; signing out, disabling an
    account or ending its sessions from another process (the command line, a second server worker) takes effect
    here within :data:`SECONDS` seconds."""

    SECONDS = 5.0
    #: more sessions than this in memory: the whole cache is dropped (unknown cookies are remembered too)
    MAX = 10_000

    def __init__(self) -> None:
        self._data: dict[str, tuple[Account | None, float]] = {}
        self._lock = threading.Lock()

    def account(self, engine, raw: str | None) -> Account | None:
        if not raw or len(raw) > 200:
            return None
        key = token_hash(raw)
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key)
        if hit is not None and now - hit[1] < self.SECONDS:
            return hit[0]
        acc = session_account(engine, raw)
        with self._lock:
            if len(self._data) >= self.MAX:
                self._data.clear()
            self._data[key] = (acc, now)
        return acc

    def forget(self, raw: str | None) -> None:
        if raw:
            with self._lock:
                self._data.pop(token_hash(raw), None)


def end_session(engine, raw: str | None) -> None:
    if raw:
        with engine.begin() as conn:
            conn.execute(delete(account_sessions).where(account_sessions.c.token_hash == token_hash(raw)))


# -- API tokens -----------------------------------------------------------------------------------------
def create_token(engine, username: str, label: str, scope: str = "lezen", actor: str | None = None) -> str:
    """A new API token for an account; returns the token (shown once; only its hash is stored)."""
    acc = _require(engine, username, f"account {username}")
    where = f"token voor {acc.username}"
    issues = []
    if scope not in TOKEN_SCOPES:
        issues.append(Issue(where, None, "scope", f"'{scope}' is geen scope", "kies lezen of schrijven"))
    if not (label or "").strip():
        issues.append(Issue(where, None, "naam", "geef het token een naam", "bijv. 'dashboard GGD'"))
    if issues:
        raise ValidationError(issues, "Er is geen token gemaakt.")
    raw = "km_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(insert(api_tokens).values(token_hash=token_hash(raw), account_id=acc.id, label=label.strip(),
                                               scope=scope, created_at=audit.now(), revoked=False))
        audit.record(conn, actor or audit.cli_actor(), "token.add", "account", acc.username, None,
                     {"token": label.strip(), "scope": scope})
    return raw


def list_tokens(engine, username: str | None = None) -> list[dict]:
    q = (select(api_tokens.c.label, api_tokens.c.scope, api_tokens.c.created_at, api_tokens.c.revoked,
                accounts.c.username).join(accounts, accounts.c.id == api_tokens.c.account_id)
         .order_by(accounts.c.username, api_tokens.c.created_at))
    if username:
        q = q.where(_where(username))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def revoke_tokens(engine, username: str, label: str, actor: str | None = None) -> int:
    acc = _require(engine, username, f"account {username}")
    with engine.begin() as conn:
        n = conn.execute(update(api_tokens).where(and_(api_tokens.c.account_id == acc.id,
                                                       api_tokens.c.label == label, api_tokens.c.revoked.is_(False)))
                         .values(revoked=True)).rowcount
        if n:
            audit.record(conn, actor or audit.cli_actor(), "token.revoke", "account", acc.username,
                         {"token": label}, None)
    return n


def token_principal(engine, raw: str | None) -> Principal | None:
    """The principal of an API token (account with the token's scope), or ``None`` when it is not valid."""
    if not raw or len(raw) > 200:
        return None
    q = (select(accounts, api_tokens.c.scope, api_tokens.c.revoked)
         .join(api_tokens, api_tokens.c.account_id == accounts.c.id)
         .where(api_tokens.c.token_hash == token_hash(raw)))
    with engine.connect() as conn:
        row = conn.execute(q).first()
    if row is None or row._mapping["revoked"] or not row._mapping["active"]:
        return None
    return _account(row).principal(token_scope=row._mapping["scope"])


__all__ = ["Account", "SignInRefused", "add_account", "count_accounts", "create_session", "create_token",
           "end_session", "get_account", "list_accounts", "list_tokens", "reset_password", "revoke_tokens",
           "role_label", "session_account", "set_active", "set_role", "sign_in", "token_principal"]
