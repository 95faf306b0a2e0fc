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
/// Buffers rendered in parallel before they are handed to the writer. Two windows are in
/// memory at a time (one being written, one being rendered), bounding the memory used.
const WINDOW: usize = 16;

/// Writes `items` in order, each rendered by `render(buffer, index, item)`. Chunks of
/// items are rendered in parallel into memory buffers (a bounded window at a time) and
/// written one after the other, so the bytes are the same at any thread count and the
/// large exports (graph.json, GraphML, node-link JSON, Neo4j CSV) cost little more than
/// the formatting itself.
pub(crate) fn write_chunked<T: Sync>(
    w: &mut (dyn std::io::Write + Send),
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
///
/// Writing overlaps rendering: a window of rendered buffers goes to a writer thread (a
/// plain thread, so that waiting for the file system never holds a rayon worker) while the
/// next window is rendered, and the writer hands the buffers back to be reused, so that
/// their pages are faulted in and zeroed once rather than for every window.
pub(crate) fn write_chunks<T: Sync>(
    w: &mut (dyn std::io::Write + Send),
    items: &[T],
    render: impl Fn(&mut Vec<u8>, usize, &[T]) + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    use std::sync::mpsc;
    let step = CHUNK * WINDOW;
    let fill = |bufs: &mut Vec<Vec<u8>>, base: usize, window: &[T]| {
        bufs.resize_with(window.len().div_ceil(CHUNK), Vec::new);
        bufs.par_iter_mut()
            .zip(window.par_chunks(CHUNK))
            .enumerate()
            .for_each(|(ci, (buf, chunk))| {
                buf.clear();
                buf.reserve(chunk.len() * 64);
                render(buf, base + ci * CHUNK, chunk);
            });
    };
    if items.len() <= step {
        let mut bufs = Vec::new();
        fill(&mut bufs, 0, items);
        return bufs.iter().try_for_each(|b| w.write_all(b));
    }
    std::thread::scope(|scope| {
        // A rendezvous channel: the renderer is at most one window ahead of the writer.
        let (full_tx, full_rx) = mpsc::sync_channel::<Vec<Vec<u8>>>(0);
        let (empty_tx, empty_rx) = mpsc::channel::<Vec<Vec<u8>>>();
        let writer = scope.spawn(move || -> std::io::Result<()> {
            for bufs in full_rx {
                for b in &bufs {
                    w.write_all(b)?;
                }
                // The renderer may be gone (it panicked): the buffers are then dropped.
                let _ = empty_tx.send(bufs);
            }
            Ok(())
        });
        for (wi, window) in items.chunks(step).enumerate() {
            let mut bufs = empty_rx.try_recv().unwrap_or_default();
            fill(&mut bufs, wi * step, window);
            if full_tx.send(bufs).is_err() {
                break; // the writer failed: its error is returned below
            }
        }
        drop(full_tx);
        match writer.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// A boxed job of [`run_jobs`].
pub type Job<'a, R> = Box<dyn FnOnce() -> R + Send + 'a>;

/// Runs output jobs at the same time and returns their results in job order.
///
/// Each job gets a plain thread of its own rather than a rayon worker: a job spends part of
/// its time waiting (for the file system when it syncs its file, for its writer thread),
/// and a waiting rayon worker would leave a core idle, while the formatting inside the
/// jobs is spread over the rayon pool anyway. With a pool of one thread the jobs run one
/// after the other, on the calling thread.
pub fn run_jobs<'a, R: Send + 'a>(jobs: Vec<Job<'a, R>>) -> Vec<R> {
    if rayon::current_num_threads() <= 1 {
        return jobs.into_iter().map(|job| job()).collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs.into_iter().map(|job| scope.spawn(job)).collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(r) => r,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

pub(crate) use crate::util::{push_json_str, push_json_str_contents, swar};

/// Appends a number as `serde_json` writes it: finite floats by its own formatter, others
/// as `null`.
pub(crate) fn push_json_f64(out: &mut Vec<u8>, x: f64) {
    use serde_json::ser::{CompactFormatter, Formatter};
    if x.is_finite() {
        // Writing into a Vec cannot fail.
        let _ = CompactFormatter.write_f64(out, x);
    } else {
        out.extend_from_slice(b"null");
    }
}

/// Appends an integer as `serde_json` writes it.
pub(crate) fn push_json_u32(out: &mut Vec<u8>, x: u32) {
    out.extend_from_slice(itoa::Buffer::new().format(x).as_bytes());
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

/// Random graphs with awkward text, for the tests that compare the hand-written writers
/// with the `serde` ones.
#[cfg(test)]
pub(crate) mod awkward {
    use crate::extract::Role;
    use crate::graph::{CoOccurrence, EntityNode, KnowledgeGraph, MentionEdge, PaperLink};
    use crate::graph::{PaperNode, FORMAT_VERSION};

    /// A xorshift generator from a fixed seed.
    pub(crate) struct Rng(pub(crate) u64);

    impl Rng {
        pub(crate) fn next(&mut self) -> u64 {
            crate::util::xorshift(&mut self.0);
            self.0
        }
        pub(crate) fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        /// A float: ordinary scores, arbitrary bit patterns (NaN and infinities among them)
        /// or special values.
        pub(crate) fn float(&mut self) -> f64 {
            match self.below(4) {
                0 => (((self.next() % 2_000_001) as f64 / 1e6 - 1.0) * 1e6).round() / 1e6,
                1 => f64::from_bits(self.next()),
                2 => [0.0, -0.0, 1.0, 1e-7, 1e21, f64::NAN, f64::INFINITY][self.below(7)],
                _ => self.next() as f64 / u64::MAX as f64,
            }
        }
        /// Text made of markup and escape characters, controls, non-ASCII (including the
        /// non-characters U+FFFE and U+FFFF) and plain words.
        pub(crate) fn text(&mut self) -> String {
            const PIECES: [&str; 28] = [
                "\"", "\\", "<", ">", "&", "'", "\t", "\n", "\r", "\u{0}", "\u{1}", "\u{8}",
                "\u{c}", "\u{b}", "\u{1f}", "\u{7f}", "é", "東京", "\u{fffe}", "\u{ffff}",
                "\u{2028}", "😀", "; ", ",", "/", "plain", " words ", "x",
            ];
            let n = self.below(12);
            (0..n).map(|_| PIECES[self.below(PIECES.len())]).collect()
        }
    }

    /// A graph of `n` papers and entities with random text, scores and edges.
    pub(crate) fn graph(seed: u64, n: usize) -> KnowledgeGraph {
        let mut r = Rng(seed);
        let papers = (0..n)
            .map(|_| PaperNode {
                id: r.text(),
                title: r.text(),
            })
            .collect();
        let entities = (0..n)
            .map(|_| EntityNode {
                id: r.text(),
                name: r.text(),
                etype: r.text(),
                aliases: (0..r.below(4)).map(|_| r.text()).collect(),
                papers: r.next() as u32,
                mentions: r.next() as u32,
                idf: r.float(),
                pagerank: r.float(),
                community: r.next() as u32,
                broad: r.below(2) == 0,
            })
            .collect();
        let roles = [
            None,
            Some(Role::Proposed),
            Some(Role::Used),
            Some(Role::EvaluatedOn),
        ];
        let mentions = (0..3 * n)
            .map(|_| MentionEdge {
                paper: r.below(n) as u32,
                entity: r.below(n) as u32,
                count: r.next() as u32,
                role: roles[r.below(4)],
            })
            .collect();
        let paper_links = (0..n)
            .map(|_| PaperLink {
                a: r.below(n) as u32,
                b: r.below(n) as u32,
                weight: r.float(),
                shared: (0..r.below(4)).map(|_| r.below(n) as u32).collect(),
            })
            .collect();
        let cooccurrences = (0..n)
            .map(|_| CoOccurrence {
                a: r.below(n) as u32,
                b: r.below(n) as u32,
                papers: r.next() as u32,
                npmi: r.float(),
            })
            .collect();
        KnowledgeGraph {
            format: FORMAT_VERSION,
            generator: r.text(),
            types: Vec::new(),
            papers,
            entities,
            mentions,
            paper_links,
            cooccurrences,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{write_chunked, write_chunks, Num, CHUNK, WINDOW};

    /// Renders item `x` as a line whose length depends on `x`, so that reused buffers
    /// holding longer leftovers would show.
    fn line(buf: &mut Vec<u8>, i: usize, x: &u32) {
        buf.extend_from_slice(format!("{i}:{x}:").as_bytes());
        buf.extend(std::iter::repeat_n(
            b'a' + (*x % 26) as u8,
            (*x % 97) as usize,
        ));
        buf.push(b'\n');
    }

    #[test]
    fn chunked_writes_are_the_items_in_order_across_windows() {
        let step = CHUNK * WINDOW;
        for n in [0, 1, CHUNK - 1, CHUNK + 1, step, step + 1, 3 * step + 17] {
            let items: Vec<u32> = (0..n as u32)
                .map(|i| i.wrapping_mul(2_654_435_761))
                .collect();
            let mut want = Vec::new();
            for (i, x) in items.iter().enumerate() {
                line(&mut want, i, x);
            }
            let mut got = Vec::new();
            write_chunked(&mut got, &items, line).unwrap();
            assert!(got == want, "{n} items");
            // Per chunk, with the index of its first item.
            let mut got = Vec::new();
            write_chunks(&mut got, &items, |buf, base, chunk| {
                for (i, x) in chunk.iter().enumerate() {
                    line(buf, base + i, x);
                }
            })
            .unwrap();
            assert!(got == want, "{n} items, by chunk");
        }
    }

    /// A writer that fails once it has taken `left` bytes.
    struct Failing {
        left: usize,
    }

    impl std::io::Write for Failing {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if b.len() > self.left {
                return Err(std::io::Error::other("disk full"));
            }
            self.left -= b.len();
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_writer_ends_the_chunked_write_with_its_error() {
        let items: Vec<u32> = (0..(5 * CHUNK * WINDOW) as u32).collect();
        for left in [0, 100, 1 << 20] {
            let err = write_chunked(&mut Failing { left }, &items, line).unwrap_err();
            assert_eq!(err.to_string(), "disk full");
        }
    }

    fn pushed(x: impl Num) -> String {
        let mut buf = Vec::new();
        x.push_to(&mut buf);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn json_strings_and_numbers_are_the_bytes_serde_json_writes() {
        let mut r = super::awkward::Rng(0x1234_5678_9abc_def1);
        let mut all_bytes = String::new();
        for b in 0..=0x7fu8 {
            all_bytes.push(char::from(b));
        }
        // Each byte that may need escaping at every offset of longer plain runs, for the
        // word-at-a-time skip.
        let mut placed = Vec::new();
        for c in (0u8..0x20)
            .chain([b'"', b'\\', b'/', 0x7f])
            .map(char::from)
            .chain(['é', '東'])
        {
            for at in 0..20 {
                placed.push(format!("{}{c}{}", "a".repeat(at), "b".repeat(19 - at)));
            }
        }
        for s in std::iter::once(all_bytes)
            .chain(placed)
            .chain((0..20_000).map(|_| r.text()))
        {
            let mut got = Vec::new();
            super::push_json_str(&mut got, &s);
            assert_eq!(got, serde_json::to_vec(&s).unwrap(), "{s:?}");
        }
        for _ in 0..20_000 {
            let x = r.float();
            let mut got = Vec::new();
            super::push_json_f64(&mut got, x);
            assert_eq!(got, serde_json::to_vec(&x).unwrap(), "{x:e}");
            let n = r.next() as u32;
            let mut got = Vec::new();
            super::push_json_u32(&mut got, n);
            assert_eq!(got, serde_json::to_vec(&n).unwrap());
        }
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
            crate::util::xorshift(&mut state);
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
