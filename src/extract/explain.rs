//! `paperkg explain`: one paper's title and abstract with every mention marked, and a table
//! of the mentions with the rule (and its `file:line`) that found each, so a user can see
//! why something was (or was not) extracted and which rule to edit.

use super::{Extraction, Field, Mention, Role};
use crate::corpus::Paper;
use crate::rules::RuleSet;
use std::fmt::Write;

/// ANSI colours per entity type, in the rule set's type order (cycled).
const COLOURS: [&str; 6] = ["1;33", "1;32", "1;36", "1;35", "1;34", "1;31"];

fn role_name(r: Option<Role>) -> &'static str {
    r.map_or("", Role::as_str)
}

/// Marks the mentions of one field in its text: `[SPP]{method:acronym.use}` in plain mode,
/// the mention in its type's ANSI colour with the rule dimmed after it in colour mode.
fn mark(rules: &RuleSet, text: &str, mentions: &[&Mention], colour: bool) -> String {
    // Code-point offsets → byte offsets.
    let mut bytes: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    bytes.push(text.len());
    let at = |cp: usize| bytes[cp.min(bytes.len() - 1)];
    let mut out = String::with_capacity(text.len() * 2);
    let mut pos = 0;
    for m in mentions {
        let (s, e) = (at(m.start), at(m.end));
        if s < pos {
            continue;
        }
        out.push_str(&text[pos..s]);
        if colour {
            let ti = rules.type_index(&m.etype).unwrap_or(0);
            let c = COLOURS[ti % COLOURS.len()];
            let _ = write!(
                out,
                "\x1b[{c}m{}\x1b[0m\x1b[2m{{{}}}\x1b[0m",
                &text[s..e],
                m.rule
            );
        } else {
            let _ = write!(out, "[{}]{{{}:{}}}", &text[s..e], m.etype, m.rule);
        }
        pos = e;
    }
    out.push_str(&text[pos..]);
    out
}

/// Renders the explanation of one paper: the marked title and abstract, then a table with
/// one row per mention (field, text, type, canonical, role, rule, rule location).
pub fn render(rules: &RuleSet, paper: &Paper, ex: &Extraction, colour: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "paper: {}", paper.id);
    for (field, text) in [
        (Field::Title, &paper.title),
        (Field::Abstract, &paper.abstract_text),
    ] {
        let ms: Vec<&Mention> = ex.mentions.iter().filter(|m| m.field == field).collect();
        let label = match field {
            Field::Title => "title",
            Field::Abstract => "abstract",
        };
        let _ = writeln!(out, "\n{label}:\n{}", mark(rules, text, &ms, colour));
    }
    if !ex.acronyms.is_empty() {
        let _ = writeln!(out, "\nacronyms:");
        for a in &ex.acronyms {
            let _ = writeln!(out, "  {} = {}", a.short, a.long);
        }
    }
    let header = [
        "field",
        "text",
        "type",
        "canonical",
        "role",
        "rule",
        "defined at",
    ];
    let rows: Vec<[String; 7]> = ex
        .mentions
        .iter()
        .map(|m| {
            let loc = match rules.rule_location(&m.rule) {
                Some("") => "built-in".to_string(),
                Some(l) => l.to_string(),
                None => "?".to_string(),
            };
            [
                match m.field {
                    Field::Title => "title".into(),
                    Field::Abstract => "abstract".into(),
                },
                m.text.clone(),
                m.etype.clone(),
                m.canonical.clone(),
                role_name(m.role).into(),
                m.rule.clone(),
                loc,
            ]
        })
        .collect();
    let _ = writeln!(out, "\n{} mentions:", rows.len());
    let mut widths = header.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[&str]| {
        let mut l = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(c);
            } else {
                let _ = write!(l, "{c}{}  ", " ".repeat(w - c.chars().count()));
            }
        }
        l
    };
    let _ = writeln!(out, "{}", line(&header));
    for r in &rows {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        let _ = writeln!(out, "{}", line(&cells));
    }
    out
}
