//! `paperkg explain`: the marked-up paper, the mention table with rule locations, exit codes.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn page() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/trending-papers.txt")
}

fn rules() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

#[test]
fn explain_marks_mentions_and_lists_rules() {
    let id = "unleashing-cognitive-synergy-in-large-language-models-a-task-solving-agent";
    Command::cargo_bin("paperkg")
        .unwrap()
        .arg("explain")
        .arg(page())
        .arg("--rules")
        .arg(rules())
        .args(["--paper", id])
        .assert()
        .success()
        // Not a terminal: plain bracket markup, no ANSI escapes.
        .stdout(predicate::str::contains(
            "[Solo Performance Prompting (SPP)]{method:acronym.long}",
        ))
        .stdout(predicate::str::contains("[SPP]{method:acronym.use}"))
        .stdout(predicate::str::contains("\x1b[").not())
        // The table: canonical, role and where the rule is defined.
        .stdout(predicate::str::contains("SPP = Solo Performance Prompting"))
        .stdout(predicate::str::is_match(r"Solo Performance Prompting\s+proposed\s+acronym\.long\s+built-in").unwrap())
        .stdout(predicate::str::is_match(r"hallucination\s+concept\s+hallucination\s+concept\.term\s+\S*rules/concept\.toml:\d+").unwrap());
}

#[test]
fn explain_unknown_paper_exits_1() {
    Command::cargo_bin("paperkg")
        .unwrap()
        .arg("explain")
        .arg(page())
        .arg("--rules")
        .arg(rules())
        .args(["--paper", "no-such-paper"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no-such-paper"));
}
