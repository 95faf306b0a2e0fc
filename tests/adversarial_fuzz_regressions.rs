//! Replays the inputs kept from fuzzing (`tests/fixtures/fuzz-regressions/<target>/`).
//!
//! The reader fixtures are stored as the files the fuzz targets write, already decoded
//! (the selector bytes of `read_table`/`read_gzip` applied), named with the extension the
//! target gave them, so each can also be fed to `paperkg run` by hand. For each one:
//! reading never panics, every record is a paper or a reject with file and line, and
//! through the binary the summary accounts for all of them (papers read = papers in the
//! graph + rejects). Inputs refused up front (a CSV header without a title column, …) give
//! exit 2 on their own.
//!
//! `rules_load/*.toml` are loaded (with and without a dictionary list next to them) and
//! must load or be reported at real lines; `extract/*.txt` (title line, then abstract) are
//! extracted with the repository's rules and their offsets checked.

use assert_cmd::Command;
use paperkg::corpus::{read_inputs, ReadOptions, Record};
use paperkg::extract::Field;
use paperkg::rules::RulesError;
use std::path::{Path, PathBuf};

fn dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz-regressions")
        .join(target)
}

fn fixtures(target: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir(target))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_file() && !p.ends_with("README.md"));
    v.sort();
    v
}

/// (papers, rejects) read by the library, or None when the input is refused up front or
/// the stream ends in an error.
fn library_counts(path: &Path) -> Option<(u64, u64)> {
    let records = read_inputs(&[path.to_path_buf()], &ReadOptions::default()).ok()?;
    let (mut papers, mut rejects) = (0, 0);
    let shown = path.display().to_string();
    for r in records {
        match r.ok()? {
            Record::Paper(p) => {
                assert_eq!(p.source.file, shown);
                assert!(p.source.line >= 1);
                papers += 1;
            }
            Record::Reject(j) => {
                assert_eq!(j.file, shown);
                assert!(j.line >= 1 && !j.reason.is_empty());
                rejects += 1;
            }
        }
    }
    Some((papers, rejects))
}

fn summary_count(stdout: &str, label: &str) -> u64 {
    stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {label} in {stdout}"))
}

fn replay_reader_target(target: &str) {
    let files = fixtures(target);
    assert!(
        !files.is_empty(),
        "no fixtures in {}",
        dir(target).display()
    );
    let mut good = Vec::new();
    let (mut papers, mut rejects) = (0, 0);
    for f in &files {
        match library_counts(f) {
            Some((p, r)) => {
                good.push(f.clone());
                papers += p;
                rejects += r;
            }
            None => {
                // Refused: the binary says so with exit 2, and writes no graph.
                let out = tempfile::tempdir().unwrap();
                let res = Command::cargo_bin("paperkg")
                    .unwrap()
                    .current_dir(env!("CARGO_MANIFEST_DIR"))
                    .args(["run", "--quiet"])
                    .arg(f)
                    .arg("-o")
                    .arg(out.path())
                    .output()
                    .unwrap();
                assert_eq!(res.status.code(), Some(2), "{}", f.display());
                assert!(String::from_utf8_lossy(&res.stderr).contains("paperkg: error: "));
                assert!(!out.path().join("graph.json").exists());
            }
        }
    }
    if good.is_empty() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let res = Command::cargo_bin("paperkg")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--quiet"])
        .args(&good)
        .arg("-o")
        .arg(out.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert!(
        res.status.success(),
        "{target}: {}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert_eq!(summary_count(&stdout, "papers read:"), papers + rejects);
    assert_eq!(summary_count(&stdout, "in graph:"), papers);
    assert_eq!(summary_count(&stdout, "rejected:"), rejects);
    let lines = std::fs::read_to_string(out.path().join("rejects.jsonl"))
        .unwrap()
        .lines()
        .count() as u64;
    assert_eq!(lines, rejects);
}

#[test]
fn page_fixtures_replay() {
    replay_reader_target("read_page");
}

#[test]
fn jsonl_fixtures_replay() {
    replay_reader_target("read_jsonl");
}

#[test]
fn json_fixtures_replay() {
    replay_reader_target("read_json");
}

#[test]
fn table_fixtures_replay() {
    replay_reader_target("read_table");
}

#[test]
fn gzip_fixtures_replay() {
    replay_reader_target("read_gzip");
}

#[test]
fn sniffed_fixtures_replay() {
    replay_reader_target("read_sniffed");
}

#[test]
fn rules_fixtures_load_or_report_real_lines() {
    for f in fixtures("rules_load") {
        for with_list in [false, true] {
            let d = tempfile::tempdir().unwrap();
            let rule = d.path().join("fuzz.toml");
            std::fs::copy(&f, &rule).unwrap();
            if with_list {
                std::fs::create_dir(d.path().join("dictionaries")).unwrap();
                std::fs::write(
                    d.path().join("dictionaries/list.tsv"),
                    "# name\taliases\nBERT\tbert-base\n\t\nGPT-4\n",
                )
                .unwrap();
            }
            if let Err(RulesError::Invalid(diags)) = paperkg::rules::load_dir(d.path()) {
                for diag in diags {
                    let n = std::fs::read(&diag.file)
                        .map(|b| b.iter().filter(|&&c| c == b'\n').count() + 1)
                        .unwrap_or(1);
                    assert!(diag.line >= 1 && diag.line <= n, "{}: {diag}", f.display());
                }
            }
        }
    }
}

fn check_extract_fixtures(target: &str) {
    let rules = paperkg::rules::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"))
        .expect("the repository's rules load");
    for f in fixtures(target) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        let (title, abs) = text.split_once('\n').unwrap_or((&text, ""));
        let paper = paperkg::corpus::Paper::new(
            "fuzz",
            title,
            abs,
            paperkg::corpus::SourcePos {
                file: f.display().to_string(),
                line: 1,
            },
        );
        let ex = paperkg::extract::extract(&rules, &paper);
        for m in &ex.mentions {
            let field = match m.field {
                Field::Title => title,
                Field::Abstract => abs,
            };
            let got: String = field.chars().skip(m.start).take(m.end - m.start).collect();
            assert_eq!(got, m.text, "{}: {m:?}", f.display());
        }
    }
}

#[test]
fn extract_fixtures_keep_offsets_exact() {
    check_extract_fixtures("extract");
}

#[test]
fn extract_crash_fixtures_no_longer_crash() {
    check_extract_fixtures("extract-crashes");
}
