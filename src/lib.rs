//! paperkg: a knowledge graph of methods, datasets and concepts from paper abstracts.
//!
//! The pipeline runs in one direction, one module per stage:
//!
//! 1. [`corpus`] turns input bytes (the "trending papers" page, JSON Lines, JSON arrays,
//!    CSV/TSV, gzip, stdin) into a stream of [`corpus::Paper`]s; records that cannot be
//!    read become [`corpus::Reject`]s carrying file, line and reason, so nothing is lost.
//! 2. [`rules`] loads the user-editable TOML rule files in `rules/` and validates them in
//!    one `compile()` step into a read-only [`rules::RuleSet`].
//! 3. [`extract`] is a pure per-paper function producing an [`extract::Extraction`]
//!    (mentions with offsets and rule ids, acronym definitions); rayon maps it over
//!    batches of papers, keeping input order.
//! 4. [`normalize`] is the corpus-wide reduce that merges surface forms into one entity
//!    per real thing (case, hyphens, plurals, acronym ↔ long form, aliases).
//! 5. [`graph`] links papers and entities in a petgraph graph and computes the scores
//!    (IDF-weighted paper links, NPMI co-occurrence, PageRank, communities) once.
//! 6. [`export`] writes DOT, Neo4j CSV and the reloadable `graph.json`; [`query`] answers
//!    questions on the saved graph without re-extracting.
//!
//! [`cli`] wires the stages to the `paperkg` command line.

pub mod cli;
pub mod corpus;
pub mod eval;
pub mod export;
pub mod extract;
pub mod graph;
pub(crate) mod hash;
pub mod normalize;
pub mod query;
pub mod rules;
pub mod util;
