"""Tables of the accounts capability, declared on the core metadata (created with the core tables).

- ``accounts``: local accounts (argon2 password hash, role, scope: organisation or programme);
- ``account_sessions``: signed-in browser sessions, kept by the hash of the cookie value;
- ``api_tokens``: tokens for ``/v1``, tied to an account and a scope (``lezen`` or ``schrijven``), by hash;
- ``audit_log``: the append-only trail of every change: who, when, what, before → after, why.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from ..store.schema import metadata

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(80), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("password_hash", Text),  # argon2id; NULL for single-sign-on-only accounts
    Column("role", String(32), nullable=False),
    Column("organisation", Text),  # partner: the organisation whose interventions it reports on
    Column("programme", String(200)),  # programma-eigenaar: the programme it edits
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", String(32)),
    Column("created_at", String(32), nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

account_sessions = Table(
    "account_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
)
Index("ix_account_sessions_account", account_sessions.c.account_id)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("label", Text, nullable=False),
    Column("scope", String(16), nullable=False),  # lezen | schrijven
    Column("created_at", String(32), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(80), nullable=False),  # a username, or 'cli:<os user>' for commands
    Column("action", String(40), nullable=False),
    Column("object_kind", String(40), nullable=False),
    Column("object_id", String(200), nullable=False),
    Column("before", Text),  # JSON
    Column("after", Text),  # JSON
    Column("reason", Text),
)
Index("ix_audit_object", audit_log.c.object_kind, audit_log.c.object_id)
