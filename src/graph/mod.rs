//! The knowledge graph: papers and entities, the edges between them, and their scores.
//!
//! [`KnowledgeGraph`] is the saved form (`output/graph.json`, versioned): plain lists of
//! nodes and edges addressed by index, which every export and query reads without
//! re-extracting. [`KnowledgeGraph::petgraph`] gives the same graph as a petgraph graph for
//! traversal; the scores (IDF, NPMI, PageRank, communities) are computed once, in
//! [`KnowledgeGraph::build`].
//!
//! Paper–paper links are weighted by the inverse document frequency of the shared
//! entities, so sharing a rare dataset counts more than sharing "large language model".
//! To stay linear on large corpora each paper keeps only its `top_k` strongest links, and
//! entities found in more than `link_max_df` papers do not create links at all (they would
//! link a large share of the corpus and say little); they still count in co-occurrence.

mod lookup;
pub use lookup::{Lookup, UnknownEntity};

use crate::extract::Role;
use crate::hash::FastMap;
use crate::normalize::Normalized;
use crate::rules::EntityType;
use petgraph::graph::{NodeIndex, UnGraph};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Version of the `graph.json` layout; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// Tuning of the linking and scoring steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GraphOptions {
    /// Strongest paper–paper links kept per paper.
    pub top_k: usize,
    /// Entities in more papers than this do not create paper–paper links.
    pub link_max_df: u32,
    /// Minimum number of shared papers for an entity–entity co-occurrence edge.
    pub min_cooccur: u32,
}

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions {
            top_k: 10,
            link_max_df: 500,
            min_cooccur: 2,
        }
    }
}

/// A paper node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperNode {
    pub id: String,
    pub title: String,
}

/// An entity node with its scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityNode {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub etype: String,
    pub aliases: Vec<String>,
    /// Papers mentioning it (document frequency).
    pub papers: u32,
    /// Mentions over all papers.
    pub mentions: u32,
    /// `ln(N / papers)`: how informative sharing this entity is.
    pub idf: f64,
    /// PageRank over the whole graph (sums to 1 over all nodes).
    pub pagerank: f64,
    /// Community id in the co-occurrence graph; 0 is the largest community.
    pub community: u32,
    /// A broad research field (listed as `broad` in the rules), ranked below specific
    /// entities by `related`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub broad: bool,
}

/// Paper → entity: the paper mentions the entity `count` times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MentionEdge {
    pub paper: u32,
    pub entity: u32,
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// Paper ↔ paper through shared entities (`a < b`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperLink {
    pub a: u32,
    pub b: u32,
    /// Sum of the shared entities' IDF.
    pub weight: f64,
    /// Shared entities (indices), most informative first.
    pub shared: Vec<u32>,
}

/// Entity ↔ entity: mentioned together in `papers` papers (`a < b`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoOccurrence {
    pub a: u32,
    pub b: u32,
    pub papers: u32,
    /// Normalized pointwise mutual information in [-1, 1]: 1 when the two always occur
    /// together, 0 when independent — so frequent entities do not dominate.
    pub npmi: f64,
}

/// The whole graph as saved in `graph.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeGraph {
    pub format: u32,
    pub generator: String,
    pub types: Vec<EntityType>,
    pub papers: Vec<PaperNode>,
    pub entities: Vec<EntityNode>,
    pub mentions: Vec<MentionEdge>,
    pub paper_links: Vec<PaperLink>,
    pub cooccurrences: Vec<CoOccurrence>,
}

/// A node of the petgraph view: index into `papers` or `entities`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeRef {
    Paper(u32),
    Entity(u32),
}

/// An edge of the petgraph view: index into `mentions`, `paper_links` or `cooccurrences`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdgeRef {
    Mention(u32),
    Link(u32),
    CoOccurs(u32),
}

impl KnowledgeGraph {
    /// Builds the graph and all scores from the normalized corpus.
    pub fn build(norm: Normalized, types: &[EntityType], opts: &GraphOptions) -> Self {
        Self::build_timed(norm, types, opts, &mut |_| {})
    }

    /// [`build`](Self::build), calling `mark(step)` at the end of each step (for timings).
    pub fn build_timed(
        norm: Normalized,
        types: &[EntityType],
        opts: &GraphOptions,
        mark: &mut dyn FnMut(&str),
    ) -> Self {
        let n_papers = norm.papers.len();
        let n_entities = norm.entities.len();
        let n = n_papers.max(1) as f64;
        let idf: Vec<f64> = norm
            .entities
            .iter()
            .map(|e| (n / f64::from(e.papers.max(1))).ln())
            .collect();

        let mut mentions = Vec::with_capacity(norm.papers.iter().map(|p| p.entities.len()).sum());
        for (pi, p) in norm.papers.iter().enumerate() {
            mentions.extend(p.entities.iter().map(|&(e, count, role)| MentionEdge {
                paper: pi as u32,
                entity: e,
                count,
                role,
            }));
        }
        // Links and co-occurrences read the same papers and not each other: computed side
        // by side, so that each one's sequential steps overlap the other's parallel ones.
        let (paper_links, cooccurrences) = rayon::join(
            || {
                let papers =
                    Csr::from_rows(norm.papers.iter().map(|p| p.entities.iter().map(|e| e.0)));
                let postings = papers.transpose(n_entities);
                link_papers(&papers, &postings, &idf, opts)
            },
            || {
                let pair_lists =
                    Csr::from_rows(norm.papers.iter().map(|p| pair_entities(&p.entities)));
                cooccur(&pair_lists, &norm.entities, n_papers, opts)
            },
        );
        mark("paper links + co-occurrences");

        // Communities (sequential) and PageRank (parallel) side by side, likewise. PageRank
        // ranks the same graph as `petgraph()` (papers, then entities; mentions, links,
        // then co-occurrences) without building it.
        let np = n_papers as u32;
        let (communities, ranks) = rayon::join(
            || label_propagation(n_entities, &cooccurrences),
            || {
                let edges = mentions
                    .iter()
                    .map(|m| (m.paper, np + m.entity))
                    .chain(paper_links.iter().map(|l| (l.a, l.b)))
                    .chain(cooccurrences.iter().map(|c| (np + c.a, np + c.b)));
                page_rank_edges(n_papers + n_entities, edges, 0.85, 50)
            },
        );
        let entities: Vec<EntityNode> = norm
            .entities
            .into_iter()
            .zip(&idf)
            .zip(communities)
            .zip(&ranks[n_papers..])
            .map(|(((e, &idf), community), &rank)| EntityNode {
                id: e.id,
                name: e.name,
                etype: e.etype,
                aliases: e.aliases,
                papers: e.papers,
                mentions: e.mentions,
                idf: round6(idf),
                pagerank: round_significant6(rank),
                community,
                broad: false,
            })
            .collect();
        drop(ranks);
        let g = KnowledgeGraph {
            format: FORMAT_VERSION,
            generator: format!("paperkg {}", env!("CARGO_PKG_VERSION")),
            types: types.to_vec(),
            papers: norm
                .papers
                .into_iter()
                .map(|p| PaperNode {
                    id: p.id,
                    title: p.title,
                })
                .collect(),
            entities,
            mentions,
            paper_links,
            cooccurrences,
        };
        mark("communities + pagerank");
        g
    }

    /// The graph as an undirected petgraph graph: papers first (node index = paper index),
    /// then entities (node index = papers + entity index).
    pub fn petgraph(&self) -> UnGraph<NodeRef, EdgeRef> {
        let np = self.papers.len() as u32;
        let mut g = UnGraph::with_capacity(
            self.papers.len() + self.entities.len(),
            self.mentions.len() + self.paper_links.len() + self.cooccurrences.len(),
        );
        for i in 0..np {
            g.add_node(NodeRef::Paper(i));
        }
        for i in 0..self.entities.len() as u32 {
            g.add_node(NodeRef::Entity(i));
        }
        let ent = |e: u32| NodeIndex::new((np + e) as usize);
        let pap = |p: u32| NodeIndex::new(p as usize);
        for (i, m) in self.mentions.iter().enumerate() {
            g.add_edge(pap(m.paper), ent(m.entity), EdgeRef::Mention(i as u32));
        }
        for (i, l) in self.paper_links.iter().enumerate() {
            g.add_edge(pap(l.a), pap(l.b), EdgeRef::Link(i as u32));
        }
        for (i, c) in self.cooccurrences.iter().enumerate() {
            g.add_edge(ent(c.a), ent(c.b), EdgeRef::CoOccurs(i as u32));
        }
        g
    }

    /// Flags the entities whose name or alias matches one of `names` (by normalization key)
    /// as broad research fields.
    pub fn mark_broad(&mut self, names: &[String]) {
        let keys: std::collections::HashSet<String> =
            names.iter().map(|n| crate::normalize::key(n)).collect();
        self.entities.par_iter_mut().for_each(|e| {
            e.broad = std::iter::once(&e.name)
                .chain(&e.aliases)
                .any(|n| keys.contains(&crate::normalize::key(n)));
        });
    }

    /// Number of entities of each type, in type order.
    pub fn entities_per_type(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> =
            self.types.iter().map(|t| (t.name.clone(), 0)).collect();
        for e in &self.entities {
            match counts.iter_mut().find(|(t, _)| *t == e.etype) {
                Some(c) => c.1 += 1,
                None => counts.push((e.etype.clone(), 1)),
            }
        }
        counts
    }

    /// The style of a type (a default grey ellipse for types no rule file defines).
    pub fn type_style(&self, name: &str) -> EntityType {
        self.types
            .iter()
            .find(|t| t.name == name)
            .cloned()
            .unwrap_or_else(|| EntityType {
                name: name.to_string(),
                label: capitalize(name),
                color: "#dddddd".into(),
                shape: "ellipse".into(),
            })
    }
}

/// "method" → "Method".
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Rounds a score so that the saved graph does not depend on the last bits of floating
/// point summation order.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Rounds a score to six significant digits, for values whose size depends on the graph:
/// PageRank sums to one over all nodes, so at a million papers most entities rank near
/// 1e-6, where six decimals would leave only ties.
fn round_significant6(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(5 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// Rows of `u32` in one flat array (compressed sparse rows): a paper's entities, an
/// entity's papers. One allocation instead of one per row, which matters at a million
/// papers.
struct Csr {
    offsets: Vec<usize>,
    items: Vec<u32>,
}

impl Csr {
    fn from_rows<R: IntoIterator<Item = u32>>(rows: impl Iterator<Item = R>) -> Self {
        let mut offsets = vec![0];
        let mut items = Vec::new();
        for r in rows {
            items.extend(r);
            offsets.push(items.len());
        }
        Csr { offsets, items }
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    fn row(&self, i: usize) -> &[u32] {
        &self.items[self.offsets[i]..self.offsets[i + 1]]
    }

    /// The transposed rows (`n` of them), each listing the rows it occurs in, ascending.
    fn transpose(&self, n: usize) -> Csr {
        let mut counts = vec![0usize; n + 1];
        for &x in &self.items {
            counts[x as usize + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let offsets = counts.clone();
        let mut fill = counts;
        let mut items = vec![0u32; self.items.len()];
        for r in 0..self.len() {
            for &x in self.row(r) {
                items[fill[x as usize]] = r as u32;
                fill[x as usize] += 1;
            }
        }
        Csr { offsets, items }
    }
}

/// Most entities of one paper that enter co-occurrence counting. Pairs grow with the
/// square of a paper's entities, so one unusual record (a survey's abstract listing 200
/// methods) would otherwise cost as much as thousands of papers. Papers of the arXiv
/// abstracts have at most 18 entities, so the cap changes nothing there; over it, the
/// entities mentioned most often in the paper are kept (ties: lower entity index).
pub const MAX_PAIR_ENTITIES: usize = 32;

/// The entities of a paper used for co-occurrence pairs, ascending (see
/// [`MAX_PAIR_ENTITIES`]).
fn pair_entities(es: &[(u32, u32, Option<Role>)]) -> Vec<u32> {
    if es.len() <= MAX_PAIR_ENTITIES {
        return es.iter().map(|e| e.0).collect();
    }
    let mut by_count: Vec<(u32, u32)> = es.iter().map(|e| (e.1, e.0)).collect();
    by_count.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut kept: Vec<u32> = by_count[..MAX_PAIR_ENTITIES].iter().map(|x| x.1).collect();
    kept.sort_unstable();
    kept
}

/// A per-thread array of sums indexed by node, for sums of positive terms only (weights,
/// counts): a slot is in use exactly when its sum is not zero, so no separate "in use"
/// array has to be read and written next to the sums (one cache miss per term instead of
/// two). The slots used are listed in order of first use, so clearing costs only what was
/// used.
struct PositiveSums<T> {
    values: Vec<T>,
    /// The slots in use are `touched[..used]`; the rest is room written ahead.
    touched: Vec<u32>,
    used: usize,
}

impl<T: Copy + Default + PartialEq + std::ops::AddAssign> PositiveSums<T> {
    fn new(n: usize) -> Self {
        PositiveSums {
            values: vec![T::default(); n],
            touched: Vec::new(),
            used: 0,
        }
    }

    /// Adds `w` (which must be positive) to every slot of `row` but `skip`. Without a
    /// branch per slot: the slot is always written after the list of slots in use and
    /// counted in only when its sum was zero, so the processor need not guess, and can
    /// fetch the next slots' sums while this one's is on its way.
    fn add_row(&mut self, row: &[u32], skip: Option<u32>, w: T) {
        debug_assert!(w != T::default());
        if self.touched.len() < self.used + row.len() {
            self.touched.resize(self.used + row.len(), 0);
        }
        let touched = &mut self.touched[self.used..self.used + row.len()];
        let mut n = 0;
        for &i in row {
            let v = &mut self.values[i as usize];
            let other = Some(i) != skip;
            touched[n] = i;
            n += usize::from(*v == T::default() && other);
            // Adding zero leaves the skipped slot at zero, so it is never counted in.
            *v += if other { w } else { T::default() };
        }
        self.used += n;
    }

    /// Adds `w` (which must be positive) to slot `i`.
    fn add(&mut self, i: u32, w: T) {
        self.add_row(&[i], None, w);
    }

    /// The slots in use, in order of first use.
    fn used(&self) -> &[u32] {
        &self.touched[..self.used]
    }

    fn clear(&mut self) {
        for &i in &self.touched[..self.used] {
            self.values[i as usize] = T::default();
        }
        self.used = 0;
    }
}

/// Paper–paper links: each paper's `top_k` strongest neighbours by summed IDF of the
/// entities they share, over entities in at most `link_max_df` papers.
///
/// Per paper, the candidates are accumulated in a dense per-thread array (no hashing, no
/// allocation per candidate); the shared entities are listed only for the `top_k` kept,
/// by intersecting the two papers' sorted entity lists. The cost per paper is the sum of
/// its linking entities' document frequencies, at most `link_max_df` each, so the whole
/// step is linear in the papers. Weights are summed in the paper's entity order, as the
/// link from either side would be, so each link's weight does not depend on the side.
fn link_papers(papers: &Csr, postings: &Csr, idf: &[f64], opts: &GraphOptions) -> Vec<PaperLink> {
    let max_df = opts.link_max_df as usize;
    // Per entity, looked up once instead of through the postings offsets at every use.
    let linking_flags: Vec<bool> = (0..postings.len())
        .map(|e| (2..=max_df).contains(&postings.row(e).len()))
        .collect();
    let linking = |e: u32| linking_flags[e as usize];
    // An entity with an IDF of 0 (in every paper) adds nothing to any weight: it is left
    // out of the sums (adding +0.0 changes no sum), which keeps every added weight
    // positive, as [`PositiveSums`] needs. It still counts among the shared entities.
    let adds_weight = |e: u32| linking(e) && idf[e as usize] > 0.0;
    let n_papers = papers.len();
    let by_strength = |a: &(u32, f64), b: &(u32, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    let per_paper: Vec<Vec<(u32, f64)>> = (0..n_papers)
        .into_par_iter()
        .map_init(
            || (PositiveSums::<f64>::new(n_papers), Vec::new()),
            |(acc, cands), p| {
                for &e in papers.row(p) {
                    if !adds_weight(e) {
                        continue;
                    }
                    acc.add_row(postings.row(e as usize), Some(p as u32), idf[e as usize]);
                }
                // The k strongest (a total order: weight, then paper index), kept sorted
                // while the candidates stream by: most are weaker than the k-th and cost
                // one comparison.
                let k = opts.top_k;
                cands.clear();
                for &q in acc.used() {
                    let c = (q, acc.values[q as usize]);
                    if cands.len() == k {
                        if k == 0 || by_strength(&c, &cands[k - 1]).is_ge() {
                            continue;
                        }
                        cands.pop();
                    }
                    let at = cands.partition_point(|x| by_strength(x, &c).is_lt());
                    cands.insert(at, c);
                }
                acc.clear();
                cands.to_vec()
            },
        )
        .collect();
    let mut pairs: Vec<(u32, u32, f64)> = per_paper
        .into_iter()
        .enumerate()
        .flat_map(|(p, v)| {
            v.into_iter().map(move |(q, w)| {
                let p = p as u32;
                if p < q {
                    (p, q, w)
                } else {
                    (q, p, w)
                }
            })
        })
        .collect();
    pairs.par_sort_unstable_by_key(|&(a, b, _)| (a, b));
    pairs.dedup_by_key(|&mut (a, b, _)| (a, b));
    pairs
        .into_par_iter()
        .map(|(a, b, w)| {
            let mut shared = intersect(papers.row(a as usize), papers.row(b as usize), linking);
            shared.sort_by(|x, y| idf[*y as usize].total_cmp(&idf[*x as usize]).then(x.cmp(y)));
            PaperLink {
                a,
                b,
                weight: round6(w),
                shared,
            }
        })
        .collect()
}

/// The entities in both sorted lists that pass `keep`, ascending.
fn intersect(x: &[u32], y: &[u32], keep: impl Fn(u32) -> bool) -> Vec<u32> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                if keep(x[i]) {
                    out.push(x[i]);
                }
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Entity co-occurrence counts with NPMI, keeping pairs seen in at least `min_cooccur`
/// papers.
///
/// Counted per entity `a` (in parallel): over the papers of `a`, every entity `b > a` of
/// the paper is counted in a dense per-thread array. Memory is the output plus one array
/// per thread, whatever the number of papers; no map of all pairs is ever held.
fn cooccur(
    paper_entities: &Csr,
    entities: &[crate::normalize::Entity],
    n_papers: usize,
    opts: &GraphOptions,
) -> Vec<CoOccurrence> {
    let n_entities = entities.len();
    let postings = paper_entities.transpose(n_entities);
    let n = n_papers.max(1) as f64;
    let min = opts.min_cooccur.max(1);
    let per_entity: Vec<Vec<CoOccurrence>> = (0..n_entities)
        .into_par_iter()
        .map_init(
            || PositiveSums::<u32>::new(n_entities),
            |acc, a| {
                for &p in postings.row(a) {
                    let es = paper_entities.row(p as usize);
                    let from = es.partition_point(|&b| b as usize <= a);
                    acc.add_row(&es[from..], None, 1);
                }
                let mut out: Vec<CoOccurrence> = acc
                    .used()
                    .iter()
                    .map(|&b| (b, acc.values[b as usize]))
                    .filter(|&(_, c)| c >= min)
                    .map(|(b, c)| {
                        let pab = f64::from(c) / n;
                        let pa = f64::from(entities[a].papers) / n;
                        let pb = f64::from(entities[b as usize].papers) / n;
                        let npmi = if pab >= 1.0 {
                            1.0
                        } else {
                            (pab / (pa * pb)).ln() / -pab.ln()
                        };
                        CoOccurrence {
                            a: a as u32,
                            b,
                            papers: c,
                            npmi: round6(npmi),
                        }
                    })
                    .collect();
                acc.clear();
                out.sort_unstable_by_key(|c| c.b);
                out
            },
        )
        .collect();
    per_entity.into_iter().flatten().collect()
}

/// PageRank by power iteration over the undirected graph, linear in the edges per
/// iteration (petgraph's own `page_rank` is quadratic in the nodes). Dangling nodes spread
/// their rank uniformly.
pub fn page_rank(g: &UnGraph<NodeRef, EdgeRef>, damping: f64, iterations: usize) -> Vec<f64> {
    let edges = g
        .raw_edges()
        .iter()
        .map(|e| (e.source().index() as u32, e.target().index() as u32));
    page_rank_edges(g.node_count(), edges, damping, iterations)
}

/// [`page_rank`] over `n` nodes and an edge list. Each node's neighbours are kept in edge
/// order (compressed rows) and every node pulls its new rank from them in parallel; the
/// additions per node happen in the same order as pushing rank along the edges one by
/// one, so the result is the same to the last bit at any thread count.
pub fn page_rank_edges(
    n: usize,
    edges: impl Iterator<Item = (u32, u32)>,
    damping: f64,
    iterations: usize,
) -> Vec<f64> {
    if n == 0 {
        return Vec::new();
    }
    let edges: Vec<(u32, u32)> = edges.collect();
    // Neighbours per node in edge order: for edge (s, t), t receives from s first, then s
    // from t (the order of the two updates per edge).
    let (offsets, adj) = neighbour_rows(n, || edges.iter().map(|&(s, t)| (t, s, ())));
    drop(edges);
    let nf = n as f64;
    let degree: Vec<f64> = (0..n)
        .map(|v| (offsets[v + 1] - offsets[v]) as f64)
        .collect();
    let dangling_nodes: Vec<usize> = (0..n).filter(|&v| degree[v] == 0.0).collect();
    let mut rank = vec![1.0 / nf; n];
    let mut next = vec![0.0; n];
    // What each node hands to every neighbour, computed once per iteration (the same
    // expression, so the same value, as computing it per edge).
    let mut share = vec![0.0; n];
    for _ in 0..iterations {
        let dangling: f64 = dangling_nodes.iter().map(|&v| rank[v]).sum();
        let base = (1.0 - damping) / nf + damping * dangling / nf;
        share
            .par_iter_mut()
            .zip(rank.par_iter().zip(degree.par_iter()))
            .for_each(|(s, (&r, &d))| *s = damping * r / d);
        next.par_chunks_mut(PULL_CHUNK)
            .enumerate()
            .for_each(|(ci, out)| {
                let rows = |v: usize| &adj[offsets[v]..offsets[v + 1]];
                pull_sums(out, ci * PULL_CHUNK, base, &rows, &share);
            });
        std::mem::swap(&mut rank, &mut next);
    }
    rank
}

/// Nodes per parallel task of a PageRank iteration.
const PULL_CHUNK: usize = 4096;

/// Sets `out[i]` to `base` plus the shares of node `first + i`'s neighbours, added one by
/// one in neighbour order. Eight nodes are summed side by side: each sum is a chain of
/// dependent additions, and independent chains keep the processor busy while each waits
/// for its last addition, without changing the order of any node's additions (so the sums
/// are the same to the last bit as one node at a time). Sixteen was slower (too few
/// registers).
fn pull_sums<'a>(
    out: &mut [f64],
    first: usize,
    base: f64,
    rows: &impl Fn(usize) -> &'a [(u32, ())],
    share: &[f64],
) {
    const LANES: usize = 8;
    let mut groups = out.chunks_exact_mut(LANES);
    let mut v = first;
    for group in &mut groups {
        let rs: [&[(u32, ())]; LANES] = std::array::from_fn(|j| rows(v + j));
        let common = rs.iter().map(|r| r.len()).min().unwrap_or(0);
        let heads: [&[(u32, ())]; LANES] = std::array::from_fn(|j| &rs[j][..common]);
        let mut acc = [base; LANES];
        for k in 0..common {
            for j in 0..LANES {
                acc[j] += share[heads[j][k].0 as usize];
            }
        }
        for (a, r) in acc.iter_mut().zip(rs) {
            for &(u, ()) in &r[common..] {
                *a += share[u as usize];
            }
        }
        group.copy_from_slice(&acc);
        v += LANES;
    }
    for x in groups.into_remainder() {
        let mut acc = base;
        for &(u, ()) in rows(v) {
            acc += share[u as usize];
        }
        *x = acc;
        v += 1;
    }
}

/// The neighbours of every node of `n` in an undirected edge list, with each edge's
/// payload, in one flat array (compressed rows: node `v`'s are `adj[offsets[v]..offsets[v +
/// 1]]`). A node's neighbours come in edge order; for edge (x, y), x's entry is made first.
/// `edges` is called twice: once to count, once to fill.
fn neighbour_rows<T: Copy + Default, I: Iterator<Item = (u32, u32, T)>>(
    n: usize,
    edges: impl Fn() -> I,
) -> (Vec<usize>, Vec<(u32, T)>) {
    let mut offsets = vec![0usize; n + 1];
    let mut count = 0;
    for (x, y, _) in edges() {
        offsets[x as usize + 1] += 1;
        offsets[y as usize + 1] += 1;
        count += 2;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut adj = vec![(0, T::default()); count];
    for (x, y, w) in edges() {
        adj[fill[x as usize]] = (y, w);
        fill[x as usize] += 1;
        adj[fill[y as usize]] = (x, w);
        fill[y as usize] += 1;
    }
    (offsets, adj)
}

/// Communities of the co-occurrence graph by label propagation, weighted by NPMI (only
/// positive associations pull), in a fixed node order with ties to the smallest label so
/// the result is deterministic. Communities are numbered by size, largest first.
fn label_propagation(n: usize, edges: &[CoOccurrence]) -> Vec<u32> {
    // Neighbours with their weights, per node in edge order.
    let (offsets, adj) = neighbour_rows(n, || {
        edges
            .iter()
            .filter(|c| c.npmi > 0.0)
            .map(|c| (c.a, c.b, c.npmi * f64::from(c.papers)))
    });
    let mut label: Vec<u32> = (0..n as u32).collect();
    // The weight per neighbouring label, summed in neighbour order. Every weight is
    // positive (a positive NPMI, rounded to six decimals, times a paper count), so the sums
    // fit [`PositiveSums`].
    let mut scores = PositiveSums::new(n);
    let heaviest = |a: &(u32, f64), b: &(u32, f64)| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0));
    for _ in 0..20 {
        let mut changed = false;
        for v in 0..n {
            let neighbours = &adj[offsets[v]..offsets[v + 1]];
            if neighbours.is_empty() {
                continue;
            }
            for &(u, w) in neighbours {
                scores.add(label[u as usize], w);
            }
            // A total order (weight, then the smaller label), so the order the labels are
            // visited in does not matter.
            let best = scores
                .used()
                .iter()
                .map(|&l| (l, scores.values[l as usize]))
                .max_by(heaviest)
                .map_or(label[v], |(l, _)| l);
            scores.clear();
            if best != label[v] {
                label[v] = best;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // Renumber: largest community first, ties by smallest member.
    let mut size: FastMap<u32, (usize, usize)> = FastMap::default();
    for (v, &l) in label.iter().enumerate() {
        let e = size.entry(l).or_insert((0, v));
        e.0 += 1;
    }
    let mut order: Vec<(u32, (usize, usize))> = size.into_iter().collect();
    order.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .1.cmp(&b.1 .1)));
    let renum: FastMap<u32, u32> = order
        .iter()
        .enumerate()
        .map(|(i, (l, _))| (*l, i as u32))
        .collect();
    label.iter().map(|l| renum[l]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{Entity, PaperEntities};

    fn entity(name: &str, papers: u32) -> Entity {
        Entity {
            id: crate::normalize::slug(name),
            name: name.into(),
            etype: "concept".into(),
            aliases: vec![],
            papers,
            mentions: papers,
        }
    }

    /// Five papers; "common" is in all of them, "rare" only in papers 0 and 1, "mid" in
    /// 2, 3 and 4.
    fn sample() -> Normalized {
        let entities = vec![entity("common", 5), entity("rare", 2), entity("mid", 3)];
        let lists: [&[u32]; 5] = [&[0, 1], &[0, 1], &[0, 2], &[0, 2], &[0, 2]];
        Normalized {
            types: vec!["concept".into()],
            entities,
            papers: lists
                .iter()
                .enumerate()
                .map(|(i, es)| PaperEntities {
                    id: format!("p{i}"),
                    title: format!("Paper {i}"),
                    entities: es.iter().map(|&e| (e, 1, None)).collect(),
                })
                .collect(),
        }
    }

    fn build(opts: GraphOptions) -> KnowledgeGraph {
        KnowledgeGraph::build(sample(), &[], &opts)
    }

    #[test]
    fn rare_shared_entities_weigh_more_than_common_ones() {
        let g = build(GraphOptions::default());
        let w = |a: u32, b: u32| {
            g.paper_links
                .iter()
                .find(|l| l.a == a && l.b == b)
                .map(|l| l.weight)
        };
        // Entity "common" is in every paper: idf 0, so it adds nothing.
        let rare = w(0, 1).unwrap();
        let mid = w(2, 3).unwrap();
        assert!((rare - (5.0f64 / 2.0).ln()).abs() < 1e-6, "{rare}");
        assert!((mid - (5.0f64 / 3.0).ln()).abs() < 1e-6, "{mid}");
        assert!(rare > mid);
        let l01 = g.paper_links.iter().find(|l| l.a == 0 && l.b == 1).unwrap();
        assert_eq!(l01.shared, vec![1, 0], "most informative entity first");
    }

    #[test]
    fn top_k_and_max_df_bound_the_links() {
        let g = build(GraphOptions {
            top_k: 1,
            link_max_df: 3,
            min_cooccur: 1,
        });
        // "common" (df 5) is over the cap, so papers 0/1 link only to each other and
        // papers 2..4 through "mid"; each paper keeps one link.
        for l in &g.paper_links {
            assert!(!l.shared.contains(&0), "{l:?}");
        }
        let mut degree = [0; 5];
        for l in &g.paper_links {
            degree[l.a as usize] += 1;
            degree[l.b as usize] += 1;
        }
        assert!(degree.iter().all(|&d| (1..=2).contains(&d)), "{degree:?}");
        assert!(g.paper_links.iter().any(|l| (l.a, l.b) == (0, 1)));
    }

    #[test]
    fn npmi_rewards_association_not_frequency() {
        let g = build(GraphOptions {
            min_cooccur: 2,
            ..GraphOptions::default()
        });
        let co = |a: u32, b: u32| g.cooccurrences.iter().find(|c| c.a == a && c.b == b);
        let with_rare = co(0, 1).unwrap();
        let with_mid = co(0, 2).unwrap();
        assert_eq!(with_rare.papers, 2);
        assert_eq!(with_mid.papers, 3);
        // "common" is everywhere: independent of both, NPMI 0.
        assert!(with_rare.npmi.abs() < 1e-9 && with_mid.npmi.abs() < 1e-9);
        // rare and mid never co-occur: no edge.
        assert!(co(1, 2).is_none());
    }

    #[test]
    fn small_scores_keep_six_significant_digits() {
        for (x, want) in [
            (0.0, 0.0),
            (0.123_456_78, 0.123_457),
            (1.234_567_8e-7, 1.234_57e-7),
            (9.999_999e-7, 1e-6),
            (3.0, 3.0),
        ] {
            let got = round_significant6(x);
            assert!(
                (got - want).abs() <= want.abs() * 1e-12,
                "{x}: {got} != {want}"
            );
        }
        // Two entities that differ in the third digit stay apart at a million-node scale.
        assert!(round_significant6(7.41e-7) > round_significant6(7.39e-7));
    }

    #[test]
    fn pagerank_sums_to_one_and_favours_hubs() {
        let g = build(GraphOptions::default());
        let pg = g.petgraph();
        let ranks = page_rank(&pg, 0.85, 50);
        let total: f64 = ranks.iter().sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        let common = g.entities[0].pagerank;
        assert!(g.entities[1..].iter().all(|e| e.pagerank < common));
    }

    #[test]
    fn side_by_side_sums_equal_one_node_at_a_time_to_the_last_bit() {
        // Rows of every length from 0 to 40 in a scrambled order, and shares whose sums
        // depend on the order of addition (very different magnitudes).
        let n = 41 * 3 + 5;
        let mut offsets = vec![0usize];
        let mut adj = Vec::new();
        for v in 0..n {
            let len = (v * 17) % 41;
            adj.extend((0..len).map(|k| (((v * 31 + k * 7) % n) as u32, ())));
            offsets.push(adj.len());
        }
        let share: Vec<f64> = (0..n)
            .map(|u| 10f64.powi((u % 13) as i32 - 6) / (u + 1) as f64)
            .collect();
        let rows = |v: usize| &adj[offsets[v]..offsets[v + 1]];
        for first in [0, 3] {
            let mut out = vec![0.0; n - first];
            pull_sums(&mut out, first, 0.25, &rows, &share);
            for (i, &got) in out.iter().enumerate() {
                let mut want = 0.25;
                for &(u, ()) in rows(first + i) {
                    want += share[u as usize];
                }
                assert_eq!(got.to_bits(), want.to_bits(), "node {}", first + i);
            }
        }
    }

    #[test]
    fn sums_of_a_row_match_single_additions_and_skip_the_paper_itself() {
        let mut rows = PositiveSums::new(10);
        let mut single = PositiveSums::new(10);
        for (row, w) in [
            (&[1u32, 4, 7][..], 0.5),
            (&[4, 5, 9, 1][..], 1.25),
            (&[], 3.0),
        ] {
            rows.add_row(row, Some(5), w);
            for &i in row.iter().filter(|&&i| i != 5) {
                single.add(i, w);
            }
        }
        assert_eq!(rows.used(), &[1, 4, 7, 9]);
        assert_eq!(rows.used(), single.used());
        assert_eq!(rows.values, single.values);
        assert_eq!(rows.values[5], 0.0);
        rows.clear();
        assert!(rows.used().is_empty() && rows.values.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn communities_group_associated_entities() {
        // Two groups: {0,1} and {2,3}, each pair strongly associated.
        let edges = vec![
            CoOccurrence {
                a: 0,
                b: 1,
                papers: 3,
                npmi: 0.9,
            },
            CoOccurrence {
                a: 2,
                b: 3,
                papers: 4,
                npmi: 0.8,
            },
            CoOccurrence {
                a: 1,
                b: 2,
                papers: 2,
                npmi: -0.2,
            },
        ];
        let c = label_propagation(5, &edges);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[2], c[3]);
        assert_ne!(c[0], c[2]);
        assert_ne!(c[4], c[0]);
        assert_ne!(c[4], c[2]);
    }

    #[test]
    fn json_round_trip_keeps_everything() {
        let g = build(GraphOptions::default());
        let s = serde_json::to_string(&g).unwrap();
        let back: KnowledgeGraph = serde_json::from_str(&s).unwrap();
        assert_eq!(g, back);
    }
}
