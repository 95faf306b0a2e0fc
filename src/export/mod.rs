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

/// Items rendered per buffer by [`write_chunked`].
const CHUNK: usize = 2048;
/// Buffers rendered in parallel before they are written, bounding the memory used.
const WINDOW: usize = 32;

/// Writes `items` in order, each rendered by `render(buffer, index, item)`. Chunks of
/// items are rendered in parallel into memory buffers (a bounded window at a time) and
/// written one after the other, so the bytes are the same at any thread count and the
/// large exports (graph.json, GraphML, node-link JSON, Neo4j CSV) cost little more than
/// the formatting itself.
pub(crate) fn write_chunked<T: Sync>(
    w: &mut dyn std::io::Write,
    items: &[T],
    render: impl Fn(&mut Vec<u8>, usize, &T) + Sync,
) -> std::io::Result<()> {
    write_chunks(w, items, |buf, base, chunk| {
        for (i, item) in chunk.iter().enumerate() {
            render(buf, base + i, item);
        }
    })
}

/// [`write_chunked`] with the renderer called once per chunk of items (with the index of
/// the chunk's first item), for renderers that carry state across a chunk.
pub(crate) fn write_chunks<T: Sync>(
    w: &mut dyn std::io::Write,
    items: &[T],
    render: impl Fn(&mut Vec<u8>, usize, &[T]) + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    for (wi, window) in items.chunks(CHUNK * WINDOW).enumerate() {
        let base = wi * CHUNK * WINDOW;
        let bufs: Vec<Vec<u8>> = window
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(ci, chunk)| {
                let mut buf = Vec::with_capacity(chunk.len() * 64);
                render(&mut buf, base + ci * CHUNK, chunk);
                buf
            })
            .collect();
        for b in bufs {
            w.write_all(&b)?;
        }
    }
    Ok(())
}

/// Writes a JSON array of `items`, the same bytes as `serde_json::to_writer` of the list.
pub(crate) fn write_json_array<T: Sync + serde::Serialize>(
    w: &mut dyn std::io::Write,
    items: &[T],
) -> std::io::Result<()> {
    w.write_all(b"[")?;
    write_chunked(w, items, |buf, i, item| {
        if i > 0 {
            buf.push(b',');
        }
        // Serializing into memory fails only for types serde_json cannot represent
        // (maps with non-string keys), which the graph does not contain.
        let _ = serde_json::to_writer(&mut *buf, item);
    })?;
    w.write_all(b"]")
}

/// Wraps an I/O error with the path it concerns.
pub(crate) fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    }
}
