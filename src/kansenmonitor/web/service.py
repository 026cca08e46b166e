"""The web app's read side: thin, cached views over :class:`~kansenmonitor.monitor.Monitor`.

Everything here reads through ``Monitor.observations(public=True)``, ``Monitor.profile()`` and
``Monitor.matrix()`` (which apply disclosure control) and only reshapes and caches. What does not
change while the server runs (catalogue, geometry, similarity models, profiles) is cached per process;
the cache is keyed on the store's content so a new import is picked up after :meth:`Site.clear`.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..analysis import disclosure
from ..analysis.similarity import InsufficientDataError, SimilarityModel, SimilarityResult
from ..core.errors import UnknownRegionError
from ..core.model import Level, Region
from ..monitor import Monitor, RegionProfile

MAP_LEVELS = ("wijk", "buurt", "pc4", "stadsdeel", "gebied")
#: levels of areas that are sets of wijken/buurten (their shape is the union of their members')
CUSTOM_LEVELS = ("stadsdeel", "gebied")
PROFILE_CACHE_SIZE = 4096  # profiles, views and pages of every area of the gemeenten in detail


@dataclass(frozen=True)
class MapRow:
    code: str
    name: str
    value: float | None
    status: str
    period: int | None
    boundary_year: int | None
    source_ref: str | None
    lower: float | None = None  # the published interval, where the source gives one (e.g. survey estimates)
    upper: float | None = None


class _Cache:
    """A small thread-safe LRU cache with a loader per key.

    Single-flight: when many requests want the same missing key at once (right after the store changed), one
    thread loads it and the others wait for that value instead of all building the same page at the same time.
    A value loaded while :meth:`clear` ran is handed to its callers but not kept (it may be from before the
    change)."""

    #: a waiter gives up waiting after this many seconds and loads the value itself (so that loaders that need
    #: each other's keys can never wait for each other for ever)
    WAIT_SECONDS = 30.0

    def __init__(self, size: int = 256):
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict = {}
        self._generation = 0

    def get(self, key, load: Callable):
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            loading = self._loading.get(key)
            if loading is None:
                loading = self._loading[key] = threading.Event()
                generation = self._generation
                owner = True
            else:
                owner = False
        if not owner:
            finished = loading.wait(self.WAIT_SECONDS)
            with self._lock:
                if key in self._data:
                    self._data.move_to_end(key)
                    return self._data[key]
            # the load failed (or was of before a clear): try again, now perhaps as the loader; waited too long:
            # load it here without waiting again
            return self.get(key, load) if finished else load()
        try:
            value = load()
            with self._lock:
                if generation == self._generation:
                    self._data[key] = value
                    while len(self._data) > self.size:
                        self._data.popitem(last=False)
            return value
        finally:
            with self._lock:
                if self._loading.get(key) is loading:
                    del self._loading[key]
            loading.set()

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._loading = {}  # loads under way are of before the change: new requests load afresh
            self._generation += 1

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._data


def publishable(value, status) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return disclosure.is_publishable(float(value), str(status))


#: how many answers of the open API a server process keeps (a page holds at most 1,000 observations)
API_CACHE_SIZE = 1024


class Site:
    """Cached read access for the web pages and the API."""

    #: How often (seconds) the site checks whether the store changed (an import, new areas, a decision).
    FRESHNESS_INTERVAL = 5.0

    def __init__(self, monitor: Monitor):
        self.monitor = monitor
        self._cache = _Cache(64)
        self._profiles = _Cache(PROFILE_CACHE_SIZE)
        self._api = _Cache(API_CACHE_SIZE)
        self._stamp = self._store_stamp()
        self._checked = time.monotonic()
        #: called (in a thread) with the site after the caches were dropped because the store changed
        self.on_refresh: Callable | None = None

    def clear(self) -> None:
        self._cache.clear()
        self._profiles.clear()
        self._api.clear()

    def _store_stamp(self) -> tuple:
        return self.monitor.store.change_stamp()

    def refresh_if_changed(self) -> bool:
        """Drop the caches when the store changed since the last check (at most every few seconds)."""
        now = time.monotonic()
        if now - self._checked < self.FRESHNESS_INTERVAL:
            return False
        self._checked = now
        stamp = self._store_stamp()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        self.clear()
        if self.on_refresh is not None:  # prepare the pages again, off the request that noticed the change
            threading.Thread(target=self.on_refresh, args=(self,), name="prepare", daemon=True).start()
        return True

    # -- catalogue and regions -------------------------------------------------------------------
    @property
    def catalogue(self):
        return self.monitor.catalogue

    def structural_indicators(self) -> list[str]:
        return [i.id for i in self.catalogue if i.structural]

    def all_regions(self) -> list[Region]:
        return self._cache.get("regions", lambda: self.monitor.regions())

    def region_index(self) -> dict[tuple[str, int], Region]:
        return self._cache.get("region_index", lambda: {(r.code, r.boundary_year): r for r in self.all_regions()})

    def region(self, code: str, boundary_year: int | None = None) -> Region:
        index = self.region_index()
        if boundary_year is not None:
            if (code, boundary_year) in index:
                return index[(code, boundary_year)]
            return self.monitor.region(code, boundary_year)  # raises with a helpful message
        newest = self.newest_boundary_years().get(code)
        if newest is None:
            raise UnknownRegionError(f"Gebied '{code}' is onbekend.")
        return index[(code, newest)]

    def newest_boundary_years(self) -> dict[str, int]:
        """Code → its newest indeling (a dict, so that looking up an area by code does not scan every area)."""
        def load() -> dict[str, int]:
            out: dict[str, int] = {}
            for c, y in self.region_index():
                out[c] = max(out.get(c, y), y)
            return out

        return self._cache.get("newest_boundary_years", load)

    def codes(self) -> set[str]:
        return self._cache.get("codes", lambda: {c for (c, _y) in self.region_index()})

    def home_gemeente(self) -> str | None:
        """The gemeente this installation is for (``KANSENMONITOR_GEMEENTE``, or the setting stored by
        ``init``/the demo); pages open on it."""
        import os

        code = os.environ.get("KANSENMONITOR_GEMEENTE")
        if code:
            return code.strip().upper()
        setting = self.monitor.store.get_document("setting", "gemeente")
        return (setting or {}).get("code")

    def detail_gemeenten(self) -> list[Region]:
        """Gemeenten that have wijken in the store: the ones a map and profiles make sense for. The
        installation's own gemeente comes first (pages default to the first), then the others by code."""

        def load():
            gms = sorted({r.gemeente for r in self.all_regions() if r.level == Level.WIJK and r.gemeente})
            home = self.home_gemeente()
            if home in gms:
                gms = [home] + [g for g in gms if g != home]
            return [self.region(g) for g in gms if g in self.codes()]

        return self._cache.get("detail_gemeenten", load)

    def boundary_years(self, level: str, gemeente: str | None = None) -> list[int]:
        return sorted({r.boundary_year for r in self.all_regions()
                       if r.level == level and (gemeente is None or r.gemeente == gemeente)})

    def map_boundary_year(self, level: str, gemeente: str) -> int | None:
        """The most recent indeling with geometry for this level (custom areas: their members')."""
        years = self.boundary_years(level, gemeente)
        geo = self.geometries(level, gemeente, years[-1]) if years else {}
        return years[-1] if years and geo else None

    def regions_of(self, level: str, gemeente: str | None = None, boundary_year: int | None = None) -> list[Region]:
        return [r for r in self.all_regions() if r.level == level
                and (gemeente is None or r.gemeente == gemeente)
                and (boundary_year is None or r.boundary_year == boundary_year)]

    # -- geometry --------------------------------------------------------------------------------
    def geometries(self, level: str, gemeente: str, boundary_year: int) -> dict[str, dict]:
        """code → GeoJSON geometry (WGS84, rounded to 5 decimals ≈ 1 m). Custom areas are the union
        of their members' shapes."""

        def load():
            if level in CUSTOM_LEVELS:
                areas = self.regions_of(level, gemeente, boundary_year)
                out = {}
                for area in areas:
                    members = [m for m in area.members]
                    member_geo = self.monitor.store.regions(codes=members, boundary_year=boundary_year,
                                                            with_geometry=True)
                    shapes = [json.loads(m.geometry) for m in member_geo if m.geometry]
                    if shapes:
                        out[area.code] = _union(shapes)
                return out
            regs = self.monitor.regions(level=level, gemeente=gemeente, boundary_year=boundary_year,
                                        with_geometry=True)
            return {r.code: _round_geometry(json.loads(r.geometry)) for r in regs if r.geometry}

        return self._cache.get(("geo", level, gemeente, boundary_year), load)

    def pc4_lookup(self):
        """The stored PC4 → buurt lookup (see :mod:`kansenmonitor.postcodes`)."""
        from ..postcodes import load_lookup

        return self._cache.get("pc4_lookup", lambda: load_lookup(self.monitor))

    # -- links between indelingen ------------------------------------------------------------------
    def same_as(self) -> dict[tuple[str, int], set[tuple[str, int]]]:
        """(code, year) → every (code, year) linked to it by 'same' links (connected components)."""

        def load():
            parent: dict = {}

            def find(x):
                while parent.setdefault(x, x) != x:
                    parent[x] = parent[parent[x]]
                    x = parent[x]
                return x

            for link in self.monitor.store.links():
                if link["relation"] == "same":
                    a = find((link["code"], link["boundary_year"]))
                    b = find((link["to_code"], link["to_boundary_year"]))
                    parent[a] = b
            groups: dict = {}
            for key in list(parent):
                groups.setdefault(find(key), set()).add(key)
            return {k: groups[find(k)] for k in parent}

        return self._cache.get("same_as", load)

    # -- map values ------------------------------------------------------------------------------
    def map_observations(self, indicator: str, level: str, gemeente: str, boundary_year: int) -> pd.DataFrame:
        """Public observations of one indicator for the regions of (level, gemeente, boundary_year),
        including values published on an earlier indeling for the same area ('same' links)."""

        def load():
            targets = {r.code for r in self.regions_of(level, gemeente, boundary_year)}
            obs = self.monitor.observations(public=True, level=level, gemeente=gemeente, indicators=[indicator])
            if obs.empty:
                return obs.assign(target=pd.Series(dtype=object))
            same = self.same_as()

            def target_of(code: str, year: int) -> str | None:
                if year == boundary_year:
                    return code if code in targets else None
                for c, y in same.get((code, year), ()):
                    if y == boundary_year and c in targets:
                        return c
                return None

            obs = obs.assign(target=[target_of(c, int(y)) for c, y in zip(obs["region"], obs["boundary_year"],
                                                                             strict=True)])
            obs = obs[obs["target"].notna()]
            obs = obs.assign(_own=(obs["boundary_year"] == boundary_year).astype(int))
            return obs.sort_values(["target", "period", "_own"]).drop_duplicates(["target", "period"], keep="last")

        return self._cache.get(("mapobs", indicator, level, gemeente, boundary_year), load)

    def wijk_outlines(self, gemeente: str, boundary_year: int) -> dict[str, dict]:
        """Per wijk, the union of its buurten of ``boundary_year``: an outline that matches the buurt map exactly
        (wijk boundaries of another year would leave stray fragments)."""
        from ..core.model import cbs_parent

        def load():
            by_wijk: dict[str, list[dict]] = {}
            for code, g in self.geometries("buurt", gemeente, boundary_year).items():
                wijk = cbs_parent(code)
                if wijk:
                    by_wijk.setdefault(wijk, []).append(g)
            return {w: _union(shapes) for w, shapes in by_wijk.items()}

        return self._cache.get(("wijk_outlines", gemeente, boundary_year), load)

    def data_levels(self, gemeente: str) -> dict[str, dict[str, int]]:
        """Per indicator, the levels (gemeente, wijk, buurt, pc4) at which ``gemeente`` has a publishable value, with
        the newest year: so a picker can say "geen gegevens op dit niveau" and where the figure does exist."""

        def load():
            out: dict[str, dict[str, int]] = {}
            for level in ("gemeente", "wijk", "buurt", "pc4", *CUSTOM_LEVELS):
                obs = self.monitor.observations(public=True, level=level, gemeente=gemeente)
                if obs.empty:
                    continue
                obs = obs[obs["value"].notna()]
                for iid, year in obs.groupby("indicator")["period"].max().items():
                    out.setdefault(str(iid), {})[level] = int(year)
            return out

        return self._cache.get(("data_levels", gemeente), load)

    def map_periods(self, indicator: str, level: str, gemeente: str, boundary_year: int) -> list[int]:
        obs = self.map_observations(indicator, level, gemeente, boundary_year)
        if obs.empty:
            return []
        return sorted(int(p) for p in obs.loc[obs["value"].notna(), "period"].unique())

    def map_rows(self, indicator: str, level: str, gemeente: str, boundary_year: int,
                 period: int | None) -> list[MapRow]:
        obs = self.map_observations(indicator, level, gemeente, boundary_year)
        regions = sorted(self.regions_of(level, gemeente, boundary_year), key=lambda r: r.name)
        sel = obs[obs["period"] == period] if (period is not None and not obs.empty) else obs.iloc[0:0]
        by_code = {row.target: row for row in sel.itertuples()}
        out = []
        for r in regions:
            row = by_code.get(r.code)
            if row is None:
                out.append(MapRow(r.code, r.name, None, "missing", period, None, None))
                continue
            ok = publishable(row.value, row.status)
            lo, hi = getattr(row, "lower", None), getattr(row, "upper", None)
            interval = ok and lo is not None and hi is not None and not (pd.isna(lo) or pd.isna(hi))
            out.append(MapRow(r.code, r.name, float(row.value) if ok else None,
                              str(row.status) if ok or row.status != "measured" else "missing",
                              int(row.period), int(row.boundary_year), row.source_ref,
                              float(lo) if interval else None, float(hi) if interval else None))
        return out

    # -- profiles --------------------------------------------------------------------------------
    def profile(self, code: str, boundary_year: int | None = None) -> RegionProfile:
        region = self.region(code, boundary_year)
        return self._profiles.get(("profile", region.code, region.boundary_year),
                                  lambda: self.monitor.profile(region.code, region.boundary_year))

    def cached_api(self, key, load: Callable):
        """One answer of the open API (its page of items), kept until the store changes (:meth:`refresh_if_changed`
        drops it with the other caches): the same query again does not ask the store nor disclose again."""
        return self._api.get(key, load)

    def cached_view(self, key, load: Callable):
        """A page's view model (or rendered body), cached like the profiles it is built from."""
        return self._profiles.get(key, load)

    # -- similar areas ---------------------------------------------------------------------------
    def similarity_model(self, level: str, boundary_year: int) -> SimilarityModel:
        def load():
            frame = self.monitor.matrix(level, self.structural_indicators(), boundary_year=boundary_year)
            return SimilarityModel(frame)

        return self._cache.get(("similarity", level, boundary_year), load)

    def similar(self, region: Region, k: int = 5) -> tuple[SimilarityResult | None, str | None]:
        """The similar areas of a region, or ``None`` and the reason why they cannot be given."""
        try:
            model = self.similarity_model(str(region.level), region.boundary_year)
            if region.code not in model.codes:
                return None, "no_data"
            return model.similar(region.code, k=k), None
        except InsufficientDataError:
            return None, "too_few"

    def similar_means(self, region: Region, result: SimilarityResult | None) -> dict[tuple[str, int], float]:
        """(indicator, period) → mean over the similar areas that have a publishable value."""
        if result is None or not result.neighbours:
            return {}
        sums: dict[tuple[str, int], list[float]] = {}
        for n in result.neighbours:
            prof = self.profile(n.code, region.boundary_year)
            for row in prof.rows:
                if publishable(row.value, row.status):
                    sums.setdefault((row.indicator.id, row.period), []).append(float(row.value))
        return {k: sum(v) / len(v) for k, v in sums.items()}

    def areas_in_detail(self, newest: bool | None = None) -> list[Region]:
        """The wijken, buurten and own areas of the gemeenten shown in detail; ``newest=True``: only each code's
        newest indeling (the one links open), ``False``: only the older ones, ``None``: all."""
        regions = [r for gm in self.detail_gemeenten() for level in MAP_LEVELS for r in self.regions_of(level, gm.code)]
        if newest is None:
            return regions
        latest: dict[str, int] = {}
        for r in regions:
            latest[r.code] = max(latest.get(r.code, r.boundary_year), r.boundary_year)
        return [r for r in regions if (r.boundary_year == latest[r.code]) == newest]

    def warm_up(self, views: Callable | None = None, langs: tuple[str, ...] = ("nl", "en"),
                regions: list[Region] | None = None) -> int:
        """Compute what the first visitors would otherwise wait for, from the store in bulk: the similarity models,
        then in one read the profiles of every wijk, buurt and own area of the gemeenten shown in detail and of
        their similar areas (whose means a profile shows), and — with ``views(site, region, lang)`` — each profile
        page's view in every language. ``regions``: only these areas. Returns the number of areas prepared."""
        regions = self.areas_in_detail() if regions is None else regions
        wanted = {(r.code, r.boundary_year): r for r in regions}
        for region in regions:
            try:
                result, _why = self.similar(region)
            except (LookupError, ValueError):
                continue
            for n in (result.neighbours if result else []):
                key = (n.code, region.boundary_year)
                if key not in wanted and key in self.region_index():
                    wanted[key] = self.region_index()[key]
        missing = [r for key, r in wanted.items() if ("profile",) + key not in self._profiles]
        for key, prof in self.monitor.profiles(missing).items():
            self._profiles.get(("profile",) + key, lambda prof=prof: prof)
        n = 0
        for region in regions:
            try:
                for lang in langs if views else ():
                    key = ("profile", region.code, region.boundary_year, lang)
                    self.cached_view(key, lambda region=region, lang=lang: views(self, region, lang))
            except (LookupError, ValueError):
                continue
            n += 1
        return n


def _round_coords(coords):
    if coords and isinstance(coords[0], (int, float)):
        return [round(coords[0], 5), round(coords[1], 5)]
    return [_round_coords(c) for c in coords]


def _round_geometry(geo: dict) -> dict:
    return {"type": geo["type"], "coordinates": _round_coords(geo["coordinates"])}


def _union(shapes: list[dict]) -> dict:
    from shapely.geometry import mapping, shape
    from shapely.ops import unary_union

    merged = unary_union([shape(s).buffer(0) for s in shapes])
    return _round_geometry(json.loads(json.dumps(mapping(merged))))

