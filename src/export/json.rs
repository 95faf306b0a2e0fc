//! `graph.json`: the whole graph, versioned, so queries and re-exports need no re-extraction.

use super::{io_err, push_json_f64, push_json_str, push_json_u32, write_chunked, ExportError};
use crate::graph::{KnowledgeGraph, FORMAT_VERSION};
use crate::util::write_atomic;
use std::io::BufReader;
use std::path::Path;

/// Writes the graph as compact JSON (one line), atomically: the same bytes as
/// `serde_json::to_writer(w, g)` and a newline, with the long lists written by hand in
/// parallel chunks (fields in declaration order, as the derived `Serialize` writes them).
pub fn write_graph(g: &KnowledgeGraph, path: &Path) -> Result<(), ExportError> {
    write_atomic(path, |w| {
        let mut head = Vec::new();
        head.extend_from_slice(b"{\"format\":");
        push_json_u32(&mut head, g.format);
        head.extend_from_slice(b",\"generator\":");
        push_json_str(&mut head, &g.generator);
        head.extend_from_slice(b",\"types\":");
        serde_json::to_writer(&mut head, &g.types).map_err(std::io::Error::other)?;
        head.extend_from_slice(b",\"papers\":[");
        w.write_all(&head)?;
        write_chunked(w, &g.papers, |buf, i, p| {
            sep(buf, i);
            buf.extend_from_slice(b"{\"id\":");
            push_json_str(buf, &p.id);
            buf.extend_from_slice(b",\"title\":");
            push_json_str(buf, &p.title);
            buf.push(b'}');
        })?;
        w.write_all(b"],\"entities\":[")?;
        write_chunked(w, &g.entities, |buf, i, e| {
            sep(buf, i);
            buf.extend_from_slice(b"{\"id\":");
            push_json_str(buf, &e.id);
            buf.extend_from_slice(b",\"name\":");
            push_json_str(buf, &e.name);
            buf.extend_from_slice(b",\"type\":");
            push_json_str(buf, &e.etype);
            buf.extend_from_slice(b",\"aliases\":[");
            for (j, a) in e.aliases.iter().enumerate() {
                sep(buf, j);
                push_json_str(buf, a);
            }
            buf.extend_from_slice(b"],\"papers\":");
            push_json_u32(buf, e.papers);
            buf.extend_from_slice(b",\"mentions\":");
            push_json_u32(buf, e.mentions);
            buf.extend_from_slice(b",\"idf\":");
            push_json_f64(buf, e.idf);
            buf.extend_from_slice(b",\"pagerank\":");
            push_json_f64(buf, e.pagerank);
            buf.extend_from_slice(b",\"community\":");
            push_json_u32(buf, e.community);
            if e.broad {
                buf.extend_from_slice(b",\"broad\":true");
            }
            buf.push(b'}');
        })?;
        w.write_all(b"],\"mentions\":[")?;
        write_chunked(w, &g.mentions, |buf, i, m| {
            sep(buf, i);
            buf.extend_from_slice(b"{\"paper\":");
            push_json_u32(buf, m.paper);
            buf.extend_from_slice(b",\"entity\":");
            push_json_u32(buf, m.entity);
            buf.extend_from_slice(b",\"count\":");
            push_json_u32(buf, m.count);
            if let Some(r) = m.role {
                buf.extend_from_slice(b",\"role\":");
                push_json_str(buf, r.as_str());
            }
            buf.push(b'}');
        })?;
        w.write_all(b"],\"paper_links\":[")?;
        write_chunked(w, &g.paper_links, |buf, i, l| {
            sep(buf, i);
            buf.extend_from_slice(b"{\"a\":");
            push_json_u32(buf, l.a);
            buf.extend_from_slice(b",\"b\":");
            push_json_u32(buf, l.b);
            buf.extend_from_slice(b",\"weight\":");
            push_json_f64(buf, l.weight);
            buf.extend_from_slice(b",\"shared\":[");
            for (j, &e) in l.shared.iter().enumerate() {
                sep(buf, j);
                push_json_u32(buf, e);
            }
            buf.extend_from_slice(b"]}");
        })?;
        w.write_all(b"],\"cooccurrences\":[")?;
        write_chunked(w, &g.cooccurrences, |buf, i, c| {
            sep(buf, i);
            buf.extend_from_slice(b"{\"a\":");
            push_json_u32(buf, c.a);
            buf.extend_from_slice(b",\"b\":");
            push_json_u32(buf, c.b);
            buf.extend_from_slice(b",\"papers\":");
            push_json_u32(buf, c.papers);
            buf.extend_from_slice(b",\"npmi\":");
            push_json_f64(buf, c.npmi);
            buf.push(b'}');
        })?;
        w.write_all(b"]}\n")
    })
    .map_err(io_err(path))
}

/// A comma before every item of a list but the first.
fn sep(buf: &mut Vec<u8>, i: usize) {
    if i > 0 {
        buf.push(b',');
    }
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn graph_json_is_the_bytes_serde_writes() {
        // Large enough for several windows of chunks; awkward text, NaN and infinities.
        for (seed, n) in [(1, 0), (2, 1), (3, 50), (4, 12_000)] {
            let mut g = crate::export::awkward::graph(seed, n);
            g.types = vec![crate::rules::EntityType {
                name: "me\"thod".into(),
                label: "Méthod".into(),
                color: "#fff".into(),
                shape: "box\n".into(),
            }];
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("graph.json");
            write_graph(&g, &p).unwrap();
            let mut want = serde_json::to_vec(&g).unwrap();
            want.push(b'\n');
            let got = std::fs::read(&p).unwrap();
            assert!(
                got == want,
                "seed {seed}: {}",
                first_difference(&got, &want)
            );
        }
    }

    /// Where two byte strings first differ, with some context, for failure messages.
    pub(crate) fn first_difference(a: &[u8], b: &[u8]) -> String {
        let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let ctx = |s: &[u8]| {
            String::from_utf8_lossy(&s[i.saturating_sub(40)..(i + 40).min(s.len())]).into_owned()
        };
        format!("at byte {i}: {:?} vs {:?}", ctx(a), ctx(b))
    }
}
