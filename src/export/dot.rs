//! DOT for Graphviz, built with graphviz-rust, and SVG/PNG rendering through `dot`.
//!
//! Entities are coloured and shaped by type (from the rule files), sized by how many
//! papers mention them; papers are small notes; co-occurrence edges are thicker the more
//! strongly associated, paper links the heavier their shared entities. A title and a legend
//! are part of the picture.

use super::{io_err, ExportError, View};
use crate::graph::KnowledgeGraph;
use crate::util::write_atomic;
use graphviz_rust::cmd::{CommandArg, Format};
use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};
use std::collections::HashSet;
use std::path::Path;

/// Quotes a string as a DOT id: backslashes and quotes escaped, line breaks as `\n`.
pub fn quote(s: &str) -> Id {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    Id::Escaped(out)
}

/// Escapes text for a Graphviz HTML-like label.
fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn attr(k: &str, v: &str) -> Attribute {
    Attribute(Id::Plain(k.to_string()), quote(v))
}

/// Breaks a long label into lines of about `width` characters at spaces.
fn wrap(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for w in s.split_whitespace() {
        let n = w.chars().count();
        if line > 0 && line + 1 + n > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(w);
        line += n;
    }
    out
}

fn node_id(prefix: char, i: u32) -> NodeId {
    NodeId(Id::Plain(format!("{prefix}{i}")), None)
}

/// Builds the DOT graph of a view.
pub fn to_dot(g: &KnowledgeGraph, view: &View) -> Graph {
    let mut stmts = Vec::new();
    let title = format!(
        "paperkg: {} papers, {} entities ({}); showing {} entities, {} papers",
        g.papers.len(),
        g.entities.len(),
        view.caption,
        view.entities.len(),
        view.papers.len()
    );
    let large = view.entities.len() + view.papers.len() > 60;
    stmts.push(Stmt::GAttribute(GraphAttributes::Graph(vec![
        attr("labelloc", "t"),
        attr("fontsize", "20"),
        attr("fontname", "Helvetica"),
        attr("layout", if large { "sfdp" } else { "neato" }),
        attr("overlap", "false"),
        attr("splines", "true"), // straight lines when the view has many edges, see below
        attr("outputorder", "edgesfirst"),
        attr("bgcolor", "white"),
    ])));
    stmts.push(Stmt::GAttribute(GraphAttributes::Node(vec![
        attr("style", "filled"),
        attr("fontname", "Helvetica"),
    ])));
    stmts.push(Stmt::GAttribute(GraphAttributes::Edge(vec![attr(
        "color",
        "#00000040",
    )])));

    // The legend is part of the graph label (an HTML-like table), so every layout engine
    // keeps it apart from the nodes.
    let present: HashSet<&str> = view
        .entities
        .iter()
        .map(|&e| g.entities[e as usize].etype.as_str())
        .collect();
    let mut types: Vec<String> = g.types.iter().map(|t| t.name.clone()).collect();
    for e in &view.entities {
        let t = &g.entities[*e as usize].etype;
        if !types.contains(t) {
            types.push(t.clone());
        }
    }
    let mut legend = String::new();
    for t in types.iter().filter(|t| present.contains(t.as_str())) {
        let s = g.type_style(t);
        legend.push_str(&format!(
            "<TD BGCOLOR=\"{}\" BORDER=\"1\">{}</TD>",
            html_escape(&s.color),
            html_escape(&s.label)
        ));
    }
    if !view.papers.is_empty() {
        legend.push_str("<TD BGCOLOR=\"#f5f5f5\" BORDER=\"1\">Paper</TD>");
    }
    let cells = present.len() + usize::from(!view.papers.is_empty());
    let legend_row = if cells == 0 {
        String::new()
    } else {
        format!("<TR>{legend}</TR>")
    };
    let label = format!(
        "<<TABLE BORDER=\"0\" CELLSPACING=\"4\"><TR><TD COLSPAN=\"{}\"><FONT POINT-SIZE=\"20\">{}</FONT></TD></TR>{legend_row}</TABLE>>",
        cells.max(1),
        html_escape(&title),
    );
    stmts.insert(
        1,
        Stmt::Attribute(Attribute(Id::Plain("label".into()), Id::Html(label))),
    );

    let max_papers = view
        .entities
        .iter()
        .map(|&e| g.entities[e as usize].papers)
        .max()
        .unwrap_or(1)
        .max(1);
    for &e in &view.entities {
        let ent = &g.entities[e as usize];
        let s = g.type_style(&ent.etype);
        let size = 10.0 + 14.0 * (f64::from(ent.papers).ln_1p() / f64::from(max_papers).ln_1p());
        stmts.push(Stmt::Node(Node::new(
            node_id('e', e),
            vec![
                attr("label", &wrap(&ent.name, 24)),
                attr("shape", &s.shape),
                attr("fillcolor", &s.color),
                attr("fontsize", &format!("{size:.1}")),
                attr(
                    "tooltip",
                    &format!(
                        "{} ({}), {}",
                        ent.name,
                        ent.etype,
                        crate::util::n_papers(ent.papers)
                    ),
                ),
            ],
        )));
    }
    for &p in &view.papers {
        let paper = &g.papers[p as usize];
        stmts.push(Stmt::Node(Node::new(
            node_id('p', p),
            vec![
                attr("label", &wrap(&paper.title, 32)),
                attr("shape", "note"),
                attr("fillcolor", "#f5f5f5"),
                attr("fontsize", "9"),
                attr("tooltip", &format!("{}: {}", paper.id, paper.title)),
            ],
        )));
    }

    let ents: HashSet<u32> = view.entities.iter().copied().collect();
    let paps: HashSet<u32> = view.papers.iter().copied().collect();
    let edge = |a: NodeId, b: NodeId, attrs: Vec<Attribute>| {
        Stmt::Edge(Edge {
            ty: EdgeTy::Pair(Vertex::N(a), Vertex::N(b)),
            attributes: attrs,
        })
    };
    for m in &g.mentions {
        if paps.contains(&m.paper) && ents.contains(&m.entity) {
            stmts.push(edge(
                node_id('p', m.paper),
                node_id('e', m.entity),
                vec![attr(
                    "penwidth",
                    &format!("{:.1}", 0.6 + 0.4 * f64::from(m.count.min(5))),
                )],
            ));
        }
    }
    for c in &g.cooccurrences {
        if ents.contains(&c.a) && ents.contains(&c.b) && c.npmi > 0.0 {
            stmts.push(edge(
                node_id('e', c.a),
                node_id('e', c.b),
                vec![
                    attr("penwidth", &format!("{:.1}", 0.5 + 4.0 * c.npmi)),
                    attr("color", "#1f77b480"),
                    attr(
                        "tooltip",
                        &format!(
                            "{} together, npmi {:.2}",
                            crate::util::n_papers(c.papers),
                            c.npmi
                        ),
                    ),
                ],
            ));
        }
    }
    let max_w = g
        .paper_links
        .iter()
        .map(|l| l.weight)
        .fold(0.0f64, f64::max)
        .max(1e-9);
    for l in &g.paper_links {
        if paps.contains(&l.a) && paps.contains(&l.b) {
            stmts.push(edge(
                node_id('p', l.a),
                node_id('p', l.b),
                vec![
                    attr("penwidth", &format!("{:.1}", 0.5 + 3.0 * l.weight / max_w)),
                    attr("style", "dashed"),
                    attr("color", "#d6272880"),
                ],
            ));
        }
    }
    // Routing curved edges around nodes costs Graphviz seconds for a few hundred edges (the
    // top-50 view of a large corpus has ~500) and adds little there: the edges are drawn
    // under the nodes. Past that size they are straight lines, rendered in milliseconds.
    let edges = stmts.iter().filter(|s| matches!(s, Stmt::Edge(_))).count();
    if edges > MAX_ROUTED_EDGES {
        if let Some(Stmt::GAttribute(GraphAttributes::Graph(attrs))) = stmts.first_mut() {
            for a in attrs.iter_mut() {
                if a.0 == Id::Plain("splines".into()) {
                    a.1 = quote("false");
                }
            }
        }
    }
    Graph::Graph {
        id: Id::Plain("paperkg".into()),
        strict: false,
        stmts,
    }
}

/// Most edges for which a view's edges are routed as splines around the nodes.
pub const MAX_ROUTED_EDGES: usize = 150;

/// The DOT text of a view.
pub fn render_dot(g: &KnowledgeGraph, view: &View) -> String {
    let mut ctx = PrinterContext::default();
    let mut s = to_dot(g, view).print(&mut ctx);
    s.push('\n');
    s
}

/// Writes the DOT text of a view to `path`, atomically.
pub fn write_dot(g: &KnowledgeGraph, view: &View, path: &Path) -> Result<(), ExportError> {
    let text = render_dot(g, view);
    write_atomic(path, |w| w.write_all(text.as_bytes())).map_err(io_err(path))
}

/// Whether Graphviz's `dot` can be run.
pub fn graphviz_available() -> bool {
    std::process::Command::new("dot")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// The message shown when a picture is asked for but Graphviz is missing.
pub const INSTALL_HINT: &str =
    "Graphviz's `dot` is not installed; install it (Debian/Ubuntu: `apt-get install graphviz`, macOS: `brew install graphviz`) to render pictures";

/// Renders DOT text to SVG or PNG with Graphviz and writes it atomically.
pub fn render_to(dot_text: &str, format: Format, path: &Path) -> Result<(), ExportError> {
    if !graphviz_available() {
        return Err(ExportError::Graphviz(INSTALL_HINT.into()));
    }
    let bytes = graphviz_rust::exec_dot(dot_text.to_string(), vec![CommandArg::Format(format)])
        .map_err(|e| ExportError::Graphviz(e.to_string()))?;
    write_atomic(path, |w| w.write_all(&bytes)).map_err(io_err(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_what_dot_would_misread() {
        let cases = [
            ("plain", "\"plain\""),
            ("say \"hi\"", "\"say \\\"hi\\\"\""),
            ("back\\slash", "\"back\\\\slash\""),
            ("two\nlines", "\"two\\nlines\""),
            ("crlf\r\nend", "\"crlf\\nend\""),
            ("Ünïcödé 東京", "\"Ünïcödé 東京\""),
            ("{braces} <angle>", "\"{braces} <angle>\""),
        ];
        for (input, want) in cases {
            assert_eq!(quote(input), Id::Escaped(want.to_string()), "{input:?}");
        }
    }

    #[test]
    fn wrap_breaks_long_labels_at_spaces() {
        assert_eq!(wrap("a short one", 24), "a short one");
        assert_eq!(
            wrap(
                "Graph Adaptive Semantic Transfer for Cross-domain Sentiment",
                20
            ),
            "Graph Adaptive\nSemantic Transfer\nfor Cross-domain\nSentiment"
        );
    }
}
