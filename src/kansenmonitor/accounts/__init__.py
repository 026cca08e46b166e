"""Accounts, roles and the audit trail: who may do what (:mod:`.policy`), local accounts with argon2
passwords, sessions and API tokens (:mod:`.service`), and the append-only change log (:mod:`.audit`).
See ``docs/accounts.md``."""

from .policy import ACTIONS, ANONYMOUS, POLICY, ROLES, Principal, Target, authorize

__all__ = ["ACTIONS", "ANONYMOUS", "POLICY", "ROLES", "Principal", "Target", "authorize"]
