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

use super::{io_err, run_jobs, write_chunks, ExportError, Job, Num};
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

/// One CSV row under construction in a chunk's buffer. Fields are quoted only when they
/// hold a comma, a quote or a line break, with quotes doubled: the bytes the `csv` crate
/// writes with its default settings and `\n` records (checked by the tests), without its
/// per-field state machine and field-count checks, which were most of the export time.
struct Row<'b> {
    out: &'b mut Vec<u8>,
    /// No field written yet in this row.
    first: bool,
    /// Reused for `;`-joined array fields.
    scratch: Vec<u8>,
}

/// Whether a CSV field must be quoted: it holds a `,`, `"`, `\n` or `\r`. Eight bytes at a
/// time (a byte equal to one of them is a zero byte of the word xor-ed with it).
fn needs_quotes(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH != 0;
    let mut words = s.chunks_exact(8);
    for w in &mut words {
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        if has_zero(x ^ (ONES * u64::from(b',')))
            || has_zero(x ^ (ONES * u64::from(b'"')))
            || has_zero(x ^ (ONES * u64::from(b'\n')))
            || has_zero(x ^ (ONES * u64::from(b'\r')))
        {
            return true;
        }
    }
    words
        .remainder()
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// Appends one field (quoted if needed) to `out`.
fn push_field(out: &mut Vec<u8>, s: &[u8]) {
    if !needs_quotes(s) {
        out.extend_from_slice(s);
        return;
    }
    out.push(b'"');
    for part in s.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

impl Row<'_> {
    fn sep(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }
    fn field(&mut self, s: &str) {
        self.sep();
        push_field(self.out, s.as_bytes());
    }
    /// A field whose quoting was decided in advance (see [`Plain`]): the same bytes as
    /// [`field`](Self::field), without looking at the text again.
    fn known(&mut self, s: &str, plain: bool) {
        self.sep();
        if plain {
            self.out.extend_from_slice(s.as_bytes());
        } else {
            push_field(self.out, s.as_bytes());
        }
    }
    fn num(&mut self, x: impl Num) {
        // Numbers never need quotes.
        self.sep();
        x.push_to(self.out);
    }
    /// A `string[]` field: the items joined by `;`, a `;` inside an item written as `,`.
    fn array<'s>(&mut self, items: impl IntoIterator<Item = &'s str>) {
        self.sep();
        let mut a = std::mem::take(&mut self.scratch);
        a.clear();
        for (i, s) in items.into_iter().enumerate() {
            if i > 0 {
                a.push(b';');
            }
            let start = a.len();
            a.extend_from_slice(s.as_bytes());
            for b in &mut a[start..] {
                if *b == b';' {
                    *b = b',';
                }
            }
        }
        push_field(self.out, &a);
        self.scratch = a;
    }
    /// A `string[]` field of items known to be [`Plain::in_array`] when `plain` is true:
    /// then the joined items need neither quotes nor `;` replaced, so they are copied
    /// straight into the row; otherwise it is [`array`](Self::array).
    fn known_array<'s>(&mut self, items: impl IntoIterator<Item = &'s str>, plain: bool) {
        if !plain {
            return self.array(items);
        }
        self.sep();
        for (i, s) in items.into_iter().enumerate() {
            if i > 0 {
                self.out.push(b';');
            }
            self.out.extend_from_slice(s.as_bytes());
        }
    }
    fn end(&mut self) {
        self.out.push(b'\n');
        self.first = true;
    }
}

/// Which ids can be written as they are, decided once per paper and entity: ids repeat in
/// every relationship row (a million papers give tens of millions of id fields), and most
/// need no quotes, so checking each id once instead of at every use saves most of the
/// relationship files' quoting work.
struct Plain {
    /// The id needs no quotes as a field.
    field: Vec<bool>,
    /// The id needs no quotes and holds no `;`, so it goes into a `string[]` field as it is.
    in_array: Vec<bool>,
}

impl Plain {
    fn new<'s>(ids: impl rayon::iter::IndexedParallelIterator<Item = &'s str>) -> Self {
        use rayon::prelude::*;
        let (field, in_array) = ids
            .map(|id| {
                let plain = !needs_quotes(id.as_bytes());
                (plain, plain && !id.as_bytes().contains(&b';'))
            })
            .unzip();
        Plain { field, in_array }
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
    write_atomic(path, |w| {
        let mut head = Vec::new();
        let mut r = Row {
            out: &mut head,
            first: true,
            scratch: Vec::new(),
        };
        for h in header {
            r.field(h);
        }
        r.end();
        w.write_all(&head)?;
        write_chunks(w, items, |buf, _, chunk| {
            let mut r = Row {
                out: buf,
                first: true,
                scratch: Vec::new(),
            };
            for item in chunk {
                row(&mut r, item);
                r.end();
            }
        })
    })
    .map_err(io_err(path))
}

/// Writes the Neo4j import folder `dir` (created if needed).
pub fn write_neo4j(g: &KnowledgeGraph, dir: &Path) -> Result<(), ExportError> {
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    let labels: std::collections::HashMap<&str, String> = g
        .entities
        .iter()
        .map(|e| e.etype.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|t| (t, format!("Entity;{}", g.type_style(t).label)))
        .collect();
    use rayon::prelude::*;
    let pid = |i: u32| g.papers[i as usize].id.as_str();
    let eid = |i: u32| g.entities[i as usize].id.as_str();
    let paper_plain = Plain::new(g.papers.par_iter().map(|p| p.id.as_str()));
    let entity_plain = Plain::new(g.entities.par_iter().map(|e| e.id.as_str()));
    let paper_field = |r: &mut Row, i: u32| r.known(pid(i), paper_plain.field[i as usize]);
    let entity_field = |r: &mut Row, i: u32| r.known(eid(i), entity_plain.field[i as usize]);
    // Constant fields, checked once.
    let constant = |s: &'static str| (s, !needs_quotes(s.as_bytes()));
    let (paper_label, mentions_type, links_type, cooccurs_type) = (
        constant("Paper"),
        constant("MENTIONS"),
        constant("SHARES_ENTITIES"),
        constant("CO_OCCURS_WITH"),
    );
    // The five files are written at the same time: while one waits for the disk (each
    // file is synced before it is renamed into place), the others are formatted.
    let jobs: Vec<Job<Result<(), ExportError>>> = vec![
        Box::new(|| {
            write_csv(
                &dir.join("papers.csv"),
                &["paperId:ID(Paper)", "title", ":LABEL"],
                &g.papers,
                |r, p| {
                    r.field(&p.id);
                    r.field(&p.title);
                    r.known(paper_label.0, paper_label.1);
                },
            )
        }),
        Box::new(|| {
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
                    r.array(e.aliases.iter().map(String::as_str));
                    r.num(e.papers);
                    r.num(e.mentions);
                    r.num(e.idf);
                    r.num(e.pagerank);
                    r.num(e.community);
                    r.field(&labels[e.etype.as_str()]);
                },
            )
        }),
        Box::new(|| {
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
                    paper_field(r, m.paper);
                    entity_field(r, m.entity);
                    r.num(m.count);
                    r.field(m.role.map(crate::extract::Role::as_str).unwrap_or_default());
                    r.known(mentions_type.0, mentions_type.1);
                },
            )
        }),
        Box::new(|| {
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
                    paper_field(r, l.a);
                    paper_field(r, l.b);
                    r.num(l.weight);
                    let plain = l.shared.iter().all(|&e| entity_plain.in_array[e as usize]);
                    r.known_array(l.shared.iter().map(|&e| eid(e)), plain);
                    r.known(links_type.0, links_type.1);
                },
            )
        }),
        Box::new(|| {
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
                    entity_field(r, c.a);
                    entity_field(r, c.b);
                    r.num(c.papers);
                    r.num(c.npmi);
                    r.known(cooccurs_type.0, cooccurs_type.1);
                },
            )
        }),
    ];
    run_jobs(jobs)
        .into_iter()
        .collect::<Result<(), ExportError>>()?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The same rows through the `csv` crate, configured as the export used to be.
    fn with_csv_crate(rows: &[Vec<String>]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(&mut out);
            for r in rows {
                w.write_record(r).unwrap();
            }
            w.flush().unwrap();
        }
        out
    }

    fn with_row(rows: &[Vec<String>]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut r = Row {
            out: &mut out,
            first: true,
            scratch: Vec::new(),
        };
        for row in rows {
            for f in row {
                r.field(f);
            }
            r.end();
        }
        out
    }

    #[test]
    fn fields_are_quoted_as_the_csv_crate_quotes_them() {
        let pieces = [
            "", "a", ",", "\"", "\n", "\r", ";", " ", "é", "\"\"", "x,y", "#", "\\", "\t", "'",
        ];
        // Every field of up to three pieces, in rows of three fields.
        let mut fields = Vec::new();
        for a in pieces {
            for b in pieces {
                for c in ["", "z", "\"", ","] {
                    fields.push(format!("{a}{b}{c}"));
                }
            }
        }
        let rows: Vec<Vec<String>> = fields
            .chunks(3)
            .filter(|c| c.len() == 3)
            .map(|c| c.to_vec())
            .collect();
        assert_eq!(
            String::from_utf8(with_row(&rows)).unwrap(),
            String::from_utf8(with_csv_crate(&rows)).unwrap()
        );
        // Pseudo-random bytes of the special characters and letters.
        let alphabet = b"ab,\"\n\r; \\";
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut rows = Vec::new();
        for _ in 0..2000 {
            let row: Vec<String> = (0..4)
                .map(|_| {
                    crate::util::xorshift(&mut state);
                    let len = (state % 12) as usize;
                    (0..len)
                        .map(|i| {
                            alphabet[((state >> (i * 4)) % alphabet.len() as u64) as usize] as char
                        })
                        .collect()
                })
                .collect();
            rows.push(row);
        }
        assert_eq!(with_row(&rows), with_csv_crate(&rows));
    }

    #[test]
    fn quote_check_matches_the_bytewise_one() {
        let alphabet = b"ab,\"\n\r;\x80\xff\x01\x2b\x2d";
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..50_000 {
            crate::util::xorshift(&mut state);
            let len = (state % 40) as usize;
            let s: Vec<u8> = (0..len)
                .map(|i| {
                    let r = state.rotate_left(i as u32 * 5);
                    // Mostly letters, so that fields without special bytes are common.
                    if r % 7 == 0 {
                        alphabet[((r >> 8) % alphabet.len() as u64) as usize]
                    } else {
                        b'a' + (r % 26) as u8
                    }
                })
                .collect();
            let want = s.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
            assert_eq!(needs_quotes(&s), want, "{s:?}");
        }
    }

    /// The relationship and node files as the `csv` crate writes them, field by field with
    /// no quoting decided in advance: the reference for [`write_neo4j`]'s shortcuts.
    fn reference_files(g: &KnowledgeGraph) -> Vec<(&'static str, Vec<u8>)> {
        let array = |items: Vec<&str>| {
            items
                .iter()
                .map(|s| s.replace(';', ","))
                .collect::<Vec<_>>()
                .join(";")
        };
        let s = |x: &str| x.to_string();
        let pid = |i: u32| s(&g.papers[i as usize].id);
        let eid = |i: u32| s(&g.entities[i as usize].id);
        let file = |header: &[&str], rows: Vec<Vec<String>>| {
            let mut all = vec![header.iter().map(|h| s(h)).collect::<Vec<_>>()];
            all.extend(rows);
            with_csv_crate(&all)
        };
        vec![
            (
                "papers.csv",
                file(
                    &["paperId:ID(Paper)", "title", ":LABEL"],
                    g.papers
                        .iter()
                        .map(|p| vec![s(&p.id), s(&p.title), s("Paper")])
                        .collect(),
                ),
            ),
            (
                "mentions.csv",
                file(
                    &[
                        ":START_ID(Paper)",
                        ":END_ID(Entity)",
                        "count:int",
                        "role",
                        ":TYPE",
                    ],
                    g.mentions
                        .iter()
                        .map(|m| {
                            vec![
                                pid(m.paper),
                                eid(m.entity),
                                m.count.to_string(),
                                s(m.role.map(crate::extract::Role::as_str).unwrap_or("")),
                                s("MENTIONS"),
                            ]
                        })
                        .collect(),
                ),
            ),
            (
                "paper_links.csv",
                file(
                    &[
                        ":START_ID(Paper)",
                        ":END_ID(Paper)",
                        "weight:float",
                        "shared:string[]",
                        ":TYPE",
                    ],
                    g.paper_links
                        .iter()
                        .map(|l| {
                            vec![
                                pid(l.a),
                                pid(l.b),
                                l.weight.to_string(),
                                array(
                                    l.shared
                                        .iter()
                                        .map(|&e| g.entities[e as usize].id.as_str())
                                        .collect(),
                                ),
                                s("SHARES_ENTITIES"),
                            ]
                        })
                        .collect(),
                ),
            ),
            (
                "cooccurrences.csv",
                file(
                    &[
                        ":START_ID(Entity)",
                        ":END_ID(Entity)",
                        "papers:int",
                        "npmi:float",
                        ":TYPE",
                    ],
                    g.cooccurrences
                        .iter()
                        .map(|c| {
                            vec![
                                eid(c.a),
                                eid(c.b),
                                c.papers.to_string(),
                                c.npmi.to_string(),
                                s("CO_OCCURS_WITH"),
                            ]
                        })
                        .collect(),
                ),
            ),
        ]
    }

    #[test]
    fn files_are_what_the_csv_crate_writes_for_every_field() {
        // Random ids with commas, quotes, line breaks and semicolons (awkward text), and
        // graphs of plain ids only, so that both the shortcuts and the general path run.
        for (seed, n, plain_ids) in [
            (11, 0, false),
            (12, 40, false),
            (13, 3000, false),
            (14, 3000, true),
        ] {
            let mut g = crate::export::awkward::graph(seed, n);
            if plain_ids {
                for (i, p) in g.papers.iter_mut().enumerate() {
                    p.id = format!("p{i}");
                }
                for (i, e) in g.entities.iter_mut().enumerate() {
                    // Every seventh id needs quotes or holds a `;`: mixed arrays too.
                    e.id = match i % 7 {
                        0 => format!("e{i};x"),
                        1 => format!("e,{i}"),
                        _ => format!("e{i}"),
                    };
                }
            }
            let dir = tempfile::tempdir().unwrap();
            write_neo4j(&g, dir.path()).unwrap();
            for (name, want) in reference_files(&g) {
                let got = std::fs::read(dir.path().join(name)).unwrap();
                assert!(
                    got == want,
                    "seed {seed}, {name}: {}",
                    crate::export::json::tests::first_difference(&got, &want)
                );
            }
        }
    }

    #[test]
    fn arrays_join_with_semicolons_and_replace_inner_ones() {
        let mut out = Vec::new();
        let mut r = Row {
            out: &mut out,
            first: true,
            scratch: Vec::new(),
        };
        r.field("id");
        r.array(["a;b", "c,d", "e\"f"]);
        r.array([]);
        r.num(3u32);
        r.num(0.5f64);
        r.end();
        let joined = ["a;b", "c,d", "e\"f"]
            .iter()
            .map(|s| s.replace(';', ","))
            .collect::<Vec<_>>()
            .join(";");
        let want = with_csv_crate(&[vec![
            "id".into(),
            joined,
            String::new(),
            "3".into(),
            "0.5".into(),
        ]]);
        assert_eq!(out, want);
    }
}
