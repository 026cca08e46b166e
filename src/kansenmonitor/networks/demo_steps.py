"""Demo step of the networks capability: write the SYNTHETIC demo network (cooperation between organisations in
Enschede-Zuid, see :mod:`kansenmonitor.networks.demo`) and import it like any edge list."""

from __future__ import annotations

from ..demo import DemoContext


def load_network(context: DemoContext) -> None:
    from . import demo
    from .importer import import_network

    edges, nodes = demo.write(context.monitor.home / "netwerken")
    r = import_network(context.monitor, edges, nodes, name=demo.NAME, title=demo.TITLE, synthetic=True,
                       description=demo.DESCRIPTION)
    context.stats["network_edges"] = r["verbindingen"]


STEPS = [(1180, "Netwerk: samenwerking tussen organisaties in Enschede-Zuid (synthetisch)", load_network)]
