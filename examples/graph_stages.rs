//! Times the graph, score and export stages alone: rebuilds the normalized corpus from a
//! saved `graph.json`, builds the graph again (checking it equals the saved one) and
//! writes graph.json, the Neo4j folder, GraphML and node-link JSON, printing wall and CPU seconds per step.
//!
//! `cargo run --release --example graph_stages -- output/graph.json /tmp/out [repeats]`

use paperkg::export;
use paperkg::graph::{GraphOptions, KnowledgeGraph};
use paperkg::normalize::{Entity, Normalized, PaperEntities};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/cpu.rs"]
mod common_cpu;
use common_cpu::cpu;

struct Clock(Instant, f64);
impl Clock {
    fn lap(&mut self, what: &str) {
        let (w, c) = (self.0.elapsed().as_secs_f64(), cpu() - self.1);
        eprintln!("  {what:<20} {w:>7.3}s wall {c:>7.2}s cpu");
        self.0 = Instant::now();
        self.1 = cpu();
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let saved = export::json::load_graph(args[1].as_ref()).expect("graph");
    let out = std::path::PathBuf::from(&args[2]);
    let repeats: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let only = args.get(4).cloned().unwrap_or_default();
    for _ in 0..repeats {
        let mut lists: Vec<Vec<(u32, u32, Option<paperkg::extract::Role>)>> =
            vec![Vec::new(); saved.papers.len()];
        for m in &saved.mentions {
            lists[m.paper as usize].push((m.entity, m.count, m.role));
        }
        let norm = Normalized {
            types: saved.types.iter().map(|t| t.name.clone()).collect(),
            entities: saved
                .entities
                .iter()
                .map(|e| Entity {
                    id: e.id.clone(),
                    name: e.name.clone(),
                    etype: e.etype.clone(),
                    aliases: e.aliases.clone(),
                    papers: e.papers,
                    mentions: e.mentions,
                })
                .collect(),
            papers: saved
                .papers
                .iter()
                .zip(lists)
                .map(|(p, entities)| PaperEntities {
                    id: p.id.clone(),
                    title: p.title.clone(),
                    entities,
                })
                .collect(),
        };
        let mut clock = Clock(Instant::now(), cpu());
        let mut g = if only != "export" {
            let g = KnowledgeGraph::build_timed(
                norm,
                &saved.types,
                &GraphOptions::default(),
                &mut |s| clock.lap(s),
            );
            let mut g = g;
            for (e, s) in g.entities.iter_mut().zip(&saved.entities) {
                e.broad = s.broad;
            }
            g.generator = saved.generator.clone();
            assert!(g == saved, "graph differs from the saved one");
            g
        } else {
            drop(norm);
            saved.clone()
        };
        g.generator = saved.generator.clone();
        if only != "graph" {
            clock.lap("(compare)");
            export::json::write_graph(&g, &out.join("graph.json")).unwrap();
            clock.lap("graph.json");
            export::neo4j::write_neo4j(&g, &out.join("neo4j")).unwrap();
            clock.lap("neo4j/");
            export::graphml::write_graphml(&g, &out.join("graph.graphml")).unwrap();
            clock.lap("graph.graphml");
            export::graphml::write_node_link(&g, &out.join("graph.nodelink.json")).unwrap();
            clock.lap("graph.nodelink.json");
        }
    }
}
