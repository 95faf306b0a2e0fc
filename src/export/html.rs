//! A one-page HTML view of the graph: self-contained (data and script inline, nothing
//! fetched from the network), searchable, showing the entities around a chosen entity
//! with the papers behind them.
//!
//! The page carries the `max_entities` most important entities (by papers, then
//! PageRank), their positive co-occurrences and up to five paper titles each, so it stays
//! small for large corpora.

use super::{io_err, ExportError};
use crate::graph::KnowledgeGraph;
use crate::util::write_atomic;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

const TEMPLATE: &str = include_str!("view.html");

/// Builds the page; `start` is the entity shown first (default: the top entity).
pub fn render_html(g: &KnowledgeGraph, max_entities: usize, start: Option<u32>) -> String {
    let mut order: Vec<u32> = (0..g.entities.len() as u32).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&g.entities[a as usize], &g.entities[b as usize]);
        y.papers
            .cmp(&x.papers)
            .then(y.pagerank.total_cmp(&x.pagerank))
            .then(a.cmp(&b))
    });
    order.truncate(max_entities);
    if let Some(s) = start {
        if !order.contains(&s) {
            order.push(s);
        }
    }
    let local: HashMap<u32, usize> = order.iter().enumerate().map(|(i, &e)| (e, i)).collect();
    let mut paper_ids: BTreeMap<u32, usize> = BTreeMap::new();
    let mut top_papers: Vec<Vec<u32>> = vec![Vec::new(); order.len()];
    for m in &g.mentions {
        if let Some(&i) = local.get(&m.entity) {
            if top_papers[i].len() < 5 {
                top_papers[i].push(m.paper);
                paper_ids.insert(m.paper, 0);
            }
        }
    }
    for (n, v) in paper_ids.values_mut().enumerate() {
        *v = n;
    }
    let papers: Vec<&str> = paper_ids
        .keys()
        .map(|&p| g.papers[p as usize].title.as_str())
        .collect();
    let entities: Vec<_> = order
        .iter()
        .enumerate()
        .map(|(i, &e)| {
            let x = &g.entities[e as usize];
            json!({
                "name": x.name, "type": x.etype, "papers": x.papers, "aliases": x.aliases,
                "top_papers": top_papers[i].iter().map(|p| paper_ids[p]).collect::<Vec<_>>(),
            })
        })
        .collect();
    let edges: Vec<_> = g
        .cooccurrences
        .iter()
        .filter(|c| c.npmi > 0.0)
        .filter_map(|c| {
            Some(json!([
                local.get(&c.a)?,
                local.get(&c.b)?,
                c.papers,
                c.npmi
            ]))
        })
        .collect();
    let mut types = g.types.clone();
    for e in &g.entities {
        if !types.iter().any(|t| t.name == e.etype) {
            types.push(g.type_style(&e.etype));
        }
    }
    let data = json!({
        "types": types,
        "entities": entities,
        "edges": edges,
        "papers": papers,
        "start": start.and_then(|s| local.get(&s)).copied().unwrap_or(0),
    });
    // "</" must not appear inside a script element; "<\/" is the same JSON string.
    let data = data.to_string().replace("</", "<\\/");
    TEMPLATE.replace("/*DATA*/", &data)
}

/// Writes the page, atomically.
pub fn write_html(
    g: &KnowledgeGraph,
    path: &Path,
    max_entities: usize,
    start: Option<u32>,
) -> Result<(), ExportError> {
    let page = render_html(g, max_entities, start);
    write_atomic(path, |w| w.write_all(page.as_bytes())).map_err(io_err(path))
}
