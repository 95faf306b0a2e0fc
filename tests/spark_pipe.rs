//! Scale-out: `paperkg extract -` as a mapper under Spark (`rdd.pipe`, local[2]) and
//! `paperkg build` over the parts give the same graph as one `paperkg run`.
//!
//! Needs pyspark (and Java); skipped with a note when pyspark is missing, but a failure
//! when `CI=true` (scripts/test.sh installs it). Uses the first 2,000 abstracts of the
//! shared arXiv dump, skipped when ../shared is not beside the checkout.

use assert_cmd::Command;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::Command as Process;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn have_pyspark() -> bool {
    let ok = Process::new("python3")
        .args(["-c", "import pyspark"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok && in_ci() {
        panic!("pyspark missing, but CI must install it (see scripts/test.sh)");
    }
    if !ok {
        eprintln!("note: pyspark not installed (pip install pyspark); Spark check skipped");
    }
    ok
}

fn paperkg() -> Command {
    let mut c = Command::cargo_bin("paperkg").unwrap();
    c.env_remove("CI");
    c
}

fn stats_json(graph: &Path) -> serde_json::Value {
    let out = paperkg()
        .args(["stats", "--json", "-n", "20", "--graph"])
        .arg(graph)
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn spark_pipe_then_build_gives_the_single_run_graph() {
    let data =
        root().join("../shared/data/arxiv_daily_cs/arxiv_daily_2025-03-18_to_2026-07-01.jsonl.gz");
    if !data.exists() {
        assert!(!in_ci(), "{} is missing", data.display());
        eprintln!("skipping: {} not found", data.display());
        return;
    }
    if !have_pyspark() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("papers.jsonl");
    {
        let gz = flate2::read::MultiGzDecoder::new(std::fs::File::open(&data).unwrap());
        let mut out = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        for line in std::io::BufReader::new(gz).lines().take(2000) {
            writeln!(out, "{}", line.unwrap()).unwrap();
        }
    }

    // The mapper job.
    let parts = dir.path().join("parts");
    let bin = assert_cmd::cargo::cargo_bin("paperkg");
    let out = Process::new("python3")
        .arg(root().join("tests/consumers/spark_pipe.py"))
        .arg(&bin)
        .arg(root().join("rules"))
        .arg(&input)
        .arg(&parts)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "spark job failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(
        out.stdout
            .split(|&b| b == b'\n')
            .find(|l| l.starts_with(b"{"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(report["lines"], 2000, "{report}");
    assert!(report["partitions"].as_u64().unwrap() >= 2, "{report}");

    // Build from the parts folder, and the single-process run.
    let built = dir.path().join("built");
    let single = dir.path().join("single");
    paperkg()
        .args(["build", "--quiet", "--exports", "json"])
        .arg(&parts)
        .arg("-o")
        .arg(&built)
        .assert()
        .success();
    paperkg()
        .args(["run", "--quiet", "--exports", "json"])
        .arg(&input)
        .arg("-o")
        .arg(&single)
        .assert()
        .success();
    let (a, b) = (
        stats_json(&single.join("graph.json")),
        stats_json(&built.join("graph.json")),
    );
    assert_eq!(a["papers"], 2000);
    assert_eq!(
        a, b,
        "stats differ between the Spark pipe and the single run"
    );
    assert!(
        std::fs::read(single.join("graph.json")).unwrap()
            == std::fs::read(built.join("graph.json")).unwrap(),
        "graph.json differs between the Spark pipe and the single run"
    );
}
