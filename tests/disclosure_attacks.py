"""An attacker on published figures, written independently of the disclosure engine.

Given what was published (a long frame of region, boundary_year, indicator, period, value), the internal
values the store holds, the regions and the catalogue, it tries to recompute every withheld cell:

* complement: a rate and its numerator/denominator of the same region and period (R = N / D × f);
* differencing: a published aggregate (wijk, gemeente, Nederland, custom area) minus its other published
  members; and one published custom area minus another whose members differ by exactly that one region.

A cell counts as recovered when the recomputed value is within rounding of the internal value (CBS
rounds counts to 5, rates to one decimal: we accept ±0.5 % or ±2.5, whichever is larger, for sums).
"""

from __future__ import annotations

import math

import pandas as pd

from kansenmonitor.core.model import Aggregation, Level, cbs_parent

KEY = ["region", "boundary_year", "indicator", "period"]


def _close(a: float, b: float, ind) -> bool:
    if math.isnan(a) or math.isnan(b):
        return False
    tol = max(abs(b) * 0.005, 0.05 if ind.aggregation != Aggregation.SUM else 2.5)
    return abs(a - b) <= tol


def members_of(regions) -> dict[tuple[str, int], set[str]]:
    """(aggregate, year) → its member codes: CBS parents and custom areas."""
    keys = {(r.code, r.boundary_year) for r in regions}
    out: dict[tuple[str, int], set[str]] = {}
    for r in regions:
        if r.level.is_custom:
            out[(r.code, r.boundary_year)] = set(r.members)
            continue
        parent = cbs_parent(r.code) if r.level != Level.WIJK else (r.gemeente or cbs_parent(r.code))
        if parent and (parent, r.boundary_year) in keys:
            out.setdefault((parent, r.boundary_year), set()).add(r.code)
    return out


def recovered(published: pd.DataFrame, internal: pd.DataFrame, regions, catalogue) -> list[dict]:
    """Withheld cells that the published figures give back; an empty list means the attack failed."""
    pub = published.dropna(subset=["value"])
    pub_val = {(r, int(y), i, int(p)): float(v) for r, y, i, p, v in
               zip(pub["region"], pub["boundary_year"], pub["indicator"], pub["period"], pub["value"], strict=True)}
    intern = internal.dropna(subset=["value"])
    secret = {(r, int(y), i, int(p)): float(v) for r, y, i, p, v in
              zip(intern["region"], intern["boundary_year"], intern["indicator"], intern["period"], intern["value"],
                  strict=True)}
    withheld = {k: v for k, v in secret.items() if k not in pub_val}
    found: list[dict] = []

    def hit(key, value, how):
        ind = catalogue[key[2]] if key[2] in catalogue else None
        if ind is not None and _close(value, withheld[key], ind):
            found.append({"cell": key, "secret": withheld[key], "recomputed": value, "how": how})
            return True
        return False

    # complement
    for ind in catalogue:
        if not (ind.numerator and ind.denominator):
            continue
        for key in withheld:
            r, y, i, p = key
            n, d, rate = (r, y, ind.numerator, p), (r, y, ind.denominator, p), (r, y, ind.id, p)
            if i == ind.id and n in pub_val and d in pub_val and pub_val[d]:
                hit(key, pub_val[n] / pub_val[d] * ind.factor, f"{ind.numerator} / {ind.denominator}")
            elif i == ind.numerator and rate in pub_val and d in pub_val:
                hit(key, pub_val[rate] * pub_val[d] / ind.factor, f"{ind.id} × {ind.denominator}")
            elif i == ind.denominator and rate in pub_val and n in pub_val and pub_val[rate]:
                hit(key, pub_val[n] / pub_val[rate] * ind.factor, f"{ind.numerator} / {ind.id}")
    # differencing: aggregate minus its other members, and area minus area
    members = members_of(regions)
    sums = [i for i in catalogue if i.aggregation == Aggregation.SUM]
    for ind in sums:
        for (agg, y), ms in members.items():
            for key in [k for k in withheld if k[2] == ind.id and k[0] in ms and k[1] == y]:
                total = pub_val.get((agg, y, ind.id, key[3]))
                others = [pub_val.get((m, y, ind.id, key[3])) for m in ms if m != key[0]]
                if total is not None and all(o is not None for o in others):
                    hit(key, total - sum(others), f"{agg} min de andere leden")
        custom = [(k, ms) for k, ms in members.items()]
        for (a, ya), ma in custom:
            for (b, yb), mb in custom:
                if ya != yb or a == b or not mb < ma or len(ma - mb) != 1:
                    continue
                (only,) = ma - mb
                for period in {k[3] for k in withheld if k[0] == only and k[2] == ind.id and k[1] == ya}:
                    va, vb = pub_val.get((a, ya, ind.id, period)), pub_val.get((b, yb, ind.id, period))
                    if va is not None and vb is not None:
                        hit((only, ya, ind.id, period), va - vb, f"{a} min {b}")
    return found

