"""Store access of the schools capability: write a validated batch in one transaction, read frames back.

Writes are all or nothing: a batch is checked against the register (unknown BRIN/vestiging, successors that
do not exist) before anything is written; then locations, areas, history, observations and klas counts go in
one transaction, and the "scholen in dit gebied" aggregates of the affected gemeenten are recomputed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import delete, select

from ..analysis import disclosure
from ..core.catalogue import parse_catalogue_file
from ..core.errors import ImportValidationError, Issue, KansenmonitorError
from ..core.model import Indicator
from ..store.store import _clean, _upsert
from . import tables as t
from .duo import LOCATION_COLUMNS, OBS_COLUMNS, SchoolBatch, read_school_file
from .locate import assign_areas, locate


class UnknownSchoolError(KansenmonitorError, LookupError):
    """A school code (BRIN + vestiging) the register does not know."""


@lru_cache(maxsize=1)
def school_indicators() -> dict[str, Indicator]:
    """The school-level indicator catalogue (``schools/indicators.yaml``)."""
    path = Path(str(resources.files("kansenmonitor.schools") / "indicators.yaml"))
    return {i.id: i for i in parse_catalogue_file(path)}


# -- reading -------------------------------------------------------------------------------------------
def register(monitor, gemeente: str | Sequence[str] | None = None, codes: Iterable[str] | None = None,
             boundary_year: int | None = None) -> pd.DataFrame:
    """The register joined with the buurt/wijk of the newest (or given) indeling. Index: code."""
    q = select(t.school_locations)
    if gemeente:
        gms = [gemeente] if isinstance(gemeente, str) else list(gemeente)
        q = q.where(t.school_locations.c.gemeente.in_(gms))
    if codes is not None:
        q = q.where(t.school_locations.c.code.in_(list(codes)))
    with monitor.store.engine.connect() as conn:
        loc = pd.DataFrame(conn.execute(q).mappings().all(), columns=[c.name for c in t.school_locations.columns])
        aq = select(t.school_areas)
        if boundary_year:
            aq = aq.where(t.school_areas.c.boundary_year == boundary_year)
        areas = pd.DataFrame(conn.execute(aq).mappings().all(), columns=[c.name for c in t.school_areas.columns])
    if not areas.empty:
        areas = areas.sort_values("boundary_year").groupby("code").tail(1)
        loc = loc.merge(areas[["code", "boundary_year", "buurt", "wijk"]], on="code", how="left")
    else:
        loc["boundary_year"], loc["buurt"], loc["wijk"] = np.nan, None, None
    return loc.set_index("code", drop=False).sort_values(["gemeente", "name"])


def areas_of(monitor, code: str) -> list[dict]:
    with monitor.store.engine.connect() as conn:
        rows = conn.execute(select(t.school_areas).where(t.school_areas.c.code == code)
                            .order_by(t.school_areas.c.boundary_year)).mappings().all()
    return [dict(r) for r in rows]


def history_of(monitor, code: str) -> list[dict]:
    h = t.school_history
    with monitor.store.engine.connect() as conn:
        rows = conn.execute(select(h).where((h.c.code == code) | (h.c.to_code == code)).order_by(h.c.year)).mappings().all()
    return [dict(r) for r in rows]


def observations(monitor, schools: Iterable[str] | None = None, indicators: Iterable[str] | None = None,
                 public: bool = True) -> pd.DataFrame:
    """School observations (long). ``public=True`` applies disclosure control (see :func:`disclose`)."""
    o = t.school_observations
    q = select(o)
    if schools is not None:
        q = q.where(o.c.school.in_(list(schools)))
    if indicators is not None:
        q = q.where(o.c.indicator.in_(list(indicators)))
    with monitor.store.engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(q).mappings().all(), columns=[c.name for c in o.columns])
    for c in ("value", "numerator", "denominator", "lower", "upper"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    if public:
        frame = disclose(frame)
    return frame


def disclose(frame: pd.DataFrame) -> pd.DataFrame:
    """Disclosure control for school figures: the project's one function (:func:`analysis.disclosure.apply`),
    with the pupils of the school as the count behind values without their own, plus one school rule: a share
    whose numerator is a count of 1 to min_count-1 pupils is withheld (it would give the small count away)."""
    inds = school_indicators()
    if frame.empty:
        out = frame.copy()
        out["disclosure"] = pd.Series(dtype=object)
        return out
    obs = frame.rename(columns={"school": "region"}).assign(boundary_year=0)
    pupils = obs[obs["indicator"].isin(["sch_leerlingen", "sch_leerlingen_bekostigd"])]
    counts = pupils.rename(columns={"value": "denominator_"})[["region", "boundary_year", "period", "denominator_"]]
    counts = counts.rename(columns={"denominator_": "denominator"})
    out = disclosure.apply(obs, inds, counts if not counts.empty else None)
    small = np.zeros(len(out), dtype=bool)
    for iid, ind in inds.items():
        if ind.numerator and ind.min_count:
            mask = (out["indicator"] == iid).to_numpy() & (out["numerator"].to_numpy(dtype=float) > 0) & (
                out["numerator"].to_numpy(dtype=float) < ind.min_count)
            small |= mask
    if small.any():
        out.loc[small, ["value", "numerator", "denominator", "lower", "upper"]] = np.nan
        out.loc[small, "status"] = "suppressed"
        out.loc[small, "disclosure"] = disclosure.WITHHELD_NOTE
    return out.rename(columns={"region": "school"}).drop(columns=["boundary_year"])


def groups(monitor, school: str) -> pd.DataFrame:
    g = t.school_groups
    with monitor.store.engine.connect() as conn:
        rows = conn.execute(select(g).where(g.c.school == school).order_by(g.c.period, g.c.klas)).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in g.columns])


def counts(monitor) -> dict[str, int]:
    from sqlalchemy import func

    out = {}
    with monitor.store.engine.connect() as conn:
        for name, table in (("scholen", t.school_locations), ("schoolwaarnemingen", t.school_observations),
                            ("schoolgebieden", t.school_areas), ("klasregels", t.school_groups)):
            out[name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
    return out


# -- writing -------------------------------------------------------------------------------------------
def _known(monitor) -> dict[str, str | None]:
    with monitor.store.engine.connect() as conn:
        rows = conn.execute(select(t.school_locations.c.code, t.school_locations.c.gemeente)).all()
    return {c: g for c, g in rows}


def _rows(frame: pd.DataFrame) -> list[dict]:
    recs = frame.astype(object).where(pd.notna(frame), None).to_dict("records")
    return [{k: _clean(v) for k, v in r.items()} for r in recs]


def _merge_locations(monitor, new: pd.DataFrame) -> pd.DataFrame:
    """Combine the file's locations with the stored ones: a newer list wins for name and address; years widen."""
    old = register(monitor, codes=list(new["code"])).reset_index(drop=True)
    if old.empty:
        return new
    old = old.set_index("code")[LOCATION_COLUMNS[1:]].astype(object)
    out = new.set_index("code")[LOCATION_COLUMNS[1:]].astype(object)
    both = out.index.intersection(old.index)
    if both.empty:
        return new
    o, n = old.loc[both], out.loc[both]
    o_last = pd.to_numeric(o["last_year"], errors="coerce").fillna(-1)
    n_last = pd.to_numeric(n["last_year"], errors="coerce").fillna(-1)
    newer = n_last >= o_last
    # a school that moved (new postcode in a newer list) is located again, unless the gemeente gave coordinates
    moved = newer & n["postcode"].notna() & (n["postcode"] != o["postcode"]) & (o["location_method"] != "file")
    merged = pd.DataFrame(index=both)
    for col in LOCATION_COLUMNS[1:]:
        nv, ov = n[col], o[col]
        if col == "first_year":
            merged[col] = pd.concat([pd.to_numeric(nv, errors="coerce"), pd.to_numeric(ov, errors="coerce")],
                                    axis=1).min(axis=1)
        elif col == "last_year":
            merged[col] = pd.concat([pd.to_numeric(nv, errors="coerce"), pd.to_numeric(ov, errors="coerce")],
                                    axis=1).max(axis=1)
        elif col == "status":
            merged[col] = nv.where(newer, ov)
        elif col in ("lat", "lon", "location_method"):
            merged[col] = nv.where(nv.notna(), ov.where(~moved, None))
        else:
            merged[col] = nv.where(newer & nv.notna(), ov.where(ov.notna(), nv))
    out.loc[both] = merged[LOCATION_COLUMNS[1:]].to_numpy()
    return out.reset_index()


def apply_batch(monitor, batch: SchoolBatch, gemeenten: Sequence[str] | None = None,
                skip_unknown: bool = False, data_dir: Path | None = None) -> dict:
    """Write one validated school file, all or nothing. ``gemeenten`` limits the observations kept (the
    register itself keeps every location); ``skip_unknown`` skips rows of codes the register does not know
    (with a warning) instead of refusing the file."""
    known = _known(monitor)
    issues: list[Issue] = []
    scope = set(gemeenten) if gemeenten else None
    result = {"soort": batch.kind, "bestand": Path(batch.file).name, "rijen": batch.rows, "waarschuwingen":
              list(batch.warnings)}
    locations = batch.locations
    if batch.kind in ("adressen", "leerlingen"):
        locations = _merge_locations(monitor, batch.locations)
        known.update(dict(zip(locations["code"], locations["gemeente"], strict=True)))
    elif batch.kind == "coordinaten":
        unknown = [c for c in locations["code"] if c not in known]
        for c in unknown:
            issues.append(Issue(batch.file, batch.rows_of.get(c), batch.key_field,
                                f"school '{c}' staat niet in het scholenregister",
                                "importeer eerst de adressenlijst van DUO met deze vestiging"))
        if not issues:
            base = register(monitor, codes=list(locations["code"])).reset_index(drop=True)[LOCATION_COLUMNS]
            base = base.set_index("code")
            upd = locations.set_index("code")
            base.loc[upd.index, ["lat", "lon", "location_method"]] = upd[["lat", "lon", "location_method"]].to_numpy()
            locations = base.reset_index()
    # successors and history must point to known codes
    for h in batch.history:
        if h["code"] not in known:
            issues.append(Issue(batch.file, h.get("_row") or batch.rows_of.get(h["code"]), batch.key_field,
                                f"school '{h['code']}' staat niet in het scholenregister",
                                "importeer eerst de adressenlijst of het leerlingenbestand met deze vestiging"))
        if h.get("to_code") and h["to_code"] not in known:
            issues.append(Issue(batch.file, h.get("_row"), "opvolger", f"opvolger '{h['to_code']}' staat niet in het "
                                "scholenregister", "een code gaat verder of houdt op; noem een bestaande vestiging"))
    obs = batch.observations
    grp = batch.groups
    if batch.kind not in ("adressen", "coordinaten", "geschiedenis") and (not obs.empty or not grp.empty):
        codes = pd.Series(sorted(set(obs["school"]) | set(grp["school"])))
        unknown = codes[~codes.isin(list(known))]
        if len(unknown) and skip_unknown:
            result["waarschuwingen"].append(
                f"{len(unknown)} vestigingen staan niet in het scholenregister en zijn overgeslagen "
                f"(bijvoorbeeld {', '.join(unknown[:5])}).")
            obs = obs[~obs["school"].isin(list(unknown))]
            grp = grp[~grp["school"].isin(list(unknown))]
        else:
            for c in unknown[:100]:
                issues.append(Issue(batch.file, batch.rows_of.get(c), batch.key_field,
                                    f"school '{c}' staat niet in het scholenregister",
                                    "controleer BRIN en vestigingsnummer, of importeer eerst de adressenlijst van "
                                    "DUO (kansenmonitor schools import <adressenbestand>)"))
        if scope is not None:
            in_scope = {c for c, g in known.items() if g in scope}
            before = len(obs)
            obs = obs[obs["school"].isin(in_scope)]
            grp = grp[grp["school"].isin(in_scope)]
            result["buiten_bereik"] = before - len(obs)
    located = None
    if batch.kind in ("adressen", "leerlingen", "coordinaten") and not issues:
        needs = locations[locations["gemeente"].isin(scope)] if scope is not None else locations
        located = locate(needs, monitor, data_dir)
        try:
            areas = assign_areas(located, monitor, batch.file, batch.rows_of)
        except ImportValidationError as exc:
            issues.extend(exc.issues)
            areas = None
        locations = locations.set_index("code")
        upd = located.set_index("code")[["lat", "lon", "location_method"]]
        locations.loc[upd.index, ["lat", "lon", "location_method"]] = upd.to_numpy()
        locations = locations.reset_index()
    if issues:
        raise ImportValidationError(issues, f"{Path(batch.file).name} is niet ingelezen: er is niets gewijzigd.")
    with monitor.store.transaction() as w:
        import_id = w.record_import("school", str(batch.file), batch.rows, len(obs),
                                    len(locations), batch.sha256, f"schoolbestand: {batch.kind}")
        if batch.kind in ("adressen", "leerlingen", "coordinaten") and not locations.empty:
            recs = _rows(locations.reindex(columns=LOCATION_COLUMNS))
            for r in recs:
                r["import_id"] = import_id
                r["status"] = r["status"] or "open"
                r["name"] = r["name"] or r["code"]
                r["sector"] = r["sector"] or "po"
                r["brin"] = r["brin"] or r["code"][:4]
                for k in ("first_year", "last_year"):
                    r[k] = int(r[k]) if r[k] is not None else None
            _upsert(w.conn, t.school_locations, recs, ["code"])
            result["scholen"] = len(recs)
        if located is not None and areas is not None:
            codes = list(located["code"])
            for start in range(0, len(codes), 500):
                w.conn.execute(delete(t.school_areas).where(t.school_areas.c.code.in_(codes[start:start + 500])))
            _upsert(w.conn, t.school_areas, _rows(areas), ["code", "boundary_year"])
            result["met_buurt"] = int(areas["code"].nunique()) if not areas.empty else 0
        if batch.history:
            hist = pd.DataFrame(batch.history).drop(columns=["_row"], errors="ignore")
            hist = hist.drop_duplicates(["code", "year", "event"], keep="last")
            _upsert(w.conn, t.school_history, _rows(hist), ["code", "year", "event"])
            for h in batch.history:
                if h["event"] in ("gesloten", "opgevolgd", "gefuseerd"):
                    w.conn.execute(t.school_locations.update().where(t.school_locations.c.code == h["code"])
                                   .values(status="gesloten"))
        if not obs.empty:
            o = obs.reindex(columns=OBS_COLUMNS).copy()
            o["import_id"] = import_id
            _upsert(w.conn, t.school_observations, _rows(o), ["school", "indicator", "period"])
        if not grp.empty:
            g = grp.drop(columns=["_row"], errors="ignore").copy()
            g["import_id"] = import_id
            keys = set(zip(g["school"], g["period"], strict=True))
            for s, p in keys:
                w.conn.execute(delete(t.school_groups).where((t.school_groups.c.school == s)
                                                             & (t.school_groups.c.period == int(p))))
            _upsert(w.conn, t.school_groups, _rows(g), ["school", "period", "klas", "category"])
    result["waarnemingen"] = int(len(obs))
    if not grp.empty:
        result["klasregels"] = int(len(grp))
    from .aggregate import refresh_area_aggregates

    result["gebiedswaarden"] = refresh_area_aggregates(monitor)
    return result


def import_file(monitor, path: str | Path, kind: str | None = None, year: int | None = None,
                gemeenten: Sequence[str] | None = None, skip_unknown: bool = False,
                data_dir: Path | None = None) -> dict:
    """Read, validate and write one school file (all or nothing)."""
    batch = read_school_file(path, kind, year)
    if data_dir is None:
        try:
            from ..demo import find_data_dir

            data_dir = find_data_dir()
        except KansenmonitorError:
            data_dir = None
    return apply_batch(monitor, batch, gemeenten, skip_unknown, data_dir)


def place_codes(monitor) -> set[str]:
    """The codes under which a programme names a school as an intervention's place (``SCHOOL-<code>``)."""
    from .profile import PLACE_PREFIX

    with monitor.store.engine.connect() as conn:
        return {PLACE_PREFIX + str(c) for c in conn.execute(select(t.school_locations.c.code)).scalars()}


def school(monitor, code: str) -> pd.Series:
    reg = register(monitor, codes=[code.upper()])
    if reg.empty:
        raise UnknownSchoolError(f"School '{code}' staat niet in het scholenregister. Gebruik de vestigingscode "
                                 "(BRIN + 2 cijfers, bijvoorbeeld 08UT00) uit de lijst met scholen.")
    return reg.iloc[0]
