"""The one core object: :class:`Monitor` ties the store and the catalogue together.

The CLI, the web application, the API, the exports and the reports all read through a Monitor;
they format, they do not compute.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .analysis import aggregation, disclosure
from .core.areas import parse_areas_file
from .core.catalogue import Catalogue, load_catalogue
from .core.errors import (
    DefinitionError,
    ImportValidationError,
    Issue,
    KansenmonitorError,
    UnknownIndicatorError,
    UnknownRegionError,
)
from .core.model import Aggregation, Indicator, Level, Region, Status
from .sources.apply import apply_batch
from .sources.common import ImportBatch
from .store.store import OBSERVATION_COLUMNS, Store, default_home

Progress = Callable[[str], None]

IMPORT_KINDS = ("statline", "wbk", "wide", "long", "boundaries")
IMPORT_KIND_NL = {"statline": "CBS StatLine-tabel", "wbk": "tabel van de wijk- en buurtkaart",
                  "wide": "brede tabel", "long": "lange tabel", "boundaries": "grenzenbestand"}
_WITH_VALUE = (Status.MEASURED.value, Status.ESTIMATED.value)
#: the source of an area's copy in another indeling starts with these words
_COPY_NOTE = "zelfde leden als in de indeling"


@dataclass(frozen=True)
class ProfileRow:
    """One indicator in a region profile, with reference values beside it."""

    indicator: Indicator
    period: int
    value: float | None
    status: str
    source_ref: str | None
    boundary_year: int
    gemeente_value: float | None = None
    nl_value: float | None = None
    lower: float | None = None
    upper: float | None = None
    disclosure: str | None = None
    series: tuple[tuple[int, float | None], ...] = ()


@dataclass(frozen=True)
class RegionProfile:
    region: Region
    gemeente: Region | None
    rows: list[ProfileRow] = field(default_factory=list)

    def by_theme(self) -> dict[str, list[ProfileRow]]:
        out: dict[str, list[ProfileRow]] = {}
        for row in self.rows:
            out.setdefault(row.indicator.theme, []).append(row)
        return out


def _reference_values(ref: pd.DataFrame, boundary_year: int) -> dict[tuple[str, str, int], float]:
    """(region, indicator, period) → value of the reference regions (gemeente, NL), the value in ``boundary_year``
    (the profiled region's indeling) first, else the newest indeling's."""
    refs: dict[tuple[str, str, int], float] = {}
    if ref.empty:
        return refs
    for r in ref.sort_values("boundary_year").itertuples(index=False):
        if r.value != r.value:  # NaN
            continue
        key = (r.region, r.indicator, int(r.period))
        if key not in refs or r.boundary_year == boundary_year:
            refs[key] = float(r.value)
    return refs


def _no_nan(v):
    """A missing text value (NaN after pandas combined frames) → ``None``."""
    return None if isinstance(v, float) and v != v else v


def _nan_to_none(v):
    if v is None:
        return None
    try:
        return None if np.isnan(v) else float(v)
    except TypeError:
        return v


class Monitor:
    """Kansenmonitor's core: regions, indicators and observations, read through one object."""

    def __init__(self, store: Store, catalogue: Catalogue | None = None, home: Path | None = None):
        self.store = store
        self.home = home or default_home()
        self.catalogue = catalogue or load_catalogue(home=self.home)

    @classmethod
    def open(cls, home: str | Path | None = None, url: str | None = None, create: bool = True) -> Monitor:
        home_path = Path(home).expanduser() if home else default_home()
        store = Store.open(url=url, home=home_path, create=create)
        from .programme import stored

        stored.bind(store)  # programmes edited online are read from this store (see programme.stored)
        return cls(store, home=home_path)

    def close(self) -> None:
        from .programme import stored

        stored.unbind(self.store)
        self.store.close()

    # -- setup ---------------------------------------------------------------------------------------
    def sync_catalogue(self) -> int:
        with self.store.transaction() as w:
            return w.upsert_indicators(self.catalogue)

    # -- imports -------------------------------------------------------------------------------------
    def known_regions(self) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for code, year in self.store.region_keys():
            out.setdefault(code, set()).add(year)
        return out

    def known_names(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for r in self.store.regions():
            if r.name and r.name != r.code:
                out[r.code] = r.name
        return out

    def read_file(self, kind: str, path: str | Path, **opts) -> ImportBatch:
        """Read and validate a file of the given kind; nothing is written.

        Whatever a malformed file makes a parser raise becomes an :class:`ImportValidationError` naming the file,
        so no traceback reaches a user."""
        path = Path(path)
        if not path.exists():
            raise ImportValidationError([Issue(str(path), None, None, "bestand niet gevonden", "controleer het pad")])
        if kind not in IMPORT_KINDS:
            raise ValueError(f"onbekende soort import '{kind}'; kies uit {', '.join(IMPORT_KINDS)}")
        try:
            return self._read_file(kind, path, **opts)
        except KansenmonitorError:
            raise
        except (MemoryError, RecursionError) as exc:
            raise ImportValidationError([Issue(str(path), None, None, "het bestand is te groot of te diep genest om "
                                               "te lezen", "lever het in delen of als CSV")]) from exc
        except Exception as exc:  # noqa: BLE001 - a parser's own error types differ per format and version
            raise ImportValidationError([Issue(
                str(path), None, None, f"het bestand kan niet worden gelezen als {IMPORT_KIND_NL.get(kind, kind)} "
                f"({type(exc).__name__})", "controleer of het bestand volledig is en het goede formaat heeft; sla "
                "het zo nodig opnieuw op vanuit het programma waarmee het is gemaakt")]) from exc

    def _read_file(self, kind: str, path: Path, **opts) -> ImportBatch:
        from .sources import boundaries, statline, tabular, wbk

        if kind == "statline":
            return statline.read_statline(
                path, self.catalogue, table=opts.pop("table"), known_names=self.known_names(), **opts
            )
        if kind == "wbk":
            return wbk.read_wbk(path, self.catalogue, known_names=self.known_names(), **opts)
        if kind == "wide":
            return tabular.read_wide(path, opts.pop("mapping"), self.catalogue, self.known_regions(), **opts)
        if kind == "long":
            return tabular.read_long(path, self.catalogue, self.known_regions(), **opts)
        if kind == "boundaries":
            return boundaries.read_boundaries(path, known_names=self.known_names(), **opts)
        raise ValueError(f"onbekende soort import '{kind}'; kies uit {', '.join(IMPORT_KINDS)}")

    def import_file(
        self, kind: str, path: str | Path, *, create_regions: bool | None = None, replace_with_missing: bool = False,
        **opts,
    ) -> dict:
        """Read, validate and write one file, all or nothing. Returns counts and warnings.

        Only a boundary file creates regions by default (it is the definition of an indeling); other files
        create the regions they bring only with ``create_regions=True``. An empty cell erases a measured value
        only with ``replace_with_missing=True``."""
        batch = self.read_file(kind, path, **opts)
        result = self.apply(batch, create_regions=(kind == "boundaries") if create_regions is None else create_regions,
                            replace_with_missing=replace_with_missing)
        result["warnings"] = batch.warnings
        return result

    def apply(self, batch: ImportBatch, *, create_regions: bool = False, replace_with_missing: bool = False) -> dict:
        return apply_batch(self.store, batch, self.catalogue, create_regions=create_regions,
                           replace_with_missing=replace_with_missing)

    # -- custom areas --------------------------------------------------------------------------------
    def load_areas(self, path: str | Path) -> list[Region]:
        """Validate an areas file, store the areas and compute their aggregated observations.

        An area whose figures would let a reader recompute a withheld figure of one of its members (with
        the wijken, buurten and other areas already published) is refused, and nothing is loaded. Stadsdelen
        are the exception: they are the gemeente's own division, not drawn around a question, so a stadsdeel's
        figure that would give a member away is withheld (secondary suppression) instead."""
        areas = parse_areas_file(Path(path), self.store.region_keys())
        areas = areas + self._in_other_indelingen(areas)
        extra = self._area_aggregates(areas)
        ledger = self._build_ledger(extra, extra_regions=areas,
                                    refusable=[a for a in areas if a.level != Level.STADSDEEL])
        if ledger.refusals:
            raise DefinitionError(self._refusal_issues(Path(path), areas, ledger.refusals),
                                  f"Het gebiedenbestand {Path(path).name} is niet geladen: een gebied zou "
                                  "afgeschermde cijfers uit te rekenen maken.")
        with self.store.transaction() as w:
            w.upsert_regions(areas)
            w.upsert_links(self._area_links(areas))
        self.refresh_aggregates(areas)
        return [a for a in areas if not a.source or not a.source.startswith(_COPY_NOTE)]

    def _in_other_indelingen(self, areas: Sequence[Region]) -> list[Region]:
        """The same areas in every other indeling in which each member continues under a 'same' link (Enschede's
        buurten of 2024 are those of 2020): so that figures published on that indeling (RIVM health 2020)
        reach the area too, aggregated and checked for disclosure within their own indeling."""
        years = set(self.store.boundary_years())
        keys = self.store.region_keys()
        out: list[Region] = []
        for a in areas:
            linked = [set(self.linked_codes(m, a.boundary_year)) for m in a.members]
            for year in sorted(years - {a.boundary_year}):
                if linked and all((m, year) in keys and (m, year) in ln for m, ln in zip(a.members, linked,
                                                                                        strict=True)):
                    out.append(Region(a.code, a.name, a.level, year, parent=a.parent, members=a.members,
                                      source=f"{_COPY_NOTE} {a.boundary_year}: {a.source or ''}".strip(),
                                      note=a.note))
        return out

    @staticmethod
    def _area_links(areas: Sequence[Region]) -> list[dict]:
        years: dict[str, list[int]] = {}
        for a in areas:
            years.setdefault(a.code, []).append(a.boundary_year)
        return [{"code": code, "boundary_year": y, "to_code": code, "to_boundary_year": z, "relation": "same",
                 "note": "eigen gebied met dezelfde leden in beide indelingen"}
                for code, ys in years.items() for y, z in zip(sorted(ys), sorted(ys)[1:], strict=False)]

    def own_area_observations(self, area: Region) -> pd.DataFrame:
        """The figures of an area that is not stored (a set of buurten drawn for one question), aggregated from
        its members and passed through disclosure control together with everything already published.

        Raises :class:`DefinitionError` when the area would let a reader recompute a withheld figure (the same
        check as :meth:`load_areas`); nothing is stored either way."""
        extra = self._area_aggregates([area])
        ledger = self._build_ledger(extra, extra_regions=[area])
        if ledger.refusals:
            raise DefinitionError(self._refusal_issues(Path("gebied"), [area], ledger.refusals),
                                  f"De cijfers van '{area.name}' kunnen niet worden getoond: met dit gebied zijn "
                                  "afgeschermde cijfers uit te rekenen.")
        if extra.empty:
            return extra
        return disclosure.apply(extra, self.catalogue.indicators, ledger=ledger)

    def _refusal_issues(self, path: Path, areas: Sequence[Region], refusals: list[dict]) -> list[Issue]:
        names = {r.code: r.name for r in areas}
        out: list[Issue] = []
        seen: set[tuple[str, str]] = set()
        for ref in refusals:
            if (ref["area"], ref["member"]) in seen:
                continue
            seen.add((ref["area"], ref["member"]))
            ind = self.catalogue[ref["indicator"]] if ref["indicator"] in self.catalogue else None
            try:
                member = self.store.region(ref["member"], ref["boundary_year"], with_geometry=False).name
            except UnknownRegionError:
                member = ref["member"]
            out.append(Issue(
                path.name, None, "members",
                f"met gebied '{names.get(ref['area'], ref['area'])}' en de cijfers die al getoond worden, is het "
                f"afgeschermde cijfer '{ind.label() if ind else ref['indicator']}' ({ref['period']}) van {member} "
                "uit te rekenen",
                f"neem {member} op samen met een ander gebied met afgeschermde cijfers, of laat {member} weg"))
        return out

    def _area_aggregates(self, areas: Sequence[Region]) -> pd.DataFrame:
        agg = self._aggregate_areas(areas)
        return agg[agg["status"].isin(_WITH_VALUE)] if not agg.empty else agg

    def _aggregate_areas(self, areas: Sequence[Region]) -> pd.DataFrame:
        """The aggregates of custom areas from their members, per indeling. Weights (inhabitants of an age
        group) that the members lack in an indeling come from the same codes in the indeling of the area file:
        health figures on the 2020 indeling are weighted by the inhabitants of 2024; they only weigh."""
        frames = []
        by_year: dict[int, list[Region]] = {}
        for a in areas:
            by_year.setdefault(a.boundary_year, []).append(a)
        weight_ids = sorted({t for i in self.catalogue for _sign, t in i.weight_terms})
        for year, group in by_year.items():
            members = sorted({m for a in group for m in a.members})
            obs = self.store.observations(regions=members, boundary_year=year)
            other = sorted({y for a in group if a.source and a.source.startswith(_COPY_NOTE)
                            for y in [int(a.source[len(_COPY_NOTE):].split(":")[0])]})
            weights = None
            if other:
                weights = self.store.observations(regions=members, indicators=weight_ids, boundary_year=other[0])
            agg = aggregation.aggregate(obs, self.catalogue, {a.code: a.members for a in group}, year, "deelgebieden",
                                        weight_obs=weights, max_missing_share=aggregation.AREA_MISSING_SHARE)
            frames.append(agg)
        frames = [f for f in frames if not f.empty]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=OBSERVATION_COLUMNS)

    def refresh_aggregates(self, areas: Sequence[Region]) -> int:
        """(Re)compute observations of custom areas from their members. An aggregate without a value is kept
        too: its source says why (members without a figure)."""
        agg = self._aggregate_areas(areas)
        if agg.empty:
            return 0
        with self.store.transaction() as w:
            return w.upsert_observations(agg[OBSERVATION_COLUMNS])

    def derive_ratios(self, boundary_year: int, indicators: Sequence[str] | None = None) -> int:
        """Compute ratio indicators (e.g. % 0-14 jaar) from their numerator and denominator where the
        store has no published value for them. Numerator and denominator are kept with the value."""
        targets = [
            i for i in self.catalogue
            if i.aggregation == Aggregation.RATIO and i.is_derived and (indicators is None or i.id in indicators)
        ]
        written = 0
        for ind in targets:
            obs = self.store.observations(indicators=[ind.numerator, ind.denominator, ind.id], boundary_year=boundary_year)
            if obs.empty:
                continue
            cols = ["region", "period", "value", "status"]
            num = obs[obs["indicator"] == ind.numerator][cols].rename(columns={"value": "num", "status": "s_num"})
            den = obs[obs["indicator"] == ind.denominator][cols].rename(columns={"value": "den", "status": "s_den"})
            have = obs[(obs["indicator"] == ind.id) & obs["value"].notna()][["region", "period"]]
            both = num.merge(den, on=["region", "period"])
            both = both.merge(have.assign(_have=1), on=["region", "period"], how="left")
            both = both[both["_have"].isna() & both["num"].notna() & both["den"].notna() & (both["den"] > 0)]
            if both.empty:
                continue
            frame = pd.DataFrame(
                {
                    "region": both["region"],
                    "boundary_year": boundary_year,
                    "indicator": ind.id,
                    "period": both["period"],
                    "value": both["num"] / both["den"] * ind.factor,
                    # a ratio with an estimated numerator or denominator is an estimate
                    "status": np.where((both["s_num"] == Status.ESTIMATED.value) | (both["s_den"] == Status.ESTIMATED.value),
                                       Status.ESTIMATED.value, Status.MEASURED.value),
                    "numerator": both["num"],
                    "denominator": both["den"],
                    "lower": np.nan,
                    "upper": np.nan,
                    "source_ref": f"kansenmonitor: {ind.numerator} / {ind.denominator} × {ind.factor:g}",
                }
            )
            with self.store.transaction() as w:
                w.upsert_indicators([ind])
                written += w.upsert_observations(frame)
        return written

    def fill_aggregates(self, boundary_year: int, child_level: str, parent_level: str,
                        gemeente: str | Sequence[str] | None = None) -> int:
        """Store re-aggregated values for parents where the source published none (e.g. crime per wijk)."""
        members = self.membership(boundary_year, child_level, parent_level, gemeente)
        if not members:
            return 0
        child_codes = sorted({m for ms in members.values() for m in ms})
        obs = self.store.observations(regions=child_codes, boundary_year=boundary_year)
        agg = aggregation.aggregate(obs, self.catalogue, members, boundary_year, f"{child_level}en")
        agg = agg[agg["status"].isin(_WITH_VALUE)]
        # a model estimate (RIVM health) is published per wijk by its source or not at all: never filled in here
        estimate = {i.id for i in self.catalogue if i.is_model_estimate}
        agg = agg[~agg["indicator"].isin(estimate)]
        if agg.empty:
            return 0
        have = self.store.observations(regions=sorted(members), boundary_year=boundary_year)
        have = have[have["value"].notna()]
        known = set(zip(have["region"], have["indicator"], have["period"], strict=True))
        mask = [k not in known for k in zip(agg["region"], agg["indicator"], agg["period"], strict=True)]
        new = agg[mask]
        with self.store.transaction() as w:
            return w.upsert_observations(new[OBSERVATION_COLUMNS])

    # -- aggregation check -----------------------------------------------------------------------------
    def membership(self, boundary_year: int, child_level: Level | str, parent_level: Level | str,
                   gemeente: str | Sequence[str] | None = None) -> dict[str, list[str]]:
        children = self.store.regions(level=child_level, boundary_year=boundary_year, gemeente=gemeente)
        parent_level = Level(parent_level)
        out: dict[str, list[str]] = {}
        for c in children:
            parent = c.parent if parent_level == Level.WIJK else c.gemeente
            if parent_level == Level.LAND:
                parent = "NL01"
            if parent:
                out.setdefault(parent, []).append(c.code)
        return out

    def aggregation_check(
        self,
        boundary_year: int = 2024,
        child_level: str = "buurt",
        parent_level: str = "wijk",
        gemeente: str | Sequence[str] | None = None,
        indicators: Sequence[str] | None = None,
    ) -> aggregation.Comparison:
        """Re-aggregate ``child_level`` to ``parent_level`` and compare with the published values."""
        members = self.membership(boundary_year, child_level, parent_level, gemeente)
        child_codes = sorted({m for ms in members.values() for m in ms})
        inds = [i for i in self.catalogue if indicators is None or i.id in indicators]
        needed = {i.id for i in inds} | {x for i in inds for x in (i.numerator, i.denominator) if x}
        needed |= {t for i in inds for _sign, t in i.weight_terms}
        obs = self.store.observations(regions=child_codes, boundary_year=boundary_year, indicators=sorted(needed))
        # compare only what was published (not derived by kansenmonitor)
        agg = aggregation.aggregate(obs, [self.catalogue[i] for i in needed if i in self.catalogue], members,
                                    boundary_year)
        agg = agg[agg["indicator"].isin([i.id for i in inds])]
        published = self.store.observations(regions=sorted(members), boundary_year=boundary_year)
        published = published[~published["source_ref"].fillna("").str.startswith("kansenmonitor")]
        agg = agg[agg.set_index(["region", "indicator", "period"]).index.isin(
            published.set_index(["region", "indicator", "period"]).index)]
        return aggregation.compare_with_published(agg, published, self.catalogue.indicators)

    # -- reading -----------------------------------------------------------------------------------------
    def regions(self, level=None, parent=None, boundary_year=None, gemeente=None, with_geometry=False) -> list[Region]:
        return self.store.regions(level=level, parent=parent, boundary_year=boundary_year, gemeente=gemeente,
                                  with_geometry=with_geometry)

    def region(self, code: str, boundary_year: int | None = None) -> Region:
        return self.store.region(code, boundary_year)

    def indicators(self, theme: str | None = None) -> list[Indicator]:
        return [i for i in self.catalogue if theme is None or i.theme == theme]

    def indicator(self, iid: str) -> Indicator:
        return self.catalogue[iid]

    def observations(self, public: bool = True, purpose: str = "publication", **filters) -> pd.DataFrame:
        """Observations as a long frame; ``public=True`` applies disclosure control. ``purpose="analysis"``
        is for the inputs of indices: cells withheld only by secondary suppression stay in (they are not
        printed from there; an analysis prints its inputs through :meth:`disclose`)."""
        obs = self.store.observations(**filters)
        if not public or obs.empty:
            return obs
        return self.disclose(obs, purpose=purpose)

    def disclose(self, obs: pd.DataFrame, purpose: str = "publication") -> pd.DataFrame:
        """Apply disclosure control: the store's ledger of withheld cells (see :mod:`analysis.disclosure`)."""
        ledger = self.disclosure_ledger()
        if purpose == "analysis":
            ledger = ledger.for_analysis()
        elif purpose != "publication":
            raise ValueError(f"unknown purpose {purpose!r}")
        return disclosure.apply(obs, self.catalogue.indicators, ledger=ledger)

    def disclosure_ledger(self) -> disclosure.Ledger:
        """Every withheld cell of the store and why; computed once per store content and cached."""
        stamp = self.store.change_stamp()
        cached = getattr(self, "_ledger", None)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        ledger = self._build_ledger()
        self._ledger = (stamp, ledger)
        return ledger

    def _build_ledger(self, extra_obs: pd.DataFrame | None = None, extra_regions: Sequence[Region] = (),
                      refusable: Sequence[Region] | None = None) -> disclosure.Ledger:
        """The ledger with ``extra_obs`` of ``extra_regions`` in place of what the store has for them; of those
        regions, ``refusable`` (all by default) are refused rather than suppressed when they give a member away."""
        obs = self.store.observations()
        replaced = {(r.code, r.boundary_year) for r in extra_regions}
        if replaced:
            own = pd.Series(list(zip(obs["region"], obs["boundary_year"].astype(int), strict=True)), index=obs.index)
            obs = obs[~own.isin(replaced)]
        if extra_obs is not None and not extra_obs.empty:
            obs = pd.concat([obs, extra_obs[OBSERVATION_COLUMNS]], ignore_index=True)
        regions = [r for r in self.store.regions(with_geometry=False) if (r.code, r.boundary_year) not in replaced]
        regions += list(extra_regions)
        counts = obs.loc[obs["indicator"] == "inwoners", ["region", "boundary_year", "period", "value"]].rename(
            columns={"value": "denominator"})
        hierarchy = disclosure.Hierarchy.from_regions(regions)
        return disclosure.build_ledger(obs, self.catalogue.indicators, counts, hierarchy,
                                       new_areas=[(r.code, r.boundary_year)
                                                  for r in (extra_regions if refusable is None else refusable)])

    def latest_boundary_year(self, code: str) -> int:
        years = self.store.boundary_years(code)
        if not years:
            raise UnknownRegionError(f"Gebied '{code}' is onbekend. Bekijk de lijst met 'kansenmonitor regions'.")
        return years[-1]

    def linked_codes(self, code: str, boundary_year: int) -> list[tuple[str, int]]:
        """The same area in other indelingen, following 'same' links both ways."""
        out = {(code, boundary_year)}
        frontier = [(code, boundary_year)]
        links = self.store.links(code)
        while frontier:
            c, y = frontier.pop()
            for link in links:
                if link["relation"] != "same":
                    continue
                for a, b in (((link["code"], link["boundary_year"]), (link["to_code"], link["to_boundary_year"])),
                             ((link["to_code"], link["to_boundary_year"]), (link["code"], link["boundary_year"]))):
                    if a == (c, y) and b not in out:
                        out.add(b)
                        frontier.append(b)
        return sorted(out, key=lambda k: k[1])

    def profile(self, code: str, boundary_year: int | None = None, period: int | None = None,
                public: bool = True) -> RegionProfile:
        """Every indicator of a region (latest period, or ``period``), with gemeente and NL beside it."""
        region = self.region(code, boundary_year)
        keys = self.linked_codes(region.code, region.boundary_year)
        obs = self.store.observations(keys=keys)
        if public and not obs.empty:
            obs = self.disclose(obs)
        gm_code = region.gemeente if region.level != Level.GEMEENTE else None
        ref_codes = [c for c in (gm_code, "NL01") if c]
        ref = self.store.observations(regions=ref_codes) if ref_codes else pd.DataFrame(columns=OBSERVATION_COLUMNS)
        if public and not ref.empty:
            ref = self.disclose(ref)
        gemeente = self._gemeente_of(region)
        has_disclosure = "disclosure" in obs.columns
        return self._profile_of(region, gemeente, obs.to_dict("records"), _reference_values(ref, region.boundary_year),
                                period, has_disclosure)

    def profiles(self, regions: Sequence[Region], public: bool = True) -> dict[tuple[str, int], RegionProfile]:
        """The profiles of many regions at once, from one read of their observations and of their gemeenten and
        NL (and one pass of disclosure control): the same result as :meth:`profile` per region, much faster for a
        whole gemeente. Keyed by ``(code, boundary_year)``."""
        if not regions:
            return {}
        linked = {(r.code, r.boundary_year): self.linked_codes(r.code, r.boundary_year) for r in regions}
        all_keys = sorted({k for ks in linked.values() for k in ks})
        obs = self.store.observations(keys=all_keys)
        if public and not obs.empty:
            obs = self.disclose(obs)
        ref_codes = sorted({r.gemeente for r in regions if r.gemeente and r.level != Level.GEMEENTE} | {"NL01"})
        ref = self.store.observations(regions=ref_codes)
        if public and not ref.empty:
            ref = self.disclose(ref)
        has_disclosure = "disclosure" in obs.columns
        records: dict[tuple[str, int], list[dict]] = {}
        for rec in obs.to_dict("records"):
            records.setdefault((rec["region"], int(rec["boundary_year"])), []).append(rec)
        ref_refs: dict[int, dict] = {}
        gemeenten: dict[tuple[str, int], Region | None] = {}
        out = {}
        for r in regions:
            own = [rec for k in linked[(r.code, r.boundary_year)] for rec in records.get(k, ())]
            if r.boundary_year not in ref_refs:  # values of every gemeente and NL, own indeling first
                ref_refs[r.boundary_year] = _reference_values(ref, r.boundary_year)
            gkey = (r.gemeente or "", r.boundary_year)
            if gkey not in gemeenten:
                gemeenten[gkey] = self._gemeente_of(r)
            out[(r.code, r.boundary_year)] = self._profile_of(r, gemeenten[gkey], own, ref_refs[r.boundary_year],
                                                              None, has_disclosure)
        return out

    def _gemeente_of(self, region: Region) -> Region | None:
        gm_code = region.gemeente if region.level != Level.GEMEENTE else None
        if not gm_code:
            return None
        try:
            return self.region(gm_code, region.boundary_year)
        except UnknownRegionError:
            return None

    def _profile_of(self, region: Region, gemeente: Region | None, records: list[dict],
                    refs: dict[tuple[str, str, int], float], period: int | None,
                    has_disclosure: bool) -> RegionProfile:
        """A profile from the region's observation records and the reference values (see
        :func:`_reference_values`)."""
        gm_code = region.gemeente if region.level != Level.GEMEENTE else None
        rows: list[ProfileRow] = []
        if not records:
            return RegionProfile(region, gemeente, rows)
        # the region itself in every indeling where its code continues; per period the own indeling wins,
        # otherwise the newest indeling that has a value
        by_indicator: dict[str, dict[int, dict]] = {}
        for rec in records:
            slot = by_indicator.setdefault(rec["indicator"], {})
            p = int(rec["period"])
            old = slot.get(p)
            rank = (rec["value"] == rec["value"], rec["boundary_year"] == region.boundary_year, rec["boundary_year"])
            if old is None or rank > old["_rank"]:
                rec["_rank"] = rank
                slot[p] = rec
        for ind_id, per_period in by_indicator.items():
            if ind_id not in self.catalogue:
                continue
            ind = self.catalogue[ind_id]
            periods = sorted(pp for pp in per_period if period is None or pp <= period)
            if not periods:
                continue
            with_value = [pp for pp in periods if per_period[pp]["value"] == per_period[pp]["value"]]
            p = (with_value or periods)[-1]
            latest = per_period[p]
            series = tuple((pp, _nan_to_none(per_period[pp]["value"])) for pp in periods)
            rows.append(
                ProfileRow(
                    indicator=ind,
                    period=p,
                    value=_nan_to_none(latest["value"]),
                    status=str(latest["status"]),
                    source_ref=latest["source_ref"],
                    boundary_year=int(latest["boundary_year"]),
                    gemeente_value=refs.get((gm_code, ind_id, p)) if gm_code else None,
                    nl_value=refs.get(("NL01", ind_id, p)),
                    lower=_nan_to_none(latest["lower"]),
                    upper=_nan_to_none(latest["upper"]),
                    disclosure=_no_nan(latest.get("disclosure")) if has_disclosure else None,
                    series=series,
                )
            )
        rows.sort(key=lambda r: (r.indicator.theme, r.indicator.id))
        return RegionProfile(region, gemeente, rows)

    def matrix(self, level: str, indicators: Sequence[str], period: int | None = None,
               boundary_year: int | None = None, gemeente: str | Sequence[str] | None = None,
               public: bool = True) -> pd.DataFrame:
        """Regions × indicators (wide), the latest period per indicator unless ``period`` is given."""
        unknown = [i for i in indicators if i not in self.catalogue]
        if unknown:
            raise UnknownIndicatorError(f"Indicator(en) niet in de catalogus: {', '.join(unknown)}")
        obs = self.observations(public=public, level=level, boundary_year=boundary_year, gemeente=gemeente,
                                indicators=list(indicators), periods=[period] if period else None)
        if obs.empty:
            return pd.DataFrame(index=pd.Index([], name="region"), columns=list(indicators))
        obs = obs.sort_values("period")
        latest = obs[obs["value"].notna()].groupby(["region", "indicator"]).tail(1)
        wide = latest.pivot(index="region", columns="indicator", values="value")
        return wide.reindex(columns=list(indicators))
