//! Property tests of the rules loader (the CI twin of the `rules_load` fuzz target): on any
//! rule file — arbitrary bytes, or rule-shaped TOML with random keys, values, regexes and
//! list files — `rules::load_dir` returns (never panics), and every diagnostic points at a
//! line that exists in the file it names.

use paperkg::rules::{load_dir, RulesError};
use proptest::prelude::*;
use std::path::Path;

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "\"method\"",
            "\"\"",
            "\"  \"",
            "'''(?P<entity>[A-Z]\\w+)'''",
            "'''(?P<entity>[A-Z'''",
            "'''([A-Z]+)'''",
            "'''(?P<entity>(a+)+)$'''",
            "'''\\bwe propose (?P<entity>\\S+)'''",
            "'''(?P<entity>)'''",
            "'''(?P<entity>x)(?P<entity>y)'''",
            "'''(?P<entity>.*?)'''",
            "[]",
            "[\"\"]",
            "[\"a\", \"\"]",
            "[\"title\"]",
            "[\"abstract\", \"nope\"]",
            "1",
            "-5",
            "99999999999999999999",
            "true",
            "1.5",
            "{}",
            "{ a = 1 }",
            "\"dictionaries/list.tsv\"",
            "\"../../etc/passwd\"",
            "\"missing.tsv\"",
            "\"proposed\"",
            "\"other\"",
            "\"evaluated-on\"",
            "\"suffix\"",
            "\"prefix\"",
            "\"auto\"",
            "\"sensitive\"",
            "\"insensitive\"",
            "\"#zzzzzz\"",
            "\"\\u0000\"",
            "\"dataset\"",
            "\"concept\"",
            "\"a.b\"",
            "\"acronym.use\"",
        ])
        .prop_map(str::to_string),
        "\"[a-zA-Z .-]{0,12}\"",
    ]
}

fn key() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "type",
        "label",
        "color",
        "shape",
        "priority",
        "heads",
        "acronym_default",
        "stop",
        "stop_words",
        "stop_suffixes",
        "id",
        "name",
        "aliases",
        "case",
        "file",
        "regex",
        "role",
        "triggers",
        "fields",
        "split",
        "emit",
        "cut",
        "role_types",
        "colour",
        "alias",
    ])
}

fn section() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "[entity]",
            "[[term]]",
            "[[dictionary]]",
            "[[pattern]]",
            "[[entity]]",
            "[other]",
            "",
        ]),
        prop::collection::vec((key(), value()), 0..6),
    )
        .prop_map(|(head, kvs)| {
            let mut s = format!("{head}\n");
            for (k, v) in kvs {
                s.push_str(&format!("{k} = {v}\n"));
            }
            s
        })
}

fn rule_file() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::collection::vec(section(), 0..6)
            .prop_map(|secs| {
                let mut s = String::from("[entity]\ntype = \"method\"\n");
                s.push_str(&secs.concat());
                s.into_bytes()
            }),
        1 => prop::collection::vec(section(), 0..6).prop_map(|s| s.concat().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..300),
    ]
}

fn list_file() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "BERT\tbert-base\n",
            "\n",
            "# comment\n",
            "\tno canonical\n",
            "GPT-4\t\n",
            "CIFAR-100\tCIFAR100\tcifar 100\n",
            "  \n",
            "a\tb\tc\td\n",
            "É\tß\n",
            "x",
        ]),
        0..8,
    )
    .prop_map(|l| l.concat())
}

fn lines_of(path: &Path) -> usize {
    std::fs::read(path)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count() + 1)
        .unwrap_or(1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_rule_file_loads_or_is_reported_at_a_real_line(
        file in rule_file(),
        second in prop::option::of(rule_file()),
        list in prop::option::of(list_file()),
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), &file).unwrap();
        if let Some(second) = &second {
            std::fs::write(dir.path().join("b.toml"), second).unwrap();
        }
        if let Some(list) = &list {
            std::fs::create_dir(dir.path().join("dictionaries")).unwrap();
            std::fs::write(dir.path().join("dictionaries/list.tsv"), list).unwrap();
        }
        match load_dir(dir.path()) {
            Ok(rs) => {
                for t in rs.entity_types() {
                    prop_assert!(!t.name.is_empty());
                }
            }
            Err(RulesError::Invalid(diags)) => {
                prop_assert!(!diags.is_empty());
                for d in diags {
                    prop_assert!(d.file.starts_with(dir.path()), "{}", d);
                    prop_assert!(d.line >= 1 && d.line <= lines_of(&d.file), "{}", d);
                    prop_assert!(!d.message.trim().is_empty(), "{}", d);
                }
            }
            Err(e) => {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }
}
