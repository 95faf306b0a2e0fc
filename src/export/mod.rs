//! Writing the graph out: DOT (and SVG through Graphviz), Neo4j import CSV, and the
//! reloadable `graph.json`. Every file is written atomically. Exports read a
//! [`KnowledgeGraph`](crate::graph::KnowledgeGraph); they never re-extract.

pub mod dot;
pub mod graphml;
pub mod html;
pub mod json;
pub mod neo4j;
pub mod view;

pub use view::{View, ViewSpec};

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read graph {path}: {reason}")]
    Load {
        path: std::path::PathBuf,
        reason: String,
    },
    #[error(transparent)]
    UnknownEntity(#[from] crate::graph::UnknownEntity),
    #[error("Graphviz failed: {0}")]
    Graphviz(String),
}

/// Wraps an I/O error with the path it concerns.
pub(crate) fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    }
}
