//! Finding an entity by what a user types: id, name, alias or acronym, in any case.

use super::KnowledgeGraph;
use crate::normalize::key;

/// The outcome of looking an entity up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The entity index.
    Found(u32),
    /// Nothing matched; the closest entities (indices), best first, for "did you mean".
    NotFound(Vec<u32>),
}

/// No entity matches what the user typed; the closest names are offered instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no entity matches {query:?}{}", did_you_mean(.suggestions))]
pub struct UnknownEntity {
    pub query: String,
    pub suggestions: Vec<String>,
}

fn did_you_mean(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!("; did you mean: {}?", s.join(", "))
    }
}

impl KnowledgeGraph {
    /// Like [`find_entity`](Self::find_entity), with a "did you mean" error when nothing
    /// matches.
    pub fn resolve_entity(&self, query: &str) -> Result<u32, UnknownEntity> {
        match self.find_entity(query) {
            Lookup::Found(e) => Ok(e),
            Lookup::NotFound(s) => Err(UnknownEntity {
                query: query.to_string(),
                suggestions: s
                    .iter()
                    .map(|&i| self.entities[i as usize].name.clone())
                    .collect(),
            }),
        }
    }

    /// Looks up an entity by id, canonical name, alias or acronym, case-insensitively and
    /// ignoring hyphens, spacing and a plural ending. When several entities match, the one
    /// in most papers wins.
    pub fn find_entity(&self, query: &str) -> Lookup {
        let q = query.trim();
        let qkey = key(q);
        let qlower = q.to_lowercase();
        let mut best: Option<(u8, u32, u32)> = None; // (match strength, papers, index)
        for (i, e) in self.entities.iter().enumerate() {
            let strength = if e.id == q || e.name == q {
                3
            } else if e.name.to_lowercase() == qlower
                || e.aliases.iter().any(|a| a.to_lowercase() == qlower)
            {
                2
            } else if !qkey.is_empty()
                && (key(&e.name) == qkey || e.aliases.iter().any(|a| key(a) == qkey))
            {
                1
            } else {
                continue;
            };
            let cand = (strength, e.papers, i as u32);
            let better = match best {
                None => true,
                Some((s, p, j)) => {
                    (strength, e.papers) > (s, p)
                        || ((strength, e.papers) == (s, p) && (i as u32) < j)
                }
            };
            if better {
                best = Some(cand);
            }
        }
        if let Some((_, _, i)) = best {
            return Lookup::Found(i);
        }
        Lookup::NotFound(self.suggest(&qlower, 5))
    }

    /// Entities whose name or alias contains the query or is a few edits away from it,
    /// closest and most frequent first.
    fn suggest(&self, qlower: &str, limit: usize) -> Vec<u32> {
        let mut scored: Vec<(usize, u32, u32)> = Vec::new();
        for (i, e) in self.entities.iter().enumerate() {
            let d = std::iter::once(&e.name)
                .chain(e.aliases.iter())
                .map(|n| {
                    let n = n.to_lowercase();
                    if n.contains(qlower) || (n.len() >= 3 && qlower.contains(&n)) {
                        1
                    } else {
                        edit_distance(&n, qlower) * 2
                    }
                })
                .min()
                .unwrap_or(usize::MAX);
            let limit_d = (qlower.chars().count() / 3).max(2) * 2;
            if d <= limit_d {
                scored.push((d, u32::MAX - e.papers, i as u32));
            }
        }
        scored.sort_unstable();
        scored.into_iter().take(limit).map(|s| s.2).collect()
    }
}

/// Levenshtein distance over code points.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{EntityNode, KnowledgeGraph};

    fn g() -> KnowledgeGraph {
        let e = |id: &str, name: &str, aliases: &[&str], papers: u32| EntityNode {
            id: id.into(),
            name: name.into(),
            etype: "concept".into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            papers,
            mentions: papers,
            idf: 0.0,
            pagerank: 0.0,
            community: 0,
            broad: false,
        };
        KnowledgeGraph {
            format: 1,
            generator: String::new(),
            types: vec![],
            papers: vec![],
            entities: vec![
                e(
                    "continual-learning",
                    "continual learning",
                    &["CL", "Continual Learning"],
                    9,
                ),
                e(
                    "large-language-models",
                    "large language models",
                    &["LLMs"],
                    12,
                ),
                e("contrastive-learning", "contrastive learning", &["CL"], 4),
            ],
            mentions: vec![],
            paper_links: vec![],
            cooccurrences: vec![],
        }
    }

    #[test]
    fn finds_by_name_alias_acronym_and_variant() {
        let g = g();
        let cases = [
            ("continual learning", Lookup::Found(0)),
            ("Continual-Learning", Lookup::Found(0)),
            ("continual-learning", Lookup::Found(0)),
            ("LLMs", Lookup::Found(1)),
            ("llm", Lookup::Found(1)),
            ("Large Language Model", Lookup::Found(1)),
            // Ambiguous alias: the entity in more papers wins.
            ("CL", Lookup::Found(0)),
        ];
        for (q, want) in cases {
            assert_eq!(g.find_entity(q), want, "{q}");
        }
    }

    #[test]
    fn unknown_names_get_suggestions() {
        let g = g();
        match g.find_entity("continual lerning") {
            Lookup::NotFound(s) => assert_eq!(s.first(), Some(&0)),
            other => panic!("{other:?}"),
        }
        match g.find_entity("learning") {
            Lookup::NotFound(s) => assert_eq!(s, vec![0, 2]),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            g.find_entity("quantum chromodynamics"),
            Lookup::NotFound(vec![])
        );
    }

    #[test]
    fn edit_distance_counts_code_points() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("naïve", "naive"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
