//! Scale features: `paperkg build` from extract parts gives the graph of one `run`; the
//! streamed exports are the bytes the in-memory serializations would give; `--exports`
//! picks the outputs.

mod common;

use common::*;
use paperkg::export;
use std::path::Path;

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn build_from_parts_equals_run_and_keeps_part_order() {
    let dir = tempfile::tempdir().unwrap();
    let extracted = dir.path().join("all.jsonl");
    paperkg()
        .args(["extract", "--quiet", &example(), "-o"])
        .arg(&extracted)
        .assert()
        .success();
    let lines: Vec<String> = String::from_utf8(read(&extracted))
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert!(lines.len() >= 6);
    // Three parts as a cluster job writes them; names sort in input order. A stray file
    // that is not a part is ignored.
    let parts = dir.path().join("parts");
    std::fs::create_dir(&parts).unwrap();
    let third = lines.len() / 3;
    for (i, chunk) in [
        &lines[..third],
        &lines[third..2 * third],
        &lines[2 * third..],
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(parts.join(format!("part-{i:05}")), chunk.join("\n") + "\n").unwrap();
    }
    std::fs::write(parts.join("_SUCCESS"), "").unwrap();

    let single = dir.path().join("single");
    paperkg()
        .args(["run", "--quiet", &example(), "-o"])
        .arg(&single)
        .assert()
        .success();
    let built = dir.path().join("built");
    paperkg()
        .args(["build", "--quiet"])
        .arg(&parts)
        .arg("-o")
        .arg(&built)
        .assert()
        .success();
    for f in [
        "graph.json",
        "graph.dot",
        "graph.graphml",
        "graph.nodelink.json",
        "graph.html",
        "neo4j/papers.csv",
        "neo4j/entities.csv",
        "neo4j/mentions.csv",
        "neo4j/paper_links.csv",
        "neo4j/cooccurrences.csv",
    ] {
        assert!(
            read(&single.join(f)) == read(&built.join(f)),
            "{f} differs between run and build"
        );
    }

    // Parts given as files in another order give another paper order: order is the
    // caller's to keep.
    let swapped = dir.path().join("swapped");
    paperkg()
        .args(["build", "--quiet", "--exports", "json"])
        .arg(parts.join("part-00001"))
        .arg(parts.join("part-00000"))
        .arg(parts.join("part-00002"))
        .arg("-o")
        .arg(&swapped)
        .assert()
        .success();
    assert!(read(&single.join("graph.json")) != read(&swapped.join("graph.json")));
}

#[test]
fn build_makes_ids_unique_across_parts_like_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = |name: &str, ids: &[&str]| {
        let p = dir.path().join(name);
        let lines: Vec<String> = ids
            .iter()
            .map(|id| {
                format!(
                    r#"{{"id":"{id}","title":"Paper {id}","abstract":"We use contrastive learning on ImageNet."}}"#
                )
            })
            .collect();
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
        p
    };
    let a = input("a.jsonl", &["x", "y", "x"]);
    let b = input("b.jsonl", &["x", "z"]);
    let parts = dir.path().join("parts");
    std::fs::create_dir(&parts).unwrap();
    for (src, part) in [(&a, "part-00000"), (&b, "part-00001")] {
        paperkg()
            .args(["extract", "--quiet"])
            .arg(src)
            .arg("-o")
            .arg(parts.join(part))
            .assert()
            .success();
    }
    let single = dir.path().join("single");
    paperkg()
        .args(["run", "--quiet", "--exports", "json"])
        .arg(&a)
        .arg(&b)
        .arg("-o")
        .arg(&single)
        .assert()
        .success();
    let built = dir.path().join("built");
    paperkg()
        .args(["build", "--quiet", "--exports", "json"])
        .arg(&parts)
        .arg("-o")
        .arg(&built)
        .assert()
        .success();
    let g = export::json::load_graph(&built.join("graph.json")).unwrap();
    let ids: Vec<&str> = g.papers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["x", "y", "x~2", "x~3", "z"]);
    assert!(read(&single.join("graph.json")) == read(&built.join("graph.json")));
}

#[test]
fn build_reports_a_bad_line_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let part = dir.path().join("part-00000");
    std::fs::write(
        &part,
        "{\"id\":\"a\",\"title\":\"A\",\"mentions\":[],\"acronyms\":[]}\nnot json\n",
    )
    .unwrap();
    let out = paperkg()
        .args(["build", "--quiet"])
        .arg(&part)
        .arg("-o")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    common::assert_error(&out, "part-00000:2");
}

#[test]
fn exports_flag_writes_only_what_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    let out = paperkg()
        .args(["run", "--quiet", &example(), "--exports", "json,html", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["graph.html", "graph.json", "rejects.jsonl"]);
}

#[test]
fn streamed_exports_match_the_in_memory_serializations() {
    let g = tricky_graph();
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("graph.json");
    export::json::write_graph(&g, &json).unwrap();
    let mut want = serde_json::to_vec(&g).unwrap();
    want.push(b'\n');
    assert!(read(&json) == want, "graph.json");
    let nl = dir.path().join("nl.json");
    export::graphml::write_node_link(&g, &nl).unwrap();
    let mut want = serde_json::to_vec(&export::graphml::node_link(&g)).unwrap();
    want.push(b'\n');
    assert!(read(&nl) == want, "node-link JSON");
}
