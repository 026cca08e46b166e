"""Pages and ``/v1/netwerken`` resources of the networks capability (plug-in: ``register(app, v1)``).

Pages (Dutch first, ``?lang=en``; each with ``?format=json|csv``): ``/netwerken`` (the imported networks) and
``/netwerken/{naam}`` (an accessible drawing with a table twin: every node with its links, centrality, group
and whether it is a broker). API: ``/v1/netwerken`` and ``/v1/netwerken/{naam}``.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request

from ...networks import repository as repo
from ..api import ok, problem
from ..app import NotFound, lang_of, respond
from . import views as nv

NAV = [("/netwerken", "Netwerken", "Networks")]
router = APIRouter()
COLUMNS = ["network", "version", "synthetic", "node", "label", "kind", "area", "degree", "degree_centrality",
           "betweenness", "community", "component", "broker"]


@router.get("/netwerken")
def networks_page(request: Request):
    site = request.app.state.site
    lang = lang_of(request)
    nets = [nv.summary(n, lang) for n in repo.networks(site.monitor)]
    records = [{k: n[k] for k in ("name", "title", "version", "synthetic", "nodes", "edges", "imported_at")}
               for n in nets]
    return respond(request, "networks_list.html", {"networks": nets}, records,
                   ["name", "title", "version", "synthetic", "nodes", "edges", "imported_at"], "netwerken")


@router.get("/netwerken/{naam}")
def network_page(request: Request, naam: str):
    site = request.app.state.site
    lang = lang_of(request)
    try:
        view = nv.network_view(site, naam, lang)
    except repo.UnknownNetworkError as exc:
        raise NotFound("netwerk", str(exc), "/netwerken") from None
    net = view["network"]
    records = [{"network": net["name"], "version": net["version"], "synthetic": net["synthetic"], "node": n["id"],
                "label": n["label"], "kind": n["kind"], "area": n["area"], "degree": n["degree"],
                "degree_centrality": round(n["degree_centrality_value"], 4),
                "betweenness": round(n["betweenness_value"], 4), "community": n["community"],
                "component": n["component"], "broker": n["broker"]} for n in view["nodes"]]
    return respond(request, "networks_detail.html", view, records, COLUMNS, f"netwerk-{naam}")


def register_api(v1: FastAPI, site) -> None:
    @v1.get("/netwerken", summary="Ingelezen netwerken (bijvoorbeeld samenwerking tussen organisaties)")
    def api_networks(request: Request):
        items = [{"naam": n.name, "titel": n.title, "versie": n.version, "synthetisch": n.synthetic,
                  "knopen": n.n_nodes, "verbindingen": n.n_edges, "ingelezen": n.imported_at,
                  "_links": {"self": {"href": f"/v1/netwerken/{n.name}"}}} for n in repo.networks(site.monitor)]
        return ok({"netwerken": items})

    @v1.get("/netwerken/{naam}", summary="Ontleding van een netwerk: delen, centraliteit, groepen, verbinders")
    def api_network(request: Request, naam: str):
        try:
            net, a = repo.analysed(site.monitor, naam)
        except repo.UnknownNetworkError as exc:
            return problem(404, "Niet gevonden", str(exc), request.url.path)
        return ok({"naam": net.name, "titel": net.title, "versie": net.version, "synthetisch": net.synthetic,
                   "ingelezen": net.imported_at, "delen": a.components, "groepen": a.communities,
                   "modulariteit": a.modularity, "dichtheid": a.density,
                   "knopen": [{"id": n.id, "naam": n.label, "soort": n.kind, "gebied": n.area,
                               "verbindingen": n.degree, "graadcentraliteit": n.degree_centrality,
                               "tussenpositie": n.betweenness, "groep": n.community, "deel": n.component,
                               "verbinder": n.broker} for n in a.nodes],
                   "verbindingen": [{"van": u, "naar": v, "gewicht": w} for u, v, w in a.edges]})


def register(app: FastAPI, v1: FastAPI) -> None:
    app.include_router(router)
    register_api(v1, app.state.site)
