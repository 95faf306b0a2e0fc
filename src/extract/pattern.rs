//! Regex pattern rules, run only when one of their trigger words occurs in the text.

use super::{Cand, Role, RoleSpan, Source};
use crate::extract::Field;
use crate::rules::{Cut, PatternRule, RuleSet};
use regex_automata::{Anchored, Input};

/// Characters trimmed from both ends of a captured name.
fn is_trim(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | ','
                | ';'
                | ':'
                | '!'
                | '?'
                | '"'
                | '\''
                | '“'
                | '”'
                | '‘'
                | '’'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '~'
                | '-'
        )
}

/// Trims punctuation around `text[s..e]`, keeping a closing bracket that closes one inside.
fn trim(text: &str, mut s: usize, mut e: usize) -> (usize, usize) {
    while s < e {
        let c = text[s..e].chars().next().unwrap();
        if is_trim(c) {
            s += c.len_utf8();
        } else {
            break;
        }
    }
    while s < e {
        let c = text[s..e].chars().next_back().unwrap();
        let keep = (c == ')' && text[s..e].contains('(')) || (c == ']' && text[s..e].contains('['));
        if is_trim(c) && !keep {
            e -= c.len_utf8();
        } else {
            break;
        }
    }
    (s, e)
}

/// Cuts `text[s..e]` at the type's stop words (see [`Cut`]).
fn cut(rules: &RuleSet, p: &PatternRule, text: &str, s: usize, e: usize) -> (usize, usize) {
    if p.cut == Cut::None {
        return (s, e);
    }
    let info = &rules.type_info[p.type_idx];
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut ws = None;
    for (i, c) in text[s..e].char_indices() {
        if c.is_whitespace() {
            if let Some(st) = ws.take() {
                words.push((s + st, s + i));
            }
        } else if ws.is_none() {
            ws = Some(i);
        }
    }
    if let Some(st) = ws {
        words.push((s + st, e));
    }
    let is_stop = |&(a, b): &(usize, usize)| {
        let (a, b) = trim(text, a, b);
        if a >= b {
            return false;
        }
        let w = text[a..b].to_lowercase();
        info.stop_words.contains(&w)
            || info
                .stop_suffixes
                .iter()
                .any(|s| w.len() >= s.len() + 3 && w.ends_with(s.as_str()))
    };
    match p.cut {
        Cut::Suffix => match words.iter().rposition(is_stop) {
            Some(i) if i + 1 < words.len() => (words[i + 1].0, e),
            Some(_) => (e, e),
            None => (s, e),
        },
        Cut::Prefix => match words.iter().position(is_stop) {
            Some(0) => (s, s),
            Some(i) => (s, words[i - 1].1),
            None => (s, e),
        },
        Cut::None => (s, e),
    }
}

/// Splits a list capture ("A, B, and C") into its items. The words "and" / "or" separate
/// items after any whitespace, as in abstracts wrapped across lines ("CIFAR-100,\nand
/// ImageNet-1K").
fn split_items(text: &str, s: usize, e: usize, out: &mut Vec<(usize, usize)>) {
    let seg = &text[s..e];
    let bytes = seg.as_bytes();
    // The length of a whitespace, a conjunction and a whitespace at `i`, if one is there.
    let conjunction = |i: usize| {
        [&b"and"[..], b"or"].iter().find_map(|w| {
            let after = i + 1 + w.len();
            (bytes[i].is_ascii_whitespace()
                && bytes[i + 1..].starts_with(w)
                && bytes.get(after).is_some_and(u8::is_ascii_whitespace))
            .then_some(w.len() + 2)
        })
    };
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let sep_len = if b == b',' || b == b';' {
            1
        } else {
            conjunction(i).unwrap_or(0)
        };
        if sep_len > 0 {
            out.push((s + start, s + i));
            i += sep_len;
            start = i;
        } else {
            i += 1;
        }
    }
    out.push((s + start, e));
}

/// Whether pattern `p` only hands a role that nothing before the final mentions needs:
/// no mentions of its own and not `proposed` (which also types acronyms). Such patterns
/// run in [`find_deferred`], only in windows where a mention could take their role.
pub(crate) fn deferred(p: &PatternRule) -> bool {
    #[cfg(test)]
    if tests::EAGER.with(std::cell::Cell::get) {
        return false;
    }
    !p.emit && p.role.is_some_and(|r| r != Role::Proposed)
}

/// Where each pattern runs in one field: the byte windows around its trigger hits, merged
/// (untriggered patterns get the whole text), and, for patterns that match only at a
/// trigger ([`PatternRule::at_triggers`]), the hits' start offsets in order.
#[derive(Debug, Default)]
pub(crate) struct Active {
    windows: Vec<Vec<(usize, usize)>>,
    starts: Vec<Vec<usize>>,
}

/// Empties every list of a per-pattern table, keeping their room, and sizes the table.
fn clear_all<T>(table: &mut Vec<Vec<T>>, len: usize) {
    table.resize_with(len, Vec::new);
    for list in table.iter_mut() {
        list.clear();
    }
}

/// Runs the patterns whose triggers occur in `text`; appends mention candidates and the
/// spans that hand a role to the mentions inside them. `active` receives each pattern's
/// windows, which [`find_deferred`] reuses for the patterns [`deferred`] leaves out.
pub(crate) fn find<'r>(
    rules: &'r RuleSet,
    text: &'r str,
    field: Field,
    active: &mut Active,
    out: &mut Vec<Cand<'r>>,
    roles: &mut Vec<RoleSpan<'r>>,
) {
    let Active { windows, starts } = active;
    // Emptied, not dropped: an `Active` is reused from paper to paper, and so is the room
    // of its lists.
    clear_all(windows, rules.patterns.len());
    clear_all(starts, rules.patterns.len());
    for &i in &rules.untriggered {
        windows[i as usize].push((0, text.len()));
    }
    if let Some(triggers) = &rules.trigger_ac {
        triggers.for_each(text.as_bytes(), |trigger, start, end| {
            let ws = floor_char(text, start.saturating_sub(WINDOW));
            let we = ceil_char(text, (end + WINDOW).min(text.len()));
            for &p in &rules.trigger_map[trigger] {
                let w = &mut windows[p as usize];
                match w.last_mut() {
                    Some(last) if last.1 >= ws => last.1 = last.1.max(we),
                    _ => w.push((ws, we)),
                }
                if rules.patterns[p as usize].at_triggers {
                    starts[p as usize].push(start);
                }
            }
        });
    }
    // Hits come in the order their words end; an anchored run wants them by start.
    for s in starts.iter_mut().filter(|s| s.len() > 1) {
        s.sort_unstable();
        s.dedup();
    }
    let mut items = Vec::new();
    for (pi, p) in rules.patterns.iter().enumerate() {
        if active.windows[pi].is_empty() || !wanted(p, field) || deferred(p) {
            continue;
        }
        for &w in &active.windows[pi] {
            let window = (w, active.starts[pi].as_slice());
            run_window(rules, p, text, window, &mut items, out, roles);
        }
    }
}

/// Runs the [`deferred`] role patterns, in the windows of `active` (from [`find`]) that
/// contain the start of a mention in `kept` that could take their role: one without a
/// role of its own, of the pattern's role types. A role span only reaches mentions that
/// start inside it, and every span lies inside one window, so the roles found are those
/// running every window would give.
pub(crate) fn find_deferred<'r>(
    rules: &'r RuleSet,
    text: &'r str,
    field: Field,
    active: &Active,
    kept: &[Cand<'r>],
    roles: &mut Vec<RoleSpan<'r>>,
) {
    let mut items = Vec::new();
    let mut none = Vec::new();
    for (pi, p) in rules.patterns.iter().enumerate() {
        if !deferred(p) || active.windows[pi].is_empty() || !wanted(p, field) {
            continue;
        }
        for &(ws, we) in &active.windows[pi] {
            let takes = kept.iter().any(|k| {
                k.role.is_none()
                    && ws <= k.start
                    && k.start < we
                    && (p.role_types.is_empty() || p.role_types.contains(&k.type_idx))
            });
            if takes {
                let window = ((ws, we), active.starts[pi].as_slice());
                run_window(rules, p, text, window, &mut items, &mut none, roles);
            }
        }
    }
}

/// Whether pattern `p` runs on `field`.
fn wanted(p: &PatternRule, field: Field) -> bool {
    match field {
        Field::Title => p.in_title,
        Field::Abstract => p.in_abstract,
    }
}

/// Runs pattern `p` over one window of `text` (its byte range, and the pattern's trigger
/// hits in the field): every match inside it hands its role (a [`RoleSpan`]) and, when
/// the pattern emits, its capture's items as candidates.
///
/// The matches are the leftmost-first, non-overlapping ones of a search through the
/// window. A pattern whose matches all begin at a trigger is instead searched anchored at
/// each trigger hit in `starts` (skipping hits inside the previous match), which finds the
/// same matches without scanning the window's other bytes.
fn run_window<'r>(
    rules: &'r RuleSet,
    p: &'r PatternRule,
    text: &'r str,
    ((ws, we), starts): ((usize, usize), &[usize]),
    items: &mut Vec<(usize, usize)>,
    out: &mut Vec<Cand<'r>>,
    roles: &mut Vec<RoleSpan<'r>>,
) {
    let hay = &text[..we];
    // One set of capture slots for the window's matches whose group the DFAs leave open.
    let mut caps = None;
    let mut at = ws;
    let mut matched = |m: Option<regex_automata::Match>, at: &mut usize| {
        let Some(m0) = m else {
            return false;
        };
        *at = if m0.end() > m0.start() {
            m0.end()
        } else {
            ceil_char(text, m0.end() + 1)
        };
        let group = p
            .bounds
            .as_ref()
            .filter(|_| !engine_groups())
            .and_then(|b| b.find(hay.as_bytes(), m0.start(), m0.end()))
            .or_else(|| {
                // The capture search the regex engine runs after finding a match: on the
                // match alone, anchored.
                let caps = caps.get_or_insert_with(|| p.regex.create_captures());
                let input = Input::new(hay).span(m0.range()).anchored(Anchored::Yes);
                p.regex.search_captures(&input, caps);
                caps.get_group(p.group).map(|g| (g.start, g.end))
            });
        if let Some(g) = group {
            take_match(rules, p, text, g, items, out, roles);
        }
        true
    };
    if p.at_triggers && !windowed() {
        let first = starts.partition_point(|&h| h < ws);
        for &h in &starts[first..] {
            if h > we {
                break;
            }
            if h < at {
                continue;
            }
            let input = Input::new(hay).span(h..we).anchored(Anchored::Yes);
            matched(p.regex.search(&input), &mut at);
        }
        return;
    }
    while at <= we {
        let m = p.regex.search(&Input::new(hay).span(at..we));
        if !matched(m, &mut at) {
            break;
        }
    }
}

/// Hands one match's role and candidates on: `(gs, ge)` is its `entity` capture.
fn take_match<'r>(
    rules: &'r RuleSet,
    p: &'r PatternRule,
    text: &'r str,
    (gs, ge): (usize, usize),
    items: &mut Vec<(usize, usize)>,
    out: &mut Vec<Cand<'r>>,
    roles: &mut Vec<RoleSpan<'r>>,
) {
    if let Some(role) = p.role {
        roles.push(RoleSpan {
            start: gs,
            end: ge,
            role,
            rule: p.rule,
            types: &p.role_types,
        });
    }
    if !p.emit {
        return;
    }
    items.clear();
    if p.split {
        split_items(text, gs, ge, items);
    } else {
        items.push((gs, ge));
    }
    for &(a, b) in items.iter() {
        let (a, b) = trim(text, a, b);
        let (a, b) = cut(rules, p, text, a, b);
        let (a, b) = trim(text, a, b);
        if a >= b {
            continue;
        }
        out.push(Cand {
            start: a,
            end: b,
            type_idx: p.type_idx,
            canonical: &text[a..b],
            rule: p.rule,
            role: p.role,
            source: Source::Pattern,
        });
    }
}

/// Whether anchored runs are off (tests compare them with searching the windows).
fn windowed() -> bool {
    #[cfg(test)]
    return tests::WINDOWED.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
}

/// Whether every capture group is left to the regex engine (tests compare the groups the
/// DFAs of [`crate::rules::PatternRule::bounds`] find with the engine's).
fn engine_groups() -> bool {
    #[cfg(test)]
    return tests::ENGINE_GROUPS.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
}

/// Bytes of context searched on each side of a trigger hit: patterns only run in these
/// windows, never over the whole text (a match must lie within one window).
pub(crate) const WINDOW: usize = 240;

fn floor_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use crate::corpus::{read_inputs, ReadOptions, Record};
    use std::cell::Cell;
    use std::path::{Path, PathBuf};

    thread_local! {
        /// Runs every pattern in `find`, deferring none (the reference behaviour).
        pub(super) static EAGER: Cell<bool> = const { Cell::new(false) };
        /// Searches every window through, never anchored at trigger hits.
        pub(super) static WINDOWED: Cell<bool> = const { Cell::new(false) };
        /// Leaves every capture group to the regex engine.
        pub(super) static ENGINE_GROUPS: Cell<bool> = const { Cell::new(false) };
    }

    #[test]
    fn list_items_split_at_commas_and_conjunctions_after_any_whitespace() {
        // (list, its items after trimming)
        let table: &[(&str, &[&str])] = &[
            ("A, B, and C", &["A", "B", "C"]),
            ("A, B and C", &["A", "B", "C"]),
            ("A or B", &["A", "B"]),
            (
                "CIFAR-10, CIFAR-100,\nand ImageNet-1K",
                &["CIFAR-10", "CIFAR-100", "ImageNet-1K"],
            ),
            ("A,\tor B", &["A", "B"]),
            ("A and\nB", &["A", "B"]),
            ("Andes, Orca and Brandy", &["Andes", "Orca", "Brandy"]),
            ("SQuAD; HotpotQA", &["SQuAD", "HotpotQA"]),
        ];
        for (list, want) in table {
            let mut items = Vec::new();
            super::split_items(list, 0, list.len(), &mut items);
            let got: Vec<&str> = items
                .iter()
                .map(|&(a, b)| list[a..b].trim())
                .filter(|s| !s.is_empty())
                .collect();
            assert_eq!(&got, want, "{list:?}");
        }
    }

    /// The example page and (when the shared data is there) 3,000 arXiv abstracts.
    fn sample_papers() -> Vec<crate::corpus::Paper> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut inputs = vec![root.join("examples/trending-papers.txt")];
        let arxiv = root.join("../shared/data/arxiv_daily_cs");
        if let Ok(dir) = std::fs::read_dir(&arxiv) {
            let mut gz: Vec<PathBuf> = dir.flatten().map(|e| e.path()).collect();
            gz.retain(|p| p.to_string_lossy().ends_with(".jsonl.gz"));
            gz.sort();
            inputs.extend(gz.into_iter().take(1));
        }
        let mut papers = Vec::new();
        for input in inputs {
            let records = read_inputs(&[input], &ReadOptions::default()).unwrap();
            for r in records.take(3000) {
                if let Record::Paper(p) = r.unwrap() {
                    papers.push(p);
                }
            }
        }
        assert!(papers.len() >= 78, "{}", papers.len());
        papers
    }

    /// Extracts `paper` with the switch `flag` off and on, asserts both give the same, and
    /// returns that extraction.
    fn same_either_way(
        flag: &'static std::thread::LocalKey<Cell<bool>>,
        rules: &crate::rules::RuleSet,
        paper: &crate::corpus::Paper,
    ) -> crate::extract::Extraction {
        let off = crate::extract::extract(rules, paper);
        flag.with(|f| f.set(true));
        let on = crate::extract::extract(rules, paper);
        flag.with(|f| f.set(false));
        assert_eq!(off, on, "paper {}: {}", paper.id, paper.abstract_text);
        on
    }

    fn shipped_rules() -> crate::rules::RuleSet {
        crate::rules::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap()
    }

    /// Deferring role patterns changes no extraction: the same mentions, roles and
    /// acronyms as running every pattern in every window.
    #[test]
    fn deferred_role_patterns_give_the_same_extractions() {
        let rules = shipped_rules();
        let papers = sample_papers();
        let mut with_roles = 0;
        for p in &papers {
            let eager = same_either_way(&EAGER, &rules, p);
            with_roles += usize::from(eager.mentions.iter().any(|m| m.role.is_some()));
        }
        // The comparison means something only if roles are found.
        assert!(
            with_roles * 4 >= papers.len(),
            "{with_roles} of {}",
            papers.len()
        );
    }

    /// Searching patterns anchored at their trigger hits finds what searching their
    /// windows through finds, and the shipped rules do run most patterns that way.
    #[test]
    fn anchored_runs_give_the_same_extractions() {
        let rules = shipped_rules();
        let anchored = rules.patterns.iter().filter(|p| p.at_triggers).count();
        assert!(anchored >= 10, "{anchored} of {}", rules.patterns.len());
        let papers = sample_papers();
        let mut from_patterns = 0;
        for p in &papers {
            let slow = same_either_way(&WINDOWED, &rules, p);
            from_patterns += usize::from(!slow.mentions.is_empty());
        }
        assert!(from_patterns * 2 >= papers.len(), "{from_patterns}");
    }

    /// Groups found by the patterns' DFAs give the extractions the regex engine's capture
    /// search gives.
    #[test]
    fn dfa_groups_give_the_same_extractions() {
        let rules = shipped_rules();
        assert!(rules.patterns.iter().filter(|p| p.bounds.is_some()).count() >= 10);
        for p in &sample_papers() {
            same_either_way(&ENGINE_GROUPS, &rules, p);
        }
    }

    /// Hand-made texts where hits overlap, sit inside an earlier match, repeat, or do not
    /// start a match: anchored runs agree with window runs.
    #[test]
    fn anchored_runs_agree_on_awkward_hits() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("method.toml"),
            r#"
[entity]
type = "method"
[[pattern]]
id = "called"
regex = '(?-u:\b)(?:called|call|named)[ ]+(?P<entity>[A-Z][A-Za-z]+(?:[ ]+(?:called|named)[ ]+[A-Z][a-z]+)?)'
triggers = ["called", "call", "named"]
[[pattern]]
id = "list"
regex = '(?-u:\b)(?:sets?)[ ]*:[ ]*(?P<entity>[A-Z][A-Za-z]*(?:, [A-Z][A-Za-z]*)*)'
split = true
triggers = ["set"]
[[pattern]]
id = "two-words"
regex = '(?-u:\b)termed (?P<entity>[A-Z][a-z]+ [a-z]+)'
triggers = ["termed"]
"#,
        )
        .unwrap();
        let rules = crate::rules::load_dir(dir.path()).unwrap();
        assert!(rules.patterns.iter().all(|p| p.at_triggers));
        let texts = [
            "a model called Foo called Bar, recalled Baz, called qux and named Zed.",
            "called called Alpha named Beta; uncalled Gamma; callednamed Delta",
            "sets: Alpha, Beta, Gamma and set: Delta, Epsilon. subsets: Zeta",
            "named Named named Named named",
            "calledcalled Foo named  Bar called\nBaz",
            // The second hit lies inside the first match ("termed Foo termed").
            "a model termed Foo termed Bar baz.",
        ];
        let mut found = 0;
        for (i, t) in texts.iter().enumerate() {
            let paper = crate::corpus::Paper::new(
                format!("p{i}"),
                String::new(),
                (*t).to_string(),
                crate::corpus::SourcePos {
                    file: "t".into(),
                    line: 1,
                },
            );
            let fast = same_either_way(&WINDOWED, &rules, &paper);
            found += fast.mentions.len();
        }
        assert!(found >= 10, "{found}");
    }
}
