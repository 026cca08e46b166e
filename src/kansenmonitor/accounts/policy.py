"""Who may do what on which object: the policy as data, enforced in one place (:func:`authorize`).

The web pages, the ``/v1`` API and the CLI all ask :func:`authorize`; nothing else decides. A rule names an
action, a role and a scope: ``all`` (every object), ``own_programme`` (the programme on the account) or
``own_organisation`` (interventions whose owner or partners include the account's organisation).
An API token with scope ``lezen`` keeps only the reading actions of its account.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: the roles, lowest first, with their Dutch and English labels
ROLES: dict[str, tuple[str, str]] = {
    "publiek": ("Publiek (zonder account)", "Public (no account)"),
    "lezer": ("Lezer", "Reader"),
    "partner": ("Partner", "Partner"),
    "programma-eigenaar": ("Programma-eigenaar", "Programme owner"),
    "analist": ("Analist", "Analyst"),
    "beheerder": ("Beheerder", "Administrator"),
}
#: roles an account can have (``publiek`` is the visitor without one)
ACCOUNT_ROLES = tuple(r for r in ROLES if r != "publiek")

#: the actions, with a Dutch description (shown in the docs and on the account page)
ACTIONS: dict[str, str] = {
    "read_published": "gepubliceerde cijfers en teksten lezen (na controle op kleine aantallen)",
    "read_internal": "cijfers en teksten lezen die nog niet zijn vastgesteld of gepubliceerd",
    "read_microdata": "enquêtegegevens per persoon en verhalen zonder toestemming lezen",
    "read_history": "de geschiedenis (wie wijzigde wat) van een object lezen",
    "save_evaluation": "een effectevaluatie bewaren",
    "save_scenario": "een scenario voor een gebied bewaren (maatregelen, effecten, aannames)",
    "run_import": "gegevens inlezen en indices berekenen",
    "edit_programme": "een programma bewerken: interventies, plekken, eigenaren en begroting",
    "report": "voortgang, uitgaven, bereik en verhalen invoeren",
    "record_decision": "een besluit vastleggen (doorgaan, bijstellen, stoppen)",
    "approve": "ingevoerde cijfers en teksten vaststellen (door een tweede persoon)",
    "manage_participation": "een inspraakronde voor een gebied opzetten en de reacties van inwoners modereren",
    "manage_users": "accounts, rollen en instellingen beheren",
}
READ_ACTIONS = frozenset({"read_published", "read_internal", "read_microdata", "read_history"})

SCOPES = ("all", "own_programme", "own_organisation")


@dataclass(frozen=True)
class Rule:
    action: str
    role: str
    scope: str = "all"


#: The policy. Everything not listed is refused.
POLICY: tuple[Rule, ...] = (
    *(Rule("read_published", r) for r in ROLES),
    *(Rule("read_internal", r) for r in ("lezer", "programma-eigenaar", "analist", "beheerder")),
    Rule("read_internal", "partner", "own_organisation"),
    *(Rule("read_history", r) for r in ("lezer", "programma-eigenaar", "analist", "beheerder")),
    Rule("read_history", "partner", "own_organisation"),
    *(Rule("read_microdata", r) for r in ("analist", "beheerder")),
    *(Rule("save_evaluation", r) for r in ("analist", "beheerder")),
    *(Rule("save_scenario", r) for r in ("programma-eigenaar", "analist", "beheerder")),
    *(Rule("run_import", r) for r in ("analist", "beheerder")),
    Rule("edit_programme", "programma-eigenaar", "own_programme"),
    Rule("edit_programme", "beheerder"),
    Rule("report", "programma-eigenaar", "own_programme"),
    Rule("report", "partner", "own_organisation"),
    Rule("report", "beheerder"),
    Rule("record_decision", "programma-eigenaar", "own_programme"),
    Rule("record_decision", "beheerder"),
    Rule("approve", "programma-eigenaar", "own_programme"),
    Rule("approve", "beheerder"),
    *(Rule("manage_participation", r) for r in ("programma-eigenaar", "analist", "beheerder")),
    Rule("manage_users", "beheerder"),
)


@dataclass(frozen=True)
class Principal:
    """Who is asking: an account (or the anonymous visitor) and, for an API token, the token's scope."""

    username: str | None = None
    role: str = "publiek"
    display_name: str | None = None
    organisation: str | None = None
    programme: str | None = None
    account_id: int | None = None
    token_scope: str | None = None  # None (browser session or CLI), 'lezen' or 'schrijven'

    @property
    def signed_in(self) -> bool:
        return self.username is not None

    @property
    def actor(self) -> str:
        return self.username or "publiek"


ANONYMOUS = Principal()


@dataclass(frozen=True)
class Target:
    """The object an action is about; empty for actions on nothing in particular (e.g. a list page)."""

    programme: str | None = None
    organisations: tuple[str, ...] = field(default_factory=tuple)  # owner and partners of an intervention


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _in_scope(rule: Rule, who: Principal, target: Target | None) -> bool:
    if rule.scope == "all":
        return True
    if target is None:  # a scoped rule allows the action only on objects within its scope
        return False
    if rule.scope == "own_programme":
        return bool(who.programme) and who.programme == target.programme
    if rule.scope == "own_organisation":
        mine = _norm(who.organisation)
        return bool(mine) and mine in {_norm(o) for o in target.organisations}
    return False


def authorize(who: Principal, action: str, target: Target | None = None) -> bool:
    """Whether ``who`` may do ``action`` on ``target``. Unknown actions are refused."""
    if action not in ACTIONS:
        return False
    if who.token_scope == "lezen" and action not in READ_ACTIONS:
        return False
    return any(rule.action == action and rule.role == who.role and _in_scope(rule, who, target) for rule in POLICY)


def may_somewhere(who: Principal, action: str) -> bool:
    """Whether ``who`` may do ``action`` on at least some object (to decide whether to show a form or link)."""
    if action not in ACTIONS or (who.token_scope == "lezen" and action not in READ_ACTIONS):
        return False
    return any(rule.action == action and rule.role == who.role for rule in POLICY)


def role_label(role: str, lang: str = "nl") -> str:
    nl, en = ROLES.get(role, (role, role))
    return en if lang == "en" else nl


def check_policy() -> None:
    """The policy is consistent: every rule names a known action, role and scope."""
    for rule in POLICY:
        if rule.action not in ACTIONS or rule.role not in ROLES or rule.scope not in SCOPES:
            raise ValueError(f"ongeldige regel in het beleid: {rule}")


check_policy()
