//! GraphML for Gephi, Cytoscape and yEd, and node-link JSON for D3, Cytoscape.js and
//! networkx (`node_link_graph(data, edges="links")`).
//!
//! Both carry the whole graph: paper and entity nodes (ids prefixed `paper:` and
//! `entity:` so the two id spaces cannot collide) and the three edge kinds, each with its
//! attributes, so that tools can filter by `kind`.

use super::{
    io_err, push_json_f64, push_json_str, push_json_str_contents, push_json_u32, write_chunked,
    ExportError, Num,
};
use crate::graph::KnowledgeGraph;
use crate::util::write_atomic;
use serde_json::{json, Value};
use std::path::Path;

/// Escapes text for XML content and attribute values: markup characters as entities, tab,
/// newline and carriage return as character references; characters XML 1.0 cannot carry
/// (other control characters) are dropped.
pub fn xml_escape(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    xml_escape_into(&mut out, s);
    // Only whole characters are dropped or replaced by ASCII, so the bytes stay UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// What [`xml_escape_into`] does with each byte: 0 keeps it, 1 looks it up in
/// [`XML_REPLACEMENT`] (markup characters, tab, newline, carriage return), 2 drops it (the
/// other control characters), 3 checks for U+FFFE / U+FFFF (whose UTF-8 starts with 0xEF).
static XML_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = 2;
        b += 1;
    }
    t[b'\t' as usize] = 1;
    t[b'\n' as usize] = 1;
    t[b'\r' as usize] = 1;
    t[b'&' as usize] = 1;
    t[b'<' as usize] = 1;
    t[b'>' as usize] = 1;
    t[b'"' as usize] = 1;
    t[b'\'' as usize] = 1;
    t[0xEF] = 3;
    t
};

/// The replacement of a byte of class 1 in [`XML_CLASS`].
fn xml_replacement(b: u8) -> &'static [u8] {
    match b {
        b'&' => b"&amp;",
        b'<' => b"&lt;",
        b'>' => b"&gt;",
        b'"' => b"&quot;",
        b'\'' => b"&apos;",
        // As character references, so that parsers keep them in attribute values
        // (which they would normalize to spaces) and keep \r in text.
        b'\t' => b"&#9;",
        b'\n' => b"&#10;",
        _ => b"&#13;",
    }
}

/// [`xml_escape`] appending to a byte buffer, copying runs of plain text at once.
fn xml_escape_into(out: &mut Vec<u8>, s: &str) {
    use super::swar::{any_below, any_eq};
    let bytes = s.as_bytes();
    // Words without a byte of interest are skipped eight bytes at a time.
    let mut i = crate::util::plain_words(bytes, |x| {
        any_below(x, 0x20)
            || any_eq(x, b'&')
            || any_eq(x, b'<')
            || any_eq(x, b'>')
            || any_eq(x, b'"')
            || any_eq(x, b'\'')
            || any_eq(x, 0xEF)
    });
    if i == bytes.len() {
        out.extend_from_slice(bytes);
        return;
    }
    let mut run = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (replacement, skip): (&[u8], usize) = match XML_CLASS[usize::from(b)] {
            0 => {
                i += 1;
                continue;
            }
            1 => (xml_replacement(b), 1),
            2 => (b"", 1),
            // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML characters.
            _ if bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE) | Some(0xBF)) =>
            {
                (b"", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[run..i]);
        out.extend_from_slice(replacement);
        i += skip;
        run = i;
    }
    out.extend_from_slice(&bytes[run..]);
}

/// GraphML attribute keys: (id, for, name, type).
const KEYS: [(&str, &str, &str, &str); 14] = [
    ("kind", "node", "kind", "string"),
    ("label", "node", "label", "string"),
    ("type", "node", "type", "string"),
    ("title", "node", "title", "string"),
    ("papers", "node", "papers", "int"),
    ("mentions", "node", "mentions", "int"),
    ("pagerank", "node", "pagerank", "double"),
    ("community", "node", "community", "int"),
    ("aliases", "node", "aliases", "string"),
    ("ekind", "edge", "kind", "string"),
    ("weight", "edge", "weight", "double"),
    ("count", "edge", "count", "int"),
    ("npmi", "edge", "npmi", "double"),
    ("shared", "edge", "shared", "string"),
];

/// Appends one `<data>` line.
fn data(buf: &mut Vec<u8>, key: &str, value: &str) {
    buf.extend_from_slice(b"      <data key=\"");
    buf.extend_from_slice(key.as_bytes());
    buf.extend_from_slice(b"\">");
    xml_escape_into(buf, value);
    buf.extend_from_slice(b"</data>\n");
}

/// Appends one `<data>` line with a value formatted by `Display`.
fn data_fmt(buf: &mut Vec<u8>, key: &str, value: impl Num) {
    buf.extend_from_slice(b"      <data key=\"");
    buf.extend_from_slice(key.as_bytes());
    buf.extend_from_slice(b"\">");
    // Numbers need no escaping.
    value.push_to(buf);
    buf.extend_from_slice(b"</data>\n");
}

/// Appends `<edge source="A" target="B">` with escaped ids.
fn edge_open(buf: &mut Vec<u8>, a_kind: &str, a: &str, b_kind: &str, b: &str) {
    buf.extend_from_slice(b"    <edge source=\"");
    buf.extend_from_slice(a_kind.as_bytes());
    xml_escape_into(buf, a);
    buf.extend_from_slice(b"\" target=\"");
    buf.extend_from_slice(b_kind.as_bytes());
    xml_escape_into(buf, b);
    buf.extend_from_slice(b"\">\n");
}

/// Appends one `<data>` line whose value is `items` joined by `"; "` (each escaped).
fn data_joined<'a>(buf: &mut Vec<u8>, key: &str, items: impl Iterator<Item = &'a str>) {
    buf.extend_from_slice(b"      <data key=\"");
    buf.extend_from_slice(key.as_bytes());
    buf.extend_from_slice(b"\">");
    for (i, s) in items.enumerate() {
        if i > 0 {
            buf.extend_from_slice(b"; ");
        }
        // Escaping works character by character, so escaping the items one by one gives
        // the bytes of escaping the joined string.
        xml_escape_into(buf, s);
    }
    buf.extend_from_slice(b"</data>\n");
}

/// Writes the graph as GraphML, atomically.
pub fn write_graphml(g: &KnowledgeGraph, path: &Path) -> Result<(), ExportError> {
    write_atomic(path, |w| {
        writeln!(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            w,
            "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">"
        )?;
        for (id, for_, name, ty) in KEYS {
            writeln!(
                w,
                "  <key id=\"{id}\" for=\"{for_}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
            )?;
        }
        writeln!(w, "  <graph id=\"paperkg\" edgedefault=\"undirected\">")?;
        write_chunked(w, &g.papers, |buf, _, p| {
            buf.extend_from_slice(b"    <node id=\"paper:");
            xml_escape_into(buf, &p.id);
            buf.extend_from_slice(b"\">\n");
            data(buf, "kind", "paper");
            data(buf, "label", &p.title);
            data(buf, "title", &p.title);
            buf.extend_from_slice(b"    </node>\n");
        })?;
        write_chunked(w, &g.entities, |buf, _, e| {
            buf.extend_from_slice(b"    <node id=\"entity:");
            xml_escape_into(buf, &e.id);
            buf.extend_from_slice(b"\">\n");
            data(buf, "kind", "entity");
            data(buf, "label", &e.name);
            data(buf, "type", &e.etype);
            data_fmt(buf, "papers", e.papers);
            data_fmt(buf, "mentions", e.mentions);
            data_fmt(buf, "pagerank", e.pagerank);
            data_fmt(buf, "community", e.community);
            data_joined(buf, "aliases", e.aliases.iter().map(String::as_str));
            buf.extend_from_slice(b"    </node>\n");
        })?;
        let pid = |i: u32| g.papers[i as usize].id.as_str();
        let eid = |i: u32| g.entities[i as usize].id.as_str();
        write_chunked(w, &g.mentions, |buf, _, m| {
            edge_open(buf, "paper:", pid(m.paper), "entity:", eid(m.entity));
            data(buf, "ekind", "mentions");
            data_fmt(buf, "count", m.count);
            data_fmt(buf, "weight", m.count);
            buf.extend_from_slice(b"    </edge>\n");
        })?;
        write_chunked(w, &g.paper_links, |buf, _, l| {
            edge_open(buf, "paper:", pid(l.a), "paper:", pid(l.b));
            data(buf, "ekind", "shares");
            data_fmt(buf, "weight", l.weight);
            data_joined(
                buf,
                "shared",
                l.shared
                    .iter()
                    .map(|&e| g.entities[e as usize].name.as_str()),
            );
            buf.extend_from_slice(b"    </edge>\n");
        })?;
        write_chunked(w, &g.cooccurrences, |buf, _, c| {
            edge_open(buf, "entity:", eid(c.a), "entity:", eid(c.b));
            data(buf, "ekind", "cooccurs");
            data_fmt(buf, "count", c.papers);
            data_fmt(buf, "npmi", c.npmi);
            data_fmt(buf, "weight", c.npmi.max(0.0));
            buf.extend_from_slice(b"    </edge>\n");
        })?;
        writeln!(w, "  </graph>")?;
        writeln!(w, "</graphml>")
    })
    .map_err(io_err(path))
}

/// The graph in node-link form (`nodes` and `links`), as D3 and networkx read it.
pub fn node_link(g: &KnowledgeGraph) -> Value {
    let mut nodes = Vec::with_capacity(g.papers.len() + g.entities.len());
    for p in &g.papers {
        nodes.push(json!({"id": format!("paper:{}", p.id), "kind": "paper", "label": p.title}));
    }
    for e in &g.entities {
        nodes.push(json!({
            "id": format!("entity:{}", e.id), "kind": "entity", "label": e.name, "type": e.etype,
            "aliases": e.aliases, "papers": e.papers, "mentions": e.mentions,
            "pagerank": e.pagerank, "community": e.community,
        }));
    }
    let pid = |i: u32| format!("paper:{}", g.papers[i as usize].id);
    let eid = |i: u32| format!("entity:{}", g.entities[i as usize].id);
    let mut links = Vec::new();
    for m in &g.mentions {
        links.push(json!({"source": pid(m.paper), "target": eid(m.entity), "kind": "mentions", "count": m.count, "role": m.role}));
    }
    for l in &g.paper_links {
        let shared: Vec<String> = l.shared.iter().map(|&e| eid(e)).collect();
        links.push(json!({"source": pid(l.a), "target": pid(l.b), "kind": "shares", "weight": l.weight, "shared": shared}));
    }
    for c in &g.cooccurrences {
        links.push(json!({"source": eid(c.a), "target": eid(c.b), "kind": "cooccurs", "papers": c.papers, "npmi": c.npmi}));
    }
    json!({
        "directed": false,
        "multigraph": false,
        "graph": {"generator": g.generator, "papers": g.papers.len(), "entities": g.entities.len()},
        "nodes": nodes,
        "links": links,
    })
}

/// Appends `"PREFIXid"` as a JSON string (the prefix needs no escaping).
fn push_prefixed(buf: &mut Vec<u8>, prefix: &str, id: &str) {
    buf.push(b'"');
    buf.extend_from_slice(prefix.as_bytes());
    push_json_str_contents(buf, id);
    buf.push(b'"');
}

/// Writes the node-link JSON, atomically: the same bytes as serializing [`node_link`]
/// (fields in alphabetical order, as `serde_json::Value` objects print them), written by
/// hand record by record in parallel chunks instead of built in memory.
pub fn write_node_link(g: &KnowledgeGraph, path: &Path) -> Result<(), ExportError> {
    let pid = |buf: &mut Vec<u8>, i: u32| push_prefixed(buf, "paper:", &g.papers[i as usize].id);
    let eid = |buf: &mut Vec<u8>, i: u32| push_prefixed(buf, "entity:", &g.entities[i as usize].id);
    let sep = |buf: &mut Vec<u8>, i: usize| {
        if i > 0 {
            buf.push(b',');
        }
    };
    write_atomic(path, |w| {
        let mut head = Vec::new();
        head.extend_from_slice(b"{\"directed\":false,\"graph\":{\"entities\":");
        push_json_u32(&mut head, g.entities.len() as u32);
        head.extend_from_slice(b",\"generator\":");
        push_json_str(&mut head, &g.generator);
        head.extend_from_slice(b",\"papers\":");
        push_json_u32(&mut head, g.papers.len() as u32);
        head.extend_from_slice(b"},\"links\":[");
        w.write_all(&head)?;
        write_chunked(w, &g.mentions, |buf, i, m| {
            sep(buf, i);
            buf.extend_from_slice(b"{\"count\":");
            push_json_u32(buf, m.count);
            buf.extend_from_slice(b",\"kind\":\"mentions\",\"role\":");
            match m.role {
                Some(r) => push_json_str(buf, r.as_str()),
                None => buf.extend_from_slice(b"null"),
            }
            buf.extend_from_slice(b",\"source\":");
            pid(buf, m.paper);
            buf.extend_from_slice(b",\"target\":");
            eid(buf, m.entity);
            buf.push(b'}');
        })?;
        let mut offset = g.mentions.len();
        write_chunked(w, &g.paper_links, |buf, i, l| {
            sep(buf, offset + i);
            buf.extend_from_slice(b"{\"kind\":\"shares\",\"shared\":[");
            for (j, &e) in l.shared.iter().enumerate() {
                sep(buf, j);
                eid(buf, e);
            }
            buf.extend_from_slice(b"],\"source\":");
            pid(buf, l.a);
            buf.extend_from_slice(b",\"target\":");
            pid(buf, l.b);
            buf.extend_from_slice(b",\"weight\":");
            push_json_f64(buf, l.weight);
            buf.push(b'}');
        })?;
        offset += g.paper_links.len();
        write_chunked(w, &g.cooccurrences, |buf, i, c| {
            sep(buf, offset + i);
            buf.extend_from_slice(b"{\"kind\":\"cooccurs\",\"npmi\":");
            push_json_f64(buf, c.npmi);
            buf.extend_from_slice(b",\"papers\":");
            push_json_u32(buf, c.papers);
            buf.extend_from_slice(b",\"source\":");
            eid(buf, c.a);
            buf.extend_from_slice(b",\"target\":");
            eid(buf, c.b);
            buf.push(b'}');
        })?;
        w.write_all(b"],\"multigraph\":false,\"nodes\":[")?;
        write_chunked(w, &g.papers, |buf, i, p| {
            sep(buf, i);
            buf.extend_from_slice(b"{\"id\":");
            push_prefixed(buf, "paper:", &p.id);
            buf.extend_from_slice(b",\"kind\":\"paper\",\"label\":");
            push_json_str(buf, &p.title);
            buf.push(b'}');
        })?;
        let offset = g.papers.len();
        write_chunked(w, &g.entities, |buf, i, e| {
            sep(buf, offset + i);
            buf.extend_from_slice(b"{\"aliases\":[");
            for (j, a) in e.aliases.iter().enumerate() {
                sep(buf, j);
                push_json_str(buf, a);
            }
            buf.extend_from_slice(b"],\"community\":");
            push_json_u32(buf, e.community);
            buf.extend_from_slice(b",\"id\":");
            push_prefixed(buf, "entity:", &e.id);
            buf.extend_from_slice(b",\"kind\":\"entity\",\"label\":");
            push_json_str(buf, &e.name);
            buf.extend_from_slice(b",\"mentions\":");
            push_json_u32(buf, e.mentions);
            buf.extend_from_slice(b",\"pagerank\":");
            push_json_f64(buf, e.pagerank);
            buf.extend_from_slice(b",\"papers\":");
            push_json_u32(buf, e.papers);
            buf.extend_from_slice(b",\"type\":");
            push_json_str(buf, &e.etype);
            buf.push(b'}');
        })?;
        w.write_all(b"]}\n")
    })
    .map_err(io_err(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escaper before the lookup table, as the reference.
    fn xml_escape_reference(s: &str) -> String {
        let mut out = String::new();
        for (i, c) in s.char_indices() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                '\t' => out.push_str("&#9;"),
                '\n' => out.push_str("&#10;"),
                '\r' => out.push_str("&#13;"),
                '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
                _ => out.push_str(&s[i..i + c.len_utf8()]),
            }
        }
        out
    }

    #[test]
    fn xml_escape_agrees_with_the_reference_on_awkward_text() {
        let mut r = crate::export::awkward::Rng(0x0005_eed0_fa11_5eed);
        for _ in 0..50_000 {
            let s = r.text();
            assert_eq!(xml_escape(&s), xml_escape_reference(&s), "{s:?}");
        }
        // Each character of interest at every offset of longer plain runs, for the
        // word-at-a-time skip.
        let specials = (0u32..0x20)
            .chain([
                0x22, 0x26, 0x27, 0x3c, 0x3e, 0x7f, 0xe9, 0xfeff, 0xfffd, 0xfffe, 0xffff,
            ])
            .filter_map(char::from_u32);
        for c in specials {
            for at in 0..20 {
                let s = format!("{}{c}{}", "a".repeat(at), "b".repeat(19 - at));
                assert_eq!(xml_escape(&s), xml_escape_reference(&s), "{s:?}");
            }
        }
        // Every character below U+0100 and around the non-characters.
        let all: String = (0u32..0x100)
            .chain(0xfff0..0x10000)
            .filter_map(char::from_u32)
            .collect();
        assert_eq!(xml_escape(&all), xml_escape_reference(&all));
    }

    #[test]
    fn joined_data_is_the_escaped_joined_string() {
        let mut r = crate::export::awkward::Rng(77);
        for _ in 0..5_000 {
            let items: Vec<String> = (0..r.below(5)).map(|_| r.text()).collect();
            let mut got = Vec::new();
            data_joined(&mut got, "aliases", items.iter().map(String::as_str));
            let mut want = Vec::new();
            data(&mut want, "aliases", &items.join("; "));
            assert_eq!(got, want, "{items:?}");
        }
    }

    #[test]
    fn node_link_file_is_the_bytes_of_the_serde_value() {
        for (seed, n) in [(1, 0), (2, 1), (3, 50), (4, 12_000)] {
            let g = crate::export::awkward::graph(seed, n);
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("nl.json");
            write_node_link(&g, &p).unwrap();
            let mut want = serde_json::to_vec(&node_link(&g)).unwrap();
            want.push(b'\n');
            let got = std::fs::read(&p).unwrap();
            assert!(
                got == want,
                "seed {seed}: {}",
                crate::export::json::tests::first_difference(&got, &want)
            );
        }
    }

    #[test]
    fn xml_escape_handles_markup_quotes_and_control_characters() {
        let cases = [
            ("a & b", "a &amp; b"),
            ("<tag attr=\"x\">", "&lt;tag attr=&quot;x&quot;&gt;"),
            ("it's", "it&apos;s"),
            ("bell\u{7}gone", "bellgone"),
            ("keep\ttab\nline\r", "keep&#9;tab&#10;line&#13;"),
            ("東京 ü", "東京 ü"),
        ];
        for (input, want) in cases {
            assert_eq!(xml_escape(input), want, "{input:?}");
        }
    }
}
