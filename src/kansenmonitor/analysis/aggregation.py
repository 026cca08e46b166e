"""Re-aggregation of observations from small to larger regions, by each indicator's rule.

* ``sum``: the sum of the members' values;
* ``ratio``: sum of the numerator indicator / sum of the denominator indicator × factor;
* ``weighted_mean``: mean of the members' values weighted by the weight: an indicator or a sum/difference
  of indicators (``inwoners - inwoners_0_14`` for a share of the inhabitants aged 15 and over). A model
  estimate of a share (RIVM health figures) is aggregated the same way, weighted by the population of its
  age group; the result is an estimate too (status ``estimated``) and has no interval (the members'
  margins cannot be added up);
* ``none``: not aggregatable (classes, densities of surrounding addresses, figures published per gemeente only).

A member without a value is never counted as zero: the aggregate is then left empty (status
``missing``) and the result says how many members lacked a value. Only an own area's weighted mean may leave
out members without a value that hold at most 1% of its inhabitants (an estimate, with a note). :func:`compare_with_published`
checks aggregates against the values CBS publishes for the larger region and explains differences.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.model import Aggregation, Indicator, Status

#: the share of an own area's inhabitants that members without a value of a weighted mean may hold
AREA_MISSING_SHARE = 0.01

AGG_COLUMNS = [
    "region", "boundary_year", "indicator", "period", "value", "status", "numerator", "denominator",
    "lower", "upper", "source_ref", "n_members", "n_missing",
]


def _members_frame(membership: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    rows = [(parent, child) for parent, children in membership.items() for child in children]
    return pd.DataFrame(rows, columns=["parent", "member"])


def _values(obs: pd.DataFrame, indicator: str) -> pd.DataFrame:
    sel = obs[obs["indicator"] == indicator]
    return sel[["region", "period", "value"]]


def _estimated_parents(obs: pd.DataFrame, members: pd.DataFrame, indicators: list) -> pd.MultiIndex:
    """(parent, period) pairs with at least one member value of ``indicators`` that is an estimate."""
    if "status" not in obs:
        return pd.MultiIndex.from_arrays([[], []], names=["parent", "period"])
    est = obs[obs["indicator"].isin(indicators) & (obs["status"].astype(str) == Status.ESTIMATED.value)]
    pairs = members.merge(est[["region", "period"]], left_on="member", right_on="region")[["parent", "period"]]
    return pd.MultiIndex.from_frame(pairs.drop_duplicates())


def _weights(obs: pd.DataFrame, terms: Sequence[tuple[int, str]]) -> pd.DataFrame:
    """The weight per (region, period) as the signed sum of its terms; a term without a value leaves it empty."""
    frame = None
    for i, (sign, iid) in enumerate(terms):
        part = _values(obs, iid).rename(columns={"value": f"t{i}"})
        part[f"t{i}"] = part[f"t{i}"] * sign
        frame = part if frame is None else frame.merge(part, on=["region", "period"], how="inner")
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["region", "w_period", "w"])
    cols = [f"t{i}" for i in range(len(terms))]
    frame["w"] = frame[cols].sum(axis=1, min_count=len(cols))
    frame.loc[~(frame["w"] > 0), "w"] = np.nan
    return frame[["region", "period", "w"]].rename(columns={"period": "w_period"}).dropna(subset=["w"])


def aggregate(
    obs: pd.DataFrame,
    indicators: Iterable[Indicator],
    membership: Mapping[str, Sequence[str]],
    boundary_year: int,
    member_label: str = "gebieden",
    weight_obs: pd.DataFrame | None = None,
    max_missing_share: float = 0.0,
) -> pd.DataFrame:
    """Aggregate member observations to parents.

    ``max_missing_share`` (own areas: :data:`AREA_MISSING_SHARE`) lets a weighted mean leave out members that
    have no value of the indicator at all when together they hold at most that share of the parent's
    inhabitants: a buurt of 5 inhabitants without a health figure then no longer empties the figure of a
    stadsdeel of 38,000. Such a mean is an estimate (status ``estimated``) and its source names what was left
    out. Sums and ratios always need every member.

    ``obs`` is a long frame (region, indicator, period, value, …) of the members; ``membership``
    maps each parent code to its member codes. ``weight_obs`` (optional, same shape) holds more values of
    the weight indicators, used for weighing only where ``obs`` has none of that indicator for the member.
    Returns a long frame with :data:`AGG_COLUMNS`.
    """
    if weight_obs is not None and not weight_obs.empty:
        have = set(zip(obs["region"], obs["indicator"], strict=True)) if not obs.empty else set()
        extra = weight_obs[[(r, i) not in have for r, i in zip(weight_obs["region"], weight_obs["indicator"],
                                                                 strict=True)]]
        w_obs = pd.concat([obs, extra], ignore_index=True) if not extra.empty else obs
    else:
        w_obs = obs
    members = _members_frame(membership)
    if members.empty or obs.empty:
        return pd.DataFrame(columns=AGG_COLUMNS)
    n_members = members.groupby("parent").size().rename("n_members")
    by_id = {i.id: i for i in indicators}
    pop = pd.Series(dtype=float)
    if max_missing_share > 0:
        inw = w_obs[(w_obs["indicator"] == "inwoners") & w_obs["value"].notna()].sort_values("period")
        pop = inw.groupby("region")["value"].last()
    out: list[pd.DataFrame] = []
    for ind in by_id.values():
        share_out = None
        if ind.aggregation == Aggregation.NONE:
            continue
        if ind.aggregation == Aggregation.SUM:
            vals = _values(obs, ind.id)
            if vals.empty:
                continue
            merged = members.merge(vals, left_on="member", right_on="region", how="inner")
            periods = merged["period"].unique()
            grid = members.assign(key=1).merge(pd.DataFrame({"period": periods, "key": 1}), on="key").drop(columns="key")
            full = grid.merge(vals, left_on=["member", "period"], right_on=["region", "period"], how="left")
            g = full.groupby(["parent", "period"])
            res = pd.DataFrame({"value": g["value"].sum(min_count=1), "n_valid": g["value"].count()}).reset_index()
            res["numerator"] = np.nan
            res["denominator"] = np.nan
            rule = "som"
        elif ind.aggregation == Aggregation.RATIO:
            if ind.numerator not in by_id or ind.denominator not in by_id:
                continue
            num = _values(obs, ind.numerator).rename(columns={"value": "num"})
            den = _values(obs, ind.denominator).rename(columns={"value": "den"})
            if num.empty or den.empty:
                continue
            both = num.merge(den, on=["region", "period"], how="inner")
            periods = both["period"].unique()
            grid = members.assign(key=1).merge(pd.DataFrame({"period": periods, "key": 1}), on="key").drop(columns="key")
            full = grid.merge(both, left_on=["member", "period"], right_on=["region", "period"], how="left")
            full["ok"] = full["num"].notna() & full["den"].notna()
            g = full.groupby(["parent", "period"])
            res = pd.DataFrame(
                {
                    "numerator": g["num"].sum(min_count=1),
                    "denominator": g["den"].sum(min_count=1),
                    "n_valid": g["ok"].sum(),
                }
            ).reset_index()
            with np.errstate(divide="ignore", invalid="ignore"):
                res["value"] = res["numerator"] / res["denominator"] * ind.factor
            res.loc[~(res["denominator"] > 0), "value"] = np.nan
            rule = f"verhouding {ind.numerator}/{ind.denominator}"
        elif ind.aggregation == Aggregation.WEIGHTED_MEAN:
            terms = ind.weight_terms
            if not terms or any(t not in by_id for _sign, t in terms):
                continue
            vals = _values(obs, ind.id)
            weights = _weights(w_obs, terms)
            if vals.empty or weights.empty:
                continue
            # the weight of the same period; otherwise the nearest period of the weight
            wperiods = np.array(sorted(weights["w_period"].unique()))
            vals = vals.copy()
            vals["w_period"] = [wperiods[np.abs(wperiods - p).argmin()] for p in vals["period"]]
            both = vals.merge(weights, on=["region", "w_period"], how="left")
            periods = both["period"].unique()
            grid = members.assign(key=1).merge(pd.DataFrame({"period": periods, "key": 1}), on="key").drop(columns="key")
            full = grid.merge(both, left_on=["member", "period"], right_on=["region", "period"], how="left")
            full["ok"] = full["value"].notna() & full["w"].notna()
            full["vw"] = full["value"] * full["w"]
            valid = full[full["ok"]]
            g_all = full.groupby(["parent", "period"])
            g = valid.groupby(["parent", "period"])
            res = pd.DataFrame({"vw": g["vw"].sum(), "w": g["w"].sum(),
                                "w_period": g["w_period"].max()}).reindex(g_all.size().index)
            res["n_valid"] = g_all["ok"].sum()
            if max_missing_share > 0:
                # a member may be left out only when it has no value at all (not when only its weight is missing)
                # and its inhabitants are known: the share of the inhabitants left out
                full["pop"] = full["member"].map(pop).astype(float)
                out_pop = full["pop"].where(~full["ok"], 0.0)
                bad = (~full["ok"] & (full["value"].notna() | full["pop"].isna())).groupby(
                    [full["parent"], full["period"]]).any()
                share = out_pop.groupby([full["parent"], full["period"]]).sum(min_count=1) / \
                    full["pop"].groupby([full["parent"], full["period"]]).sum(min_count=1)
                res["share_out"] = share.where(~bad, np.inf).reindex(res.index)
            res = res.reset_index()
            with np.errstate(divide="ignore", invalid="ignore"):
                res["value"] = res["vw"] / res["w"]
            res.loc[~(res["w"] > 0), "value"] = np.nan
            res["numerator"] = np.nan
            res["denominator"] = res["w"]
            w_years = res["w_period"]
            res = res.drop(columns=["vw", "w", "w_period"])
            if "share_out" in res:
                share_out = res.pop("share_out")
            rule = f"gewogen gemiddelde (gewicht {ind.weight})"
        else:  # pragma: no cover
            continue
        res = res.merge(n_members, left_on="parent", right_index=True)
        res["n_missing"] = res["n_members"] - res["n_valid"].astype(int)
        complete = res["n_missing"] == 0
        left_out = pd.Series(np.nan, index=res.index)
        if ind.aggregation == Aggregation.WEIGHTED_MEAN and share_out is not None:
            left_out = pd.Series(share_out.to_numpy(dtype=float), index=res.index).where(
                ~complete & (res["n_valid"] > 0))
            left_out = left_out.where(left_out <= max_missing_share)
            complete = complete | left_out.notna()
        res.loc[~complete, "value"] = np.nan
        # an aggregate of estimates is an estimate: a sum of measured and estimated values is not measured,
        # and a model estimate's aggregate is one too
        inputs = [ind.numerator, ind.denominator] if ind.aggregation == Aggregation.RATIO else [ind.id]
        est = _estimated_parents(obs, members, inputs)
        is_est = (pd.MultiIndex.from_frame(res[["parent", "period"]]).isin(est) | ind.is_model_estimate
                  | left_out.notna().to_numpy())
        res["status"] = np.where(complete & res["value"].notna(),
                                 np.where(is_est, Status.ESTIMATED.value, Status.MEASURED.value), Status.MISSING.value)
        weight_note = ([""] * len(res) if ind.aggregation != Aggregation.WEIGHTED_MEAN else
                       [f"; gewicht van {int(y)}" if y == y and int(y) != int(p) else ""
                        for y, p in zip(w_years, res["period"], strict=True)])
        res["source_ref"] = [
            f"kansenmonitor: {rule} van {m} {member_label}" + wn
            + ((f"; {k} zonder waarde ({_share(lo)} van de inwoners), niet meegeteld" if lo == lo else
                f"; {k} zonder waarde, daarom geen uitkomst") if k else "")
            + ("; modelschattingen: de marges zijn niet op te tellen" if ind.is_model_estimate and (not k or lo == lo)
               else "")
            for m, k, wn, lo in zip(res["n_members"], res["n_missing"], weight_note, left_out, strict=True)
        ]
        res["indicator"] = ind.id
        res["boundary_year"] = boundary_year
        res["lower"] = np.nan
        res["upper"] = np.nan
        out.append(res.rename(columns={"parent": "region"})[AGG_COLUMNS])
    if not out:
        return pd.DataFrame(columns=AGG_COLUMNS)
    return pd.concat(out, ignore_index=True)


def _share(x: float) -> str:
    """A share of the inhabitants in Dutch notation: '0,05%'."""
    return f"{x * 100:.2f}".replace(".", ",") + "%"


@dataclass(frozen=True)
class Comparison:
    """Aggregates next to published values, with a verdict per row (see :func:`compare_with_published`)."""

    table: pd.DataFrame

    @property
    def matches(self) -> pd.DataFrame:
        return self.table[self.table["verdict"] == "match"]

    @property
    def mismatches(self) -> pd.DataFrame:
        return self.table[self.table["verdict"] != "match"]

    def summary(self) -> pd.DataFrame:
        return self.table.groupby(["indicator", "verdict"]).size().unstack(fill_value=0)


def tolerance(ind: Indicator, n_members: int, published: float, rounding_unit: float = 5.0) -> float:
    """The largest difference explained by CBS rounding.

    CBS rounds counts of inhabitants and households to multiples of 5 in the KWB; a sum of ``n``
    rounded members can be off by ``2.5 · n`` against the rounded total (plus 2.5). Published values
    with decimals are off by at most half their last decimal.
    """
    half_decimal = 0.5 * 10 ** (-ind.decimals)
    if ind.aggregation == Aggregation.SUM:
        return rounding_unit / 2 * (n_members + 1) if ind.value_type == "int" else half_decimal * (n_members + 1)
    if ind.aggregation == Aggregation.RATIO:
        return max(half_decimal, abs(published) * 0.01) + half_decimal
    return max(half_decimal, abs(published) * 0.02) + half_decimal


def compare_with_published(
    aggregated: pd.DataFrame, published: pd.DataFrame, indicators: Mapping[str, Indicator], rounding_unit: float = 5.0
) -> Comparison:
    """Compare re-aggregated values with the values published for the same regions.

    Verdicts: ``match`` (within rounding), ``suppression`` (members without a value, no aggregate),
    ``published_missing`` (nothing published to compare with), ``difference`` (beyond rounding;
    the reason column explains what could cause it).
    """
    pub = published[["region", "indicator", "period", "value", "status"]].rename(
        columns={"value": "published", "status": "published_status"}
    )
    table = aggregated.merge(pub, on=["region", "indicator", "period"], how="left")
    verdicts, reasons, tols = [], [], []
    for row in table.itertuples(index=False):
        ind = indicators[row.indicator]
        if row.n_missing > 0:
            verdicts.append("suppression")
            reasons.append(f"{row.n_missing} van {row.n_members} deelgebieden zonder waarde (geheim, leeg of echt 0)")
            tols.append(np.nan)
            continue
        if pd.isna(row.published):
            verdicts.append("published_missing")
            reasons.append("CBS publiceert geen waarde voor dit gebied")
            tols.append(np.nan)
            continue
        tol = tolerance(ind, int(row.n_members), float(row.published), rounding_unit)
        tols.append(tol)
        diff = abs(float(row.value) - float(row.published))
        if diff <= tol + 1e-9:
            verdicts.append("match")
            reasons.append("gelijk binnen afronding" if diff > 1e-9 else "gelijk")
        else:
            verdicts.append("difference")
            if ind.aggregation == Aggregation.WEIGHTED_MEAN:
                reasons.append(f"weging met {ind.weight} benadert de weging van CBS; verschil {diff:.3g}")
            else:
                reasons.append(f"verschil {diff:.3g} is groter dan de afronding ({tol:.3g})")
    table = table.assign(verdict=verdicts, reason=reasons, tolerance=tols)
    table["difference"] = table["value"] - table["published"]
    return Comparison(table)
