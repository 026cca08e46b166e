"""Disclosure control for survey estimates, as a statistical output checker would apply it.

Primary rules, per area and published share (:class:`Rules`, defaults as RIVM and the CBS microdata rules):

- fewer than 30 respondents who answered the question in the area: no estimate (RIVM's minimum per area);
- fewer than 10 respondents in the share or in its complement (the rest): no estimate, because the count of
  either group could be read off the share and the number of respondents (CBS: no cell under 10);
- more than 90 % of the respondents on the *sensitive* side of the share: no estimate, because knowing that
  someone lives in the area would tell something sensitive about them (group disclosure). Which side is
  sensitive follows from the codebook's polarity (:attr:`.codebook.Item.sensitive`): for "eenzaam" it is the
  share (96 % lonely would disclose; 4 % lonely, i.e. 96 % not lonely, does not), for "woont in een koopwoning"
  the rest (renting). Where the codebook does not say (polarity ``none``), both sides are checked. This follows
  the output-checking guidance on group (attribute) disclosure, which is about a sensitive attribute being
  (near-)universal in a group; the cell rule (10 in the share and 10 in the rest) still keeps small groups out.

Secondary rule (differencing): a published area must not be computable from other published areas. For every
published area A, the respondents of A that are not in any published area lying inside A (its buurten, its
wijken, a custom area made of its buurten) must be none, or pass the primary rules themselves. Where they do
not, the smallest published area inside A is withheld as well, and the check runs again until nothing can be
derived. A custom area is checked against its members like a wijk against its buurten.

What this does not cover: overlaps between areas that are not nested (two custom areas sharing some buurten)
and differences between waves or between questions; see ``docs/enquetes.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

PRIMARY_N = "te weinig respondenten in dit gebied"
PRIMARY_CELL = "te weinig respondenten in een van de groepen"
PRIMARY_SHARE = "meer dan 90 % van de respondenten in één groep"
SECONDARY = "zou af te leiden zijn uit andere gepubliceerde gebieden"

SENSITIVE_SHARE = "share"  # the share itself is the sensitive side (e.g. lonely, low income)
SENSITIVE_REST = "rest"  # the rest is (e.g. the share of home owners: renting)
SENSITIVE_BOTH = "both"  # not declared: both sides are checked
SENSITIVE = (SENSITIVE_SHARE, SENSITIVE_REST, SENSITIVE_BOTH)

REASONS_EN = {PRIMARY_N: "too few respondents in this area", PRIMARY_CELL: "too few respondents in one of the groups",
              PRIMARY_SHARE: "more than 90 % of respondents in one group",
              SECONDARY: "could be derived from other published areas"}


@dataclass(frozen=True)
class Rules:
    min_area_n: int = 30
    min_cell_n: int = 10
    max_share: float = 0.90


DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class Cell:
    """Unweighted and weighted sums of one area for one share (enough to estimate and to check)."""

    n: int  # respondents who answered
    x: int  # respondents in the share
    w: float  # sum of weights
    wy: float  # sum of weights in the share

    def __add__(self, other: Cell) -> Cell:
        return Cell(self.n + other.n, self.x + other.x, self.w + other.w, self.wy + other.wy)

    @property
    def share(self) -> float | None:
        return self.wy / self.w if self.w > 0 else None


ZERO = Cell(0, 0, 0.0, 0.0)

Check = Callable[[Cell, Rules], str | None]


def primary(cell: Cell, rules: Rules = DEFAULT_RULES, sensitive: str = SENSITIVE_BOTH) -> str | None:
    """The reason an area's share may not be published on its own, or ``None``. ``sensitive`` says which side
    of the share the 90 % rule protects (see the module docstring)."""
    if cell.n < rules.min_area_n:
        return PRIMARY_N
    if cell.x < rules.min_cell_n or cell.n - cell.x < rules.min_cell_n:
        return PRIMARY_CELL
    p = cell.share
    if p is None:
        return PRIMARY_SHARE
    if sensitive in (SENSITIVE_SHARE, SENSITIVE_BOTH) and p > rules.max_share:
        return PRIMARY_SHARE
    if sensitive in (SENSITIVE_REST, SENSITIVE_BOTH) and p < 1 - rules.max_share:
        return PRIMARY_SHARE
    return None


def check_for(sensitive: str) -> Check:
    """The primary rule for shares whose ``sensitive`` side is given (for :func:`protect` and :func:`derivable`)."""
    if sensitive not in SENSITIVE:
        raise ValueError(f"sensitive must be one of {SENSITIVE}")

    def check(cell: Cell, rules: Rules = DEFAULT_RULES) -> str | None:
        return primary(cell, rules, sensitive)

    return check


def _sum(base: Mapping[str, Cell], members: frozenset[str]) -> Cell:
    out = ZERO
    for m in members:
        c = base.get(m)
        if c is not None:
            out = out + c
    return out



def primary_mean(cell: Cell, rules: Rules = DEFAULT_RULES) -> str | None:
    """The primary rule for a mean (e.g. the mean size of a network): at least ``min_area_n`` respondents, and
    no single answer held by more than ``max_share`` of them (``x`` counts the respondents who gave the most
    common answer of the whole wave), so that living in the area does not tell someone's answer."""
    if cell.n < rules.min_area_n:
        return PRIMARY_N
    if cell.x > rules.max_share * cell.n:
        return PRIMARY_SHARE
    return None


def protect(base: Mapping[str, Cell], sets: Mapping[str, frozenset[str]],
            rules: Rules = DEFAULT_RULES, check: Check = primary) -> dict[str, str | None]:
    """The reason each area is withheld (``None``: published), primary and secondary rules together.

    ``base`` holds the cells of the base areas (where respondents live, e.g. buurten); ``sets`` maps every
    area (base areas included) to the base areas it consists of. Areas with the same base areas (a custom
    area of one buurt) share one decision. ``check`` is the primary rule (:func:`primary` for shares,
    :func:`primary_mean` for means).
    """
    import numpy as np

    groups: dict[frozenset[str], list[str]] = {}
    for a, s in sets.items():
        groups.setdefault(s, []).append(a)
    uniq = list(groups)
    bases = sorted({b for s in uniq for b in s})
    col = {b: i for i, b in enumerate(bases)}
    mask = np.zeros((len(uniq), len(bases)), dtype=bool)
    for i, s in enumerate(uniq):
        mask[i, [col[b] for b in s]] = True
    vals = np.array([[base[b].n, base[b].x, base[b].w, base[b].wy] if b in base else [0, 0, 0.0, 0.0]
                     for b in bases], dtype=float).reshape(len(bases), 4)

    def cell_of(m: np.ndarray) -> Cell:
        n, x, w, wy = m.astype(float) @ vals
        return Cell(int(round(n)), int(round(x)), float(w), float(wy))

    cells = [cell_of(mask[i]) for i in range(len(uniq))]
    reason: list[str | None] = [check(c, rules) for c in cells]
    size = mask.sum(axis=1)
    # within[j, i]: area j lies inside area i (its base areas are a strict subset)
    within = ((mask.astype(np.int32) @ (~mask).T.astype(np.int32)) == 0) & (size[:, None] < size[None, :])
    inside_of = [list(np.flatnonzero(within[:, i])) for i in range(len(uniq))]
    order = sorted(range(len(uniq)), key=lambda i: (-size[i], min(groups[uniq[i]])))
    changed = True
    while changed:
        changed = False
        for i in order:
            if reason[i] is not None:
                continue
            inside = [j for j in inside_of[i] if reason[j] is None]
            covered = mask[inside].any(axis=0) if inside else np.zeros(len(bases), dtype=bool)
            rest = cell_of(mask[i] & ~covered)
            if rest.n == 0 or check(rest, rules) is None:
                continue
            # withhold the smallest outermost published area inside this one, so that the rest grows
            outer = [j for j in inside if not within[j, inside].any()]
            victim = min(outer, key=lambda j: (cells[j].n, min(groups[uniq[j]])))
            reason[victim] = SECONDARY
            changed = True
    return {a: reason[i] for i, s in enumerate(uniq) for a in groups[s]}


def derivable(base: Mapping[str, Cell], sets: Mapping[str, frozenset[str]], published: set[str],
              rules: Rules = DEFAULT_RULES, check: Check = primary) -> list[tuple[str, Cell]]:
    """Independent check (for tests and audits), written plainly with sets: every published area whose rest,
    after taking away the published areas inside it, is a non-empty group that fails the primary rules; and
    every withheld area with the same respondents as a published one."""
    out = []
    for a in published:
        covered: set[str] = set()
        for b in published:
            if b != a and sets[b] < sets[a]:
                covered |= sets[b]
        rest = _sum(base, frozenset(sets[a] - covered))
        if rest.n > 0 and check(rest, rules) is not None:
            out.append((a, rest))
    shown = {sets[a] for a in published}
    for a, s in sets.items():
        if a not in published and s in shown:
            out.append((a, _sum(base, s)))
    return out
