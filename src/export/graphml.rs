//! GraphML for Gephi, Cytoscape and yEd, and node-link JSON for D3, Cytoscape.js and
//! networkx (`node_link_graph(data, edges="links")`).
//!
//! Both carry the whole graph: paper and entity nodes (ids prefixed `paper:` and
//! `entity:` so the two id spaces cannot collide) and the three edge kinds, each with its
//! attributes, so that tools can filter by `kind`.

use super::{io_err, ExportError};
use crate::graph::KnowledgeGraph;
use crate::util::write_atomic;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;

/// Escapes text for XML content and attribute values: markup characters as entities, tab,
/// newline and carriage return as character references; characters XML 1.0 cannot carry
/// (other control characters) are dropped.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // As character references, so that parsers keep them in attribute values
            // (which they would normalize to spaces) and keep \r in text.
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
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

fn data(w: &mut dyn Write, key: &str, value: &str) -> std::io::Result<()> {
    writeln!(w, "      <data key=\"{key}\">{}</data>", xml_escape(value))
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
        for p in &g.papers {
            writeln!(w, "    <node id=\"paper:{}\">", xml_escape(&p.id))?;
            data(w, "kind", "paper")?;
            data(w, "label", &p.title)?;
            data(w, "title", &p.title)?;
            writeln!(w, "    </node>")?;
        }
        for e in &g.entities {
            writeln!(w, "    <node id=\"entity:{}\">", xml_escape(&e.id))?;
            data(w, "kind", "entity")?;
            data(w, "label", &e.name)?;
            data(w, "type", &e.etype)?;
            data(w, "papers", &e.papers.to_string())?;
            data(w, "mentions", &e.mentions.to_string())?;
            data(w, "pagerank", &e.pagerank.to_string())?;
            data(w, "community", &e.community.to_string())?;
            data(w, "aliases", &e.aliases.join("; "))?;
            writeln!(w, "    </node>")?;
        }
        let pid = |i: u32| xml_escape(&g.papers[i as usize].id);
        let eid = |i: u32| xml_escape(&g.entities[i as usize].id);
        for m in &g.mentions {
            writeln!(
                w,
                "    <edge source=\"paper:{}\" target=\"entity:{}\">",
                pid(m.paper),
                eid(m.entity)
            )?;
            data(w, "ekind", "mentions")?;
            data(w, "count", &m.count.to_string())?;
            data(w, "weight", &m.count.to_string())?;
            writeln!(w, "    </edge>")?;
        }
        for l in &g.paper_links {
            writeln!(
                w,
                "    <edge source=\"paper:{}\" target=\"paper:{}\">",
                pid(l.a),
                pid(l.b)
            )?;
            data(w, "ekind", "shares")?;
            data(w, "weight", &l.weight.to_string())?;
            let shared: Vec<&str> = l
                .shared
                .iter()
                .map(|&e| g.entities[e as usize].name.as_str())
                .collect();
            data(w, "shared", &shared.join("; "))?;
            writeln!(w, "    </edge>")?;
        }
        for c in &g.cooccurrences {
            writeln!(
                w,
                "    <edge source=\"entity:{}\" target=\"entity:{}\">",
                eid(c.a),
                eid(c.b)
            )?;
            data(w, "ekind", "cooccurs")?;
            data(w, "count", &c.papers.to_string())?;
            data(w, "npmi", &c.npmi.to_string())?;
            data(w, "weight", &c.npmi.max(0.0).to_string())?;
            writeln!(w, "    </edge>")?;
        }
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

/// Writes the node-link JSON, atomically.
pub fn write_node_link(g: &KnowledgeGraph, path: &Path) -> Result<(), ExportError> {
    let v = node_link(g);
    write_atomic(path, |w| {
        serde_json::to_writer(&mut *w, &v).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })
    .map_err(io_err(path))
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
