//! The exports read back by the real tools people use them with: Kuzu (an embedded Cypher
//! database) loads the Neo4j CSVs, networkx reads GraphML and node-link JSON, Graphviz
//! renders DOT. In CI these tools are installed (see scripts/test.sh); elsewhere the
//! checks are skipped with a note when a tool is missing.

mod common;

use common::*;
use paperkg::export;
use serde_json::Value;
use std::process::Command;

/// Whether `python3 -c "import MODULE"` works; in CI a missing module fails the test.
fn have_python_module(module: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("python module {module} missing, but CI must install it (see scripts/test.sh)");
    }
    if !ok {
        eprintln!("note: python module {module} not installed; check skipped");
    }
    ok
}

fn python(script: &str, args: &[&std::path::Path]) -> Value {
    let out = Command::new("python3")
        .arg(root().join("tests/consumers").join(script))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn kuzu_loads_the_neo4j_csvs_with_titles_intact() {
    if !have_python_module("kuzu") {
        return;
    }
    let g = tricky_graph();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("neo4j");
    export::neo4j::write_neo4j(&g, &csv).unwrap();
    let v = python("kuzu_load.py", &[&csv, &dir.path().join("db")]);
    assert_eq!(v["papers"], g.papers.len());
    assert_eq!(v["entities"], g.entities.len());
    assert_eq!(v["mentions"], g.mentions.len());
    assert_eq!(v["paper_links"], g.paper_links.len());
    assert_eq!(v["cooccurrences"], g.cooccurrences.len());
    for p in &g.papers {
        assert_eq!(
            v["titles"][&p.id],
            p.title.as_str(),
            "title of {} changed",
            p.id
        );
    }
    assert_eq!(
        v["labels"],
        serde_json::json!(["Entity;Concept", "Entity;Dataset", "Entity;Method"])
    );
    let cl = g
        .entities
        .iter()
        .find(|e| e.id.starts_with("continual"))
        .unwrap();
    assert_eq!(v["entity_papers"][&cl.name], 3);
    assert_eq!(
        v["proposed"],
        serde_json::json!([["p1", "Solo Performance Prompting"]])
    );
}

#[test]
fn networkx_reads_graphml_and_node_link_json_with_the_same_counts() {
    if !have_python_module("networkx") {
        return;
    }
    let g = tricky_graph();
    let dir = tempfile::tempdir().unwrap();
    let (gm, nl) = (dir.path().join("g.graphml"), dir.path().join("g.json"));
    export::graphml::write_graphml(&g, &gm).unwrap();
    export::graphml::write_node_link(&g, &nl).unwrap();
    let v = python("networkx_read.py", &[&gm, &nl]);
    let edges = g.mentions.len() + g.paper_links.len() + g.cooccurrences.len();
    for form in ["graphml", "nodelink"] {
        let s = &v[form];
        assert_eq!(s["nodes"], g.papers.len() + g.entities.len(), "{form}");
        assert_eq!(s["edges"], edges, "{form}");
        assert_eq!(s["node_kinds"]["paper"], g.papers.len(), "{form}");
        assert_eq!(s["edge_kinds"]["mentions"], g.mentions.len(), "{form}");
        let p3 = &s["attrs"]["paper:p3"];
        assert_eq!(
            p3["label"], "Ünïcödé {braces} <angle> & 東京; semi",
            "{form}"
        );
        let p2 = &s["attrs"]["paper:p2"];
        assert_eq!(
            p2["label"], "Two lines\nof title with a back\\slash",
            "{form}"
        );
        let spp = &s["attrs"]["entity:solo-performance-prompting"];
        assert_eq!(spp["type"], "method", "{form}");
        assert_eq!(spp["papers"], 2, "{form}");
    }
}

/// Runs headless Chromium on a local file with the flags this sandbox needs.
fn chromium(args: &[&str], page: &std::path::Path) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap()
}

#[test]
fn html_page_draws_the_graph_in_a_real_browser() {
    if !have_tool_version("chromium") {
        return;
    }
    let g = tricky_graph();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("graph.html");
    let cl = match g.find_entity("continual learning") {
        paperkg::graph::Lookup::Found(e) => e,
        other => panic!("{other:?}"),
    };
    export::html::write_html(&g, &page, 100, Some(cl)).unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("http://") || !html.contains("src=\"http"),
        "page must not load anything from the network"
    );
    assert!(!html.contains("<script src"), "page must be self-contained");

    // The DOM after the page's script ran: the focus entity in the middle, its
    // co-occurring entities around it, and the side panel with its papers.
    let out = chromium(&["--virtual-time-budget=3000", "--dump-dom"], &page);
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let circles = dom.matches("<circle").count();
    let lines = dom.matches("<line").count();
    assert!(
        circles >= 4,
        "expected the focus entity and its neighbours, got {circles} circles"
    );
    assert!(lines >= 3, "expected edges, got {lines}");
    assert!(
        dom.contains("<h2>continual learning</h2>"),
        "side panel missing"
    );
    assert!(dom.contains("catastrophic forgetting"));
    // Titles are HTML-escaped in the side panel, not injected as markup.
    assert!(dom.contains("Ünïcödé {braces} &lt;angle&gt; &amp; 東京; semi"));

    // A screenshot for people to look at (kept when PAPERKG_KEEP_SCREENSHOT is set).
    let shot = dir.path().join("shot.png");
    let out = chromium(
        &[
            "--virtual-time-budget=3000",
            "--window-size=1400,900",
            &format!("--screenshot={}", shot.display()),
        ],
        &page,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    if let Some(keep) = std::env::var_os("PAPERKG_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

/// Like `have_tool`, for programs that print their version with `--version`.
fn have_tool_version(name: &str) -> bool {
    let ok = Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{name} is not installed, but CI must install it (see scripts/test.sh)");
    }
    if !ok {
        eprintln!("note: {name} not installed; check skipped");
    }
    ok
}

/// Runs `paperkg run` on `input` into `out` and returns `paperkg stats --json`.
fn run_and_stats(input: &std::path::Path, out: &std::path::Path) -> Value {
    let bin = assert_cmd::cargo::cargo_bin("paperkg");
    let run = Command::new(&bin)
        .current_dir(root())
        .args(["run", "--quiet"])
        .arg(input)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stats = Command::new(&bin)
        .args(["stats", "--json", "--graph"])
        .arg(out.join("graph.json"))
        .output()
        .unwrap();
    assert!(stats.status.success());
    serde_json::from_slice(&stats.stdout).unwrap()
}

/// The first `n` records of the shared arXiv listing as a JSON Lines file, or `None`
/// (with a note) when the shared data is not beside the checkout.
fn arxiv_sample(n: usize, dir: &std::path::Path) -> Option<std::path::PathBuf> {
    use std::io::{BufRead, Write};
    let src =
        root().join("../shared/data/arxiv_daily_cs/arxiv_daily_2025-03-18_to_2026-07-01.jsonl.gz");
    let Ok(f) = std::fs::File::open(&src) else {
        eprintln!("note: {} not found; arXiv check skipped", src.display());
        return None;
    };
    let reader = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(f));
    let path = dir.join(format!("arxiv-{n}.jsonl"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for line in reader.lines().take(n) {
        writeln!(out, "{}", line.unwrap()).unwrap();
    }
    out.flush().unwrap();
    Some(path)
}

fn assert_kuzu_matches_stats(stats: &Value, out: &std::path::Path, what: &str) {
    let v = python("kuzu_load.py", &[&out.join("neo4j"), &out.join("kuzu-db")]);
    for (kuzu_key, stats_key) in [
        ("papers", "papers"),
        ("entities", "entities"),
        ("mentions", "mention_edges"),
        ("paper_links", "paper_links"),
        ("cooccurrences", "cooccurrence_edges"),
    ] {
        assert_eq!(
            v[kuzu_key], stats[stats_key],
            "{what}: {kuzu_key} in Kuzu vs {stats_key} in stats"
        );
    }
}

#[test]
fn kuzu_counts_match_stats_on_the_example_page_and_10k_arxiv_abstracts() {
    if !have_python_module("kuzu") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("example");
    let stats = run_and_stats(&root().join("examples/trending-papers.txt"), &out);
    assert_eq!(stats["papers"], 78);
    assert_kuzu_matches_stats(&stats, &out, "example page");

    if let Some(sample) = arxiv_sample(10_000, dir.path()) {
        let out = dir.path().join("arxiv");
        let stats = run_and_stats(&sample, &out);
        assert_eq!(stats["papers"], 10_000);
        assert!(stats["entities"].as_u64().unwrap() > 5_000, "{stats}");
        assert_kuzu_matches_stats(&stats, &out, "10k arXiv abstracts");
    }
}

#[test]
fn run_outputs_are_read_by_networkx_and_graphviz_renders_the_focus_view() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("example");
    let stats = run_and_stats(&root().join("examples/trending-papers.txt"), &out);
    if have_python_module("networkx") {
        let v = python(
            "networkx_read.py",
            &[&out.join("graph.graphml"), &out.join("graph.nodelink.json")],
        );
        let nodes = stats["papers"].as_u64().unwrap() + stats["entities"].as_u64().unwrap();
        let edges = ["mention_edges", "paper_links", "cooccurrence_edges"]
            .iter()
            .map(|k| stats[k].as_u64().unwrap())
            .sum::<u64>();
        for form in ["graphml", "nodelink"] {
            assert_eq!(v[form]["nodes"], nodes, "{form}");
            assert_eq!(v[form]["edges"], edges, "{form}");
        }
    }
    if have_tool("dot") {
        let svg = dir.path().join("focus.svg");
        let bin = assert_cmd::cargo::cargo_bin("paperkg");
        let o = Command::new(&bin)
            .args([
                "export",
                "--format",
                "svg",
                "--focus",
                "continual learning",
                "--depth",
                "1",
                "-o",
            ])
            .arg(&svg)
            .arg("--graph")
            .arg(out.join("graph.json"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(
            text.contains("continual learning"),
            "focus entity not drawn"
        );
        assert!(
            text.contains("catastrophic forgetting"),
            "neighbour not drawn"
        );
        // depth 1 from an entity reaches its papers: paper notes are drawn.
        assert!(text.matches("class=\"node\"").count() > 10);
    }
}
