"""Loads a paperkg Neo4j import folder into Kuzu (an embedded Cypher database) and prints
what came back as JSON: node/edge counts, all paper titles, and a few MATCH results.

Usage: python3 kuzu_load.py NEO4J_DIR DB_DIR
"""
import json
import os
import sys

import kuzu

src, db_dir = sys.argv[1], sys.argv[2]
db = kuzu.Database(db_dir)
con = kuzu.Connection(db)


def f(name):
    return os.path.join(src, name).replace("'", "''")


def q(query):
    res = con.execute(query)
    rows = []
    while res.has_next():
        rows.append(res.get_next())
    return rows


q("CREATE NODE TABLE Paper(id STRING, title STRING, PRIMARY KEY(id))")
q(
    "CREATE NODE TABLE Entity(id STRING, name STRING, type STRING, aliases STRING, papers INT64,"
    " mentions INT64, idf DOUBLE, pagerank DOUBLE, community INT64, label STRING, PRIMARY KEY(id))"
)
q("CREATE REL TABLE MENTIONS(FROM Paper TO Entity, count INT64, role STRING, type STRING)")
q("CREATE REL TABLE SHARES_ENTITIES(FROM Paper TO Paper, weight DOUBLE, shared STRING, type STRING)")
q("CREATE REL TABLE CO_OCCURS_WITH(FROM Entity TO Entity, papers INT64, npmi DOUBLE, type STRING)")
# Columns are taken by position; quoted fields may hold newlines, which needs a serial reader.
opts = "(header=true, parallel=false)"
q(f"COPY Paper FROM (LOAD FROM '{f('papers.csv')}' {opts} RETURN `paperId:ID(Paper)`, title)")
q(f"COPY Entity FROM '{f('entities.csv')}' {opts}")
q(f"COPY MENTIONS FROM '{f('mentions.csv')}' {opts}")
q(f"COPY SHARES_ENTITIES FROM '{f('paper_links.csv')}' {opts}")
q(f"COPY CO_OCCURS_WITH FROM '{f('cooccurrences.csv')}' {opts}")

out = {
    "papers": q("MATCH (p:Paper) RETURN count(p)")[0][0],
    "entities": q("MATCH (e:Entity) RETURN count(e)")[0][0],
    "mentions": q("MATCH ()-[r:MENTIONS]->() RETURN count(r)")[0][0],
    "paper_links": q("MATCH ()-[r:SHARES_ENTITIES]->() RETURN count(r)")[0][0],
    "cooccurrences": q("MATCH ()-[r:CO_OCCURS_WITH]->() RETURN count(r)")[0][0],
    "titles": {r[0]: r[1] for r in q("MATCH (p:Paper) RETURN p.id, p.title")},
    "labels": sorted({r[0] for r in q("MATCH (e:Entity) RETURN e.label")}),
    "entity_papers": {
        r[0]: r[1]
        for r in q("MATCH (p:Paper)-[:MENTIONS]->(e:Entity) RETURN e.name, count(p)")
    },
    "proposed": sorted(
        [r[0], r[1]]
        for r in q("MATCH (p:Paper)-[m:MENTIONS]->(e:Entity) WHERE m.role = 'proposed' RETURN p.id, e.name")
    ),
}
print(json.dumps(out, ensure_ascii=False))
