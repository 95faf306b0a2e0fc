//! Opening one input: file or stdin, transparent gzip, BOM skipping and format detection.

use super::{CorpusError, FieldMap, InputFormat};
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Read buffer size for the decoded stream.
const BUF_SIZE: usize = 256 * 1024;
/// How much of the decoded stream is looked at to detect the format.
const SNIFF_LEN: usize = 8 * 1024;

/// The name inputs are shown under: the path as given, or `<stdin>` for `-`.
pub fn display_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// An opened input, positioned after any BOM, with its format decided.
pub struct Opened {
    pub name: String,
    pub format: InputFormat,
    pub gzip: bool,
    pub reader: Box<dyn BufRead + Send>,
    /// A decoding error met while looking at the start of a gzip stream; reported as a
    /// reject on line 1 instead of failing the whole run.
    pub early_error: Option<io::Error>,
}

/// Counts the raw (possibly compressed) bytes read from an input into a shared counter,
/// so a progress display can compare them with the file sizes.
struct Counting<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens `path` (or stdin for `-`), decompresses gzip when the name ends in `.gz` or the
/// content starts with the gzip magic bytes, skips a UTF-8 BOM and decides the format:
/// `forced` if given, else from the extension (after `.gz`), else from the content.
/// Every raw byte read is added to `counter` when one is given.
pub fn open(
    path: &Path,
    forced: Option<InputFormat>,
    fields: &FieldMap,
    counter: Option<Arc<AtomicU64>>,
) -> Result<Opened, CorpusError> {
    let name = display_name(path);
    let io_err = |source: io::Error| CorpusError::Io {
        file: name.clone(),
        source,
    };
    let raw: Box<dyn Read + Send> = if is_stdin(path) {
        Box::new(io::stdin())
    } else {
        let meta = std::fs::metadata(path).map_err(io_err)?;
        if meta.is_dir() {
            return Err(CorpusError::Input {
                file: name,
                reason: "is a directory, not a file".into(),
            });
        }
        Box::new(File::open(path).map_err(io_err)?)
    };
    let raw: Box<dyn Read + Send> = match counter {
        Some(counter) => Box::new(Counting {
            inner: raw,
            counter,
        }),
        None => raw,
    };

    let mut raw = raw;
    let magic = read_prefix(&mut raw, 2).map_err(io_err)?;
    let ext_gz = has_extension(path, "gz");
    let gzip = ext_gz || magic.starts_with(&[0x1f, 0x8b]);
    let raw: Box<dyn Read + Send> = Box::new(Cursor::new(magic).chain(raw));
    let mut decoded: Box<dyn Read + Send> = if gzip {
        Box::new(MultiGzDecoder::new(BufReader::with_capacity(1 << 16, raw)))
    } else {
        raw
    };

    // Only read ahead as far as needed: a forced format or a telling extension needs just
    // the BOM check, so a slow producer on stdin is not waited for.
    let needs_content = forced.is_none() && by_extension(path).is_none();
    let sniff_len = if needs_content { SNIFF_LEN } else { 3 };
    let (mut prefix, early_error) = match read_prefix(&mut decoded, sniff_len) {
        Ok(p) => (p, None),
        Err(e) if gzip => (Vec::new(), Some(e)),
        Err(e) => return Err(io_err(e)),
    };
    if prefix.starts_with(b"\xEF\xBB\xBF") {
        prefix.drain(..3);
    }
    // 0xFF and 0xFE never occur in UTF-8: this is a UTF-16 byte-order mark. Read as UTF-8,
    // every record would be a reject (or worse, text full of NUL bytes), so say it once.
    if prefix.starts_with(&[0xFF, 0xFE]) || prefix.starts_with(&[0xFE, 0xFF]) {
        return Err(CorpusError::Input {
            file: name,
            reason: "is UTF-16 text (it starts with a UTF-16 byte-order mark), but paperkg \
                     reads UTF-8: convert it first, e.g. with `iconv -f UTF-16 -t UTF-8`"
                .into(),
        });
    }

    let format = match forced {
        Some(f) => f,
        None => detect(path, &prefix, fields),
    };
    let reader: Box<dyn BufRead + Send> = Box::new(BufReader::with_capacity(
        BUF_SIZE,
        Cursor::new(prefix).chain(decoded),
    ));
    Ok(Opened {
        name,
        format,
        gzip,
        reader,
        early_error,
    })
}

/// Reads up to `n` bytes (fewer only at end of input).
fn read_prefix(r: &mut dyn Read, n: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(n);
    r.take(n as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// The format the extension decides alone (`.json` needs the content: it may be JSONL).
fn by_extension(path: &Path) -> Option<InputFormat> {
    match detect_ext(path)? {
        Ext::Known(f) => Some(f),
        Ext::Json => None,
    }
}

enum Ext {
    Known(InputFormat),
    Json,
}

fn detect_ext(path: &Path) -> Option<Ext> {
    let stem_path;
    let path = if has_extension(path, "gz") {
        stem_path = path.with_extension("");
        stem_path.as_path()
    } else {
        path
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    Some(match ext.as_deref()? {
        "txt" => Ext::Known(InputFormat::Page),
        "jsonl" | "ndjson" => Ext::Known(InputFormat::Jsonl),
        "json" => Ext::Json,
        "csv" => Ext::Known(InputFormat::Csv),
        "tsv" | "tab" => Ext::Known(InputFormat::Tsv),
        _ => return None,
    })
}

/// The format by extension (after stripping `.gz`), falling back to the content.
pub fn detect(path: &Path, prefix: &[u8], fields: &FieldMap) -> InputFormat {
    match detect_ext(path) {
        Some(Ext::Known(f)) => f,
        Some(Ext::Json) if first_non_space(prefix) == Some(b'{') => InputFormat::Jsonl,
        Some(Ext::Json) => InputFormat::Json,
        None => sniff(prefix, fields),
    }
}

fn first_non_space(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Detects the format from the first bytes: `[` → JSON array, `{` → JSON Lines, a first
/// line with tabs → TSV, a first line with commas and a title column → CSV, else the page.
pub fn sniff(prefix: &[u8], fields: &FieldMap) -> InputFormat {
    match first_non_space(prefix) {
        Some(b'[') => return InputFormat::Json,
        Some(b'{') => return InputFormat::Jsonl,
        _ => {}
    }
    let start = prefix
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(prefix.len());
    let rest = &prefix[start..];
    let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let line = String::from_utf8_lossy(&rest[..end]);
    let line = line.trim_end_matches('\r');
    if line.contains('\t') {
        return InputFormat::Tsv;
    }
    if line.contains(',') {
        let has_title = line.split(',').any(|cell| {
            let cell = cell.trim().trim_matches('"').trim();
            fields.title.iter().any(|t| t.eq_ignore_ascii_case(cell))
        });
        if has_title {
            return InputFormat::Csv;
        }
    }
    InputFormat::Page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_table() {
        let f = FieldMap::default();
        let cases: &[(&str, &[u8], InputFormat)] = &[
            ("a.txt", b"{\"x\":1}", InputFormat::Page),
            ("a.jsonl", b"", InputFormat::Jsonl),
            ("a.ndjson.gz", b"", InputFormat::Jsonl),
            ("a.json", b"  [ {}", InputFormat::Json),
            ("a.json", b"\n{\"id\":1}\n", InputFormat::Jsonl),
            ("a.JSON.GZ", b"[", InputFormat::Json),
            ("a.csv", b"x\ty", InputFormat::Csv),
            ("a.tsv.gz", b"x,y", InputFormat::Tsv),
            ("data", b"\n [{}]", InputFormat::Json),
            ("data", b"{\"id\":1}", InputFormat::Jsonl),
            ("data", b"id\ttitle\tabstract\n", InputFormat::Tsv),
            ("data", b"id,Title,abstract\r\n1,2,3", InputFormat::Csv),
            ("data", b"\"id\",\"title\"\n", InputFormat::Csv),
            ("data", b"new\n\nHello, world\n", InputFormat::Page),
            ("data.gz", b"a,b,c\n", InputFormat::Page),
            ("-", b"", InputFormat::Page),
        ];
        for (name, prefix, want) in cases {
            assert_eq!(
                detect(Path::new(name), prefix, &f),
                *want,
                "{name} {prefix:?}"
            );
        }
    }

    #[test]
    fn stdin_name() {
        assert_eq!(display_name(Path::new("-")), "<stdin>");
        assert_eq!(display_name(Path::new("dir/a.csv")), "dir/a.csv");
    }
}
