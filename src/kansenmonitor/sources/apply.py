"""Write a validated :class:`ImportBatch` to the store, all or nothing."""

from __future__ import annotations

from dataclasses import replace

from ..core.catalogue import Catalogue
from ..core.errors import ImportValidationError, Issue
from ..core.model import Region
from ..store.store import Store
from . import validate
from .common import ImportBatch, IssueCollector


def merge_region(old: Region | None, new: Region) -> Region:
    """Combine what a file says about a region with what the store knows (never lose a name or geometry)."""
    if old is None:
        return new
    name = new.name if new.name and new.name != new.code else old.name
    return replace(
        new,
        name=name,
        parent=new.parent or old.parent,
        geometry=new.geometry or old.geometry,
        members=new.members or old.members,
        source=old.source if new.geometry is None and old.source else new.source,
        note=new.note or old.note,
    )


def apply_batch(
    store: Store, batch: ImportBatch, catalogue: Catalogue, *, create_regions: bool = False,
    replace_with_missing: bool = False,
) -> dict:
    """Write regions, links and observations of one batch in one transaction. Returns counts.

    The batch first passes :mod:`.validate` (values, denominators, "missing" over measured values, new regions):
    regions the store does not know are only created with ``create_regions``, and an empty cell only erases a
    measured value with ``replace_with_missing``."""
    found = IssueCollector(batch.file)
    validate.check_regions(batch, store, found, create_regions=create_regions)
    if not batch.observations.empty:
        validate.check_values(batch, catalogue, found)
        found.raise_if_any()
        validate.check_denominators(batch, catalogue, store, found)
        if not replace_with_missing:
            validate.check_missing_over_measured(batch, store, found)
    found.raise_if_any()
    known = store.region_keys()
    batch_keys = {(r.code, r.boundary_year) for r in batch.regions}
    obs = batch.observations
    if not obs.empty:
        keys = set(zip(obs["region"], obs["boundary_year"].astype(int), strict=True))
        missing = sorted(keys - known - batch_keys)
        if missing:
            raise ImportValidationError(
                [
                    Issue(batch.file, None, "region", f"gebied '{code}' (indeling {year}) is onbekend",
                          "importeer eerst de gebieden van die indeling")
                    for code, year in missing[:20]
                ]
            )
        unknown = sorted(set(obs["indicator"]) - set(catalogue.indicators))
        if unknown:
            raise ImportValidationError(
                [Issue(batch.file, None, "indicator", f"indicator '{i}' staat niet in de catalogus") for i in unknown]
            )
    existing = {}
    if batch.regions:
        existing = {
            (r.code, r.boundary_year): r
            for r in store.regions(codes=sorted({r.code for r in batch.regions}), with_geometry=True)
        }
    merged = [merge_region(existing.get((r.code, r.boundary_year)), r) for r in batch.regions]
    with store.transaction() as w:
        if not obs.empty:
            w.upsert_indicators(catalogue[i] for i in sorted(set(obs["indicator"])))
        w.upsert_regions(merged)
        if batch.links:
            w.upsert_links(batch.links)
        import_id = w.record_import(
            batch.kind, batch.file, batch.rows, len(obs), len(merged), batch.sha256, batch.note
        )
        n = w.upsert_observations(obs, import_id) if not obs.empty else 0
    return {"import_id": import_id, "observations": n, "regions": len(merged), "rows": batch.rows}
