"""Read an edge list (and an optional node file), check it, store it as a new version of a network (all or
nothing).

Edge file (CSV with ``;`` or ``,``, or XLSX; header row): ``source;target`` and optionally ``weight`` (a number
above 0, default 1) and ``type``. Node file: ``id`` and optionally ``label``, ``kind`` (e.g. organisation or
team) and ``area`` (a buurt or wijk code). The Dutch column names ``bron;doel;gewicht;soort`` and
``id;naam;soort;gebied`` are read too. Edges are undirected: A–B and B–A of the same type are the same edge.

Checks, each reported with file, row and field: an empty file, a missing column, an empty node id, an edge from
a node to itself, an edge to a node that the node file does not have (when there is a node file), the same edge
twice, a weight that is not a number or not above 0, a node id listed twice, an area code the store does not
know (when a store is given).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import delete, insert, select

from ..core.errors import ImportValidationError, Issue
from ..sources.common import read_csv_checked
from . import tables as t

MAX_ISSUES = 200
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
EDGE_COLUMNS = {"source": ("source", "bron", "van"), "target": ("target", "doel", "naar"),
                "weight": ("weight", "gewicht"), "type": ("type", "soort")}
NODE_COLUMNS = {"id": ("id",), "label": ("label", "naam"), "kind": ("kind", "soort"), "area": ("area", "gebied")}


@dataclass
class NetworkData:
    """A checked network, ready to store or analyse."""

    name: str
    title: str
    synthetic: bool
    description: str
    nodes: list[dict]  # id, label, kind, area
    edges: list[dict]  # source, target, weight, type
    files: list[str] = field(default_factory=list)
    sha256: str = ""


def _read(path: Path) -> tuple[pd.DataFrame, str]:
    if not path.exists():
        raise ImportValidationError([Issue(str(path), None, None, "het bestand is niet gevonden",
                                           "controleer de naam en de map")])
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        frame, _ = read_csv_checked(path)
    elif suffix in (".xlsx", ".xlsm"):
        from ..core.limits import check_zip_archive

        check_zip_archive(path)
        try:
            frame = pd.read_excel(path, dtype=str, sheet_name=0, keep_default_na=False)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ImportValidationError([Issue(path.name, None, None, f"het Excel-bestand kan niet worden gelezen "
                                               f"({type(exc).__name__})", "sla het opnieuw op als .xlsx")]) from None
        frame.columns = [str(c).strip() for c in frame.columns]
    else:
        raise ImportValidationError([Issue(path.name, None, None, f"bestanden van het soort '{suffix}' kan "
                                           "kansenmonitor niet lezen", "gebruik CSV of XLSX")])
    frame = frame.fillna("").astype(str).apply(lambda c: c.str.strip())
    if frame.empty:
        raise ImportValidationError([Issue(path.name, None, None, "het bestand heeft geen rijen",
                                           "zet onder de kopregel minstens één rij")])
    return frame, hashlib.sha256(path.read_bytes()).hexdigest()


def _columns(frame: pd.DataFrame, spec: dict[str, tuple[str, ...]], required: tuple[str, ...], file: str,
             issues: list[Issue]) -> dict[str, str]:
    lower = {c.lower(): c for c in frame.columns}
    found = {}
    for key, names in spec.items():
        for n in names:
            if n in lower:
                found[key] = lower[n]
                break
        else:
            if key in required:
                issues.append(Issue(file, 1, key, f"de kolom '{key}' ontbreekt (of '{names[1]}')" if len(names) > 1
                                    else f"de kolom '{key}' ontbreekt",
                                    f"zet een kolom met de naam '{names[0]}' in de kopregel"))
    return found


def read_network(edges_path: str | Path, nodes_path: str | Path | None = None, name: str | None = None,
                 title: str | None = None, synthetic: bool = False, description: str = "",
                 known_areas: set[str] | None = None) -> NetworkData:
    """Read and check the files; raise :class:`ImportValidationError` with every problem found."""
    edges_path = Path(edges_path)
    name = name or re.sub(r"[^a-z0-9-]+", "-", edges_path.stem.lower()).strip("-")[:80]
    issues: list[Issue] = []
    if not NAME_RE.match(name or ""):
        raise ImportValidationError([Issue(edges_path.name, None, "naam", f"'{name}' kan niet als naam van een "
                                           "netwerk", "gebruik kleine letters, cijfers en streepjes")])
    frames = {}
    sha = hashlib.sha256()
    ef, esha = _read(edges_path)
    sha.update(esha.encode())
    frames["edges"] = ef
    nodes: dict[str, dict] = {}
    files = [edges_path.name]
    if nodes_path is not None:
        nodes_path = Path(nodes_path)
        nf, nsha = _read(nodes_path)
        sha.update(nsha.encode())
        files.append(nodes_path.name)
        ncols = _columns(nf, NODE_COLUMNS, ("id",), nodes_path.name, issues)
        if "id" in ncols:
            for i, row in enumerate(nf.to_dict("records")):
                r = i + 2
                nid = row[ncols["id"]]
                if not nid:
                    issues.append(Issue(nodes_path.name, r, ncols["id"], "de id is leeg", "vul een id in"))
                    continue
                if nid in nodes:
                    issues.append(Issue(nodes_path.name, r, ncols["id"], f"de id '{nid}' staat er twee keer in "
                                        f"(ook in rij {nodes[nid]['_row']})", "houd één rij per knoop"))
                    continue
                area = row.get(ncols.get("area", ""), "") or None
                if area and known_areas is not None and area not in known_areas:
                    issues.append(Issue(nodes_path.name, r, ncols["area"], f"het gebied '{area}' is niet bekend",
                                        "gebruik een buurt- of wijkcode, bijvoorbeeld WK015306"))
                nodes[nid] = {"id": nid, "label": row.get(ncols.get("label", ""), "") or nid,
                              "kind": row.get(ncols.get("kind", ""), "") or None, "area": area, "_row": r}
    ecols = _columns(ef, EDGE_COLUMNS, ("source", "target"), edges_path.name, issues)
    edges: list[dict] = []
    seen: dict[tuple, int] = {}
    if "source" in ecols and "target" in ecols:
        for i, row in enumerate(ef.to_dict("records")):
            r = i + 2
            s, tg = row[ecols["source"]], row[ecols["target"]]
            bad = False
            for key, v in (("source", s), ("target", tg)):
                if not v:
                    issues.append(Issue(edges_path.name, r, ecols[key], "de knoop is leeg", "vul een id in"))
                    bad = True
                elif nodes_path is not None and v not in nodes:
                    issues.append(Issue(edges_path.name, r, ecols[key], f"de knoop '{v}' staat niet in het "
                                        "knopenbestand", "voeg de knoop toe aan het knopenbestand of verbeter de id"))
                    bad = True
            if s and s == tg:
                issues.append(Issue(edges_path.name, r, ecols["target"], f"de verbinding gaat van '{s}' naar "
                                    "zichzelf", "haal de rij weg; een knoop kan niet met zichzelf verbonden zijn"))
                bad = True
            weight = 1.0
            wtext = row.get(ecols.get("weight", ""), "") if "weight" in ecols else ""
            if wtext:
                try:
                    weight = float(wtext.replace(",", "."))
                except ValueError:
                    issues.append(Issue(edges_path.name, r, ecols["weight"], f"het gewicht '{wtext}' is geen getal",
                                        "schrijf een getal groter dan 0, of laat het leeg (dan 1)"))
                    bad = True
                else:
                    if not weight > 0 or weight != weight or weight == float("inf"):
                        issues.append(Issue(edges_path.name, r, ecols["weight"], f"het gewicht {wtext} is niet "
                                            "groter dan 0", "schrijf een getal groter dan 0, of haal de rij weg"))
                        bad = True
            kind = (row.get(ecols["type"], "") if "type" in ecols else "") or None
            key = (min(s, tg), max(s, tg), kind)
            if s and tg and s != tg and key in seen:
                issues.append(Issue(edges_path.name, r, ecols["source"], f"de verbinding tussen '{s}' en '{tg}' "
                                    f"staat er twee keer in (ook in rij {seen[key]})",
                                    "houd één rij per verbinding; tel gewichten bij elkaar op"))
                bad = True
            if not bad:
                seen[key] = r
                edges.append({"source": s, "target": tg, "weight": weight, "type": kind})
            if len(issues) >= MAX_ISSUES:
                break
    if issues:
        raise ImportValidationError(issues, f"Het netwerk '{name}' is niet ingelezen: er is niets gewijzigd.")
    if nodes_path is None:
        for e in edges:
            for v in (e["source"], e["target"]):
                nodes.setdefault(v, {"id": v, "label": v, "kind": None, "area": None})
    node_list = [{k: v for k, v in n.items() if k != "_row"} for n in nodes.values()]
    return NetworkData(name, title or name, synthetic, description, node_list, edges, files, sha.hexdigest())


def store_network(monitor, net: NetworkData) -> dict:
    """Save the checked network as its next version (the previous version is replaced)."""
    with monitor.store.transaction() as wr:
        conn = wr.conn
        old = conn.execute(select(t.network_graphs.c.version).where(t.network_graphs.c.name == net.name)).scalar()
        version = (old or 0) + 1
        for table in (t.network_edges, t.network_nodes):
            conn.execute(delete(table).where(table.c.network == net.name))
        conn.execute(delete(t.network_graphs).where(t.network_graphs.c.name == net.name))
        imported = datetime.now(UTC).isoformat(timespec="seconds")
        conn.execute(insert(t.network_graphs).values(
            name=net.name, version=version, title=net.title, synthetic=net.synthetic, description=net.description,
            files=json.dumps(net.files), sha256=net.sha256, imported_at=imported, nodes=len(net.nodes),
            edges=len(net.edges)))
        if net.nodes:
            conn.execute(insert(t.network_nodes), [{"network": net.name, **n} for n in net.nodes])
        if net.edges:
            conn.execute(insert(t.network_edges), [{"network": net.name, "seq": i, **e}
                                                   for i, e in enumerate(net.edges)])
    return {"naam": net.name, "versie": version, "knopen": len(net.nodes), "verbindingen": len(net.edges),
            "ingelezen": imported, "synthetisch": net.synthetic}


def import_network(monitor, edges_path: str | Path, nodes_path: str | Path | None = None, name: str | None = None,
                   title: str | None = None, synthetic: bool = False, description: str = "") -> dict:
    """Read, check against the store's areas, and store (all or nothing)."""
    known = {r.code for lvl in ("buurt", "wijk", "gemeente") for r in monitor.regions(level=lvl)}
    net = read_network(edges_path, nodes_path, name, title, synthetic, description, known)
    return store_network(monitor, net)
