//! Every kind of rule-file error is reported with the exact file, line and message, and all
//! errors of a directory are reported at once.

use paperkg::rules::{load_dir, Diagnostic, RulesError};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(name)
}

fn diags(name: &str) -> Vec<Diagnostic> {
    match load_dir(&fixture(name)) {
        Err(RulesError::Invalid(d)) => d,
        Err(e) => panic!("{name}: unexpected error {e}"),
        Ok(_) => panic!("{name}: loaded without errors"),
    }
}

/// Asserts exactly one diagnostic at `file:line` whose message contains all `parts`.
fn assert_one(name: &str, file: &str, line: usize, parts: &[&str]) {
    let d = diags(name);
    assert_eq!(d.len(), 1, "{name}: {d:#?}");
    assert_diag(&d[0], name, file, line, parts);
}

fn assert_diag(d: &Diagnostic, name: &str, file: &str, line: usize, parts: &[&str]) {
    assert_eq!(d.file, fixture(name).join(file), "{d}");
    assert_eq!(d.line, line, "{d}");
    for p in parts {
        assert!(d.message.contains(p), "`{}` lacks `{p}`", d.message);
    }
}

#[test]
fn invalid_regex_reports_regex_error_text() {
    assert_one(
        "bad_regex",
        "method.toml",
        6,
        &[
            "invalid regex in pattern `method.broken`",
            "unclosed character class",
        ],
    );
}

#[test]
fn unknown_key_points_at_the_key() {
    assert_one(
        "unknown_key",
        "method.toml",
        3,
        &["[entity]", "unknown field `colour`", "expected one of"],
    );
}

#[test]
fn duplicate_rule_id_points_at_second_and_names_first() {
    let first = format!("{}:5", fixture("duplicate_id").join("a.toml").display());
    assert_one(
        "duplicate_id",
        "b.toml",
        8,
        &[
            "duplicate rule id `shared.id`",
            &format!("first defined at {first}"),
        ],
    );
}

#[test]
fn empty_term_name() {
    assert_one("empty_term", "method.toml", 8, &["empty term name"]);
}

#[test]
fn pattern_without_entity_capture() {
    assert_one(
        "no_capture",
        "method.toml",
        6,
        &["pattern `method.no-group` has no `(?P<entity>…)` capture group"],
    );
}

#[test]
fn missing_dictionary_file_points_at_file_key() {
    assert_one(
        "missing_dict",
        "dataset.toml",
        6,
        &["cannot read dictionary file", "nope.tsv"],
    );
}

#[test]
fn bad_role() {
    assert_one(
        "bad_role",
        "method.toml",
        7,
        &[
            "unknown role `invented`",
            "`proposed`, `used` or `evaluated-on`",
        ],
    );
}

#[test]
fn all_three_errors_of_a_file_are_reported() {
    let name = "three_errors";
    let d = diags(name);
    assert_eq!(d.len(), 3, "{d:#?}");
    assert_diag(
        &d[0],
        name,
        "method.toml",
        6,
        &["empty alias of term `BERT`"],
    );
    assert_diag(
        &d[1],
        name,
        "method.toml",
        10,
        &["invalid regex in pattern `method.a`"],
    );
    assert_diag(&d[2], name, "method.toml", 15, &["unknown role `made-up`"]);
}

#[test]
fn bad_dictionary_lines_point_into_the_list_file() {
    let name = "bad_dict_lines";
    let d = diags(name);
    assert_eq!(d.len(), 2, "{d:#?}");
    assert_diag(
        &d[0],
        name,
        "dictionaries/list.tsv",
        4,
        &["empty canonical name"],
    );
    assert_diag(&d[1], name, "dictionaries/list.tsv", 5, &["empty alias"]);
}

#[test]
fn toml_syntax_error_has_a_line() {
    let d = diags("syntax_error");
    assert!(!d.is_empty());
    assert_diag(
        &d[0],
        "syntax_error",
        "method.toml",
        5,
        &["TOML syntax error"],
    );
}

#[test]
fn duplicate_type_across_files() {
    let first = format!("{}:2", fixture("duplicate_type").join("a.toml").display());
    assert_one(
        "duplicate_type",
        "b.toml",
        3,
        &[
            "duplicate entity type `method`",
            &format!("first defined at {first}"),
        ],
    );
}

#[test]
fn display_is_file_colon_line_colon_message() {
    let d = diags("bad_role");
    let s = d[0].to_string();
    let want = format!("{}:7: ", fixture("bad_role").join("method.toml").display());
    assert!(s.starts_with(&want), "{s}");
}

#[test]
fn empty_and_missing_dirs_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(matches!(load_dir(tmp.path()), Err(RulesError::Empty(_))));
    assert!(matches!(
        load_dir(&tmp.path().join("nope")),
        Err(RulesError::Io { .. })
    ));
}

#[test]
fn valid_fixture_loads_in_sorted_order() {
    let rules = load_dir(&fixture("valid")).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = rules
        .entity_types()
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(names, ["dataset", "method", "concept"]);
    assert_eq!(rules.entity_types()[0].label, "Dataset");
    assert!(rules.rule_ids().iter().any(|r| r == "dataset.dict.list"));
    assert_eq!(
        rules.rule_location("method.called"),
        Some(format!("{}:18", fixture("valid").join("b_method.toml").display()).as_str())
    );
}
