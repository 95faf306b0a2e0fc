//! Name-shaped words next to a mention in a coordination: "SNLI and MNLI", "A, B, and C".

/// Whether a word looks like a name: two capitals ("NQ", "SemEval", "WIKITREE"), a capital
/// and a digit ("C4", "Books3"), or a capital after a lowercase start ("miniImageNet").
pub(crate) fn is_name(w: &str) -> bool {
    let mut chars = w.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !(first.is_ascii_alphanumeric()) || w.chars().count() < 2 {
        return false;
    }
    // "benchmarks-AMOS" is a word and a name joined, "SNS-specific" a name and a word.
    let mut parts = w.split('-');
    let first_part = parts.next().unwrap_or(w);
    if !first_part
        .chars()
        .any(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        || parts.any(|p| p.starts_with(|c: char| c.is_ascii_lowercase()))
    {
        return false;
    }
    let upper = w.chars().filter(char::is_ascii_uppercase).count();
    let digit = w.chars().any(|c| c.is_ascii_digit());
    let inner_upper = w.chars().skip(1).any(|c| c.is_ascii_uppercase());
    upper >= 2
        || (upper >= 1 && digit && first.is_ascii_alphabetic())
        || (first.is_ascii_lowercase() && inner_upper)
}

fn word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'\'')
}

/// Where the word after a spaced hyphen at byte `e` (" - 1501", " - Context") ends its
/// first byte, when that word starts with a capital or a digit; `None` otherwise.
fn spaced_piece(b: &[u8], e: usize) -> Option<usize> {
    (b.len() > e + 3
        && &b[e..e + 3] == b" - "
        && (b[e + 3].is_ascii_uppercase() || b[e + 3].is_ascii_digit()))
    .then_some(e + 3)
}

/// The separator words between coordinated names, each with a space on both sides.
const SEPS: [&str; 6] = [", and ", ", or ", " and ", " or ", ", ", " & "];

/// The name-shaped word right after a coordination that follows byte `end`, if it ends
/// there (punctuation, a lowercase word or the end of the text follow it).
pub(crate) fn after(text: &str, end: usize) -> Option<(usize, usize)> {
    let rest = &text[end..];
    let sep = SEPS.iter().find(|s| rest.starts_with(**s))?;
    let b = text.as_bytes();
    let s = end + sep.len();
    let mut e = s;
    loop {
        while e < b.len() && word_byte(b[e]) {
            e += 1;
        }
        // Tokenized text spaces the hyphens of a name: "Market - 1501", "PASCAL - Context".
        match spaced_piece(b, e) {
            Some(next) if e > s => e = next,
            _ => break,
        }
    }
    while e > s && matches!(b[e - 1], b'-' | b'\'' | b'_') {
        e -= 1;
    }
    // Not the first word of a longer name ("NQ Open") nor part of a word.
    let next = &text[e..];
    if next.starts_with(|c: char| c.is_alphanumeric() || !c.is_ascii())
        || next
            .strip_prefix(' ')
            .is_some_and(|n| n.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()))
    {
        return None;
    }
    is_name(&unspaced(&text[s..e])).then_some((s, e))
}

/// The name-shaped word right before a coordination that precedes byte `start`.
pub(crate) fn before(text: &str, start: usize) -> Option<(usize, usize)> {
    let head = &text[..start];
    let sep = SEPS.iter().find(|s| head.ends_with(**s))?;
    let b = text.as_bytes();
    let e = start - sep.len();
    let mut s = e;
    loop {
        while s > 0 && word_byte(b[s - 1]) {
            s -= 1;
        }
        // "Multi - NLI": the piece before a spaced hyphen belongs to the name.
        if s < e
            && s >= 4
            && &b[s - 3..s] == b" - "
            && word_byte(b[s - 4])
            && spaced_piece(b, s - 3).is_some()
        {
            s -= 3;
        } else {
            break;
        }
    }
    while s < e && matches!(b[s], b'-' | b'\'' | b'_') {
        s += 1;
    }
    let prev = &text[..s];
    if prev.ends_with(|c: char| c.is_alphanumeric() || !c.is_ascii())
        || prev.strip_suffix(' ').is_some_and(|p| {
            // The last word of a longer name ("Natural NQ"), unless punctuation ends it.
            let last = p.rsplit(' ').next().unwrap_or(p);
            last.ends_with(|c: char| c.is_alphanumeric())
                && last.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
        })
    {
        return None;
    }
    is_name(&unspaced(&text[s..e])).then_some((s, e))
}

/// `s` with spaced hyphens closed up ("Market - 1501" → "Market-1501"), copied only when
/// it has one.
fn unspaced(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(" - ") {
        std::borrow::Cow::Owned(s.replace(" - ", "-"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for w in [
            "NQ",
            "MNLI",
            "WIKITREE",
            "C4",
            "Books3",
            "miniImageNet",
            "K-400",
            "KITTI-360",
        ] {
            assert!(is_name(w), "{w}");
        }
        for w in [
            "data",
            "Data",
            "I",
            "A",
            "benchmarks-AMOS",
            "SNS-specific",
            "mini-ImageNet",
            "",
        ] {
            assert!(!is_name(w), "{w}");
        }
    }

    #[test]
    fn coordinations() {
        // (text, byte where the known mention ends / starts, expected neighbour)
        let after_cases: &[(&str, usize, Option<&str>)] = &[
            ("SNLI and MNLI.", 4, Some("MNLI")),
            ("SNLI, MNLI, and QQP", 4, Some("MNLI")),
            ("SNLI or NQ", 4, Some("NQ")),
            ("SNLI & C4 here", 4, Some("C4")),
            // the first word of a longer name, a lowercase word, no coordination
            ("SNLI and NQ Open", 4, None),
            ("SNLI and models", 4, None),
            ("SNLI with MNLI", 4, None),
            ("SNLI and BERTs", 4, Some("BERTs")),
        ];
        for (text, end, want) in after_cases {
            let got = after(text, *end).map(|(s, e)| &text[s..e]);
            assert_eq!(got, *want, "{text}");
        }
        let before_cases: &[(&str, usize, Option<&str>)] = &[
            ("MNLI and SNLI", 9, Some("MNLI")),
            ("on NQ, SNLI", 7, Some("NQ")),
            ("Natural NQ and SNLI", 15, None),
            ("the data and SNLI", 13, None),
        ];
        for (text, start, want) in before_cases {
            let got = before(text, *start).map(|(s, e)| &text[s..e]);
            assert_eq!(got, *want, "{text}");
        }
    }
}
