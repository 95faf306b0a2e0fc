//! Choosing which part of the graph a picture shows, so that a large graph stays legible.

use super::ExportError;
use crate::graph::{EdgeRef, KnowledgeGraph, NodeRef};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef as _;
use std::collections::BTreeSet;

/// What to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewSpec {
    /// Show the `N` most important entities (by papers, then PageRank) and how they
    /// co-occur; papers are left out.
    pub top: Option<usize>,
    /// Show the neighbourhood of this entity (papers and entities) up to `depth` steps.
    pub focus: Option<String>,
    pub depth: usize,
    /// Upper bound on nodes in a focus view (closest first).
    pub max_nodes: usize,
}

impl Default for ViewSpec {
    fn default() -> Self {
        ViewSpec {
            top: None,
            focus: None,
            depth: 2,
            max_nodes: 150,
        }
    }
}

/// The selected nodes (indices into the graph's papers and entities, sorted) and a
/// caption describing the selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub papers: Vec<u32>,
    pub entities: Vec<u32>,
    pub caption: String,
}

impl View {
    /// Selects the view described by `spec`; no focus and no top means the whole graph.
    pub fn select(g: &KnowledgeGraph, spec: &ViewSpec) -> Result<View, ExportError> {
        if let Some(q) = &spec.focus {
            return focus(g, q, spec.depth, spec.max_nodes);
        }
        if let Some(n) = spec.top {
            let mut order: Vec<u32> = (0..g.entities.len() as u32).collect();
            order.sort_by(|&a, &b| {
                let (ea, eb) = (&g.entities[a as usize], &g.entities[b as usize]);
                eb.papers
                    .cmp(&ea.papers)
                    .then(eb.pagerank.total_cmp(&ea.pagerank))
                    .then(a.cmp(&b))
            });
            order.truncate(n);
            order.sort_unstable();
            return Ok(View {
                papers: Vec::new(),
                caption: format!("top {} entities by papers", order.len()),
                entities: order,
            });
        }
        Ok(View {
            papers: (0..g.papers.len() as u32).collect(),
            entities: (0..g.entities.len() as u32).collect(),
            caption: "whole graph".into(),
        })
    }
}

/// Breadth-first neighbourhood of an entity over mention and co-occurrence edges (paper
/// links are not followed: they would pull in most of a large corpus). Each ring is taken
/// in order of importance until `max_nodes` is reached.
fn focus(g: &KnowledgeGraph, q: &str, depth: usize, max_nodes: usize) -> Result<View, ExportError> {
    let start = g.resolve_entity(q)?;
    let pg = g.petgraph();
    let np = g.papers.len();
    let importance = |n: NodeIndex| -> (u32, u32) {
        match pg[n] {
            NodeRef::Entity(e) => (g.entities[e as usize].papers, e),
            NodeRef::Paper(p) => (pg.neighbors(n).count() as u32, p),
        }
    };
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    let first = NodeIndex::new(np + start as usize);
    seen.insert(first.index());
    let mut ring = vec![first];
    let max_nodes = max_nodes.max(1);
    'outer: for _ in 0..depth {
        let mut next: BTreeSet<NodeIndex> = BTreeSet::new();
        for &n in &ring {
            for e in pg.edges(n) {
                if matches!(e.weight(), EdgeRef::Link(_)) {
                    continue;
                }
                let other = if e.source() == n {
                    e.target()
                } else {
                    e.source()
                };
                if !seen.contains(&other.index()) {
                    next.insert(other);
                }
            }
        }
        let mut next: Vec<NodeIndex> = next.into_iter().collect();
        next.sort_by(|&a, &b| {
            let (ia, ib) = (importance(a), importance(b));
            ib.0.cmp(&ia.0).then(a.index().cmp(&b.index()))
        });
        for n in &next {
            if seen.len() >= max_nodes {
                break 'outer;
            }
            seen.insert(n.index());
        }
        ring = next;
    }
    let (mut papers, mut entities) = (Vec::new(), Vec::new());
    for i in seen {
        match pg[NodeIndex::new(i)] {
            NodeRef::Paper(p) => papers.push(p),
            NodeRef::Entity(e) => entities.push(e),
        }
    }
    Ok(View {
        papers,
        entities,
        caption: format!(
            "around \"{}\", depth {depth}",
            g.entities[start as usize].name
        ),
    })
}
