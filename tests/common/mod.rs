//! Shared helpers for the integration tests.
#![allow(dead_code)]

use paperkg::extract::{Acronym, Extraction, Field, Mention, Role};
use paperkg::graph::{GraphOptions, KnowledgeGraph};
use paperkg::normalize::Normalizer;
use paperkg::rules::EntityType;
use std::path::{Path, PathBuf};

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `paperkg` binary, run from the crate root (so `rules/` is the shipped rules).
pub fn paperkg() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("paperkg").unwrap();
    c.current_dir(root());
    c
}

/// The bundled example page (a copy of the user's trending-papers page).
pub fn example() -> String {
    root()
        .join("examples/trending-papers.txt")
        .display()
        .to_string()
}

/// Compares `actual` with the snapshot file `tests/snapshots/NAME`; with
/// `UPDATE_SNAPSHOTS=1` the snapshot is rewritten instead.
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = root().join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "missing snapshot {} ({e}); run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if expected != actual {
        let diff_at = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "snapshot {name} differs at line {}:\n expected: {:?}\n actual:   {:?}\n(run with UPDATE_SNAPSHOTS=1 to accept)",
            diff_at + 1,
            expected.lines().nth(diff_at),
            actual.lines().nth(diff_at)
        );
    }
}

/// Whether a program is on PATH; in CI (CI=true) a missing tool fails the test instead of
/// skipping it, because CI installs every real consumer the tests use.
pub fn have_tool(name: &str) -> bool {
    let ok = std::process::Command::new(name).arg("-V").output().is_ok();
    if !ok && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{name} is not installed, but CI must install it (see .ci/run)");
    }
    if !ok {
        eprintln!("note: {name} not installed; part of this test skipped");
    }
    ok
}

pub fn types() -> Vec<EntityType> {
    let t = |name: &str, label: &str, color: &str, shape: &str| EntityType {
        name: name.into(),
        label: label.into(),
        color: color.into(),
        shape: shape.into(),
    };
    vec![
        t("method", "Method", "#9ecae1", "box"),
        t("dataset", "Dataset", "#a1d99b", "cylinder"),
        t("concept", "Concept", "#fdd0a2", "ellipse"),
    ]
}

fn m(t: &str, text: &str, canonical: &str, role: Option<Role>) -> Mention {
    Mention {
        etype: t.into(),
        text: text.into(),
        canonical: canonical.into(),
        field: Field::Abstract,
        start: 0,
        end: text.chars().count(),
        rule: "fixture".into(),
        role,
    }
}

/// A small corpus with hostile titles (commas, quotes, newlines, backslashes, braces,
/// angle brackets, non-ASCII) and entities shared in known ways.
pub fn tricky_extractions() -> Vec<Extraction> {
    let ex = |id: &str, title: &str, mentions: Vec<Mention>, acr: &[(&str, &str)]| Extraction {
        id: id.into(),
        title: title.into(),
        mentions,
        acronyms: acr
            .iter()
            .map(|(s, l)| Acronym {
                short: s.to_string(),
                long: l.to_string(),
            })
            .collect(),
    };
    vec![
        ex(
            "p1",
            "Continual Learning, \"Forgetting\" and You",
            vec![
                m("concept", "continual learning", "continual learning", None),
                m(
                    "concept",
                    "catastrophic forgetting",
                    "catastrophic forgetting",
                    None,
                ),
                m("dataset", "CIFAR-100", "CIFAR-100", Some(Role::EvaluatedOn)),
                m(
                    "method",
                    "SPP",
                    "Solo Performance Prompting",
                    Some(Role::Proposed),
                ),
            ],
            &[("SPP", "Solo Performance Prompting")],
        ),
        ex(
            "p2",
            "Two lines\nof title with a back\\slash",
            vec![
                m("concept", "Continual Learning", "Continual Learning", None),
                m(
                    "concept",
                    "catastrophic forgetting",
                    "catastrophic forgetting",
                    None,
                ),
                m("dataset", "CIFAR100", "CIFAR-100", Some(Role::EvaluatedOn)),
            ],
            &[],
        ),
        ex(
            "p3",
            "Ünïcödé {braces} <angle> & 東京; semi",
            vec![
                m("concept", "continual-learning", "continual-learning", None),
                m("concept", "replay", "replay", None),
                m(
                    "method",
                    "Solo Performance Prompting",
                    "Solo Performance Prompting",
                    None,
                ),
            ],
            &[],
        ),
        ex(
            "p4",
            "Unrelated: graph; neural, networks",
            vec![
                m(
                    "method",
                    "graph neural networks",
                    "graph neural networks",
                    None,
                ),
                m("concept", "replay", "replay", None),
            ],
            &[],
        ),
    ]
}

/// The graph of [`tricky_extractions`].
pub fn tricky_graph() -> KnowledgeGraph {
    let types = types();
    let names: Vec<String> = types.iter().map(|t| t.name.clone()).collect();
    let mut n = Normalizer::new(&names);
    for ex in tricky_extractions() {
        n.add(&ex);
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

/// Reads a CSV file into header + rows.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Asserts that a finished `paperkg` command failed as an error (exit code 2) and that its
/// stderr names `needle` (the file:line, path or hint a user needs).
pub fn assert_error(out: &std::process::Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "stderr lacks {needle:?}: {err}");
}
