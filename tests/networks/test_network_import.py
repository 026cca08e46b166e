"""Edge-list import (all or nothing, Dutch messages with file/row/field) and the network analysis (checked on a
hand-computed small graph and on the demo network's structure)."""

from __future__ import annotations

import networkx as nx
import pytest

from kansenmonitor.core.errors import ImportValidationError
from kansenmonitor.networks import analysis, demo
from kansenmonitor.networks import repository as repo
from kansenmonitor.networks.importer import import_network, read_network


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("edges, nodes, expected", [
    ("source;target\na;a\n", None, ["rij 2, veld 'target'", "naar zichzelf"]),
    ("source;target;weight\na;b;0\n", None, ["rij 2, veld 'weight'", "niet groter dan 0"]),
    ("source;target;weight\na;b;-1,5\n", None, ["rij 2, veld 'weight'", "niet groter dan 0"]),
    ("source;target;weight\na;b;veel\n", None, ["rij 2, veld 'weight'", "geen getal"]),
    ("source;target\na;b\nb;a\n", None, ["rij 3, veld 'source'", "twee keer", "ook in rij 2"]),
    ("source;target\na;b\na;c\n", "id;label\na;A\nb;B\n", ["verbindingen.csv, rij 3, veld 'target'",
                                                          "'c' staat niet in het knopenbestand"]),
    ("source;target\na;b\n", "id;label\na;A\nb;B\na;A\n", ["knopen.csv, rij 4, veld 'id'", "twee keer"]),
    ("bron;eind\na;b\n", None, ["rij 1, veld 'target'", "ontbreekt"]),
    ("source;target\n", None, ["geen rijen"]),
    ("", None, ["leeg"]),
    ("source;target\na;b\n", "id;label;area\na;A;WK999999\nb;B;\n", ["knopen.csv, rij 2, veld 'area'",
                                                                     "'WK999999' is niet bekend"]),
])
def test_bad_input_names_file_row_field_and_stores_nothing(net_monitor, tmp_path, edges, nodes, expected):
    e = _write(tmp_path / "verbindingen.csv", edges)
    n = _write(tmp_path / "knopen.csv", nodes) if nodes is not None else None
    with pytest.raises(ImportValidationError) as info:
        import_network(net_monitor, e, n, name="test")
    text = str(info.value)
    for part in expected:
        assert part in text, text
    assert repo.networks(net_monitor) == []


def test_import_versions_and_read_back(net_monitor, tmp_path):
    e = _write(tmp_path / "v.csv", "bron;doel;gewicht;soort\na;b;2;\nb;c;1,5;\na;b;1;verwijzing\n")
    n = _write(tmp_path / "k.csv", "id;naam;soort;gebied\na;School A;school;BU99990101\nb;Wijkteam;wijkteam;\n"
                                   "c;Bieb;bibliotheek;WK999901\n")
    r1 = import_network(net_monitor, e, n, name="test", title="Test")
    assert (r1["versie"], r1["knopen"], r1["verbindingen"]) == (1, 3, 3)
    r2 = import_network(net_monitor, e, n, name="test", title="Test")
    assert r2["versie"] == 2
    net, a = repo.analysed(net_monitor, "test")
    assert net.version == 2 and net.imported_at and net.files == ["v.csv", "k.csv"]
    assert {(u, v) if u < v else (v, u): w for u, v, w in a.edges} == {("a", "b"): 3.0, ("b", "c"): 1.5}
    with pytest.raises(repo.UnknownNetworkError, match="niet ingelezen"):
        repo.network(net_monitor, "bestaat-niet")


def test_centrality_on_a_hand_computed_graph():
    """Two triangles joined by a path a–x–b, plus a separate pair (9 nodes). x lies on the one shortest path of
    each of the 3 × 3 pairs between the triangles: 9 of the C(8, 2) = 28 pairs of other nodes → 9/28. a lies on
    the paths from a1 and a2 to x, b, b1, b2: 8 pairs → 8/28."""
    edges = [("a", "a1"), ("a", "a2"), ("a1", "a2"), ("b", "b1"), ("b", "b2"), ("b1", "b2"), ("a", "x"), ("x", "b")]
    nodes = [{"id": v, "label": v} for v in ("a", "a1", "a2", "b", "b1", "b2", "x")]
    g = analysis.graph(nodes, [{"source": u, "target": v, "weight": 1} for u, v in edges] +
                       [{"source": "island", "target": "island2", "weight": 1}])
    a = analysis.analyse(g)
    by = {n.id: n for n in a.nodes}
    assert a.components == 2
    assert by["x"].betweenness == pytest.approx(9 / 28)
    assert by["a"].betweenness == pytest.approx(8 / 28) == pytest.approx(by["b"].betweenness)
    assert by["x"].degree == 2 and by["a"].degree == 3
    assert by["x"].degree_centrality == pytest.approx(2 / 8)
    assert by["a"].betweenness > by["a1"].betweenness == 0.0
    # the two triangles are two communities, the island a third
    assert by["a1"].community == by["a2"].community != by["b1"].community == by["b2"].community
    assert by["island"].community == by["island2"].community and by["island"].component == 2
    assert by["x"].broker and by["a"].broker and not by["a1"].broker


def test_demo_network_structure_and_agreement_with_networkx(tmp_path):
    ep, np_ = demo.write(tmp_path)
    again = demo.write(tmp_path / "again")
    assert ep.read_bytes() == again[0].read_bytes()  # seeded: the same files each time
    net = read_network(ep, np_, name=demo.NAME, synthetic=True)
    assert len(net.nodes) == 28 and all(n["kind"] for n in net.nodes)
    assert {n["kind"] for n in net.nodes} >= {"school", "wijkteam", "sportclub", "bibliotheek", "buurthuis"}
    a = analysis.analyse(analysis.graph(net.nodes, net.edges))
    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in net.nodes)
    g.add_edges_from((e["source"], e["target"]) for e in net.edges)
    assert a.components == nx.number_connected_components(g)
    sizes = sorted(len(c) for c in nx.connected_components(g))
    assert sorted({n.component for n in a.nodes}) == list(range(1, len(sizes) + 1))
    # the wijk-wide organisations are the brokers of the demo (by construction of the generator)
    top = [n for n in a.nodes if n.broker]
    assert any(n.kind == "wijkteam" for n in top[:3])
    assert sum(n.degree for n in a.nodes) == 2 * len(net.edges)
    assert {n.community for n in a.nodes} == set(range(1, a.communities + 1)) and a.communities >= 3
