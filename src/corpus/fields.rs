//! Turning the fields of one structured record (a JSON object or a CSV/TSV row) into a
//! [`Paper`], or into the reason it is rejected.
//!
//! Field lookup: for each role the candidate names are tried in order and the first one
//! present with a non-null value is used (so `"abstract": null, "summary": "…"` uses the
//! summary). A role whose candidates are all absent is "missing"; all null → "null".
//!
//! JSON objects are walked with a streaming visitor that only materialises the fields it
//! needs (everything else is skipped with `IgnoredAny`) and borrows strings without
//! escapes straight from the line buffer. **Duplicate keys: the last occurrence wins**, as
//! with `serde_json::Value`, JavaScript and Python.

use super::{FieldMap, Paper, SourcePos};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Field names for the metadata roles (not configurable through [`FieldMap`]).
pub const CATEGORY_FIELDS: &[&str] = &["categories", "category"];
pub const AUTHOR_FIELDS: &[&str] = &["authors", "author"];
pub const YEAR_FIELDS: &[&str] = &["year", "published", "update_date", "date"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    Id,
    Title,
    Abstract,
    Categories,
    Authors,
    Year,
}

const ROLES: [Role; 6] = [
    Role::Id,
    Role::Title,
    Role::Abstract,
    Role::Categories,
    Role::Authors,
    Role::Year,
];

/// All field names of interest, deduplicated, with per-role priority lists of indices.
#[derive(Debug, Clone)]
pub struct KeyTable {
    names: Vec<String>,
    roles: [Vec<usize>; 6],
    /// Per name: its value is parsed and checked as any field's, but not kept (see
    /// [`KeyTable::without_metadata`]).
    check_only: Vec<bool>,
}

impl KeyTable {
    pub fn new(fields: &FieldMap) -> Self {
        let mut names: Vec<String> = Vec::new();
        let mut roles: [Vec<usize>; 6] = Default::default();
        let lists: [Vec<&str>; 6] = [
            fields.id.iter().map(String::as_str).collect(),
            fields.title.iter().map(String::as_str).collect(),
            fields.abstract_text.iter().map(String::as_str).collect(),
            CATEGORY_FIELDS.to_vec(),
            AUTHOR_FIELDS.to_vec(),
            YEAR_FIELDS.to_vec(),
        ];
        for (r, list) in lists.iter().enumerate() {
            for name in list {
                let idx = match names.iter().position(|n| n == name) {
                    Some(i) => i,
                    None => {
                        names.push((*name).to_string());
                        names.len() - 1
                    }
                };
                if !roles[r].contains(&idx) {
                    roles[r].push(idx);
                }
            }
        }
        let check_only = vec![false; names.len()];
        KeyTable {
            names,
            roles,
            check_only,
        }
    }

    /// The same table, with the metadata roles (categories, authors, year) left unread:
    /// their values are still parsed and checked, so that exactly the same records are read
    /// and rejected, but they build no values and the papers get none. `paperkg extract`
    /// needs only the id, title and abstract, and the author lists cost the reader more
    /// than those three.
    pub fn without_metadata(mut self) -> Self {
        let kept: Vec<usize> = self.roles[..3].iter().flatten().copied().collect();
        for list in &self.roles[3..] {
            for &i in list {
                self.check_only[i] = !kept.contains(&i);
            }
        }
        self
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Index of an exactly matching name (JSON keys are case-sensitive).
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.names.iter().position(|n| n == key)
    }

    /// Index of a name matching ignoring ASCII case and surrounding spaces (CSV headers).
    pub fn index_of_loose(&self, key: &str) -> Option<usize> {
        let key = key.trim();
        self.index_of(key)
            .or_else(|| self.names.iter().position(|n| n.eq_ignore_ascii_case(key)))
    }

    pub fn name(&self, idx: usize) -> &str {
        &self.names[idx]
    }

    fn candidates(&self, role: Role) -> &[usize] {
        let r = ROLES.iter().position(|x| *x == role).unwrap_or(0);
        &self.roles[r]
    }

    /// Whether the name at `idx` is a candidate for `role`.
    pub fn is_role(&self, idx: usize, role: Role) -> bool {
        self.candidates(role).contains(&idx)
    }

    /// The candidate names of a role, for messages.
    pub fn role_names(&self, role: Role) -> Vec<&str> {
        self.candidates(role)
            .iter()
            .map(|&i| self.names[i].as_str())
            .collect()
    }
}

/// A field value as far as the reader cares.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Str(Cow<'a, str>),
    /// A number, in its decimal form.
    Num(String),
    Bool,
    Null,
    Array(Vec<Val<'a>>),
    Object,
}

impl Val<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Val::Str(_) => "a string",
            Val::Num(_) => "a number",
            Val::Bool => "a boolean",
            Val::Null => "null",
            Val::Array(_) => "an array",
            Val::Object => "an object",
        }
    }
}

/// The values found for the names of a [`KeyTable`], by index.
pub type Slots<'a> = Vec<Option<Val<'a>>>;

/// Builds the paper from the slots, or says why not. The id is left empty when the record
/// has none (the stream assigns a slug later).
pub fn to_paper(
    table: &KeyTable,
    slots: Slots<'_>,
    file: &str,
    line: u64,
) -> Result<Paper, String> {
    let mut slots = slots;
    let title = match take(table, &mut slots, Role::Title) {
        Found::Value(name, Val::Str(s)) => {
            let t = collapse_ws(&s);
            if t.is_empty() {
                return Err(format!("field '{name}' (title) is empty"));
            }
            t
        }
        Found::Value(name, v) => {
            return Err(format!("field '{name}' is {}, expected a string", v.kind()))
        }
        Found::Null(name) => return Err(format!("field '{name}' is null, expected a string")),
        Found::Missing => return Err(missing(table, Role::Title, "title")),
    };
    let abstract_text = match take(table, &mut slots, Role::Abstract) {
        Found::Value(name, Val::Str(s)) => {
            if s.trim().is_empty() {
                return Err(format!("field '{name}' (abstract) is empty"));
            }
            s.into_owned()
        }
        Found::Value(name, v) => {
            return Err(format!("field '{name}' is {}, expected a string", v.kind()))
        }
        Found::Null(name) => return Err(format!("field '{name}' is null, expected a string")),
        Found::Missing => return Err(missing(table, Role::Abstract, "abstract")),
    };
    let id = match take(table, &mut slots, Role::Id) {
        Found::Value(_, Val::Str(s)) => s.trim().to_string(),
        Found::Value(_, Val::Num(n)) => n,
        Found::Value(name, v) => {
            return Err(format!(
                "field '{name}' is {}, expected a string or a number",
                v.kind()
            ))
        }
        Found::Null(_) | Found::Missing => String::new(),
    };
    let categories = match take(table, &mut slots, Role::Categories) {
        Found::Value(_, v) => string_list(v, split_categories),
        _ => Vec::new(),
    };
    let authors = match take(table, &mut slots, Role::Authors) {
        Found::Value(_, v) => string_list(v, split_authors),
        _ => Vec::new(),
    };
    let year = match take(table, &mut slots, Role::Year) {
        Found::Value(_, Val::Str(s)) => year_of(&s),
        Found::Value(_, Val::Num(n)) => year_of(&n),
        _ => None,
    };
    Ok(Paper {
        id,
        title,
        abstract_text,
        source: SourcePos {
            file: file.to_string(),
            line,
        },
        categories,
        authors,
        year,
        duplicate_of: None,
    })
}

enum Found<'t, 'a> {
    Value(&'t str, Val<'a>),
    Null(&'t str),
    Missing,
}

fn take<'t, 'a>(table: &'t KeyTable, slots: &mut Slots<'a>, role: Role) -> Found<'t, 'a> {
    let mut null = None;
    for &i in table.candidates(role) {
        if table.check_only[i] {
            continue;
        }
        match slots.get_mut(i).and_then(Option::take) {
            Some(Val::Null) => {
                null.get_or_insert(table.name(i));
            }
            Some(v) => return Found::Value(table.name(i), v),
            None => {}
        }
    }
    match null {
        Some(n) => Found::Null(n),
        None => Found::Missing,
    }
}

fn missing(table: &KeyTable, role: Role, what: &str) -> String {
    let names = table
        .role_names(role)
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("missing {what} (no field {names})")
}

/// Trims and collapses every run of whitespace (including newlines) to one space.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn string_list(v: Val<'_>, split: fn(&str) -> Vec<String>) -> Vec<String> {
    match v {
        Val::Str(s) => split(&s),
        Val::Array(items) => items
            .into_iter()
            .filter_map(|item| match item {
                Val::Str(s) => {
                    let s = collapse_ws(&s);
                    (!s.is_empty()).then_some(s)
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Categories in one string are separated by whitespace, commas or semicolons
/// (`"cs.CL cs.LG"` as in the Kaggle arXiv dump).
pub fn split_categories(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Authors in one string: separated by `;` when there is one, else by commas and the word
/// `and` (`"A. Smith, B. Jones and C. Lee"` as in the Kaggle arXiv dump).
pub fn split_authors(s: &str) -> Vec<String> {
    let s = collapse_ws(s);
    let parts: Vec<&str> = if s.contains(';') {
        s.split(';').collect()
    } else {
        s.split(',').flat_map(|p| p.split(" and ")).collect()
    };
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty() && p != "and")
        .collect()
}

/// The first run of four digits in a date or year value (`"2023-05-01"` → `2023`).
pub fn year_of(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut run = 0;
    for (i, c) in b.iter().enumerate() {
        if c.is_ascii_digit() {
            run += 1;
            if run == 4 && !matches!(b.get(i + 1), Some(n) if n.is_ascii_digit()) {
                return Some(s[i + 1 - 4..=i].to_string());
            }
        } else {
            run = 0;
        }
    }
    None
}

/// What a JSON text turned out to be at the top level.
pub enum Top<'a> {
    Object(Slots<'a>),
    Other(&'static str),
}

/// Parses one JSON value (a line, or an array element) against the key table.
pub fn parse_json<'a>(table: &KeyTable, text: &'a str) -> Result<Top<'a>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let top = TopSeed(table).deserialize(&mut de)?;
    de.end()?;
    Ok(top)
}

struct TopSeed<'t>(&'t KeyTable);

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = Top<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = Top<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut slots: Slots<'de> = vec![None; self.0.len()];
        while let Some(key) = map.next_key_seed(KeySeed(self.0))? {
            match key {
                Some(i) if self.0.check_only[i] => {
                    map.next_value::<Checked>()?;
                }
                Some(i) => slots[i] = Some(map.next_value::<Val<'de>>()?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Top::Object(slots))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Top::Other("an array"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Top::Other("a string"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Top::Other("a number"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Top::Other("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Top::Other("a number"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Top::Other("a boolean"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Top::Other("null"))
    }
}

/// Maps a key to its index in the table without allocating.
struct KeySeed<'t>(&'t KeyTable);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.index_of(v))
    }
}

impl<'de> de::Deserialize<'de> for Val<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValVisitor)
    }
}

struct ValVisitor;

impl<'de> Visitor<'de> for ValVisitor {
    type Value = Val<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Owned(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Val::Num(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Val::Num(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // Shortest round-trip form: 2023.0 -> "2023", 1706.03762 -> "1706.03762".
        Ok(Val::Num(v.to_string()))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Val::Bool)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Val::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Val::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element::<Val<'de>>()? {
            items.push(v);
        }
        Ok(Val::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Val::Object)
    }
}

/// A JSON value parsed as [`Val`] parses it (the same grammar, the same errors: a lone
/// surrogate escape in a string or a number out of range is an error for both, where
/// [`IgnoredAny`] lets them pass), but kept nowhere.
struct Checked;

impl<'de> de::Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CheckedVisitor)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, _: &'de str) -> Result<Self::Value, E> {
        Ok(Checked)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Checked)
    }
    fn visit_string<E: de::Error>(self, _: String) -> Result<Self::Value, E> {
        Ok(Checked)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Checked)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Checked)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Checked)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Checked)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Checked)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Checked)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Checked)
    }
}

/// Turns one JSON text into a paper, or the reject reason.
pub fn json_record(table: &KeyTable, text: &str, file: &str, line: u64) -> Result<Paper, String> {
    match parse_json(table, text) {
        Ok(Top::Object(slots)) => to_paper(table, slots, file, line),
        Ok(Top::Other(kind)) => Err(format!("expected a JSON object, found {kind}")),
        Err(e) => Err(format!("invalid JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(text: &str) -> Result<Paper, String> {
        json_record(&KeyTable::new(&FieldMap::default()), text, "f", 7)
    }

    #[test]
    fn arxiv_object() {
        let p = rec(r#"{"id":"2503.1","title":"  A\n  Title ","summary":"Line one.\nLine \"two\".","categories":["cs.CL","cs.LG"],"authors":["A B","C D"],"published":"2025-03-18T00:00:00Z","pdf":{"x":[1,2]}}"#).unwrap();
        assert_eq!(p.id, "2503.1");
        assert_eq!(p.title, "A Title");
        assert_eq!(p.abstract_text, "Line one.\nLine \"two\".");
        assert_eq!(p.categories, ["cs.CL", "cs.LG"]);
        assert_eq!(p.authors, ["A B", "C D"]);
        assert_eq!(p.year.as_deref(), Some("2025"));
        assert_eq!(
            p.source,
            SourcePos {
                file: "f".into(),
                line: 7
            }
        );
    }

    #[test]
    fn kaggle_strings() {
        let p = rec(r#"{"id":1706.03762,"title":"T","abstract":"  Abs.\n","categories":"cs.CL cs.LG","authors":"A. Smith, B. Jones and\n  C. Lee","update_date":"2023-08-02"}"#).unwrap();
        assert_eq!(p.id, "1706.03762");
        assert_eq!(p.abstract_text, "  Abs.\n");
        assert_eq!(p.categories, ["cs.CL", "cs.LG"]);
        assert_eq!(p.authors, ["A. Smith", "B. Jones", "C. Lee"]);
        assert_eq!(p.year.as_deref(), Some("2023"));
    }

    #[test]
    fn rejects_table() {
        let cases = [
            (
                r#"{"title":"T"}"#,
                "missing abstract (no field 'abstract', 'summary')",
            ),
            (r#"{"abstract":"A"}"#, "missing title (no field 'title')"),
            (
                r#"{"title":" ","abstract":"A"}"#,
                "field 'title' (title) is empty",
            ),
            (
                r#"{"title":"T","abstract":""}"#,
                "field 'abstract' (abstract) is empty",
            ),
            (
                r#"{"title":5,"abstract":"A"}"#,
                "field 'title' is a number, expected a string",
            ),
            (
                r#"{"title":null,"abstract":"A"}"#,
                "field 'title' is null, expected a string",
            ),
            (
                r#"{"title":"T","abstract":{"a":1}}"#,
                "field 'abstract' is an object, expected a string",
            ),
            (
                r#"{"title":"T","abstract":["a"]}"#,
                "field 'abstract' is an array, expected a string",
            ),
            (
                r#"{"title":true,"abstract":"A"}"#,
                "field 'title' is a boolean, expected a string",
            ),
            (
                r#"{"id":[1],"title":"T","abstract":"A"}"#,
                "field 'id' is an array, expected a string or a number",
            ),
            (r#"[1,2]"#, "expected a JSON object, found an array"),
            (r#""x""#, "expected a JSON object, found a string"),
        ];
        for (text, want) in cases {
            assert_eq!(rec(text).unwrap_err(), want, "{text}");
        }
        let err = rec(r#"{"title":"T","#).unwrap_err();
        assert!(err.starts_with("invalid JSON: EOF while parsing"), "{err}");
        let err = rec(r#"{"title":"T","abstract":"A"} x"#).unwrap_err();
        assert!(
            err.starts_with("invalid JSON: trailing characters"),
            "{err}"
        );
    }

    #[test]
    fn candidates_and_duplicates() {
        // null abstract falls through to summary; last duplicate key wins.
        let p = rec(r#"{"title":"first","title":"second","abstract":null,"summary":"S","id":null,"paper_id":"P"}"#).unwrap();
        assert_eq!(p.title, "second");
        assert_eq!(p.abstract_text, "S");
        assert_eq!(p.id, "P");
        let p = rec(r#"{"title":"T","abstract":"A","id":""}"#).unwrap();
        assert_eq!(p.id, "", "empty id means: use the slug");
    }

    /// Without metadata, every text gives the same paper (id, title, abstract) or the same
    /// reject as with it, and papers get no categories, authors or year.
    #[test]
    fn without_metadata_reads_and_rejects_the_same() {
        let texts = [
            r#"{"id":"1","title":"T","abstract":"A","authors":["A B","C D"],"categories":"cs.CL","year":2020}"#,
            // a lone surrogate, a number out of range, bad escapes: errors either way
            r#"{"title":"T","abstract":"A","authors":["x\ud800y"]}"#,
            r#"{"title":"T","abstract":"A","year":1e999}"#,
            r#"{"title":"T","abstract":"A","authors":"\q"}"#,
            r#"{"title":"T","abstract":"A","categories":[1,[2,{"a":null}],true,null,-3.5]}"#,
            r#"{"title":"T","abstract":"A","authors":{"x":[1,2]},"published":null}"#,
            r#"{"title":"T","abstract":"A","authors":["a"],"authors":5}"#,
            r#"{"title":"T","abstract":"A","date":"2021-01-01","update_date":"x"}"#,
            r#"{"title":"T","abstract":"A","authors":[1,2"#,
            r#"{"title":"T","authors":["a"]}"#,
        ];
        // The default fields, and an id field that is also a metadata field.
        let mut by_authors = FieldMap::default();
        by_authors.id.insert(0, "authors".into());
        for fields in [FieldMap::default(), by_authors] {
            let full = KeyTable::new(&fields);
            let lean = KeyTable::new(&fields).without_metadata();
            for text in texts {
                let want = json_record(&full, text, "f", 1);
                let got = json_record(&lean, text, "f", 1);
                match (&want, &got) {
                    (Ok(w), Ok(g)) => {
                        assert_eq!(
                            (&w.id, &w.title, &w.abstract_text),
                            (&g.id, &g.title, &g.abstract_text),
                            "{text}"
                        );
                        assert!(g.categories.is_empty() && g.authors.is_empty(), "{text}");
                        assert_eq!(g.year, None, "{text}");
                    }
                    _ => assert_eq!(want.err(), got.err(), "{text}"),
                }
            }
        }
    }

    #[test]
    fn years() {
        assert_eq!(year_of("2023-05-01").as_deref(), Some("2023"));
        assert_eq!(year_of("Mon, 2 Apr 2007").as_deref(), Some("2007"));
        assert_eq!(year_of("v12345"), None);
        assert_eq!(year_of("12"), None);
    }
}
