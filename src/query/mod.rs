//! Questions asked of a saved graph: related entities, the papers of an entity, similar
//! papers, the chain linking two entities, top entities and overall statistics.
//!
//! Each answer is a serializable struct (for `--json`) with a `Display` that prints an
//! aligned table for people.

use crate::extract::Role;
use crate::graph::KnowledgeGraph;
use serde::Serialize;
use std::collections::VecDeque;
use std::fmt;

/// Why a query could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(transparent)]
    UnknownEntity(#[from] crate::graph::UnknownEntity),
    #[error("no paper has id or title {0:?}")]
    UnknownPaper(String),
}

/// A short reference to an entity in answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityRef {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub etype: String,
    pub papers: u32,
}

/// A short reference to a paper in answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaperRef {
    pub id: String,
    pub title: String,
}

fn entity_ref(g: &KnowledgeGraph, e: u32) -> EntityRef {
    let x = &g.entities[e as usize];
    EntityRef {
        id: x.id.clone(),
        name: x.name.clone(),
        etype: x.etype.clone(),
        papers: x.papers,
    }
}

fn paper_ref(g: &KnowledgeGraph, p: u32) -> PaperRef {
    let x = &g.papers[p as usize];
    PaperRef {
        id: x.id.clone(),
        title: x.title.clone(),
    }
}

/// Resolves a user's entity name to an index, or a helpful error.
pub fn resolve_entity(g: &KnowledgeGraph, q: &str) -> Result<u32, QueryError> {
    Ok(g.resolve_entity(q)?)
}

/// Resolves a paper by id, or by title ignoring case.
pub fn resolve_paper(g: &KnowledgeGraph, q: &str) -> Result<u32, QueryError> {
    let ql = q.trim().to_lowercase();
    g.papers
        .iter()
        .position(|p| p.id == q)
        .or_else(|| g.papers.iter().position(|p| p.title.to_lowercase() == ql))
        .map(|i| i as u32)
        .ok_or_else(|| QueryError::UnknownPaper(q.to_string()))
}

/// Papers mentioning entity `e`, as (paper, count, role), in paper order.
fn papers_of(g: &KnowledgeGraph, e: u32) -> Vec<(u32, u32, Option<Role>)> {
    g.mentions
        .iter()
        .filter(|m| m.entity == e)
        .map(|m| (m.paper, m.count, m.role))
        .collect()
}

/// Factor on the `related` score of a broad research field ("machine learning"), so
/// that specific entities come first when both are associated.
const BROAD_DISCOUNT: f64 = 0.5;

/// One related entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelatedItem {
    #[serde(flatten)]
    pub entity: EntityRef,
    /// Ranking score: NPMI damped for small support (`npmi * shared / (shared + 1)`),
    /// halved for broad research fields.
    pub score: f64,
    pub npmi: f64,
    /// Papers mentioning both.
    pub shared_papers: u32,
    /// Up to three of those papers.
    pub examples: Vec<PaperRef>,
}

/// The answer to `related`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Related {
    pub entity: EntityRef,
    pub related: Vec<RelatedItem>,
}

/// Entities associated with `query`, strongest association first; optionally only of one
/// type. Association is NPMI, so an entity that is merely frequent everywhere ranks below
/// one that goes specifically with the query.
pub fn related(
    g: &KnowledgeGraph,
    query: &str,
    top: usize,
    etype: Option<&str>,
) -> Result<Related, QueryError> {
    let e = resolve_entity(g, query)?;
    let mine: std::collections::HashMap<u32, u32> = papers_of(g, e)
        .into_iter()
        .map(|(p, c, _)| (p, c))
        .collect();
    let mut items: Vec<(f64, u32, &crate::graph::CoOccurrence)> = g
        .cooccurrences
        .iter()
        .filter_map(|c| {
            let other = if c.a == e {
                c.b
            } else if c.b == e {
                c.a
            } else {
                return None;
            };
            if let Some(t) = etype {
                if !g.entities[other as usize].etype.eq_ignore_ascii_case(t) {
                    return None;
                }
            }
            let mut score = c.npmi * f64::from(c.papers) / (f64::from(c.papers) + 1.0);
            if g.entities[other as usize].broad {
                score *= BROAD_DISCOUNT;
            }
            (c.npmi > 0.0).then_some((score, other, c))
        })
        .collect();
    items.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.2.papers.cmp(&a.2.papers))
            .then(a.1.cmp(&b.1))
    });
    items.truncate(top);
    let related = items
        .into_iter()
        .map(|(score, other, c)| {
            let mut both: Vec<(u32, u32)> = papers_of(g, other)
                .into_iter()
                .filter_map(|(p, c2, _)| mine.get(&p).map(|c1| (p, c1 + c2)))
                .collect();
            both.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            RelatedItem {
                entity: entity_ref(g, other),
                score: (score * 1e4).round() / 1e4,
                npmi: c.npmi,
                shared_papers: c.papers,
                examples: both.iter().take(3).map(|&(p, _)| paper_ref(g, p)).collect(),
            }
        })
        .collect();
    Ok(Related {
        entity: entity_ref(g, e),
        related,
    })
}

/// One paper of an entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityPaper {
    #[serde(flatten)]
    pub paper: PaperRef,
    pub mentions: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// The answer to `papers`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Papers {
    pub entity: EntityRef,
    pub papers: Vec<EntityPaper>,
}

/// Papers mentioning an entity, those that propose it first, then by mention count.
pub fn papers(g: &KnowledgeGraph, query: &str, top: usize) -> Result<Papers, QueryError> {
    let e = resolve_entity(g, query)?;
    let mut ps = papers_of(g, e);
    ps.sort_by(|a, b| {
        let pa = a.2 == Some(Role::Proposed);
        let pb = b.2 == Some(Role::Proposed);
        pb.cmp(&pa).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0))
    });
    ps.truncate(top);
    Ok(Papers {
        entity: entity_ref(g, e),
        papers: ps
            .into_iter()
            .map(|(p, c, role)| EntityPaper {
                paper: paper_ref(g, p),
                mentions: c,
                role,
            })
            .collect(),
    })
}

/// One similar paper.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimilarItem {
    #[serde(flatten)]
    pub paper: PaperRef,
    pub weight: f64,
    pub shared: Vec<String>,
}

/// The answer to `similar`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Similar {
    pub paper: PaperRef,
    pub similar: Vec<SimilarItem>,
}

/// Papers linked to a paper through shared entities, strongest first.
pub fn similar(g: &KnowledgeGraph, paper: &str, top: usize) -> Result<Similar, QueryError> {
    let p = resolve_paper(g, paper)?;
    let mut links: Vec<_> = g
        .paper_links
        .iter()
        .filter(|l| l.a == p || l.b == p)
        .collect();
    links.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then((a.a, a.b).cmp(&(b.a, b.b)))
    });
    links.truncate(top);
    Ok(Similar {
        paper: paper_ref(g, p),
        similar: links
            .into_iter()
            .map(|l| SimilarItem {
                paper: paper_ref(g, if l.a == p { l.b } else { l.a }),
                weight: l.weight,
                shared: l
                    .shared
                    .iter()
                    .map(|&e| g.entities[e as usize].name.clone())
                    .collect(),
            })
            .collect(),
    })
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Step {
    Entity(EntityRef),
    Paper(PaperRef),
}

/// The answer to `path`: alternating entities and papers from A to B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathAnswer {
    pub from: EntityRef,
    pub to: EntityRef,
    pub steps: Vec<Step>,
}

/// The shortest chain entity → paper → entity → … linking two entities (breadth-first over
/// mention edges; ties go to lower indices, so the answer is deterministic). `None` when
/// they are not connected.
pub fn path(g: &KnowledgeGraph, a: &str, b: &str) -> Result<Option<PathAnswer>, QueryError> {
    let (ea, eb) = (resolve_entity(g, a)?, resolve_entity(g, b)?);
    let np = g.papers.len();
    let n = np + g.entities.len();
    let mut adj: Vec<Vec<u32>> = vec![Vec::new(); n];
    for m in &g.mentions {
        adj[m.paper as usize].push(np as u32 + m.entity);
        adj[np + m.entity as usize].push(m.paper);
    }
    for l in adj.iter_mut() {
        l.sort_unstable();
    }
    let (start, goal) = (np + ea as usize, np + eb as usize);
    let mut prev = vec![u32::MAX; n];
    prev[start] = start as u32;
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        if v == goal {
            break;
        }
        for &u in &adj[v] {
            if prev[u as usize] == u32::MAX {
                prev[u as usize] = v as u32;
                queue.push_back(u as usize);
            }
        }
    }
    if prev[goal] == u32::MAX {
        return Ok(None);
    }
    let mut chain = vec![goal];
    let mut v = goal;
    while v != start {
        v = prev[v] as usize;
        chain.push(v);
    }
    chain.reverse();
    let steps = chain
        .into_iter()
        .map(|v| {
            if v < np {
                Step::Paper(paper_ref(g, v as u32))
            } else {
                Step::Entity(entity_ref(g, (v - np) as u32))
            }
        })
        .collect();
    Ok(Some(PathAnswer {
        from: entity_ref(g, ea),
        to: entity_ref(g, eb),
        steps,
    }))
}

/// One ranked entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopItem {
    #[serde(flatten)]
    pub entity: EntityRef,
    pub degree: u32,
    pub pagerank: f64,
}

/// Entities ranked by papers (then PageRank), optionally of one type.
pub fn top(g: &KnowledgeGraph, etype: Option<&str>, n: usize) -> Vec<TopItem> {
    let mut degree = vec![0u32; g.entities.len()];
    for c in &g.cooccurrences {
        degree[c.a as usize] += 1;
        degree[c.b as usize] += 1;
    }
    let mut idx: Vec<u32> = (0..g.entities.len() as u32)
        .filter(|&e| etype.is_none_or(|t| g.entities[e as usize].etype.eq_ignore_ascii_case(t)))
        .collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (&g.entities[a as usize], &g.entities[b as usize]);
        y.papers
            .cmp(&x.papers)
            .then(y.pagerank.total_cmp(&x.pagerank))
            .then(a.cmp(&b))
    });
    idx.truncate(n);
    idx.into_iter()
        .map(|e| TopItem {
            entity: entity_ref(g, e),
            degree: degree[e as usize],
            pagerank: g.entities[e as usize].pagerank,
        })
        .collect()
}

/// A community with its size and best-known members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Community {
    pub id: u32,
    pub size: usize,
    pub top: Vec<String>,
}

/// The answer to `stats`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub papers: usize,
    pub entities: usize,
    pub entities_per_type: Vec<(String, usize)>,
    pub mention_edges: usize,
    pub paper_links: usize,
    pub cooccurrence_edges: usize,
    pub top_entities: Vec<TopItem>,
    pub communities: Vec<Community>,
}

/// Counts of everything, the top entities and the largest communities.
pub fn stats(g: &KnowledgeGraph, n: usize) -> Stats {
    let mut by_comm: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for (i, e) in g.entities.iter().enumerate() {
        by_comm.entry(e.community).or_default().push(i as u32);
    }
    let mut communities: Vec<Community> = by_comm
        .into_iter()
        .filter(|(_, m)| m.len() > 1)
        .map(|(id, mut m)| {
            m.sort_by(|&a, &b| {
                g.entities[b as usize]
                    .papers
                    .cmp(&g.entities[a as usize].papers)
                    .then(a.cmp(&b))
            });
            Community {
                id,
                size: m.len(),
                top: m
                    .iter()
                    .take(5)
                    .map(|&e| g.entities[e as usize].name.clone())
                    .collect(),
            }
        })
        .collect();
    communities.sort_by(|a, b| b.size.cmp(&a.size).then(a.id.cmp(&b.id)));
    communities.truncate(5);
    Stats {
        papers: g.papers.len(),
        entities: g.entities.len(),
        entities_per_type: g.entities_per_type(),
        mention_edges: g.mentions.len(),
        paper_links: g.paper_links.len(),
        cooccurrence_edges: g.cooccurrences.len(),
        top_entities: top(g, None, n),
        communities,
    }
}

/// Prints rows as left-aligned columns separated by two spaces; the last column is not
/// padded.
pub fn table(f: &mut fmt::Formatter<'_>, header: &[&str], rows: &[Vec<String>]) -> fmt::Result {
    let cols = header.len();
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(cols) {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let line = |f: &mut fmt::Formatter<'_>, cells: &[String]| -> fmt::Result {
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                writeln!(f, "{c}")?;
            } else {
                write!(f, "{c:<w$}  ", w = width[i])?;
            }
        }
        Ok(())
    };
    line(f, &header.iter().map(|s| s.to_string()).collect::<Vec<_>>())?;
    for r in rows {
        line(f, r)?;
    }
    Ok(())
}

fn titles(ps: &[PaperRef]) -> String {
    ps.iter()
        .map(|p| truncate(&p.title, 60))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn role_str(r: Option<Role>) -> &'static str {
    match r {
        Some(Role::Proposed) => "proposed",
        Some(Role::Used) => "used",
        Some(Role::EvaluatedOn) => "evaluated-on",
        None => "",
    }
}

impl fmt::Display for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Related to \"{}\" ({}, {}):",
            self.entity.name,
            self.entity.etype,
            crate::util::n_papers(self.entity.papers)
        )?;
        let rows: Vec<Vec<String>> = self
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    (i + 1).to_string(),
                    r.entity.name.clone(),
                    r.entity.etype.clone(),
                    format!("{:.3}", r.score),
                    r.shared_papers.to_string(),
                    titles(&r.examples),
                ]
            })
            .collect();
        table(
            f,
            &["#", "entity", "type", "score", "shared", "example papers"],
            &rows,
        )
    }
}

impl fmt::Display for Papers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Papers mentioning \"{}\" ({}, {}):",
            self.entity.name,
            self.entity.etype,
            crate::util::n_papers(self.entity.papers)
        )?;
        let rows: Vec<Vec<String>> = self
            .papers
            .iter()
            .map(|p| {
                vec![
                    p.paper.id.clone(),
                    p.mentions.to_string(),
                    role_str(p.role).to_string(),
                    p.paper.title.clone(),
                ]
            })
            .collect();
        table(f, &["id", "mentions", "role", "title"], &rows)
    }
}

impl fmt::Display for Similar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Papers similar to \"{}\":", self.paper.title)?;
        let rows: Vec<Vec<String>> = self
            .similar
            .iter()
            .map(|s| {
                vec![
                    format!("{:.3}", s.weight),
                    truncate(&s.paper.title, 70),
                    s.shared.join(", "),
                ]
            })
            .collect();
        table(f, &["weight", "paper", "shared entities"], &rows)
    }
}

impl fmt::Display for PathAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Path from \"{}\" to \"{}\":",
            self.from.name, self.to.name
        )?;
        for s in &self.steps {
            match s {
                Step::Entity(e) => writeln!(f, "  [{}] {}", e.etype, e.name)?,
                Step::Paper(p) => writeln!(f, "    paper {}: {}", p.id, p.title)?,
            }
        }
        Ok(())
    }
}

/// A list of top entities, printable.
pub struct TopList(pub Vec<TopItem>);

impl fmt::Display for TopList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: Vec<Vec<String>> = self
            .0
            .iter()
            .enumerate()
            .map(|(i, t)| {
                vec![
                    (i + 1).to_string(),
                    t.entity.papers.to_string(),
                    t.degree.to_string(),
                    format!("{:.3e}", t.pagerank),
                    t.entity.etype.clone(),
                    t.entity.name.clone(),
                ]
            })
            .collect();
        table(
            f,
            &["#", "papers", "degree", "pagerank", "type", "entity"],
            &rows,
        )
    }
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "papers:                 {}", self.papers)?;
        writeln!(f, "entities:               {}", self.entities)?;
        for (t, n) in &self.entities_per_type {
            writeln!(f, "  {:<21} {n}", format!("{t}:"))?;
        }
        writeln!(f, "mention edges:          {}", self.mention_edges)?;
        writeln!(f, "paper-paper links:      {}", self.paper_links)?;
        writeln!(f, "co-occurrence edges:    {}", self.cooccurrence_edges)?;
        writeln!(f, "\nTop entities:")?;
        write!(f, "{}", TopList(self.top_entities.clone()))?;
        if !self.communities.is_empty() {
            writeln!(f, "\nLargest communities:")?;
            let rows: Vec<Vec<String>> = self
                .communities
                .iter()
                .map(|c| vec![c.id.to_string(), c.size.to_string(), c.top.join(", ")])
                .collect();
            table(f, &["id", "size", "top entities"], &rows)?;
        }
        Ok(())
    }
}
