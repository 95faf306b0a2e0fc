//! Hostile paper ids, titles and entity names (quotes, commas, newlines, backslashes,
//! braces, `<`/`>`, `&`, non-ASCII, control characters) survive every export, read back
//! the way each format's consumers read it:
//!
//! - graph.json and node-link JSON (serde_json): exactly.
//! - Neo4j CSV (the csv crate): exactly, control characters included.
//! - GraphML (what a conforming XML 1.0 parser reports): exactly, minus the characters
//!   XML 1.0 cannot carry at all (C0 controls other than tab, newline, carriage return,
//!   and U+FFFE/U+FFFF), which the writer drops.
//! - DOT (parsed back with graphviz_rust): the file parses, and each label shows the
//!   words of its title or name (labels are wrapped at spaces; control characters
//!   become spaces).

use paperkg::export::{dot, graphml, json, neo4j, View, ViewSpec};
use paperkg::extract::{Extraction, Field, Mention};
use paperkg::graph::{GraphOptions, KnowledgeGraph};
use paperkg::normalize::Normalizer;
use paperkg::rules::EntityType;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn hostile() -> impl Strategy<Value = String> + Clone {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(vec![
                "\"", "'", ",", ";", "\n", "\\", "{", "}", "[", "]", "<", ">", "&", "&amp;",
                "]]>", "<!--", "\\n", "\\\"", "é", "東京", "🦀", "\u{1}", "\u{1b}", "\u{7f}",
                "\u{85}", "\u{a0}", "\u{2028}", "\u{feff}", "\u{fffe}", " ", "|", "#", ":",
                "=", "%", "$", "\t",
            ])
            .prop_map(str::to_string),
            3 => "[a-zA-Z0-9]{1,6}",
        ],
        1..12,
    )
    .prop_map(|p| p.concat())
}

/// Text with `\r` (which XML parsers turn into `\n`) and tabs/newlines that end up in XML
/// attribute values (which XML parsers turn into spaces).
fn hostile_with_cr() -> impl Strategy<Value = String> + Clone {
    (
        hostile(),
        hostile(),
        prop::sample::select(vec!["\r", "\r\n", "\t", "\n"]),
    )
        .prop_map(|(a, b, c)| format!("{a}{c}{b}"))
}

/// Ids with tabs and line breaks too (source ids are taken as given).
fn paper_strategy_raw_ids() -> impl Strategy<Value = Vec<(String, String, Vec<String>)>> {
    paper_strategy(hostile_with_cr()).prop_flat_map(|ps| {
        let n = ps.len();
        (Just(ps), prop::collection::vec(hostile_with_cr(), n)).prop_map(|(ps, ids)| {
            ps.into_iter()
                .zip(ids)
                .enumerate()
                .map(|(i, ((_, t, e), id))| (format!("{id}#{i}"), t, e))
                .collect()
        })
    })
}

fn types() -> Vec<EntityType> {
    let t = |name: &str, label: &str| EntityType {
        name: name.into(),
        label: label.into(),
        color: "#ffffff".into(),
        shape: "box".into(),
    };
    vec![t("method", "Method"), t("concept", "Concept")]
}

/// A graph of papers `(id, title)` each mentioning the entity names given for it.
fn build(papers: &[(String, String, Vec<String>)]) -> KnowledgeGraph {
    let types = types();
    let names: Vec<String> = types.iter().map(|t| t.name.clone()).collect();
    let mut n = Normalizer::new(&names);
    for (i, (id, title, ents)) in papers.iter().enumerate() {
        let mentions = ents
            .iter()
            .enumerate()
            .map(|(j, e)| Mention {
                etype: names[(i + j) % names.len()].clone(),
                text: e.clone(),
                canonical: e.clone(),
                field: Field::Abstract,
                start: 0,
                end: e.chars().count(),
                rule: "prop".into(),
                role: None,
            })
            .collect();
        n.add(&Extraction {
            id: id.clone(),
            title: title.clone(),
            mentions,
            acronyms: vec![],
        });
    }
    KnowledgeGraph::build(
        n.finish(),
        &types,
        &GraphOptions {
            min_cooccur: 1,
            ..GraphOptions::default()
        },
    )
}

fn paper_strategy(
    text: impl Strategy<Value = String> + Clone,
) -> impl Strategy<Value = Vec<(String, String, Vec<String>)>> {
    prop::collection::vec(
        (
            text.clone(),
            text.clone(),
            prop::collection::vec(text, 1..4),
        ),
        1..5,
    )
    .prop_map(|ps| {
        // Ids must be unique (the corpus guarantees it); suffix the index. Tabs and line
        // breaks in ids are left to `carriage_returns_and_tabs_survive_graphml`.
        ps.into_iter()
            .enumerate()
            .map(|(i, (id, t, e))| (format!("{}#{i}", id.replace(['\t', '\n', '\r'], "_")), t, e))
            .collect()
    })
}

// ---- JSON ---------------------------------------------------------------------------

fn check_json(g: &KnowledgeGraph) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("graph.json");
    json::write_graph(g, &p).unwrap();
    let back = json::load_graph(&p).unwrap();
    prop_assert_eq!(&back, g);

    let nl = dir.path().join("nl.json");
    graphml::write_node_link(g, &nl).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&nl).unwrap()).unwrap();
    let labels: BTreeMap<String, String> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap().to_string(),
                n["label"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for p in &g.papers {
        prop_assert_eq!(labels.get(&format!("paper:{}", p.id)), Some(&p.title));
    }
    for e in &g.entities {
        prop_assert_eq!(labels.get(&format!("entity:{}", e.id)), Some(&e.name));
    }
    Ok(())
}

// ---- CSV ----------------------------------------------------------------------------

fn check_csv(g: &KnowledgeGraph) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    neo4j::write_neo4j(g, dir.path()).unwrap();
    let rows = |name: &str| -> Vec<Vec<String>> {
        csv::Reader::from_path(dir.path().join(name))
            .unwrap()
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    };
    let papers: Vec<(String, String)> = rows("papers.csv")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let want: Vec<(String, String)> = g
        .papers
        .iter()
        .map(|p| (p.id.clone(), p.title.clone()))
        .collect();
    prop_assert_eq!(papers, want);
    let names: Vec<String> = rows("entities.csv")
        .into_iter()
        .map(|r| r[1].clone())
        .collect();
    let want: Vec<String> = g.entities.iter().map(|e| e.name.clone()).collect();
    prop_assert_eq!(names, want);
    // Relationship ends name existing ids exactly.
    let mentions = rows("mentions.csv");
    prop_assert_eq!(mentions.len(), g.mentions.len());
    for (r, m) in mentions.iter().zip(&g.mentions) {
        prop_assert_eq!(&r[0], &g.papers[m.paper as usize].id);
        prop_assert_eq!(&r[1], &g.entities[m.entity as usize].id);
    }
    Ok(())
}

// ---- GraphML ------------------------------------------------------------------------

/// Characters XML 1.0 cannot carry; the GraphML writer drops them.
fn xml_representable(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || !((c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}')
        })
        .collect()
}

/// Replaces the five predefined entities and character references.
fn xml_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').expect("entity ends with ;") + i;
        let ent = &rest[i + 1..end];
        match ent {
            "amp" => out.push('&'),
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            _ => {
                let n = if let Some(h) = ent.strip_prefix("#x") {
                    u32::from_str_radix(h, 16).unwrap()
                } else {
                    ent.strip_prefix('#').unwrap().parse().unwrap()
                };
                out.push(char::from_u32(n).unwrap());
            }
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Element text as an XML 1.0 parser reports it: line ends normalised (2.11), then
/// references replaced.
fn xml_text(raw: &str) -> String {
    xml_unescape(&raw.replace("\r\n", "\n").replace('\r', "\n"))
}

/// An attribute value as an XML 1.0 parser reports it (3.3.3): line ends normalised, each
/// literal tab/newline becomes a space, then references replaced.
fn xml_attr(raw: &str) -> String {
    xml_unescape(&raw.replace("\r\n", "\n").replace(['\r', '\n', '\t'], " "))
}

/// (node id, label) of every node in a GraphML document.
fn graphml_labels(doc: &str) -> BTreeMap<String, String> {
    let re = regex::Regex::new(
        r#"(?s)<node id="([^"]*)">\s*<data key="kind">[a-z]+</data>\s*<data key="label">(.*?)</data>"#,
    )
    .unwrap();
    re.captures_iter(doc)
        .map(|c| (xml_attr(&c[1]), xml_text(&c[2])))
        .collect()
}

fn check_graphml(g: &KnowledgeGraph) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("g.graphml");
    graphml::write_graphml(g, &p).unwrap();
    let doc = std::fs::read_to_string(&p).unwrap();
    // Nothing XML 1.0 forbids is in the document.
    prop_assert_eq!(xml_representable(&doc), doc.clone());
    let labels = graphml_labels(&doc);
    prop_assert_eq!(labels.len(), g.papers.len() + g.entities.len());
    for p in &g.papers {
        let id = format!("paper:{}", xml_representable(&p.id));
        prop_assert_eq!(
            labels.get(&id),
            Some(&xml_representable(&p.title)),
            "id {:?}",
            id
        );
    }
    for e in &g.entities {
        let id = format!("entity:{}", xml_representable(&e.id));
        prop_assert_eq!(
            labels.get(&id),
            Some(&xml_representable(&e.name)),
            "id {:?}",
            id
        );
    }
    Ok(())
}

// ---- DOT ----------------------------------------------------------------------------

/// Undoes the DOT quoting: `\"`, `\\` and `\n` (graphviz's line break).
fn dot_unquote(id: &str) -> String {
    let inner = id
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .expect("a quoted id");
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The words a label shows: control characters count as spaces.
fn words(s: &str) -> Vec<String> {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .map(String::from)
        .collect()
}

fn check_dot(g: &KnowledgeGraph) -> Result<(), TestCaseError> {
    use graphviz_rust::dot_structures::{Attribute, Graph, Id, NodeId, Stmt};
    let view = View::select(
        g,
        &ViewSpec {
            top: Some(50),
            ..ViewSpec::default()
        },
    )
    .unwrap();
    let text = dot::render_dot(g, &view);
    let parsed = graphviz_rust::parse(&text);
    prop_assert!(
        parsed.is_ok(),
        "DOT does not parse: {:?}\n{}",
        parsed.err(),
        text
    );
    let stmts = match parsed.unwrap() {
        Graph::Graph { stmts, .. } | Graph::DiGraph { stmts, .. } => stmts,
    };
    let mut seen = 0;
    for s in stmts {
        let Stmt::Node(n) = s else { continue };
        let NodeId(Id::Plain(name), _) = &n.id else {
            continue;
        };
        let Some(Attribute(_, Id::Escaped(label))) = n
            .attributes
            .iter()
            .find(|a| matches!(&a.0, Id::Plain(k) if k == "label"))
        else {
            continue;
        };
        let shown = dot_unquote(label);
        let (kind, idx) = name.split_at(1);
        let Ok(i) = idx.parse::<usize>() else {
            continue;
        };
        let want = match kind {
            "p" => &g.papers[i].title,
            "e" => &g.entities[i].name,
            _ => continue,
        };
        prop_assert_eq!(words(&shown), words(want), "label {:?}", shown);
        seen += 1;
    }
    // (Names without a letter or digit are dropped by the normalizer: maybe no entities.)
    prop_assert!(
        seen > 0 || g.entities.is_empty(),
        "no labelled nodes in\n{}",
        text
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn hostile_text_survives_json_csv_graphml_and_dot(papers in paper_strategy(hostile())) {
        let g = build(&papers);
        // The graph keeps the titles as given.
        for (p, (id, title, _)) in g.papers.iter().zip(&papers) {
            prop_assert_eq!(&p.id, id);
            prop_assert_eq!(&p.title, title);
        }
        check_json(&g)?;
        check_csv(&g)?;
        check_graphml(&g)?;
        check_dot(&g)?;
    }

    #[test]
    fn carriage_returns_and_tabs_survive_json_and_csv(papers in paper_strategy_raw_ids()) {
        let g = build(&papers);
        check_json(&g)?;
        check_csv(&g)?;
        check_dot(&g)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    /// GraphML writes `\r` raw in element text (an XML parser reads it as `\n`) and tabs,
    /// newlines and `\r` raw in the `id` attribute (an XML parser reads them as spaces, so
    /// two ids differing only there collide, and edges point at ids that do not exist).
    /// Writing them as `&#13;`, `&#10;`, `&#9;` would make them round-trip.
    #[test]
    fn carriage_returns_and_tabs_survive_graphml(papers in paper_strategy_raw_ids()) {
        let g = build(&papers);
        check_graphml(&g)?;
    }
}
