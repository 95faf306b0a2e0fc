//! Where the `entity` group of a pattern match lies, found with two small DFAs instead of
//! the backtracking search the regex engine runs for capture groups.
//!
//! Most pattern regexes are a concatenation `P (?P<entity>G) S`. Every way such a regex
//! matches exactly the bytes `[s, e)` of a match splits them into `P` over `[s, a)`, `G`
//! over `[a, c)` and `S` over `[c, e)`, and the group the regex engine reports is the
//! `(a, c)` of the way it prefers. When `P` matches `[s, a)` for exactly one `a` and `S`
//! matches `[c, e)` for exactly one `c`, every way splits there, so that is the group
//! whatever the preference. A forward lazy DFA of `P` anchored at `s` and a reverse one of
//! `S` anchored at `e` find those ends in a few steps each, where the backtracker visits the
//! match's (state, position) pairs. When an end is not unique, or the regex has another
//! shape, the caller asks the regex engine as before.

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::nfa::thompson;
use regex_automata::util::pool::{Pool, PoolGuard};
use regex_automata::{Anchored, Input, MatchKind};
use regex_syntax::hir::{Hir, HirKind};
use std::panic::{RefUnwindSafe, UnwindSafe};

/// Makes a thread's cache for a lazy DFA.
type CacheFn = Box<dyn Fn() -> Cache + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// A lazy DFA that reports every end of its regex (a reverse one: every start), with
/// caches for the threads that search it. Lazy, because determinizing the parts with
/// Unicode classes up front cost more than the rules' loading took before.
#[derive(Debug)]
struct Part {
    dfa: DFA,
    caches: Pool<Cache, CacheFn>,
}

impl Part {
    /// The DFA of `parts` in sequence, reporting all match ends (with `reverse`, all
    /// starts); `None` when it cannot be built (a Unicode word boundary, say).
    fn new(parts: &[Hir], reverse: bool) -> Option<Part> {
        let hir = Hir::concat(parts.to_vec());
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .reverse(reverse)
                    .which_captures(thompson::WhichCaptures::None),
            )
            .build_from_hir(&hir)
            .ok()?;
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(CACHE_CAPACITY),
            )
            .build_from_nfa(nfa)
            .ok()?;
        Some(Part::of(dfa))
    }

    fn of(dfa: DFA) -> Part {
        let for_caches = dfa.clone();
        let create: CacheFn = Box::new(move || for_caches.create_cache());
        Part {
            dfa,
            caches: Pool::new(create),
        }
    }

    fn cache(&self) -> PoolGuard<'_, Cache, CacheFn> {
        self.caches.get()
    }
}

impl Clone for Part {
    fn clone(&self) -> Part {
        Part::of(self.dfa.clone())
    }
}

/// The DFAs of the parts before and after a pattern's `entity` group (`None`: the part is
/// empty, so the group starts at the match start or ends at its end).
#[derive(Debug, Clone)]
pub struct GroupBounds {
    prefix: Option<Part>,
    suffix: Option<Part>,
}

/// Bytes of states each thread's cache of a part may hold.
const CACHE_CAPACITY: usize = 1 << 20;

fn is_entity(h: &Hir) -> bool {
    matches!(h.kind(), HirKind::Capture(c) if c.name.as_deref() == Some("entity"))
}

impl GroupBounds {
    /// The bounds finder of a pattern regex (parsed as the pattern compiler parses it), or
    /// `None` when the regex is not `P (?P<entity>G) S` at its top level or a part has no
    /// DFA.
    pub(crate) fn new(pattern: &str) -> Option<GroupBounds> {
        let syntax = regex_automata::util::syntax::Config::new().utf8(true);
        let hir = regex_automata::util::syntax::parse_with(pattern, &syntax).ok()?;
        let (before, after): (&[Hir], &[Hir]) = match hir.kind() {
            _ if is_entity(&hir) => (&[], &[]),
            HirKind::Concat(items) => {
                let k = items.iter().position(is_entity)?;
                (&items[..k], &items[k + 1..])
            }
            _ => return None,
        };
        let prefix = match before {
            [] => None,
            p => Some(Part::new(p, false)?),
        };
        let suffix = match after {
            [] => None,
            s => Some(Part::new(s, true)?),
        };
        Some(GroupBounds { prefix, suffix })
    }

    /// The `entity` group of the match `hay[s..e]` (found by the pattern's regex in the
    /// haystack `hay`, whose other bytes are the context its look-arounds saw), when every
    /// way the regex matches there puts the group in the same place; `None` when the regex
    /// engine must decide.
    pub(crate) fn find(&self, hay: &[u8], s: usize, e: usize) -> Option<(usize, usize)> {
        let a = match &self.prefix {
            None => s,
            Some(p) => unique_end(&p.dfa, &mut p.cache(), hay, s, e)?,
        };
        let c = match &self.suffix {
            None => e,
            Some(p) => unique_start(&p.dfa, &mut p.cache(), hay, s, e)?,
        };
        (a <= c).then_some((a, c))
    }
}

/// What one step of a scan found.
enum Step {
    /// Go on (a match here has been recorded).
    On,
    /// The DFA can match no more: the scan is over.
    Dead,
    /// A second match, a quit state or a cache failure: the regex engine must decide.
    GiveUp,
}

/// Records a match state entered at `at`; tells whether the scan goes on.
fn step(sid: LazyStateID, at: usize, found: &mut Option<usize>) -> Step {
    if !sid.is_tagged() {
        Step::On
    } else if sid.is_match() {
        if found.replace(at).is_none() {
            Step::On
        } else {
            Step::GiveUp
        }
    } else if sid.is_dead() {
        Step::Dead
    } else if sid.is_quit() {
        Step::GiveUp
    } else {
        Step::On
    }
}

/// The one `a` in `s..=e` at which the forward DFA `d` matches `hay[s..a]`, if there is
/// exactly one. Matches are reported one byte late, so a match state entered on the byte
/// at `at` ends a match at `at`.
fn unique_end(d: &DFA, cache: &mut Cache, hay: &[u8], s: usize, e: usize) -> Option<usize> {
    let input = Input::new(hay).span(s..e).anchored(Anchored::Yes);
    let mut sid = d.start_state_forward(cache, &input).ok()?;
    let mut found = None;
    for (at, &b) in hay.iter().enumerate().take(e).skip(s) {
        sid = d.next_state(cache, sid, b).ok()?;
        match step(sid, at, &mut found) {
            Step::On => {}
            Step::Dead => return found,
            Step::GiveUp => return None,
        }
    }
    sid = match hay.get(e) {
        Some(&b) => d.next_state(cache, sid, b),
        None => d.next_eoi_state(cache, sid),
    }
    .ok()?;
    match step(sid, e, &mut found) {
        Step::GiveUp => None,
        _ => found,
    }
}

/// The one `c` in `s..=e` at which the reverse DFA `d` matches `hay[c..e]`, if there is
/// exactly one (a match state entered on the byte at `at` starts a match at `at + 1`).
fn unique_start(d: &DFA, cache: &mut Cache, hay: &[u8], s: usize, e: usize) -> Option<usize> {
    let input = Input::new(hay).span(s..e).anchored(Anchored::Yes);
    let mut sid = d.start_state_reverse(cache, &input).ok()?;
    let mut found = None;
    for at in (s..e).rev() {
        sid = d.next_state(cache, sid, hay[at]).ok()?;
        match step(sid, at + 1, &mut found) {
            Step::On => {}
            Step::Dead => return found,
            Step::GiveUp => return None,
        }
    }
    sid = match s.checked_sub(1) {
        Some(p) => d.next_state(cache, sid, hay[p]),
        None => d.next_eoi_state(cache, sid),
    }
    .ok()?;
    match step(sid, s, &mut found) {
        Step::GiveUp => None,
        _ => found,
    }
}

#[cfg(test)]
mod tests {
    use super::GroupBounds;
    use regex_automata::meta::Regex;
    use regex_automata::Input;

    /// Every match of `re` in `text` (leftmost-first, as the pattern runner iterates), with
    /// the group the regex engine reports and what the bounds finder says.
    type Found = Vec<((usize, usize), Option<(usize, usize)>)>;
    fn both(re: &Regex, bounds: &GroupBounds, text: &str) -> Found {
        let group = re
            .group_info()
            .to_index(regex_automata::PatternID::ZERO, "entity")
            .unwrap();
        let mut caps = re.create_captures();
        let mut out = Vec::new();
        let mut at = 0;
        while at <= text.len() {
            re.search_captures(&Input::new(text).span(at..text.len()), &mut caps);
            let Some(m) = caps.get_match() else { break };
            let g = caps.get_group(group).unwrap();
            out.push((
                (g.start, g.end),
                bounds.find(text.as_bytes(), m.start(), m.end()),
            ));
            at = if m.end() > m.start() {
                m.end()
            } else {
                m.end() + 1
            };
            while at < text.len() && !text.is_char_boundary(at) {
                at += 1;
            }
        }
        out
    }

    fn check(pattern: &str, texts: &[&str]) -> (usize, usize) {
        let (re, _) = crate::rules::compile::compile_regex(pattern, &[]).unwrap();
        let bounds = GroupBounds::new(pattern).expect(pattern);
        let (mut decided, mut all) = (0, 0);
        for t in texts {
            for (want, got) in both(&re, &bounds, t) {
                all += 1;
                if let Some(got) = got {
                    assert_eq!(got, want, "{pattern} on {t:?}");
                    decided += 1;
                }
            }
        }
        (decided, all)
    }

    #[test]
    fn hand_made_regexes_and_texts() {
        // (regex, texts, whether every match is decided)
        let cases: &[(&str, &[&str], bool)] = &[
            (
                r"(?-u:\b)(?:called|named)[ ]+(?P<entity>[A-Z]\w+)",
                &["a model called Foo, named Bar and called Baz", "called x"],
                true,
            ),
            // Two spaces: the prefix may end after either, so the engine decides.
            (
                r"(?-u:\b)(?:called|named)[ ]+(?P<entity>[A-Z]\w+)",
                &["called  Baz and named Qux"],
                false,
            ),
            // The group is the whole match.
            (r"(?P<entity>[A-Z]{2,})", &["NLP and CV, ok", "XY"], true),
            // A suffix after the group, with a look-around at both ends.
            (
                r"(?P<entity>(?-u:\b)[A-Z][a-z]+)[ ]+(?:dataset|benchmark)s?(?-u:\b)",
                &[
                    "the Foo dataset and Bar benchmarks",
                    "Baz datasetx Qux dataset",
                ],
                true,
            ),
            // Several places where the prefix could end: the engine decides.
            (
                r"(?-u:\b)on(?:[ ]+the)?[ ]+(?P<entity>\S+(?:[ ]+\S+)?)",
                &["results on the the MNIST data", "on the web", "on X"],
                false,
            ),
            // A lazy prefix with more than one end: "on" twice.
            (
                r"(?-u:\b)results?(?-u:\b)[^.;]*?(?-u:\b)(?:on|with)[ ]+(?P<entity>[^.;]+)",
                &[
                    "results on X with Y. results with Z",
                    "result on é with ü; x",
                ],
                false,
            ),
            // Unicode classes and multi-byte text.
            (
                r"(?-u:\b)(?:we|We)[ ]+propose[sd]?[ ]+(?P<entity>(?:(?:a|an|the)[ ]+)*\S+(?:[ ]+\S+){0,2})",
                &[
                    "We propose a Çédille método nuevo here",
                    "we proposed the the x",
                ],
                false,
            ),
        ];
        for &(re, texts, all_decided) in cases {
            let (decided, all) = check(re, texts);
            assert!(all > 0, "{re}");
            if all_decided {
                assert_eq!(decided, all, "{re}");
            }
        }
    }

    /// The shipped patterns on the example page and 2,000 arXiv abstracts (when the shared
    /// data is there): every group the bounds finder decides is the regex engine's, and it
    /// decides most of them.
    #[test]
    fn shipped_patterns_agree_with_the_regex_engine() {
        use crate::corpus::{read_inputs, ReadOptions, Record};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let rules = crate::rules::load_dir(&root.join("rules")).unwrap();
        let mut inputs = vec![root.join("examples/trending-papers.txt")];
        let arxiv = root
            .join("../shared/data/arxiv_daily_cs/arxiv_daily_2025-03-18_to_2026-07-01.jsonl.gz");
        if arxiv.exists() {
            inputs.push(arxiv);
        }
        let mut texts = Vec::new();
        for input in inputs {
            for r in read_inputs(&[input], &ReadOptions::default())
                .unwrap()
                .take(2000)
            {
                if let Record::Paper(p) = r.unwrap() {
                    texts.push(p.title);
                    texts.push(p.abstract_text);
                }
            }
        }
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let (mut decided, mut all, mut with_bounds) = (0, 0, 0);
        for p in &rules.patterns {
            let Some(bounds) = &p.bounds else { continue };
            with_bounds += 1;
            for t in &texts {
                for (want, got) in both(&p.regex, bounds, t) {
                    all += 1;
                    if let Some(got) = got {
                        assert_eq!(got, want, "pattern {} on {t:?}", p.rule);
                        decided += 1;
                    }
                }
            }
        }
        assert!(with_bounds * 2 > rules.patterns.len(), "{with_bounds}");
        assert!(decided * 3 > all * 2, "{decided} of {all}");
    }
}
