//! `graph.json`: the whole graph, versioned, so queries and re-exports need no re-extraction.

use super::{io_err, write_json_array, ExportError};
use crate::graph::{KnowledgeGraph, FORMAT_VERSION};
use crate::util::write_atomic;
use std::io::BufReader;
use std::path::Path;

/// Writes the graph as compact JSON (one line), atomically: the same bytes as
/// `serde_json::to_writer(w, g)`, with the long lists rendered in parallel chunks.
pub fn write_graph(g: &KnowledgeGraph, path: &Path) -> Result<(), ExportError> {
    write_atomic(path, |w| {
        write!(w, "{{\"format\":{}", g.format)?;
        w.write_all(b",\"generator\":")?;
        serde_json::to_writer(&mut *w, &g.generator).map_err(std::io::Error::other)?;
        w.write_all(b",\"types\":")?;
        serde_json::to_writer(&mut *w, &g.types).map_err(std::io::Error::other)?;
        w.write_all(b",\"papers\":")?;
        write_json_array(w, &g.papers)?;
        w.write_all(b",\"entities\":")?;
        write_json_array(w, &g.entities)?;
        w.write_all(b",\"mentions\":")?;
        write_json_array(w, &g.mentions)?;
        w.write_all(b",\"paper_links\":")?;
        write_json_array(w, &g.paper_links)?;
        w.write_all(b",\"cooccurrences\":")?;
        write_json_array(w, &g.cooccurrences)?;
        w.write_all(b"}\n")
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
