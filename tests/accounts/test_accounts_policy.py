"""The policy as data: consistent, scoped rules, and read-only tokens that cannot write."""

from __future__ import annotations

from kansenmonitor.accounts.policy import (
    ACCOUNT_ROLES,
    ACTIONS,
    ANONYMOUS,
    POLICY,
    READ_ACTIONS,
    ROLES,
    Principal,
    Target,
    authorize,
)

OWNER = Principal("eigenaar", "programma-eigenaar", programme="kansrijk-enschede")
PARTNER = Principal("wijkracht", "partner", organisation="Wijkracht")
KANSRIJK = Target(programme="kansrijk-enschede", organisations=("Gemeente Enschede", "Wijkracht"))
OTHER = Target(programme="regio-deal", organisations=("GGD Twente",))


def test_every_rule_names_known_things_and_every_role_reads_published():
    assert {r.action for r in POLICY} <= set(ACTIONS) and {r.role for r in POLICY} <= set(ROLES)
    for role in ROLES:
        assert authorize(Principal("x" if role != "publiek" else None, role), "read_published")


def test_public_sees_only_published_and_microdata_stays_with_analysts():
    assert [a for a in ACTIONS if authorize(ANONYMOUS, a, KANSRIJK)] == ["read_published"]
    for role in ACCOUNT_ROLES:
        who = Principal("x", role, organisation="Wijkracht", programme="kansrijk-enschede")
        assert authorize(who, "read_microdata", KANSRIJK) == (role in ("analist", "beheerder")), role


def test_scopes_limit_owner_and_partner_to_their_own_objects():
    assert authorize(OWNER, "edit_programme", KANSRIJK) and not authorize(OWNER, "edit_programme", OTHER)
    assert not authorize(OWNER, "edit_programme")  # a scoped rule never allows an unnamed object
    assert authorize(PARTNER, "report", KANSRIJK) and not authorize(PARTNER, "report", OTHER)
    assert not authorize(PARTNER, "approve", KANSRIJK) and not authorize(PARTNER, "record_decision", KANSRIJK)
    assert authorize(Principal("w", "partner", organisation="  wijkRACHT "), "report", KANSRIJK)


def test_read_token_keeps_only_reading():
    admin = Principal("beheer", "beheerder", token_scope="lezen")
    assert [a for a in ACTIONS if authorize(admin, a, KANSRIJK)] == [a for a in ACTIONS if a in READ_ACTIONS]
    assert authorize(Principal("beheer", "beheerder", token_scope="schrijven"), "manage_users")
    assert not authorize(admin, "no_such_action")
