"""Latent classes of capital from a survey wave: fit, describe in words, save (versioned), apply to a new wave,
and class shares per area under disclosure control.

As SCP's *Eigentijdse ongelijkheid* (2023): the items measure economic, cultural, social (with the network
items) and person (health) capital; the classes are groups of people with a similar mix of the four. The number
of classes is chosen by BIC (AIC, entropy and the bootstrap likelihood-ratio test are shown beside it).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select

from ..core.errors import KansenmonitorError
from . import disclosure as dc
from . import lca
from . import tables as t
from .codebook import Codebook
from .estimate import AreaInfo, survey_areas, wilson
from .repository import Wave, microdata

CAPITAL_GROUPS = {"economisch": "economisch", "cultureel": "cultureel", "sociaal": "sociaal", "netwerk": "sociaal",
                  "persoon": "persoon"}
GROUP_LABELS = {"economisch": ("economisch kapitaal", "economic capital"),
                "cultureel": ("cultureel kapitaal", "cultural capital"),
                "sociaal": ("sociaal kapitaal", "social capital"),
                "persoon": ("persoonskapitaal (gezondheid)", "person capital (health)")}
WORDS = [(0.12, "veel", "much"), (0.05, "vrij veel", "fairly much"), (-0.05, "gemiddeld", "average"),
         (-0.12, "vrij weinig", "fairly little"), (-math.inf, "weinig", "little")]


class UnknownResultError(KansenmonitorError, LookupError):
    """A saved class model that is not in the store."""


class ModelMismatchError(KansenmonitorError, ValueError):
    """A saved model cannot be applied to a wave whose items differ."""


def lca_items(cb: Codebook, item_ids: list[str] | None = None) -> tuple[list[str], list[str]]:
    """Categorical and count items of the four capitals (background items are left out)."""
    cats, counts = [], []
    for it in cb.items:
        if item_ids is not None and it.id not in item_ids:
            continue
        if it.capital not in CAPITAL_GROUPS:
            continue
        if it.type == "categorical":
            cats.append(it.id)
        elif it.type == "count":
            counts.append(it.id)
    return cats, counts


def data_of(frame: pd.DataFrame, cb: Codebook, cats: list[str], counts: list[str]) -> lca.LCAData:
    categories = [sorted(cb.item(i).categories) for i in cats]
    return lca.prepare(frame[cats].to_numpy(float), categories, cats, frame["weight"].to_numpy(float),
                       frame[counts].to_numpy(float) if counts else None, counts)


def _score(cb: Codebook, data: lca.LCAData, p: lca.Params) -> dict[str, np.ndarray]:
    """Per capital group, a K-vector of mean item scores in [0, 1] (higher = more capital)."""
    probs = lca.item_probs(data, p)
    by_group: dict[str, list[np.ndarray]] = {}
    for iid, pr in probs.items():
        it = cb.item(iid)
        if it.polarity == "none":
            continue
        c = pr.shape[1]
        s = pr @ (np.arange(c) / (c - 1))
        if it.polarity == "higher_is_worse":
            s = 1 - s
        by_group.setdefault(CAPITAL_GROUPS[it.capital], []).append(s)
    return {g: np.mean(v, axis=0) for g, v in by_group.items()}


def _word(diff: float, lang: str) -> str:
    for bound, nl, en in WORDS:
        if diff >= bound:
            return en if lang == "en" else nl
    return WORDS[-1][2 if lang == "en" else 1]


def profiles(cb: Codebook, data: lca.LCAData, p: lca.Params) -> list[dict]:
    """Per class: size, capital scores against the average, a description in words (nl and en)."""
    scores = _score(cb, data, p)
    out = []
    for k in range(len(p.weights)):
        diffs = {g: float(s[k] - p.weights @ s) for g, s in scores.items()}
        order = sorted(diffs, key=lambda g: -abs(diffs[g]))
        text = {}
        for lang in ("nl", "en"):
            strong = [f"{_word(diffs[g], lang)} {GROUP_LABELS[g][1 if lang == 'en' else 0]}" for g in order
                      if abs(diffs[g]) >= 0.05]
            avg = [GROUP_LABELS[g][1 if lang == "en" else 0] for g in order if abs(diffs[g]) < 0.05]
            if avg:
                joiner = " and " if lang == "en" else " en "
                avg_text = (joiner.join([", ".join(avg[:-1]), avg[-1]]) if len(avg) > 1 else avg[0])
                strong.append(("average " if lang == "en" else "gemiddeld ") + avg_text)
            text[lang] = ", ".join(strong) if strong else ("gemiddeld op alle vier" if lang == "nl" else
                                                          "average on all four")
        out.append({"class": k + 1, "size": float(p.weights[k]), "capital": diffs,
                    "scores": {g: float(s[k]) for g, s in scores.items()}, "description_nl": text["nl"],
                    "description_en": text["en"], "total": float(np.mean(list(diffs.values())))})
    low = min(out, key=lambda c: c["total"])
    for c in out:
        c["vulnerable"] = c is low
    return out


@dataclass
class Result:
    id: str
    body: dict

    @property
    def k(self) -> int:
        return int(self.body["k"])

    @property
    def params(self) -> lca.Params:
        return lca.Params.from_dict(self.body["params"])


def run(monitor, w: Wave, ks: list[int], n_starts: int = 20, seed: int = 1, item_ids: list[str] | None = None,
        criterion: str = "bic", blrt_boot: int = 0, workers: int | None = None, progress=None,
        max_iter: int = 1000, tol: float = 1e-8) -> Result:
    """Fit K in ``ks``, choose by ``criterion`` and describe the chosen model (nothing is saved yet)."""
    cb = w.codebook
    cats, counts = lca_items(cb, item_ids)
    if len(cats) + len(counts) < 3:
        raise ValueError("kies minstens drie vragen over kapitaal voor een klassenanalyse")
    frame = microdata(monitor, w)
    data = data_of(frame, cb, cats, counts)
    fits = lca.enumerate_classes(data, ks, n_starts, seed, max_iter, tol, workers, progress)
    stats = [lca.statistics(data, f) for f in fits]
    k = lca.choose_k(stats, criterion)
    best = next(f for f in fits if f.k == k)
    tests = []
    if blrt_boot > 0:
        by_k = {f.k: f for f in fits}
        for f in fits:
            if f.k - 1 in by_k:
                tests.append(lca.blrt(data, by_k[f.k - 1], f, blrt_boot, max(2, n_starts // 4), seed))
    created = datetime.now(UTC).isoformat(timespec="seconds")
    rid = f"lca-{w.survey}-{w.wave}-k{k}-s{seed}"
    from .. import __version__ as version

    body = {"id": rid, "survey": w.survey, "wave": w.wave, "synthetic": w.synthetic, "k": k, "criterion": criterion,
            "seed": seed, "starts": n_starts, "ks": list(ks), "items": cats, "counts": counts,
            "categories": [sorted(cb.item(i).categories) for i in cats], "params": best.params.to_dict(),
            "statistics": stats, "blrt": tests, "profiles": profiles(cb, data, best.params),
            "data_sha": w.data_sha, "codebook_sha": w.codebook_sha, "codebook_version": cb.version,
            "respondents": data.n, "patterns": int(len(data.freq)), "created_at": created,
            "software": f"kansenmonitor {version}"}
    return Result(rid, body)


def save(monitor, r: Result) -> str:
    with monitor.store.transaction() as wr:
        wr.conn.execute(delete(t.survey_results).where(t.survey_results.c.id == r.id))
        wr.conn.execute(insert(t.survey_results).values(id=r.id, survey=r.body["survey"], wave=r.body["wave"],
                                                        kind="lca", body=json.dumps(r.body), created_at=r.body[
                                                            "created_at"]))
    return r.id


def results(monitor, survey: str | None = None) -> list[Result]:
    q = select(t.survey_results).where(t.survey_results.c.kind == "lca").order_by(t.survey_results.c.created_at)
    if survey:
        q = q.where(t.survey_results.c.survey == survey)
    with monitor.store.engine.connect() as conn:
        return [Result(r.id, json.loads(r.body)) for r in conn.execute(q)]


def result(monitor, rid: str | None = None) -> Result:
    all_r = results(monitor)
    if not all_r:
        raise UnknownResultError("Er is nog geen klassenanalyse opgeslagen. Maak er een met 'kansenmonitor survey "
                                 "lca --opslaan' of bouw de demo.")
    if rid is None:
        return all_r[-1]
    for r in all_r:
        if r.id == rid:
            return r
    raise UnknownResultError(f"Klassenanalyse '{rid}' bestaat niet. Opgeslagen: {', '.join(r.id for r in all_r)}.")


def posteriors(monitor, r: Result, w: Wave, frame: pd.DataFrame | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Respondent rows and their class probabilities under a saved model — also for another wave with the same
    items and answer codes (the model is applied, not refitted)."""
    cb = w.codebook
    for iid, cats in zip(r.body["items"], r.body["categories"], strict=True):
        if iid not in cb.item_ids:
            raise ModelMismatchError(f"De enquête {w.survey} ({w.wave}) heeft de vraag '{iid}' van het model niet.")
        if sorted(cb.item(iid).categories) != cats:
            raise ModelMismatchError(f"De vraag '{iid}' heeft in golf {w.wave} andere antwoordcodes dan in het model.")
    for iid in r.body["counts"]:
        if iid not in cb.item_ids:
            raise ModelMismatchError(f"De enquête {w.survey} ({w.wave}) heeft de vraag '{iid}' van het model niet.")
    if frame is None:
        frame = microdata(monitor, w)
    data = lca.prepare(frame[r.body["items"]].to_numpy(float), r.body["categories"], r.body["items"],
                       frame["weight"].to_numpy(float),
                       frame[r.body["counts"]].to_numpy(float) if r.body["counts"] else None, r.body["counts"])
    return frame, lca.posterior(data, r.params)


@dataclass
class ClassShare:
    area: str
    name: str
    level: str
    gemeente: str | None
    cls: int
    share: float | None
    lower: float | None
    upper: float | None
    respondents: int | None
    status: str
    reason: str | None


def class_shares(monitor, r: Result, w: Wave, lang: str = "nl", rules: dc.Rules = dc.DEFAULT_RULES,
                 areas: dict[str, AreaInfo] | None = None) -> list[ClassShare]:
    """Share of each class per area (posterior probabilities, weighted), with a 95 % interval, after disclosure
    control on the respondents assigned to the class (modal assignment). The interval covers sampling, not the
    uncertainty of the model itself."""
    frame, post = posteriors(monitor, r, w)
    if areas is None:
        areas = survey_areas(monitor, w)
    sets = {a: info.members for a, info in areas.items()}
    modal = post.argmax(axis=1)
    wt = frame["weight"].to_numpy(float)
    out: list[ClassShare] = []
    for k in range(post.shape[1]):
        y = post[:, k]
        g = pd.DataFrame({"area": frame["area"].to_numpy(), "n": 1, "x": (modal == k).astype(int), "w": wt,
                          "wy": wt * y, "w2": wt * wt, "w2y": wt * wt * y, "w2y2": wt * wt * y * y})
        s = g.groupby("area").sum()
        cols = [s[c].to_numpy() for c in ("n", "x", "w", "wy", "w2", "w2y", "w2y2")]
        base = {a: dc.Cell(int(n), int(x), float(w_), float(wy)) for a, n, x, w_, wy in zip(s.index, *cols[:4],
                                                                                            strict=True)}
        sq = {a: (float(a2), float(b2), float(c2)) for a, a2, b2, c2 in zip(s.index, *cols[4:], strict=True)}
        # membership of a class is the sensitive side (near-universal membership would disclose it)
        reasons = dc.protect(base, sets, rules, dc.check_for(dc.SENSITIVE_SHARE))
        for code, info in areas.items():
            reason = reasons[code]
            if reason is not None:
                out.append(ClassShare(code, info.name, info.level, info.gemeente, k + 1, None, None, None, None,
                                      "suppressed", dc.REASONS_EN[reason] if lang == "en" else reason))
                continue
            c = dc._sum(base, info.members)
            w2, w2y, w2y2 = (sum(sq[m][i] for m in info.members if m in sq) for i in range(3))
            p = c.wy / c.w
            ss = w2y2 - 2 * p * w2y + p * p * w2
            var = c.n / (c.n - 1) * ss / c.w ** 2
            n_eff = p * (1 - p) / var if var > 0 else float(c.n)
            lo, hi = wilson(p, n_eff)
            out.append(ClassShare(code, info.name, info.level, info.gemeente, k + 1, round(100 * p, 1),
                                  round(100 * lo, 1), round(100 * hi, 1), c.n, "published", None))
    return out


def outside_targets(monitor, r: Result, w: Wave, targets: dict[str, frozenset[str]], lang: str = "nl",
                    rules: dc.Rules = dc.DEFAULT_RULES) -> list[dict]:
    """Per gemeente and class: the weighted share of the class that lives outside the target areas (``targets``:
    gemeente → base areas, e.g. the buurten of its focus areas). Withheld when the class has fewer than 30
    respondents in the gemeente, or fewer than 10 inside or outside. Answers the Board's point that vulnerable
    people also live in buurten that score well."""
    frame, post = posteriors(monitor, r, w)
    areas = survey_areas(monitor, w)
    gem_of = {a: info.gemeente for a, info in areas.items() if info.level == w.area_level}
    modal = post.argmax(axis=1)
    wt = frame["weight"].to_numpy(float)
    gm = frame["area"].map(gem_of).to_numpy()
    out = []
    for g, inside in sorted(targets.items()):
        in_g = gm == g
        is_out = ~frame["area"].isin(inside).to_numpy()
        for k in range(post.shape[1]):
            member = in_g & (modal == k)
            cell = dc.Cell(int(member.sum()), int((member & is_out).sum()), float((wt * post[:, k])[in_g].sum()),
                           float((wt * post[:, k])[in_g & is_out].sum()))
            reason = dc.primary(cell, rules)
            row = {"gemeente": g, "class": k + 1, "target_areas": len(inside), "share_outside": None,
                   "reason": (dc.REASONS_EN[reason] if lang == "en" else reason) if reason else None}
            if reason is None:
                row["share_outside"] = round(100 * cell.wy / cell.w, 1)
            out.append(row)
    return out


def focus_targets(monitor, w: Wave) -> dict[str, frozenset[str]]:
    """Gemeente → the base areas of its custom areas (focus areas) in the wave's indeling. Stadsdelen are left
    out: they divide the whole gemeente, so nobody would live outside them."""
    areas = survey_areas(monitor, w)
    out: dict[str, set[str]] = {}
    for info in areas.values():
        if info.level == "gebied" and info.gemeente:
            out.setdefault(info.gemeente, set()).update(info.members)
    return {g: frozenset(s) for g, s in out.items()}
