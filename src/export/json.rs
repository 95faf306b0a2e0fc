//! `graph.json`: the whole graph, versioned, so queries and re-exports need no re-extraction.

use super::{io_err, ExportError};
use crate::graph::{KnowledgeGraph, FORMAT_VERSION};
use crate::util::write_atomic;
use std::io::BufReader;
use std::path::Path;

/// Writes the graph as compact JSON (one line), atomically.
pub fn write_graph(g: &KnowledgeGraph, path: &Path) -> Result<(), ExportError> {
    write_atomic(path, |w| {
        serde_json::to_writer(&mut *w, g).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })
    .map_err(io_err(path))
}

/// Reads a graph saved by [`write_graph`], checking its format version.
pub fn load_graph(path: &Path) -> Result<KnowledgeGraph, ExportError> {
    let load_err = |reason: String| ExportError::Load {
        path: path.to_path_buf(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| {
        load_err(format!(
            "{e} (run `paperkg run INPUT` first, or point --graph at a graph.json)"
        ))
    })?;
    let g: KnowledgeGraph = serde_json::from_reader(BufReader::with_capacity(1 << 16, file))
        .map_err(|e| load_err(format!("not a paperkg graph: {e}")))?;
    if g.format != FORMAT_VERSION {
        return Err(load_err(format!(
            "graph format {} is not supported by this paperkg (expects {FORMAT_VERSION}); re-run `paperkg run`",
            g.format
        )));
    }
    Ok(g)
}
