//! GraphML for Gephi, Cytoscape and yEd, and node-link JSON for D3, Cytoscape.js and
//! networkx (`node_link_graph(data, edges="links")`).
//!
//! Both carry the whole graph: paper and entity nodes (ids prefixed `paper:` and
//! `entity:` so the two id spaces cannot collide) and the three edge kinds, each with its
//! attributes, so that tools can filter by `kind`.

use super::{io_err, write_chunked, ExportError, Num};
use crate::graph::KnowledgeGraph;
use crate::util::write_atomic;
use serde::Serialize;
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

/// [`xml_escape`] appending to a byte buffer, copying runs of plain text at once.
fn xml_escape_into(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (replacement, skip): (&[u8], usize) = match b {
            b'&' => (b"&amp;", 1),
            b'<' => (b"&lt;", 1),
            b'>' => (b"&gt;", 1),
            b'"' => (b"&quot;", 1),
            b'\'' => (b"&apos;", 1),
            // As character references, so that parsers keep them in attribute values
            // (which they would normalize to spaces) and keep \r in text.
            b'\t' => (b"&#9;", 1),
            b'\n' => (b"&#10;", 1),
            b'\r' => (b"&#13;", 1),
            0..=0x1f => (b"", 1),
            // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML characters.
            0xEF if bytes.get(i + 1) == Some(&0xBF)
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

/// Appends `"; "`-joined names.
fn joined<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, s) in items.enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(s);
    }
    out
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
            data(buf, "aliases", &joined(e.aliases.iter().map(String::as_str)));
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
            let shared = joined(
                l.shared
                    .iter()
                    .map(|&e| g.entities[e as usize].name.as_str()),
            );
            data(buf, "shared", &shared);
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

/// An id with its `paper:` / `entity:` prefix, serialized without building the string.
struct Prefixed<'a>(&'static str, &'a str);

impl Serialize for Prefixed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}{}", self.0, self.1))
    }
}

/// Prefixed entity ids of a list of entity indices.
struct PrefixedList<'a>(&'a KnowledgeGraph, &'a [u32]);

impl Serialize for PrefixedList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.1
                .iter()
                .map(|&e| Prefixed("entity:", &self.0.entities[e as usize].id)),
        )
    }
}

// The node and link records of the node-link JSON. Fields are in alphabetical order, as
// `serde_json::Value` objects print them, so the streamed file is byte-identical to
// serializing [`node_link`].
#[derive(Serialize)]
struct PaperRec<'a> {
    id: Prefixed<'a>,
    kind: &'static str,
    label: &'a str,
}

#[derive(Serialize)]
struct EntityRec<'a> {
    aliases: &'a [String],
    community: u32,
    id: Prefixed<'a>,
    kind: &'static str,
    label: &'a str,
    mentions: u32,
    pagerank: f64,
    papers: u32,
    #[serde(rename = "type")]
    etype: &'a str,
}

#[derive(Serialize)]
struct MentionRec<'a> {
    count: u32,
    kind: &'static str,
    role: Option<crate::extract::Role>,
    source: Prefixed<'a>,
    target: Prefixed<'a>,
}

#[derive(Serialize)]
struct SharesRec<'a> {
    kind: &'static str,
    shared: PrefixedList<'a>,
    source: Prefixed<'a>,
    target: Prefixed<'a>,
    weight: f64,
}

#[derive(Serialize)]
struct CooccursRec<'a> {
    kind: &'static str,
    npmi: f64,
    papers: u32,
    source: Prefixed<'a>,
    target: Prefixed<'a>,
}

/// Writes the node-link JSON, atomically: the same bytes as serializing [`node_link`],
/// streamed record by record (in parallel chunks) instead of built in memory.
pub fn write_node_link(g: &KnowledgeGraph, path: &Path) -> Result<(), ExportError> {
    let pid = |i: u32| Prefixed("paper:", &g.papers[i as usize].id);
    let eid = |i: u32| Prefixed("entity:", &g.entities[i as usize].id);
    let json = |buf: &mut Vec<u8>, i: usize, rec: &dyn erased::Rec| {
        if i > 0 {
            buf.push(b',');
        }
        rec.write(buf);
    };
    write_atomic(path, |w| {
        w.write_all(b"{\"directed\":false,\"graph\":")?;
        serde_json::to_writer(
            &mut *w,
            &json!({"generator": g.generator, "papers": g.papers.len(), "entities": g.entities.len()}),
        )
        .map_err(std::io::Error::other)?;
        w.write_all(b",\"links\":[")?;
        write_chunked(w, &g.mentions, |buf, i, m| {
            let rec = MentionRec {
                count: m.count,
                kind: "mentions",
                role: m.role,
                source: pid(m.paper),
                target: eid(m.entity),
            };
            json(buf, i, &rec);
        })?;
        let mut offset = g.mentions.len();
        write_chunked(w, &g.paper_links, |buf, i, l| {
            let rec = SharesRec {
                kind: "shares",
                shared: PrefixedList(g, &l.shared),
                source: pid(l.a),
                target: pid(l.b),
                weight: l.weight,
            };
            json(buf, offset + i, &rec);
        })?;
        offset += g.paper_links.len();
        write_chunked(w, &g.cooccurrences, |buf, i, c| {
            let rec = CooccursRec {
                kind: "cooccurs",
                npmi: c.npmi,
                papers: c.papers,
                source: eid(c.a),
                target: eid(c.b),
            };
            json(buf, offset + i, &rec);
        })?;
        w.write_all(b"],\"multigraph\":false,\"nodes\":[")?;
        write_chunked(w, &g.papers, |buf, i, p| {
            let rec = PaperRec {
                id: Prefixed("paper:", &p.id),
                kind: "paper",
                label: &p.title,
            };
            json(buf, i, &rec);
        })?;
        let offset = g.papers.len();
        write_chunked(w, &g.entities, |buf, i, e| {
            let rec = EntityRec {
                aliases: &e.aliases,
                community: e.community,
                id: Prefixed("entity:", &e.id),
                kind: "entity",
                label: &e.name,
                mentions: e.mentions,
                pagerank: e.pagerank,
                papers: e.papers,
                etype: &e.etype,
            };
            json(buf, offset + i, &rec);
        })?;
        w.write_all(b"]}\n")
    })
    .map_err(io_err(path))
}

/// Object-safe serialization of the record types into a byte buffer.
mod erased {
    /// A record that serializes itself as JSON into a buffer.
    pub trait Rec {
        fn write(&self, buf: &mut Vec<u8>);
    }

    impl<T: serde::Serialize> Rec for T {
        fn write(&self, buf: &mut Vec<u8>) {
            // Records hold only strings, numbers and lists: serializing cannot fail.
            let _ = serde_json::to_writer(buf, self);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
