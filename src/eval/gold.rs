//! Loaders turning each external gold format into [`GoldDoc`]s.
//!
//! Every loader rebuilds the exact text the annotation refers to and converts the gold
//! spans to Unicode code-point offsets into it (end exclusive), so the scorer compares
//! like with like: the extractor reports the same unit.

use super::{EvalError, GoldFormat};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// One gold document: the text the extractor will see and what should be found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldDoc {
    /// Document id: the source's id where it has one (SciERC `doc_key`, GSAP paragraph id,
    /// SDU sentence id), else `line-<n>` with the 1-based line the sentence starts on (TDMSci).
    pub id: String,
    /// The text the offsets index, rebuilt from tokens where the source is tokenized.
    pub text: String,
    /// Gold entity spans of the mapped types, sorted and without duplicates.
    pub spans: Vec<GoldSpan>,
    /// Gold `(short, long)` acronym pairs (SDU only), sorted and without duplicates.
    pub acronyms: Vec<(String, String)>,
}

/// One gold entity span.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoldSpan {
    /// Start in code points into [`GoldDoc::text`], inclusive.
    pub start: usize,
    /// End in code points, exclusive.
    pub end: usize,
    /// paperkg entity type (`method`, `dataset`, `material`, `task`), already mapped from the gold label.
    pub etype: String,
}

/// Reads a gold file in the given format.
///
/// * `scierc`: JSON Lines with `doc_key`, `sentences`, `ner` (document-level token spans,
///   end inclusive). Text = all tokens of all sentences joined by single spaces, with the
///   PTB bracket tokens (`-LRB-`, `-RRB-`, `-LSB-`, `-RSB-`, `-LCB-`, `-RCB-`) turned back
///   into brackets.
/// * `tdmsci`: CoNLL `token<TAB>offset<TAB>BIO`; one document per sentence, text = tokens
///   joined by spaces (the offset column is not used). A stray `I-X` starts a new span.
/// * `gsap`: JSON Lines with `id`, `text`, `flat_base` (`[start, end, label]` in code points,
///   end exclusive). Empty spans (`start >= end`) are skipped.
/// * `sdu`: JSON array of `{id, tokens, labels}` with BIO `short`/`long` labels; text =
///   tokens joined by spaces; pairs as described at [`pair_acronyms`].
pub fn load_gold(path: &Path, format: GoldFormat) -> Result<Vec<GoldDoc>, EvalError> {
    let content = fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let err = |line: usize, message: String| EvalError::Format {
        path: path.to_path_buf(),
        line,
        message,
    };
    match format {
        GoldFormat::Scierc => parse_scierc(&content).map_err(|(l, m)| err(l, m)),
        GoldFormat::Tdmsci => parse_tdmsci(&content).map_err(|(l, m)| err(l, m)),
        GoldFormat::Gsap => parse_gsap(&content).map_err(|(l, m)| err(l, m)),
        GoldFormat::Sdu => parse_sdu(&content).map_err(|(l, m)| err(l, m)),
    }
}

/// A parse failure: 1-based line (0 if unknown) and message.
type ParseError = (usize, String);

/// Text built from tokens joined by single spaces, remembering each token's code-point span.
struct TokenText {
    text: String,
    /// `(start, end)` code-point offsets of each token, end exclusive.
    offsets: Vec<(usize, usize)>,
}

impl TokenText {
    fn new<'a>(tokens: impl IntoIterator<Item = &'a str>) -> TokenText {
        let mut text = String::new();
        let mut offsets = Vec::new();
        let mut pos = 0;
        for (i, tok) in tokens.into_iter().enumerate() {
            if i > 0 {
                text.push(' ');
                pos += 1;
            }
            let len = tok.chars().count();
            text.push_str(tok);
            offsets.push((pos, pos + len));
            pos += len;
        }
        TokenText { text, offsets }
    }

    /// Code-point span covering tokens `first..=last`.
    fn span(&self, first: usize, last: usize) -> (usize, usize) {
        (self.offsets[first].0, self.offsets[last].1)
    }
}

/// Undoes the Penn Treebank escaping of brackets used by SciERC tokens.
pub(crate) fn unescape_ptb(token: &str) -> &str {
    match token {
        "-LRB-" => "(",
        "-RRB-" => ")",
        "-LSB-" => "[",
        "-RSB-" => "]",
        "-LCB-" => "{",
        "-RCB-" => "}",
        other => other,
    }
}

fn sorted_spans(set: BTreeSet<GoldSpan>) -> Vec<GoldSpan> {
    set.into_iter().collect()
}

#[derive(Deserialize)]
struct SciercRecord {
    doc_key: String,
    sentences: Vec<Vec<String>>,
    ner: Vec<Vec<(usize, usize, String)>>,
}

fn parse_scierc(content: &str) -> Result<Vec<GoldDoc>, ParseError> {
    let mut docs = Vec::new();
    for (i, line) in content.lines().enumerate() {
        let lineno = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let rec: SciercRecord = serde_json::from_str(line)
            .map_err(|e| (lineno, format!("invalid SciERC record: {e}")))?;
        let tt = TokenText::new(rec.sentences.iter().flatten().map(|t| unescape_ptb(t)));
        let mut spans = BTreeSet::new();
        for (first, last, label) in rec.ner.iter().flatten() {
            let Some(etype) = GoldFormat::Scierc.map_label(label) else {
                continue;
            };
            if first > last || *last >= tt.offsets.len() {
                return Err((
                    lineno,
                    format!(
                        "{}: entity [{first}, {last}] outside the {} tokens",
                        rec.doc_key,
                        tt.offsets.len()
                    ),
                ));
            }
            let (start, end) = tt.span(*first, *last);
            spans.insert(GoldSpan {
                start,
                end,
                etype: etype.to_string(),
            });
        }
        docs.push(GoldDoc {
            id: rec.doc_key,
            text: tt.text,
            spans: sorted_spans(spans),
            acronyms: Vec::new(),
        });
    }
    Ok(docs)
}

/// A labelled token range `(first, last, label type)`, last inclusive.
type TokenRange = (usize, usize, String);

/// Splits a BIO label into its tag (`B`, `I`, `O`) and type; `O` has an empty type.
fn split_bio(label: &str) -> Result<(char, &str), String> {
    if label == "O" {
        return Ok(('O', ""));
    }
    match label.split_once('-') {
        Some(("B", t)) if !t.is_empty() => Ok(('B', t)),
        Some(("I", t)) if !t.is_empty() => Ok(('I', t)),
        _ => Err(format!("invalid BIO label {label:?}")),
    }
}

/// Decodes BIO labels into `(first, last, type)` token ranges (last inclusive). An `I-X`
/// that does not continue an open `X` span starts a new one (IOB1 style).
/// Errors carry the index of the offending label.
fn bio_spans(labels: &[&str]) -> Result<Vec<TokenRange>, (usize, String)> {
    let mut out: Vec<TokenRange> = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, label) in labels.iter().enumerate() {
        let (tag, ty) = split_bio(label).map_err(|m| (i, m))?;
        let continues = tag == 'I' && open.as_ref().is_some_and(|(_, t)| t == ty);
        if continues {
            continue;
        }
        if let Some((s, t)) = open.take() {
            out.push((s, i - 1, t));
        }
        if tag != 'O' {
            open = Some((i, ty.to_string()));
        }
    }
    if let Some((s, t)) = open {
        out.push((s, labels.len() - 1, t));
    }
    Ok(out)
}

fn parse_tdmsci(content: &str) -> Result<Vec<GoldDoc>, ParseError> {
    let mut docs = Vec::new();
    // (line, token, label) of the sentence being read.
    let mut sentence: Vec<(usize, &str, &str)> = Vec::new();
    let flush = |sentence: &mut Vec<(usize, &str, &str)>, docs: &mut Vec<GoldDoc>| {
        if sentence.is_empty() {
            return Ok(());
        }
        let tt = TokenText::new(sentence.iter().map(|(_, t, _)| *t));
        let labels: Vec<&str> = sentence.iter().map(|(_, _, l)| *l).collect();
        let ranges = bio_spans(&labels).map_err(|(i, m)| (sentence[i].0, m))?;
        let mut spans = BTreeSet::new();
        for (first, last, label) in ranges {
            if let Some(etype) = GoldFormat::Tdmsci.map_label(&label) {
                let (start, end) = tt.span(first, last);
                spans.insert(GoldSpan {
                    start,
                    end,
                    etype: etype.to_string(),
                });
            }
        }
        docs.push(GoldDoc {
            id: format!("line-{}", sentence[0].0),
            text: tt.text,
            spans: sorted_spans(spans),
            acronyms: Vec::new(),
        });
        sentence.clear();
        Ok::<(), ParseError>(())
    };
    for (i, raw) in content.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            flush(&mut sentence, &mut docs)?;
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 3 || cols[0].is_empty() {
            return Err((
                i + 1,
                format!("expected token<TAB>offset<TAB>label, got {line:?}"),
            ));
        }
        sentence.push((i + 1, cols[0], cols[2]));
    }
    flush(&mut sentence, &mut docs)?;
    Ok(docs)
}

#[derive(Deserialize)]
struct GsapRecord {
    id: String,
    text: String,
    flat_base: Vec<(usize, usize, String)>,
}

fn parse_gsap(content: &str) -> Result<Vec<GoldDoc>, ParseError> {
    let mut docs = Vec::new();
    for (i, line) in content.lines().enumerate() {
        let lineno = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let rec: GsapRecord = serde_json::from_str(line)
            .map_err(|e| (lineno, format!("invalid GSAP record: {e}")))?;
        let len = rec.text.chars().count();
        let mut spans = BTreeSet::new();
        for (start, end, label) in &rec.flat_base {
            let Some(etype) = GoldFormat::Gsap.map_label(label) else {
                continue;
            };
            if start >= end {
                continue;
            }
            if *end > len {
                return Err((
                    lineno,
                    format!(
                        "{}: span [{start}, {end}) beyond the text ({len} code points)",
                        rec.id
                    ),
                ));
            }
            spans.insert(GoldSpan {
                start: *start,
                end: *end,
                etype: etype.to_string(),
            });
        }
        docs.push(GoldDoc {
            id: rec.id,
            text: rec.text,
            spans: sorted_spans(spans),
            acronyms: Vec::new(),
        });
    }
    Ok(docs)
}

#[derive(Deserialize)]
struct SduRecord {
    id: String,
    tokens: Vec<String>,
    labels: Vec<String>,
}

/// Pairs the short and long forms of one SDU sentence (token ranges, last inclusive).
///
/// The data marks forms but not which short form a long form defines, so pairs are inferred
/// from the long side: every long form is paired with exactly one short form of the same
/// sentence, chosen in this order:
///
/// 1. a short form that can abbreviate the long form ([`abbreviates`]: its first letter is
///    the long form's first letter and its other letters occur in the long form in order)
///    before one that cannot: in "TP , FP , FN , TN represent true positive , false
///    positive , …" each long form goes to its own short form, not to the nearest `TN`;
/// 2. the nearest one, counting the tokens between the two spans without brackets (so in
///    "3D Deep Neural Networks ( DNN )" the `DNN` after the bracket is as near as `3D`);
/// 3. one whose first character equals the long form's first character (case-insensitive);
/// 4. the one after the long form (the usual "long form ( SF )" order), then the first.
///
/// Short forms that no long form chooses are uses of an acronym, not definitions, and yield
/// no pair; long forms in a sentence without short forms yield none either. (Pairing from
/// the short side instead would tie every extra acronym in the sentence to an unrelated
/// definition.)
pub fn pair_acronyms(
    tokens: &[String],
    shorts: &[(usize, usize)],
    longs: &[(usize, usize)],
) -> Vec<(String, String)> {
    let join = |(a, b): (usize, usize)| tokens[a..=b].join(" ");
    let is_bracket = |t: &String| matches!(t.as_str(), "(" | ")" | "[" | "]");
    let gap = |from: usize, to: usize| tokens[from..to].iter().filter(|t| !is_bracket(t)).count();
    let mut pairs = BTreeSet::new();
    for &(la, lb) in longs {
        let long = join((la, lb));
        let long_initial = long
            .chars()
            .next()
            .map(|c| c.to_lowercase().collect::<String>());
        let best = shorts.iter().min_by_key(|&&(sa, sb)| {
            let (distance, after) = if sa > lb {
                (gap(lb + 1, sa), true)
            } else if sb < la {
                (gap(sb + 1, la), false)
            } else {
                (0, true)
            };
            let short_initial = tokens[sa]
                .chars()
                .next()
                .map(|c| c.to_lowercase().collect::<String>());
            (
                !abbreviates(&join((sa, sb)), &long),
                distance,
                short_initial != long_initial,
                !after,
                sa,
            )
        });
        if let Some(&s) = best {
            pairs.insert((join(s), long));
        }
    }
    pairs.into_iter().collect()
}

/// Whether `short` can abbreviate `long`: the first letter of `short` is the first letter of
/// `long` and its other letters occur in `long` in the same order (case-insensitive; digits
/// and punctuation are ignored, and a short form starting with a digit, "3GPP", needs only
/// the order). "FN" abbreviates "false negative", "TN" does not.
pub fn abbreviates(short: &str, long: &str) -> bool {
    let letters = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| c.is_alphabetic())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (s, l) = (letters(short), letters(long));
    if s.is_empty() || l.is_empty() {
        return false;
    }
    // A leading digit stands for a word ("3GPP": Third Generation …): then only the order.
    if short.starts_with(|c: char| c.is_ascii_digit()) {
        let mut rest = l.iter();
        return s.iter().all(|c| rest.any(|x| x == c));
    }
    if s[0] != l[0] {
        return false;
    }
    let mut rest = l[1..].iter();
    s[1..].iter().all(|c| rest.any(|x| x == c))
}

fn parse_sdu(content: &str) -> Result<Vec<GoldDoc>, ParseError> {
    let records: Vec<SduRecord> = serde_json::from_str(content)
        .map_err(|e| (e.line(), format!("invalid SDU acronym file: {e}")))?;
    let mut docs = Vec::with_capacity(records.len());
    for rec in records {
        if rec.tokens.len() != rec.labels.len() {
            return Err((
                0,
                format!(
                    "{}: {} tokens but {} labels",
                    rec.id,
                    rec.tokens.len(),
                    rec.labels.len()
                ),
            ));
        }
        let labels: Vec<&str> = rec.labels.iter().map(String::as_str).collect();
        let ranges = bio_spans(&labels).map_err(|(_, m)| (0, format!("{}: {m}", rec.id)))?;
        let pick = |kind: &str| -> Vec<(usize, usize)> {
            ranges
                .iter()
                .filter(|(_, _, t)| t == kind)
                .map(|&(a, b, _)| (a, b))
                .collect()
        };
        let acronyms = pair_acronyms(&rec.tokens, &pick("short"), &pick("long"));
        let tt = TokenText::new(rec.tokens.iter().map(String::as_str));
        docs.push(GoldDoc {
            id: rec.id,
            text: tt.text,
            spans: Vec::new(),
            acronyms,
        });
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bio_decoding_handles_adjacent_and_stray_inside_labels() {
        let labels = ["B-A", "I-A", "B-A", "O", "I-B", "I-B", "I-A"];
        assert_eq!(
            bio_spans(&labels).unwrap(),
            vec![
                (0, 1, "A".to_string()),
                (2, 2, "A".to_string()),
                (4, 5, "B".to_string()),
                (6, 6, "A".to_string()),
            ]
        );
        assert!(bio_spans(&["X-A"]).is_err());
    }

    #[test]
    fn acronym_pairing_prefers_nearest_then_initial_then_following() {
        let toks: Vec<String> = "DA = direct assessment , RR = relative ranking"
            .split(' ')
            .map(String::from)
            .collect();
        let shorts = [(0, 0), (5, 5)];
        let longs = [(2, 3), (7, 8)];
        assert_eq!(
            pair_acronyms(&toks, &shorts, &longs),
            vec![
                ("DA".to_string(), "direct assessment".to_string()),
                ("RR".to_string(), "relative ranking".to_string()),
            ]
        );
        // A short form no long form chooses gives no pair.
        let toks: Vec<String> = "Question Answering ( QA ) beats NLP"
            .split(' ')
            .map(String::from)
            .collect();
        assert_eq!(
            pair_acronyms(&toks, &[(3, 3), (6, 6)], &[(0, 1)]),
            vec![("QA".to_string(), "Question Answering".to_string())]
        );
    }

    fn toks(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn acronym_pairing_prefers_a_short_form_that_can_abbreviate_the_long_form() {
        // "TP , FP , FN , TN represent true positive , false positive , false negative":
        // the nearest short form (TN) abbreviates none but the last long form.
        let t = toks("TP , FP , FN , TN represent true positive , false positive , false negative");
        let pairs = pair_acronyms(
            &t,
            &[(0, 0), (2, 2), (4, 4), (6, 6)],
            &[(8, 9), (11, 12), (14, 15)],
        );
        assert_eq!(
            pairs,
            vec![
                ("FN".to_string(), "false negative".to_string()),
                ("FP".to_string(), "false positive".to_string()),
                ("TP".to_string(), "true positive".to_string()),
            ]
        );
        // Brackets do not count as distance: "3D Deep Neural Networks ( DNN )" defines DNN.
        let t = toks("3D Deep Neural Networks ( DNN ) work");
        assert_eq!(
            pair_acronyms(&t, &[(0, 0), (5, 5)], &[(1, 3)]),
            vec![("DNN".to_string(), "Deep Neural Networks".to_string())]
        );
        // Without a short form that abbreviates it, the nearest one still wins.
        let t = toks("Evrişimli sinir ağ ( ESA ) , ve KÇA");
        assert_eq!(
            pair_acronyms(&t, &[(4, 4), (8, 8)], &[(0, 2)]),
            vec![("ESA".to_string(), "Evrişimli sinir ağ".to_string())]
        );
    }

    #[test]
    fn abbreviation_test_needs_the_first_letter_and_the_others_in_order() {
        for (short, long, want) in [
            ("FN", "false negative", true),
            ("TN", "false negative", false),
            ("CNNs", "convolutional neural networks", true),
            ("3GPP", "Third Generation Partnership Project", true),
            ("PDF", "RSSI probability density function", false),
            ("NC", "network coding", true),
            ("CN", "network coding", false),
            ("", "anything", false),
        ] {
            assert_eq!(abbreviates(short, long), want, "{short} / {long}");
        }
    }
}
