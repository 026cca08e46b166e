"""Bulk editing via Excel: download the programme as the workbook that ``kansenmonitor programme export`` writes,
change it, upload it; the whole structure is replaced, validated all-or-nothing like ``programme import``, and only
when nobody saved the programme since the upload form was opened (its hidden version)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response

from ...accounts.policy import Target
from ...core.errors import DefinitionError, ValidationError, VersionConflict
from ...programme import editing as ed
from ...programme.io_xlsx import read_xlsx_unvalidated, write_xlsx
from ...programme.model import Programme
from ...programme.validate import check_programme
from ..accounts.guard import require
from ..app import XLSX_TYPE, render
from .editing import current_programme, done

#: what the history shows of an upload: how many of each
COUNTED = {"interventions": "interventies", "budget": "begrotingsregels", "ambitions": "ambities", "kansen": "kansen",
           "indicators": "indicatoren", "funding_sources": "financieringsbronnen", "narratives": "verhalen"}


def summary(programme: Programme, other: Programme | None = None) -> dict:
    out = {label: len(getattr(programme, name)) for name, label in COUNTED.items()}
    if other is not None:
        theirs = {i.id: ed.plain(i) for i in other.interventions}
        changed = [i.name for i in programme.interventions if theirs.get(i.id) != ed.plain(i)]
        if changed:
            out["gewijzigde interventies"] = "; ".join(changed)
    return out


def known(monitor) -> tuple[set[str], set[str] | None]:
    """What ``kansenmonitor programme load`` checks a file against: the catalogue and the areas (and schools) in
    the store (``None``: a store without areas checks codes for their form only)."""
    indicators = {i.id for i in monitor.catalogue}
    regions = {code for code, _ in monitor.store.region_keys()} or None
    if regions is not None:
        from ...schools.repository import place_codes

        regions |= place_codes(monitor)
    return indicators, regions


def _page(request: Request, programme: Programme, version: int, *, errors=None, conflict=None, status: int = 200):
    return render(request, "programme_edit_excel.html", {"programme": programme, "version": version,
                                                         "errors": errors or [], "conflict": conflict},
                  status_code=status)


def excel_page(request: Request, pid: str):
    version, programme = current_programme(request, pid)
    require(request, "edit_programme", Target(programme=pid))
    return _page(request, programme, version)


def excel_file(request: Request, pid: str):
    version, programme = current_programme(request, pid)
    require(request, "edit_programme", Target(programme=pid))
    with tempfile.TemporaryDirectory() as tmp:
        path = write_xlsx(programme, Path(tmp) / f"{pid}.xlsx")
        body = path.read_bytes()
    return Response(body, media_type=XLSX_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{pid}-versie-{version}.xlsx"'})


def _issues(exc: DefinitionError, name: str) -> list[dict]:
    out = []
    for i in exc.issues:
        where = Path(i.file).name if i.file else name
        if i.row is not None:
            where += f", rij {i.row}"
        if i.field:
            where += f", kolom {i.field}"
        out.append({"field": where, "anchor": None, "text": i.message + (f" — {i.hint}" if i.hint else "")})
    return out


async def post_excel(request: Request, pid: str):
    version_now, programme = current_programme(request, pid)
    who = require(request, "edit_programme", Target(programme=pid))
    form = await request.form()
    upload = form.get("bestand")
    started = form.get("versie")
    reason = str(form.get("reden") or "")
    no_file = [{"field": "Bestand", "anchor": "f-bestand",
                "text": "kies het Excel-bestand (.xlsx) met het programma"}]
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _page(request, programme, version_now, errors=no_file, status=400)
    name = Path(upload.filename).name
    data = await upload.read()
    if not name.lower().endswith(".xlsx"):
        return _page(request, programme, version_now, status=400, errors=[{
            "field": "Bestand", "anchor": "f-bestand", "text": f"'{name}' is geen .xlsx-bestand; sla het op als "
            "Excel-werkmap (.xlsx)"}])
    if str(started) != str(version_now):
        from .history import lines_of

        newest = lines_of(request.app.state.monitor.store.engine, pid, None)  # the programme's lines, newest first
        last = newest[0] if newest else None
        return _page(request, programme, version_now, status=409, conflict={
            "who": last["actor"] if last else None, "at": last["at"] if last else None})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            new = check_programme(read_xlsx_unvalidated(path), name, *known(request.app.state.monitor))
        except DefinitionError as exc:
            return _page(request, programme, version_now, errors=_issues(exc, name), status=400)
    if new.id != pid:
        return _page(request, programme, version_now, status=400, errors=[{
            "field": "Bestand", "anchor": "f-bestand", "text": f"dit bestand is van het programma '{new.id}', niet van "
            f"'{pid}'; download het bestand van dit programma en pas dat aan"}])
    try:
        ed.save(request.app.state.monitor.store, new, version_now, who.actor, "programme.excel", "programme", pid,
                before=summary(programme), after=summary(new, programme), reason=reason or f"bestand {name}")
    except VersionConflict:
        return _page(request, programme, version_now, status=409, conflict={"who": None, "at": None})
    except ValidationError as exc:
        return _page(request, programme, version_now, status=400, errors=[
            {"field": i.field or "", "anchor": None, "text": i.message} for i in exc.issues])
    return done(request, f"/programmas/{pid}/bewerken")


def register(app: FastAPI) -> None:
    app.add_api_route("/programmas/{pid}/excel", excel_page, methods=["GET"])
    app.add_api_route("/programmas/{pid}/excel", post_excel, methods=["POST"])
    app.add_api_route("/programmas/{pid}/excel/bestand", excel_file, methods=["GET"])
