//! Neo4j import files: node and relationship CSVs with `neo4j-admin database import`
//! headers, an `import.sh` running that command, and a `load.cypher` doing the same with
//! `LOAD CSV` for a running server.
//!
//! Header rules followed: `name:ID(Space)` with one ID space per node label (`Paper`,
//! `Entity`), `:LABEL` (several labels joined by `;`), `:START_ID(Space)`, `:END_ID(Space)`,
//! `:TYPE`, typed properties (`:int`, `:float`, `:string[]` with `;` between elements),
//! quotes doubled. Titles may contain commas, quotes and newlines (the import needs
//! `--multiline-fields=true`, which `import.sh` passes). A `;` inside an array element
//! would split it, so it is written as `,` there.

use super::{io_err, write_chunks, ExportError, Num};
use crate::graph::{capitalize, KnowledgeGraph};
use crate::util::write_atomic;
use std::fs;
use std::path::Path;

/// The files written, in the order the import reads them.
pub const NODE_FILES: [&str; 2] = ["papers.csv", "entities.csv"];
/// Relationship files with their relationship type.
pub const REL_FILES: [(&str, &str); 3] = [
    ("mentions.csv", "MENTIONS"),
    ("paper_links.csv", "SHARES_ENTITIES"),
    ("cooccurrences.csv", "CO_OCCURS_WITH"),
];

fn array(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let mut out = String::new();
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(&s.as_ref().replace(';', ","));
    }
    out
}

/// One CSV row under construction: fields are added to a csv writer over the chunk's
/// buffer, numbers formatted through one reused string.
struct Row<'w, 'b> {
    out: &'w mut csv::Writer<&'b mut Vec<u8>>,
    num: Vec<u8>,
}

impl Row<'_, '_> {
    fn field(&mut self, s: &str) {
        // Writing into memory cannot fail.
        let _ = self.out.write_field(s);
    }
    fn num(&mut self, x: impl Num) {
        self.num.clear();
        x.push_to(&mut self.num);
        let _ = self.out.write_field(&self.num);
    }
    fn end(&mut self) {
        let _ = self.out.write_record(None::<&[u8]>);
    }
}

/// Writes one CSV file: the header, then a row per item rendered by `row` (in parallel
/// chunks, see [`write_chunks`]). Quoting is decided per field, so chunks join into the
/// same bytes as one writer would produce.
fn write_csv<T: Sync>(
    path: &Path,
    header: &[&str],
    items: &[T],
    row: impl Fn(&mut Row, &T) + Sync,
) -> Result<(), ExportError> {
    let builder = || {
        let mut b = csv::WriterBuilder::new();
        b.terminator(csv::Terminator::Any(b'\n'));
        b
    };
    write_atomic(path, |w| {
        let mut head = Vec::new();
        {
            let mut out = builder().from_writer(&mut head);
            out.write_record(header).map_err(std::io::Error::other)?;
            out.flush()?;
        }
        w.write_all(&head)?;
        write_chunks(w, items, |buf, _, chunk| {
            let mut out = builder().from_writer(buf);
            let mut r = Row {
                out: &mut out,
                num: Vec::new(),
            };
            for item in chunk {
                row(&mut r, item);
                r.end();
            }
            let _ = out.flush();
        })
    })
    .map_err(io_err(path))
}

/// Writes the Neo4j import folder `dir` (created if needed).
pub fn write_neo4j(g: &KnowledgeGraph, dir: &Path) -> Result<(), ExportError> {
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    write_csv(
        &dir.join("papers.csv"),
        &["paperId:ID(Paper)", "title", ":LABEL"],
        &g.papers,
        |r, p| {
            r.field(&p.id);
            r.field(&p.title);
            r.field("Paper");
        },
    )?;
    let labels: std::collections::HashMap<&str, String> = g
        .entities
        .iter()
        .map(|e| e.etype.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|t| (t, format!("Entity;{}", g.type_style(t).label)))
        .collect();
    write_csv(
        &dir.join("entities.csv"),
        &[
            "entityId:ID(Entity)",
            "name",
            "type",
            "aliases:string[]",
            "papers:int",
            "mentions:int",
            "idf:float",
            "pagerank:float",
            "community:int",
            ":LABEL",
        ],
        &g.entities,
        |r, e| {
            r.field(&e.id);
            r.field(&e.name);
            r.field(&e.etype);
            r.field(&array(&e.aliases));
            r.num(e.papers);
            r.num(e.mentions);
            r.num(e.idf);
            r.num(e.pagerank);
            r.num(e.community);
            r.field(&labels[e.etype.as_str()]);
        },
    )?;
    let pid = |i: u32| g.papers[i as usize].id.as_str();
    let eid = |i: u32| g.entities[i as usize].id.as_str();
    write_csv(
        &dir.join("mentions.csv"),
        &[
            ":START_ID(Paper)",
            ":END_ID(Entity)",
            "count:int",
            "role",
            ":TYPE",
        ],
        &g.mentions,
        |r, m| {
            r.field(pid(m.paper));
            r.field(eid(m.entity));
            r.num(m.count);
            r.field(m.role.map(crate::extract::Role::as_str).unwrap_or_default());
            r.field("MENTIONS");
        },
    )?;
    write_csv(
        &dir.join("paper_links.csv"),
        &[
            ":START_ID(Paper)",
            ":END_ID(Paper)",
            "weight:float",
            "shared:string[]",
            ":TYPE",
        ],
        &g.paper_links,
        |r, l| {
            r.field(pid(l.a));
            r.field(pid(l.b));
            r.num(l.weight);
            r.field(&array(l.shared.iter().map(|&e| eid(e))));
            r.field("SHARES_ENTITIES");
        },
    )?;
    write_csv(
        &dir.join("cooccurrences.csv"),
        &[
            ":START_ID(Entity)",
            ":END_ID(Entity)",
            "papers:int",
            "npmi:float",
            ":TYPE",
        ],
        &g.cooccurrences,
        |r, c| {
            r.field(eid(c.a));
            r.field(eid(c.b));
            r.num(c.papers);
            r.num(c.npmi);
            r.field("CO_OCCURS_WITH");
        },
    )?;
    let script = import_script();
    let sh = dir.join("import.sh");
    write_atomic(&sh, |w| w.write_all(script.as_bytes())).map_err(io_err(&sh))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&sh, fs::Permissions::from_mode(0o755)).map_err(io_err(&sh))?;
    }
    let cypher = load_cypher(g);
    let cy = dir.join("load.cypher");
    write_atomic(&cy, |w| w.write_all(cypher.as_bytes())).map_err(io_err(&cy))
}

fn import_script() -> String {
    let mut s = String::from(
        "#!/bin/sh\n\
         # Imports this folder into a new, empty Neo4j database with neo4j-admin.\n\
         # Usage: ./import.sh [DATABASE]   (default: neo4j). Stop the database first;\n\
         # --overwrite-destination replaces an existing database of that name.\n\
         set -eu\n\
         cd \"$(dirname \"$0\")\"\n\
         DB=\"${1:-neo4j}\"\n\
         exec neo4j-admin database import full \\\n  --overwrite-destination=true \\\n  --multiline-fields=true \\\n  --array-delimiter=';' \\\n",
    );
    for f in NODE_FILES {
        s.push_str(&format!("  --nodes={f} \\\n"));
    }
    for (f, _) in REL_FILES {
        s.push_str(&format!("  --relationships={f} \\\n"));
    }
    s.push_str("  \"$DB\"\n");
    s
}

fn load_cypher(g: &KnowledgeGraph) -> String {
    let mut s = String::from(
        "// Loads the CSV files of this folder into a running Neo4j server with LOAD CSV.\n\
         // Copy the CSV files into the server's import directory, then run:\n\
         //   cypher-shell -f load.cypher\n\
         CREATE CONSTRAINT paper_id IF NOT EXISTS FOR (p:Paper) REQUIRE p.id IS UNIQUE;\n\
         CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE;\n\n\
         LOAD CSV WITH HEADERS FROM 'file:///papers.csv' AS row\n\
         CALL { WITH row MERGE (p:Paper {id: row.`paperId:ID(Paper)`}) SET p.title = row.title } IN TRANSACTIONS OF 10000 ROWS;\n\n",
    );
    let mut types: Vec<(String, String)> = g
        .types
        .iter()
        .map(|t| (t.name.clone(), t.label.clone()))
        .collect();
    for e in &g.entities {
        if !types.iter().any(|(n, _)| *n == e.etype) {
            types.push((e.etype.clone(), capitalize(&e.etype)));
        }
    }
    for (name, label) in types {
        s.push_str(&format!(
            "LOAD CSV WITH HEADERS FROM 'file:///entities.csv' AS row\n\
             WITH row WHERE row.type = '{}'\n\
             CALL {{ WITH row MERGE (e:Entity {{id: row.`entityId:ID(Entity)`}}) SET e:`{}`, e.name = row.name, e.type = row.type,\n  \
             e.aliases = CASE row.`aliases:string[]` WHEN null THEN [] ELSE split(row.`aliases:string[]`, ';') END,\n  \
             e.papers = toInteger(row.`papers:int`), e.mentions = toInteger(row.`mentions:int`), e.idf = toFloat(row.`idf:float`),\n  \
             e.pagerank = toFloat(row.`pagerank:float`), e.community = toInteger(row.`community:int`) }} IN TRANSACTIONS OF 10000 ROWS;\n\n",
            name.replace('\'', "\\'"),
            label.replace('`', "``")
        ));
    }
    s.push_str(
        "LOAD CSV WITH HEADERS FROM 'file:///mentions.csv' AS row\n\
         CALL { WITH row MATCH (p:Paper {id: row.`:START_ID(Paper)`}), (e:Entity {id: row.`:END_ID(Entity)`})\n  \
         MERGE (p)-[r:MENTIONS]->(e) SET r.count = toInteger(row.`count:int`), r.role = row.role } IN TRANSACTIONS OF 10000 ROWS;\n\n\
         LOAD CSV WITH HEADERS FROM 'file:///paper_links.csv' AS row\n\
         CALL { WITH row MATCH (a:Paper {id: row.`:START_ID(Paper)`}), (b:Paper {id: row.`:END_ID(Paper)`})\n  \
         MERGE (a)-[r:SHARES_ENTITIES]->(b) SET r.weight = toFloat(row.`weight:float`), r.shared = split(row.`shared:string[]`, ';') } IN TRANSACTIONS OF 10000 ROWS;\n\n\
         LOAD CSV WITH HEADERS FROM 'file:///cooccurrences.csv' AS row\n\
         CALL { WITH row MATCH (a:Entity {id: row.`:START_ID(Entity)`}), (b:Entity {id: row.`:END_ID(Entity)`})\n  \
         MERGE (a)-[r:CO_OCCURS_WITH]->(b) SET r.papers = toInteger(row.`papers:int`), r.npmi = toFloat(row.`npmi:float`) } IN TRANSACTIONS OF 10000 ROWS;\n",
    );
    s
}
