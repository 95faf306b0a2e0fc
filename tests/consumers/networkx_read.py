"""Reads paperkg's GraphML and node-link JSON with networkx and prints, as JSON, what it
sees: node and edge counts per kind, and the attributes of a few nodes.

Usage: python3 networkx_read.py GRAPHML NODELINK_JSON
"""
import collections
import json
import sys

import networkx as nx

graphml, nodelink = sys.argv[1], sys.argv[2]


def summary(g):
    kinds = collections.Counter(d.get("kind") for _, d in g.nodes(data=True))
    ekinds = collections.Counter(d.get("kind") for _, _, d in g.edges(data=True))
    nodes = {
        n: {k: d[k] for k in ("kind", "label", "type", "papers", "community") if k in d}
        for n, d in g.nodes(data=True)
    }
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "node_kinds": dict(kinds),
        "edge_kinds": dict(ekinds),
        "attrs": nodes,
    }


a = nx.read_graphml(graphml)
with open(nodelink, encoding="utf-8") as fh:
    b = nx.node_link_graph(json.load(fh), edges="links")
print(json.dumps({"graphml": summary(a), "nodelink": summary(b)}, ensure_ascii=False))
