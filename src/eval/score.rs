//! The scorer: compares predicted mentions and acronyms with gold, as counts and P/R/F1.

use super::{GoldDoc, GoldFormat};
use crate::extract::{Extraction, Field};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

/// True/false positive and false negative counts with the derived scores.
///
/// Precision is `tp / (tp + fp)` and recall `tp / (tp + fn)`; a ratio whose denominator is
/// zero (nothing predicted, or nothing in the gold) is defined as 0, and F1 is 0 when both
/// precision and recall are 0. So an empty prediction scores P = R = F1 = 0 rather than an
/// undefined or flattering precision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Counts {
    /// Builds the counts and computes precision, recall and F1 from them.
    pub fn new(tp: usize, fp: usize, fn_: usize) -> Counts {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fn_);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Counts {
            tp,
            fp,
            fn_,
            precision,
            recall,
            f1,
        }
    }

    fn add(self, tp: usize, fp: usize, fn_: usize) -> Counts {
        Counts::new(self.tp + tp, self.fp + fp, self.fn_ + fn_)
    }
}

/// Scores of one type (or of "any entity") under both span-matching criteria.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct MatchScores {
    /// A prediction is correct only with exactly the gold start and end.
    pub exact: Counts,
    /// A prediction is correct if it overlaps a gold span, matched one-to-one.
    pub overlap: Counts,
}

/// The result of an evaluation; also the `paperkg eval --json` output.
///
/// JSON shape (stable; keys always present, maps in sorted key order):
///
/// ```json
/// {"format": "scierc", "docs": 50,
///  "types": {"concept": {"exact": {"tp":1,"fp":2,"fn":3,"precision":0.33,"recall":0.25,"f1":0.28},
///                        "overlap": {...}},
///            "dataset": {...}, "method": {...}},
///  "any": {"exact": {...}, "overlap": {...}},
///  "acronyms": null}
/// ```
///
/// `format` is null when the report did not come from [`super::evaluate`]. For span formats
/// `acronyms` is null; for `sdu`, `types` is `{}`, `any` is null and `acronyms` holds the
/// pair counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    pub format: Option<GoldFormat>,
    /// Number of gold documents scored.
    pub docs: usize,
    /// Per paperkg entity type, in sorted order.
    pub types: BTreeMap<String, MatchScores>,
    /// Type-agnostic span scores over the scored types; `None` when no types are scored.
    pub any: Option<MatchScores>,
    /// `(short, long)` pair scores; `None` unless acronyms are scored.
    pub acronyms: Option<Counts>,
}

/// What a scoring run looks at: which entity types, and whether acronym pairs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope {
    /// Entity types scored; predictions of other types are ignored (not false positives).
    pub types: BTreeSet<String>,
    /// Whether acronym pairs are scored.
    pub acronyms: bool,
    /// Predicted types scored as one of `types` (predicted type → scored type), e.g.
    /// `dataset` → `material` for SciERC; see [`GoldFormat::also_scored_as`].
    pub also: BTreeMap<String, String>,
}

impl Scope {
    /// The scope of a gold format: its mapped types, and acronyms for `sdu` only.
    pub fn for_format(format: GoldFormat) -> Scope {
        Scope {
            types: format
                .mapped_types()
                .iter()
                .map(|t| t.to_string())
                .collect(),
            acronyms: format == GoldFormat::Sdu,
            also: format
                .also_scored_as()
                .iter()
                .map(|&(p, t)| (p.to_string(), t.to_string()))
                .collect(),
        }
    }

    /// The type a prediction of type `etype` is scored as, `None` when it is not scored.
    pub fn scored_type<'a>(&'a self, etype: &'a str) -> Option<&'a str> {
        if self.types.contains(etype) {
            Some(etype)
        } else {
            self.also.get(etype).map(String::as_str)
        }
    }

    /// The scope implied by the gold itself: the types that occur in its spans, and
    /// acronyms if any document has a gold pair.
    pub fn from_gold(gold: &[GoldDoc]) -> Scope {
        Scope {
            types: gold
                .iter()
                .flat_map(|d| d.spans.iter().map(|s| s.etype.clone()))
                .collect(),
            acronyms: gold.iter().any(|d| !d.acronyms.is_empty()),
            also: BTreeMap::new(),
        }
    }
}

/// Scores `predicted` against `gold` in the scope the gold implies ([`Scope::from_gold`]).
///
/// Rules (shared with [`score_in`]):
/// * Predictions are paired with gold documents by `id`; predictions for ids not in the gold
///   are ignored, and a gold document without a prediction counts as all misses.
/// * Only mentions in the abstract field (the gold text) of a scored type count; a predicted
///   type in the scope's `also` map counts as the type it maps to (SciERC: `dataset` as
///   `material`).
///   Duplicate spans — predicted or gold, same start, end (and type for typed scores) — count once.
/// * Exact: a span is a true positive when a gold span has the same start, end (and type).
/// * Overlap: predicted and gold spans (of the same type; any type for "any entity") that
///   share at least one code point are matched one-to-one, greedily: all overlapping pairs
///   are taken in order of decreasing overlap length, ties by gold start, gold end,
///   predicted start, predicted end, and a pair is accepted when neither side is matched
///   yet. So one long prediction covering two gold spans claims only one of them.
/// * "Any entity" forgets the types: gold spans of the scored (mapped) types only against
///   predictions of the scored types only; other gold labels (e.g. SciERC `Metric`,
///   `OtherScientificTerm`, `Generic`) are never scored.
/// * Acronyms: gold `(short, long)` pairs against each extraction's `acronyms`; the short
///   form is compared case-sensitively and the long form case-folded, both with whitespace
///   runs collapsed to one space and trimmed, and the short form without enclosing brackets
///   (a gold short span "( QKD )" or "( DI" is the acronym `QKD`, `DI`: a bracket is never
///   part of an acronym); pairs are a set per document.
/// * Counts are summed over documents (micro-average) before computing P/R/F1.
pub fn score(gold: &[GoldDoc], predicted: &[Extraction]) -> EvalReport {
    score_in(&Scope::from_gold(gold), gold, predicted)
}

/// Scores `predicted` against `gold` within an explicit [`Scope`]; see [`score`].
pub fn score_in(scope: &Scope, gold: &[GoldDoc], predicted: &[Extraction]) -> EvalReport {
    let mut by_id: HashMap<&str, Vec<&Extraction>> = HashMap::new();
    for e in predicted {
        by_id.entry(e.id.as_str()).or_default().push(e);
    }
    let mut types: BTreeMap<String, MatchScores> = scope
        .types
        .iter()
        .map(|t| (t.clone(), MatchScores::default()))
        .collect();
    let mut any = MatchScores::default();
    let mut acronyms = Counts::default();
    for doc in gold {
        let preds = by_id.get(doc.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        let pred_spans: BTreeSet<(usize, usize, &str)> = preds
            .iter()
            .flat_map(|e| e.mentions.iter())
            .filter(|m| m.field == Field::Abstract)
            .filter_map(|m| Some((m.start, m.end, scope.scored_type(&m.etype)?)))
            .collect();
        let gold_spans: BTreeSet<(usize, usize, &str)> = doc
            .spans
            .iter()
            .filter(|s| scope.types.contains(&s.etype))
            .map(|s| (s.start, s.end, s.etype.as_str()))
            .collect();
        for (ty, scores) in types.iter_mut() {
            let select = |set: &BTreeSet<(usize, usize, &str)>| -> BTreeSet<(usize, usize)> {
                set.iter()
                    .filter(|(_, _, t)| *t == ty.as_str())
                    .map(|&(s, e, _)| (s, e))
                    .collect()
            };
            accumulate(scores, &select(&gold_spans), &select(&pred_spans));
        }
        let untyped = |set: &BTreeSet<(usize, usize, &str)>| -> BTreeSet<(usize, usize)> {
            set.iter().map(|&(s, e, _)| (s, e)).collect()
        };
        accumulate(&mut any, &untyped(&gold_spans), &untyped(&pred_spans));

        if scope.acronyms {
            let gold_pairs: BTreeSet<(String, String)> = doc
                .acronyms
                .iter()
                .map(|(s, l)| normalize_pair(s, l))
                .collect();
            let pred_pairs: BTreeSet<(String, String)> = preds
                .iter()
                .flat_map(|e| e.acronyms.iter())
                .map(|a| normalize_pair(&a.short, &a.long))
                .collect();
            let tp = gold_pairs.intersection(&pred_pairs).count();
            acronyms = acronyms.add(tp, pred_pairs.len() - tp, gold_pairs.len() - tp);
        }
    }
    let has_types = !scope.types.is_empty();
    EvalReport {
        format: None,
        docs: gold.len(),
        types,
        any: has_types.then_some(any),
        acronyms: scope.acronyms.then_some(acronyms),
    }
}

/// Collapses whitespace runs to one space and trims; brackets around the short form go, and
/// the long form is lowercased.
fn normalize_pair(short: &str, long: &str) -> (String, String) {
    let ws = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut short = short.trim();
    if let Some(rest) = short.strip_prefix(['(', '[']) {
        short = rest.trim_start();
    }
    // A closing bracket goes unless it closes one inside the short form ("F(x)").
    if !short.contains(['(', '[']) {
        short = short.trim_end_matches([')', ']']).trim_end();
    }
    (ws(short), ws(long).to_lowercase())
}

/// Adds one document's exact and overlap counts for one span set pair.
fn accumulate(
    scores: &mut MatchScores,
    gold: &BTreeSet<(usize, usize)>,
    pred: &BTreeSet<(usize, usize)>,
) {
    let exact_tp = gold.intersection(pred).count();
    scores.exact = scores
        .exact
        .add(exact_tp, pred.len() - exact_tp, gold.len() - exact_tp);
    let overlap_tp = overlap_matches(gold, pred);
    scores.overlap =
        scores
            .overlap
            .add(overlap_tp, pred.len() - overlap_tp, gold.len() - overlap_tp);
}

/// Number of one-to-one overlap matches, chosen greedily as documented at [`score`].
fn overlap_matches(gold: &BTreeSet<(usize, usize)>, pred: &BTreeSet<(usize, usize)>) -> usize {
    let gold: Vec<(usize, usize)> = gold.iter().copied().collect();
    let pred: Vec<(usize, usize)> = pred.iter().copied().collect();
    // (overlap, gold index, pred index); indices follow sorted span order.
    let mut pairs = Vec::new();
    for (gi, &(gs, ge)) in gold.iter().enumerate() {
        for (pi, &(ps, pe)) in pred.iter().enumerate() {
            let overlap = ge.min(pe).saturating_sub(gs.max(ps));
            if overlap > 0 {
                pairs.push((overlap, gi, pi));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut gold_used = vec![false; gold.len()];
    let mut pred_used = vec![false; pred.len()];
    let mut matched = 0;
    for (_, gi, pi) in pairs {
        if !gold_used[gi] && !pred_used[pi] {
            gold_used[gi] = true;
            pred_used[pi] = true;
            matched += 1;
        }
    }
    matched
}

impl fmt::Display for EvalReport {
    /// An aligned table: one row per type and criterion, then "any", then acronym pairs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.format {
            Some(format) => writeln!(f, "gold: {format}, {} documents", self.docs)?,
            None => writeln!(f, "gold: {} documents", self.docs)?,
        }
        writeln!(
            f,
            "{:<10} {:<8} {:>7} {:>7} {:>7} {:>9} {:>7} {:>7}",
            "type", "match", "tp", "fp", "fn", "precision", "recall", "f1"
        )?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, kind: &str, c: &Counts| {
            writeln!(
                f,
                "{:<10} {:<8} {:>7} {:>7} {:>7} {:>9.3} {:>7.3} {:>7.3}",
                name, kind, c.tp, c.fp, c.fn_, c.precision, c.recall, c.f1
            )
        };
        for (name, s) in &self.types {
            row(f, name, "exact", &s.exact)?;
            row(f, name, "overlap", &s.overlap)?;
        }
        if let Some(s) = &self.any {
            row(f, "any", "exact", &s.exact)?;
            row(f, "any", "overlap", &s.overlap)?;
        }
        if let Some(c) = &self.acronyms {
            row(f, "acronyms", "pairs", c)?;
        }
        Ok(())
    }
}
