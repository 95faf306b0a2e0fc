//! Paper ids: title slugs for records without a source id, and the assigner that keeps ids
//! unique over the whole stream.
//!
//! Collision scheme: the first paper keeps its id; later papers with the same id get
//! `<id>~2`, `<id>~3`, … and `duplicate_of = Some(<id>)`. Slugs never contain `~`, so a
//! suffixed id can only meet a *source* id that itself contains `~`; the assigner checks
//! every candidate against all ids handed out so far and skips taken suffixes, so the
//! result is unique whatever the source ids look like.

use std::collections::{HashMap, HashSet};

/// Longest slug produced by [`slug`], in bytes (slugs are ASCII).
pub const MAX_SLUG_LEN: usize = 80;

/// A stable, readable id for a title: lowercase ASCII letters and digits, words joined by
/// single hyphens, at most [`MAX_SLUG_LEN`] characters (cut at a word boundary where
/// possible). Latin letters with diacritics are transliterated (`é`→`e`, `ß`→`ss`, `æ`→`ae`);
/// apostrophes are dropped without splitting the word (`Don't`→`dont`); every other
/// character (punctuation, other scripts) separates words. An empty result becomes `paper`.
pub fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len().min(MAX_SLUG_LEN));
    let mut pending_sep = false;
    fn push(piece: &str, out: &mut String, pending_sep: &mut bool) {
        if *pending_sep && !out.is_empty() {
            out.push('-');
        }
        *pending_sep = false;
        out.push_str(piece);
    }
    let mut buf = [0u8; 4];
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            let lower = c.to_ascii_lowercase();
            push(lower.encode_utf8(&mut buf), &mut out, &mut pending_sep);
        } else if matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02bc}') {
            // Apostrophes join: "don't" -> "dont".
        } else if let Some(t) = transliterate(c) {
            push(t, &mut out, &mut pending_sep);
        } else {
            pending_sep = true;
        }
        if out.len() > MAX_SLUG_LEN + 1 {
            break;
        }
    }
    if out.len() > MAX_SLUG_LEN {
        let cut = &out[..=MAX_SLUG_LEN];
        // Cut at the last word boundary that fits, unless that would leave too little.
        let end = match cut.rfind('-') {
            Some(i) if i >= MAX_SLUG_LEN / 2 => i,
            _ => MAX_SLUG_LEN,
        };
        out.truncate(end);
        while out.ends_with('-') {
            out.pop();
        }
    }
    if out.is_empty() {
        out.push_str("paper");
    }
    out
}

/// ASCII spelling of common Latin letters with diacritics (lowercase).
fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å'
        | 'Ā' | 'Ă' | 'Ą' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => "c",
        'ď' | 'đ' | 'ð' | 'Ď' | 'Đ' | 'Ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę'
        | 'Ě' => "e",
        'ğ' | 'Ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'Į' | 'İ' => {
            "i"
        }
        'ł' | 'ľ' | 'ĺ' | 'Ł' | 'Ľ' | 'Ĺ' => "l",
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō'
        | 'Ő' => "o",
        'œ' | 'Œ' => "oe",
        'ř' | 'ŕ' | 'Ř' | 'Ŕ' => "r",
        'ś' | 'š' | 'ş' | 'ș' | 'Ś' | 'Š' | 'Ş' | 'Ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' | 'Ť' | 'Ţ' | 'Ț' => "t",
        'þ' | 'Þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű'
        | 'Ų' => "u",
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        _ => return None,
    })
}

/// Hands out ids that are unique over everything it has seen.
#[derive(Debug, Default)]
pub struct IdAssigner {
    taken: HashSet<Box<str>>,
    /// Next suffix to try per base id that has collided at least once.
    next_suffix: HashMap<Box<str>, u64>,
}

impl IdAssigner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the id to use for a paper wanting `wanted`, and the original id when it had
    /// to be suffixed because `wanted` was already taken.
    pub fn assign(&mut self, wanted: String) -> (String, Option<String>) {
        if !self.taken.contains(wanted.as_str()) {
            self.taken.insert(wanted.as_str().into());
            return (wanted, None);
        }
        let mut n = self.next_suffix.get(wanted.as_str()).copied().unwrap_or(2);
        let id = loop {
            let candidate = format!("{wanted}~{n}");
            n += 1;
            if !self.taken.contains(candidate.as_str()) {
                break candidate;
            }
        };
        self.next_suffix.insert(wanted.as_str().into(), n);
        self.taken.insert(id.as_str().into());
        (id, Some(wanted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        let cases = [
            (
                "Graph Adaptive Semantic Transfer for Cross-domain Sentiment Classification",
                "graph-adaptive-semantic-transfer-for-cross-domain-sentiment-classification",
            ),
            ("Fast & Slow Learning", "fast-slow-learning"),
            (
                "Experts Don't Cheat: Learning What You Don’t Know",
                "experts-dont-cheat-learning-what-you-dont-know",
            ),
            ("NEVIS'22: A Stream", "nevis22-a-stream"),
            ("  --Hello,   World!--  ", "hello-world"),
            (
                "Détection d'objets à Zürich — Straße",
                "detection-dobjets-a-zurich-strasse",
            ),
            ("αβγ 学习", "paper"),
            ("", "paper"),
            ("αβ-Net for X", "net-for-x"),
        ];
        for (title, want) in cases {
            assert_eq!(slug(title), want, "title {title:?}");
        }
    }

    #[test]
    fn long_slugs_are_cut_at_a_word_boundary() {
        let title = "Unleashing Cognitive Synergy in Large Language Models: A Task-Solving Agent \
                     through Multi-Persona Self-Collaboration";
        let s = slug(title);
        assert!(s.len() <= MAX_SLUG_LEN, "{s}");
        assert_eq!(
            s,
            "unleashing-cognitive-synergy-in-large-language-models-a-task-solving-agent"
        );
        let one_word = "a".repeat(200);
        assert_eq!(slug(&one_word), "a".repeat(MAX_SLUG_LEN));
    }

    #[test]
    fn slug_is_stable() {
        let t = "Orca 2: Teaching Small Language Models How to Reason";
        assert_eq!(slug(t), slug(t));
        assert_eq!(
            slug(t),
            "orca-2-teaching-small-language-models-how-to-reason"
        );
    }

    #[test]
    fn assigner_suffixes_and_skips_real_ids() {
        let mut a = IdAssigner::new();
        assert_eq!(a.assign("x".into()), ("x".into(), None));
        assert_eq!(a.assign("x~3".into()), ("x~3".into(), None));
        assert_eq!(a.assign("x".into()), ("x~2".into(), Some("x".into())));
        // x~3 is a real id already: the next duplicate skips it.
        assert_eq!(a.assign("x".into()), ("x~4".into(), Some("x".into())));
        // A real id equal to a generated one is itself suffixed.
        assert_eq!(a.assign("x~2".into()), ("x~2~2".into(), Some("x~2".into())));
        assert_eq!(a.assign("y".into()), ("y".into(), None));
    }
}
