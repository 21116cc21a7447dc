#!/usr/bin/python3
"""Makes networkx.json, the reference figures the Go tests compare against.

Run from valuechain/testdata with Debian's python3-networkx:

    /usr/bin/python3 networkx_golden.py > networkx.json

Two directed graphs: the ten-actor Bhairab footwear chain of
bhairab_actors.csv and bhairab_links.csv (links of every flow, parallel links
merged, as valuechain.Analyze builds its network), and a random graph of 200
nodes and 1,000 edges (G(n, m), seed 11) whose edges are written out too.
For each: degree, in- and out-degree centrality, and betweenness
centrality normalised and not.
"""
import csv
import json
import sys

import networkx as nx


def figures(g):
    return {
        "nodes": [str(v) for v in g.nodes()],
        "edges": [[str(u), str(v)] for u, v in g.edges()],
        "degree": {str(k): v for k, v in nx.degree_centrality(g).items()},
        "in_degree": {str(k): v for k, v in nx.in_degree_centrality(g).items()},
        "out_degree": {str(k): v for k, v in nx.out_degree_centrality(g).items()},
        "betweenness": {str(k): v for k, v in nx.betweenness_centrality(g, normalized=False).items()},
        "betweenness_normalized": {str(k): v for k, v in nx.betweenness_centrality(g, normalized=True).items()},
    }


def bhairab():
    g = nx.DiGraph()
    with open("bhairab_actors.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            g.add_node(row["id"])
    with open("bhairab_links.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            g.add_edge(row["from"], row["to"])
    return g


def main():
    random = nx.gnm_random_graph(200, 1000, seed=11, directed=True)
    out = {
        "networkx": nx.__version__,
        "bhairab": figures(bhairab()),
        "random200": figures(random),
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
