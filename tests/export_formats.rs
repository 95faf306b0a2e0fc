//! Exports of a hand-made graph: Neo4j CSV, DOT (rendered by the real Graphviz when
//! present) and graph.json, checked by reading them back.

mod common;

use common::*;
use paperkg::export::{self, dot, View, ViewSpec};

#[test]
fn normalization_merges_variants_in_the_fixture() {
    let g = tricky_graph();
    let names: Vec<&str> = g.entities.iter().map(|e| e.name.as_str()).collect();
    // continual learning ×3 spellings, CIFAR-100 ×2, SPP with its long form: one node each.
    assert_eq!(g.entities.len(), 6, "{names:?}");
    let cl = g
        .entities
        .iter()
        .find(|e| e.id == "continual-learning")
        .unwrap();
    assert_eq!(cl.papers, 3);
    assert_eq!(cl.etype, "concept");
    let spp = g
        .entities
        .iter()
        .find(|e| e.name == "Solo Performance Prompting")
        .unwrap();
    assert_eq!(spp.papers, 2);
    assert!(spp.aliases.contains(&"SPP".to_string()));
}

#[test]
fn neo4j_csv_headers_and_hostile_titles_survive() {
    let g = tricky_graph();
    let dir = tempfile::tempdir().unwrap();
    export::neo4j::write_neo4j(&g, dir.path()).unwrap();

    let (h, rows) = read_csv(&dir.path().join("papers.csv"));
    assert_eq!(h, ["paperId:ID(Paper)", "title", ":LABEL"]);
    let titles: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    let want: Vec<String> = tricky_extractions().into_iter().map(|e| e.title).collect();
    assert_eq!(titles, want);
    assert!(rows.iter().all(|r| r[2] == "Paper"));

    let (h, rows) = read_csv(&dir.path().join("entities.csv"));
    assert_eq!(
        h,
        [
            "entityId:ID(Entity)",
            "name",
            "type",
            "aliases:string[]",
            "papers:int",
            "mentions:int",
            "idf:float",
            "pagerank:float",
            "community:int",
            ":LABEL"
        ]
    );
    let spp = rows
        .iter()
        .find(|r| r[1] == "Solo Performance Prompting")
        .unwrap();
    assert_eq!(spp[9], "Entity;Method");
    assert_eq!(spp[3], "SPP");
    let ids: std::collections::HashSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids.len(), rows.len(), "entity ids must be unique");

    let (h, rows) = read_csv(&dir.path().join("mentions.csv"));
    assert_eq!(
        h,
        [
            ":START_ID(Paper)",
            ":END_ID(Entity)",
            "count:int",
            "role",
            ":TYPE"
        ]
    );
    assert_eq!(rows.len(), g.mentions.len());
    assert!(rows
        .iter()
        .any(|r| r[0] == "p1" && r[1] == "solo-performance-prompting" && r[3] == "proposed"));
    for r in &rows {
        assert!(ids.contains(r[1].as_str()), "dangling end id {r:?}");
        assert_eq!(r[4], "MENTIONS");
    }

    let (h, rows) = read_csv(&dir.path().join("paper_links.csv"));
    assert_eq!(
        h,
        [
            ":START_ID(Paper)",
            ":END_ID(Paper)",
            "weight:float",
            "shared:string[]",
            ":TYPE"
        ]
    );
    let p1p2 = rows.iter().find(|r| r[0] == "p1" && r[1] == "p2").unwrap();
    let shared: Vec<&str> = p1p2[3].split(';').collect();
    // CIFAR-100 and catastrophic forgetting (2 papers each) outrank continual learning (3).
    assert_eq!(shared[2], "continual-learning", "{shared:?}");
    assert_eq!(shared.len(), 3);

    let (h, _) = read_csv(&dir.path().join("cooccurrences.csv"));
    assert_eq!(
        h,
        [
            ":START_ID(Entity)",
            ":END_ID(Entity)",
            "papers:int",
            "npmi:float",
            ":TYPE"
        ]
    );

    let sh = std::fs::read_to_string(dir.path().join("import.sh")).unwrap();
    assert!(sh.contains("neo4j-admin database import full"));
    assert!(sh.contains("--multiline-fields=true"));
    for f in [
        "papers.csv",
        "entities.csv",
        "mentions.csv",
        "paper_links.csv",
        "cooccurrences.csv",
    ] {
        assert!(sh.contains(f), "{f} missing from import.sh");
    }
    let cy = std::fs::read_to_string(dir.path().join("load.cypher")).unwrap();
    assert!(cy.contains("SET e:`Method`"));
    assert!(cy.contains("LOAD CSV WITH HEADERS FROM 'file:///mentions.csv'"));
}

#[test]
fn dot_output_matches_snapshot_and_renders_with_graphviz() {
    let g = tricky_graph();
    let view = View::select(&g, &ViewSpec::default()).unwrap();
    let text = dot::render_dot(&g, &view);
    assert_snapshot("tricky.dot", &text);
    if have_tool("dot") {
        let dir = tempfile::tempdir().unwrap();
        let svg = dir.path().join("g.svg");
        dot::render_to(&text, graphviz_rust::cmd::Format::Svg, &svg).unwrap();
        let svg = std::fs::read_to_string(svg).unwrap();
        assert!(svg.contains("<svg"));
        // Labels come through with their special characters (XML-escaped by Graphviz).
        assert!(
            svg.contains("Ünïcödé {braces} &lt;angle&gt;"),
            "non-ASCII/angle label lost"
        );
        assert!(svg.contains("back\\slash"), "backslash lost");
        assert!(svg.contains("&quot;Forgetting&quot;") || svg.contains("\"Forgetting\""));
        assert!(svg.contains("Solo Performance"));
    }
}

#[test]
fn focus_view_keeps_the_neighbourhood_only() {
    let g = tricky_graph();
    let spec = ViewSpec {
        focus: Some("GNNs".into()),
        depth: 1,
        ..ViewSpec::default()
    };
    // "GNNs" is not an alias here: the error suggests close names.
    assert!(View::select(&g, &spec).is_err());
    let spec = ViewSpec {
        focus: Some("graph neural network".into()),
        depth: 1,
        ..ViewSpec::default()
    };
    let v = View::select(&g, &spec).unwrap();
    let titles: Vec<&str> = v
        .papers
        .iter()
        .map(|&p| g.papers[p as usize].id.as_str())
        .collect();
    // One step: its paper p4 and its co-occurrence partner "replay", nothing further.
    assert_eq!(titles, ["p4"]);
    let names: Vec<&str> = v
        .entities
        .iter()
        .map(|&e| g.entities[e as usize].name.as_str())
        .collect();
    assert!(names.contains(&"replay"), "{names:?}");
    assert!(!names.contains(&"CIFAR-100"), "{names:?}");
}

#[test]
fn graph_json_round_trips_and_rejects_other_versions() {
    let g = tricky_graph();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("graph.json");
    export::json::write_graph(&g, &p).unwrap();
    let back = export::json::load_graph(&p).unwrap();
    assert_eq!(back, g);
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replacen("\"format\":1", "\"format\":99", 1);
    std::fs::write(&p, text).unwrap();
    let err = export::json::load_graph(&p).unwrap_err().to_string();
    assert!(err.contains("format 99"), "{err}");
}
