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

/// A number appended to an export buffer exactly as `Display` prints it, without going
/// through the formatting machinery: the large exports print millions of numbers, and
/// `write!` was half of the Neo4j CSV time.
pub(crate) trait Num: Copy {
    fn push_to(self, buf: &mut Vec<u8>);
}

impl Num for u32 {
    fn push_to(self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(itoa::Buffer::new().format(self).as_bytes());
    }
}

impl Num for f64 {
    fn push_to(self, buf: &mut Vec<u8>) {
        if self.is_finite() {
            // Ryū and `Display` both print the shortest digits that read back as the same
            // number. Up to 15 significant digits those digits are unique; beyond, the two
            // may round the last digit differently, so `Display` decides. Ryū also writes
            // "3.0" for 3 and exponents for very small or large values.
            let mut b = ryu::Buffer::new();
            let s = b.format_finite(self);
            let significant = s
                .trim_start_matches(['-', '0', '.'])
                .bytes()
                .filter(u8::is_ascii_digit)
                .count();
            if significant <= 15 && !s.contains('e') {
                buf.extend_from_slice(s.strip_suffix(".0").unwrap_or(s).as_bytes());
                return;
            }
        }
        use std::io::Write as _;
        let _ = write!(buf, "{self}");
    }
}

#[cfg(test)]
mod tests {
    use super::Num;

    fn pushed(x: impl Num) -> String {
        let mut buf = Vec::new();
        x.push_to(&mut buf);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn numbers_print_as_display_does() {
        let fixed = [
            0.0,
            -0.0,
            1.0,
            3.0,
            -2.5,
            0.1,
            1e-5,
            1e-6,
            1.234_57e-7,
            12.345_678,
            1e15,
            1e16,
            1e21,
            123_456_789.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for x in fixed {
            assert_eq!(pushed(x), x.to_string(), "{x:e}");
        }
        // Scores as exports hold them (rounded to six digits) and arbitrary bit patterns.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for i in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = if i % 2 == 0 {
                f64::from_bits(state)
            } else {
                ((state % 20_000_000) as f64 / 1e6 - 10.0) * 1e6_f64.round() / 1e6
            };
            assert_eq!(pushed(x), x.to_string(), "{x:e}");
        }
        for n in [0u32, 7, 10, 999, 4_294_967_295] {
            assert_eq!(pushed(n), n.to_string());
        }
    }
}
