"""Targeting: select regions by a rule, allocate a budget over the selection, compare two scenarios.

Rules (text, so they fit a CLI flag and a URL):
- ``top-pct-population:30`` — the highest-scoring regions that together hold at least 30 % of the population
  (the form OCW uses for school scores; the region that crosses the line is included);
- ``top-pct:20`` — the highest-scoring 20 % of the scored regions (rounded up);
- ``top-n:10`` — the 10 highest-scoring regions;
- ``threshold:score>=0.5`` or ``threshold:moeite_met_rondkomen_18plus>20`` — a threshold on any column.
Regions without a score are never selected; the reason is kept.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import KansenmonitorError
from .formula import safe_formula
from .messages import check_lang, localise, localise_frame, msg, texts

#: scenario status (Dutch, as stored in ``ScenarioComparison.frame``) → message
STATUS = {"blijft": msg("status.stays"), "komt erbij": msg("status.enters"), "valt af": msg("status.leaves")}


def status_label(status: str, lang: str = "nl") -> str:
    """A comparison status ("blijft", "komt erbij", "valt af") in ``lang``."""
    m = STATUS.get(str(status))
    return m.text(lang) if m is not None else str(status)

_OPS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}


class RuleError(KansenmonitorError, ValueError):
    """A selection rule or allocation that cannot be applied."""


def _export(frame: pd.DataFrame, path: str | Path, dutch: bool = False) -> Path:
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        frame.to_excel(path, index=True, engine="openpyxl")
    elif path.suffix.lower() in (".csv", ".txt"):
        if dutch:
            frame.to_csv(path, sep=";", decimal=",", encoding="utf-8")
        else:
            frame.to_csv(path, encoding="utf-8")
    else:
        raise RuleError(f"onbekend bestandstype '{path.suffix}'; kies .csv of .xlsx")
    return path


@dataclass
class Selection:
    """Regions selected by ``rule``. ``frame``: per region score, inwoners, ``selected``, ``reason`` and the
    cumulative population share in score order."""

    rule: str
    frame: pd.DataFrame
    score: str = "score"

    @property
    def selected(self) -> list[str]:
        return list(self.frame.index[self.frame["selected"]])

    @property
    def population_share(self) -> float | None:
        pop = self.frame["inwoners"] if "inwoners" in self.frame else None
        if pop is None or pop.fillna(0).sum() == 0:
            return None
        return float(pop[self.frame["selected"]].sum() / pop.sum())

    def to_frame(self, lang: str = "nl") -> pd.DataFrame:
        """Per region; the ``reason`` texts in ``lang``."""
        return localise_frame(self.frame, check_lang(lang))

    def to_dict(self, lang: str = "nl") -> dict:
        check_lang(lang)
        return localise({"rule": self.rule, "selected": self.selected, "population_share": self.population_share,
                         "regions": _records(self.frame)}, lang)

    def export(self, path: str | Path, dutch: bool = False) -> Path:
        return _export(self.frame, path, dutch)


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    columns = {k: frame[k].tolist() for k in frame.columns}  # column-wise, so texts keep their type
    for pos, code in enumerate(frame.index):
        rec = {"region": code}
        for k, values in columns.items():
            v = values[pos]
            if isinstance(v, float | np.floating):
                rec[k] = None if math.isnan(v) else float(v)
            elif isinstance(v, np.integer):
                rec[k] = int(v)
            elif isinstance(v, np.bool_):
                rec[k] = bool(v)
            else:
                rec[k] = v
        out.append(rec)
    return out


def parse_rule(rule: str) -> tuple[str, object]:
    rule = rule.strip()
    kind, _, arg = rule.partition(":")
    try:
        if kind in ("top-pct-population", "top-pct"):
            x = float(arg.replace(",", "."))
            if not 0 < x <= 100:
                raise ValueError
            return kind, x
        if kind == "top-n":
            n = int(arg)
            if n < 1:
                raise ValueError
            return kind, n
        if kind == "threshold":
            m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_:]*)\s*(>=|<=|>|<)\s*(-?[0-9]+(?:[.,][0-9]+)?)\s*", arg)
            if not m:
                raise ValueError
            return kind, (m.group(1), m.group(2), float(m.group(3).replace(",", ".")))
    except ValueError:
        pass
    raise RuleError(f"regel '{rule}' is ongeldig; gebruik top-pct-population:30, top-pct:20, top-n:10 of "
                    "threshold:score>=0.5")


def rule_label(rule: str, lang: str = "nl", column_label=None) -> str:
    """A selection rule as a sentence part: ``top-pct-population:30`` → "de hoogste scores tot samen 30 % van de
    inwoners". ``column_label`` names a threshold's column (an indicator id → its label)."""
    from .. import format as fmt

    try:
        kind, arg = parse_rule(rule)
    except RuleError:
        return rule
    en = lang == "en"
    if kind == "top-pct-population":
        x = fmt.number(arg, 0 if float(arg).is_integer() else 1, lang)
        return f"highest scores until together {x} % of inhabitants" if en else \
            f"hoogste scores tot samen {x} % van de inwoners"
    if kind == "top-pct":
        x = fmt.number(arg, 0 if float(arg).is_integer() else 1, lang)
        return f"highest {x} % of areas" if en else f"hoogste {x} % van de gebieden"
    if kind == "top-n":
        return f"the {arg} areas with the highest score" if en else f"de {arg} gebieden met de hoogste score"
    col, op, value = arg
    name = ("score" if col == "score" else (column_label(col) if column_label else col))
    ops = {">=": ("at least", "minstens"), ">": ("above", "boven"), "<=": ("at most", "hoogstens"),
           "<": ("below", "onder")}[op]
    return f"{name} {ops[0 if en else 1]} {fmt.number(value, 2, lang)}"


def select(frame: pd.DataFrame, rule: str, score: str = "score", population: str = "inwoners") -> Selection:
    """Select regions of ``frame`` (one row per region, e.g. ``IndexResult.to_frame()``) by ``rule``."""
    kind, arg = parse_rule(rule)
    df = frame.copy()
    if score not in df:
        raise RuleError(f"kolom '{score}' ontbreekt")
    df = df.assign(_order=-df[score].fillna(-np.inf)).sort_values(["_order"], kind="stable").drop(columns="_order")
    selected = np.zeros(len(df), dtype=bool)
    no_score = msg("select.no_score")
    reason = np.array([no_score if missing else "" for missing in df[score].isna()], dtype=object)
    scored = df[score].notna().to_numpy()
    if kind == "top-n":
        idx = np.flatnonzero(scored)[: int(arg)]
        selected[idx] = True
    elif kind == "top-pct":
        n = math.ceil(scored.sum() * float(arg) / 100.0 - 1e-9)
        selected[np.flatnonzero(scored)[:n]] = True
    elif kind == "top-pct-population":
        if population not in df:
            raise RuleError(f"regel '{rule}' heeft de kolom '{population}' nodig")
        pop = df[population].to_numpy(dtype=float)
        total = np.nansum(pop)
        if total <= 0:
            raise RuleError("de gebieden hebben geen inwoneraantallen")
        target = total * float(arg) / 100.0
        cum = 0.0
        for i in np.flatnonzero(scored):
            if np.isnan(pop[i]):
                reason[i] = msg("select.no_population")
                continue
            if cum >= target - 1e-9:
                break
            selected[i] = True
            cum += pop[i]
        share = np.where(np.isnan(pop), np.nan, np.nancumsum(np.where(scored, pop, 0.0)) / total)
        df["cum_population_share"] = share
    else:
        col, op, value = arg
        if col not in df:
            raise RuleError(f"regel '{rule}': kolom '{col}' bestaat niet; beschikbaar: {', '.join(map(str, df.columns))}")
        vals = df[col].to_numpy(dtype=float)
        ok = ~np.isnan(vals)
        hit = np.zeros(len(df), dtype=bool)
        hit[ok] = _OPS[op](vals[ok], value)
        selected = hit & scored
        no_value = msg("select.no_value", column=col)
        reason = np.array([no_value if not has and r == "" else r for has, r in zip(ok, reason, strict=True)],
                          dtype=object)
    df["selected"] = selected
    df["reason"] = texts((r or None for r in reason), df.index)
    return Selection(rule=rule, frame=df, score=score)


@dataclass
class Allocation:
    """A budget over a selection. ``frame``: per selected region need, key, share and ``amount`` (euro, to the
    cent; the amounts add up to the budget exactly)."""

    rule: str
    method: str
    budget: float
    frame: pd.DataFrame

    @property
    def total(self) -> float:
        return float(self.frame["amount"].sum())

    def to_frame(self, lang: str = "nl") -> pd.DataFrame:
        return localise_frame(self.frame, check_lang(lang))

    def method_text(self, lang: str = "nl") -> str:
        """How the budget was split, in ``lang``."""
        return localise(self.method, check_lang(lang))

    def to_dict(self, lang: str = "nl") -> dict:
        check_lang(lang)
        return localise({"rule": self.rule, "method": self.method, "budget": self.budget,
                         "total": round(self.total, 2), "regions": _records(self.frame)}, lang)

    def export(self, path: str | Path, dutch: bool = False) -> Path:
        return _export(self.frame, path, dutch)


def largest_remainder(weights: np.ndarray, budget: float) -> np.ndarray:
    """Split ``budget`` (rounded to cents) proportionally to ``weights``; the parts sum to it exactly."""
    cents = int(round(budget * 100))
    w = np.asarray(weights, dtype=float)
    raw = w / w.sum() * cents
    base = np.floor(raw).astype(np.int64)
    rest = cents - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base / 100.0


def allocate(selection: Selection, budget: float, formula: str | None = None, population: str = "inwoners") -> Allocation:
    """Allocate ``budget`` over the selected regions: by need × population (default), where need is the
    percentile rank of the score among all scored regions (in (0, 1]), or by an explicit ``formula`` over the
    columns (e.g. ``"need * inwoners ** 0.5"``)."""
    if budget <= 0:
        raise RuleError("het budget moet groter dan 0 zijn")
    df = selection.frame
    score = df[selection.score]
    need = score.rank(method="average", pct=True)
    sel = df[df["selected"]].copy()
    if sel.empty:
        raise RuleError(f"regel '{selection.rule}' selecteert geen enkel gebied; er valt niets te verdelen")
    sel.insert(0, "need", need.reindex(sel.index))
    if formula is None:
        if population not in sel:
            raise RuleError(f"verdelen naar behoefte × inwoners vraagt de kolom '{population}'")
        key = sel["need"].to_numpy() * sel[population].to_numpy(dtype=float)
        method = msg("allocate.need_population")
    else:
        data = {str(c): sel[c].to_numpy(dtype=float) for c in sel.columns
                if pd.api.types.is_numeric_dtype(sel[c]) and not pd.api.types.is_bool_dtype(sel[c])}
        key = safe_formula(formula, data)
        method = msg("allocate.formula", formula=formula)
    bad = ~np.isfinite(key) | (key < 0)
    if bad.any():
        codes = ", ".join(sel.index[bad][:10])
        raise RuleError(f"de verdeelsleutel is leeg, negatief of oneindig voor {codes}; er is niets verdeeld")
    if key.sum() <= 0:
        raise RuleError("de verdeelsleutel is overal 0; er is niets verdeeld")
    sel["key"] = key
    sel["share"] = key / key.sum()
    sel["amount"] = largest_remainder(key, budget)
    if population in sel:
        with np.errstate(all="ignore"):
            sel["amount_per_inhabitant"] = sel["amount"] / sel[population]
    keep = [c for c in ("name", "gemeente", "score", "rank", population, "need", "key", "share", "amount",
                        "amount_per_inhabitant") if c in sel]
    return Allocation(rule=selection.rule, method=method, budget=round(float(budget), 2), frame=sel[keep])


@dataclass
class ScenarioComparison:
    """Two allocations side by side: who enters, who leaves, how much money moves."""

    a: Allocation
    b: Allocation
    frame: pd.DataFrame

    @property
    def entered(self) -> list[str]:
        return list(self.frame.index[self.frame["status"] == "komt erbij"])

    @property
    def left(self) -> list[str]:
        return list(self.frame.index[self.frame["status"] == "valt af"])

    @property
    def money_moved(self) -> float:
        """The sum of all increases: the money that goes to another region in scenario B."""
        d = self.frame["delta"]
        return round(float(d[d > 0].sum()), 2)

    def to_frame(self, lang: str = "nl") -> pd.DataFrame:
        """Per region; with ``lang="en"`` the ``status`` is in English."""
        frame = self.frame.copy()
        if check_lang(lang) != "nl":
            frame["status"] = [status_label(s, lang) for s in frame["status"]]
        return frame

    def to_dict(self, lang: str = "nl") -> dict:
        check_lang(lang)
        regions = _records(self.frame)
        if lang != "nl":
            for r in regions:
                r["status"] = status_label(r["status"], lang)
        return localise({"a": {"rule": self.a.rule, "method": self.a.method, "budget": self.a.budget},
                         "b": {"rule": self.b.rule, "method": self.b.method, "budget": self.b.budget},
                         "entered": self.entered, "left": self.left, "money_moved": self.money_moved,
                         "regions": regions}, lang)

    def export(self, path: str | Path, dutch: bool = False) -> Path:
        return _export(self.frame, path, dutch)


def compare_scenarios(a: Allocation, b: Allocation) -> ScenarioComparison:
    fa, fb = a.frame, b.frame
    codes = sorted(set(fa.index) | set(fb.index))
    names = pd.concat([fa.get("name", pd.Series(dtype=str)), fb.get("name", pd.Series(dtype=str))])
    names = names[~names.index.duplicated()]
    frame = pd.DataFrame(index=pd.Index(codes, name="region"))
    frame["name"] = names.reindex(codes)
    frame["in_a"] = frame.index.isin(fa.index)
    frame["in_b"] = frame.index.isin(fb.index)
    frame["amount_a"] = fa["amount"].reindex(codes).fillna(0.0)
    frame["amount_b"] = fb["amount"].reindex(codes).fillna(0.0)
    frame["delta"] = (frame["amount_b"] - frame["amount_a"]).round(2)
    frame["status"] = np.select([frame["in_a"] & frame["in_b"], frame["in_b"]], ["blijft", "komt erbij"], "valt af")
    frame = frame.sort_values(["status", "delta"], ascending=[True, False])
    return ScenarioComparison(a=a, b=b, frame=frame)
