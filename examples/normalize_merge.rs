//! Times the corpus-wide merge of normalization ([`Normalizer::finish`]) alone: reads a
//! `paperkg extract` JSON Lines file once, then repeatedly adds its papers to a fresh
//! normalizer and times `finish`, printing wall and CPU seconds.
//!
//! `cargo run --release --example normalize_merge -- extracted.jsonl [repeats] [types…]`

use paperkg::extract::Extraction;
use paperkg::normalize::{Normalizer, Prepared};
use std::io::BufRead;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/cpu.rs"]
mod common_cpu;
use common_cpu::cpu;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let file = std::fs::File::open(&args[1]).expect("extracted JSONL");
    let repeats: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3);
    let types: Vec<String> = if args.len() > 3 {
        args[3..].to_vec()
    } else {
        ["method", "dataset", "task", "material", "concept"]
            .map(String::from)
            .to_vec()
    };
    let papers: Vec<Extraction> = std::io::BufReader::new(file)
        .lines()
        .map(|l| serde_json::from_str(&l.expect("line")).expect("extraction"))
        .collect();
    for _ in 0..repeats {
        let mut n = Normalizer::new(&types);
        for p in &papers {
            n.add_prepared(Prepared::new(p.clone()));
        }
        let (t0, c0) = (Instant::now(), cpu());
        let out = n.finish();
        let (w, c) = (t0.elapsed().as_secs_f64(), cpu() - c0);
        eprintln!(
            "  finish {w:>7.3}s wall {c:>7.2}s cpu  ({} entities)",
            out.entities.len()
        );
        let t1 = Instant::now();
        drop(out);
        eprintln!("  drop   {:>7.3}s wall", t1.elapsed().as_secs_f64());
    }
}
