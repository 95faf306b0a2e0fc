//! Small helpers shared by several stages: atomic file output, code-point offsets and the
//! generic heads that follow names ("CIFAR-100 dataset").

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes a file atomically: the content goes to a temporary file in the same directory,
/// which is renamed over `path` only once it is complete and flushed. A run that dies
/// midway therefore leaves the previous file intact and no partial file behind.
pub fn write_atomic<F>(path: &Path, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut (dyn Write + Send)) -> io::Result<()>,
{
    let tmp = temp_path(path);
    let result = (|| {
        let file = match direct::create(&tmp) {
            Some(w) => {
                let mut w = w?;
                fill(&mut w)?;
                w.finish()?
            }
            None => {
                let mut w = BufWriter::with_capacity(1 << 16, File::create(&tmp)?);
                fill(&mut w)?;
                w.into_inner().map_err(|e| e.into_error())?
            }
        };
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Output written past the page cache (Linux `O_DIRECT`), in big aligned blocks.
///
/// The outputs of a large corpus are gigabytes, and each is synced before it is renamed
/// into place. Through the page cache, every byte is first copied into the kernel's pages
/// and then written back to disk, and the copy alone cost about as much CPU time as
/// rendering the bytes (a million papers: about 8 s of the run's two cores for 3.4 GB).
/// Written directly, the disk reads the blocks from this process's buffer. Where the file
/// system refuses direct writes (tmpfs, some network file systems), the file is written
/// through the page cache as before.
#[cfg(target_os = "linux")]
mod direct {
    use std::fs::{File, OpenOptions};
    use std::io::{self, Write};
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    use std::path::Path;

    /// Alignment of the buffer, the file offsets and the sizes of direct writes: the
    /// largest logical block size in common use.
    const ALIGN: usize = 4096;
    /// Bytes per write.
    const BLOCK: usize = 4 << 20;

    /// A writer sending its bytes in `BLOCK`-sized writes from an aligned buffer; the
    /// last, partial block is padded to the alignment and the file cut back to its length.
    pub struct DirectWriter {
        file: File,
        /// `BLOCK + ALIGN` bytes, of which `start..start + BLOCK` is aligned.
        buf: Vec<u8>,
        start: usize,
        /// Bytes of the block filled so far.
        len: usize,
        /// Bytes written to the file so far.
        written: u64,
        /// Still writing past the page cache (cleared if the file system turns out to
        /// refuse direct writes after all).
        direct: bool,
    }

    /// Creates `path` for direct writing; `None` where direct writes are not available
    /// (then the caller writes through the page cache).
    pub fn create(path: &Path) -> Option<io::Result<DirectWriter>> {
        let file = match OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .custom_flags(libc::O_DIRECT)
            .open(path)
        {
            Ok(f) => f,
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) => return None,
            Err(e) => return Some(Err(e)),
        };
        let buf = vec![0u8; BLOCK + ALIGN];
        let start = buf.as_ptr().align_offset(ALIGN);
        Some(Ok(DirectWriter {
            file,
            buf,
            start,
            len: 0,
            written: 0,
            direct: true,
        }))
    }

    impl DirectWriter {
        /// Writes the first `n` bytes of the block (a multiple of `ALIGN` while direct).
        fn write_block(&mut self, n: usize) -> io::Result<()> {
            let block = &self.buf[self.start..self.start + n];
            match self.file.write_all(block) {
                Err(e) if self.direct && e.raw_os_error() == Some(libc::EINVAL) => {
                    // Accepted at open, refused at write: go on through the page cache,
                    // from where the refused write left the file.
                    self.go_buffered()?;
                    self.file.write_all(&self.buf[self.start..self.start + n])
                }
                r => r,
            }
        }

        /// Clears `O_DIRECT` from the open file.
        pub(super) fn go_buffered(&mut self) -> io::Result<()> {
            use std::io::Seek;
            let fd = self.file.as_raw_fd();
            // SAFETY: fcntl on a descriptor this writer owns, with integer arguments only.
            let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
            // SAFETY: as above.
            if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_DIRECT) } < 0 {
                return Err(io::Error::last_os_error());
            }
            self.direct = false;
            self.file.seek(io::SeekFrom::Start(self.written))?;
            Ok(())
        }

        /// Writes what is left and returns the file, cut to the bytes written.
        pub fn finish(mut self) -> io::Result<File> {
            if self.len > 0 {
                let n = if self.direct {
                    let padded = self.len.div_ceil(ALIGN) * ALIGN;
                    self.buf[self.start + self.len..self.start + padded].fill(0);
                    padded
                } else {
                    self.len
                };
                self.write_block(n)?;
                self.written += self.len as u64;
                self.len = 0;
            }
            self.file.set_len(self.written)?;
            Ok(self.file)
        }
    }

    impl Write for DirectWriter {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            let n = data.len().min(BLOCK - self.len);
            let at = self.start + self.len;
            self.buf[at..at + n].copy_from_slice(&data[..n]);
            self.len += n;
            if self.len == BLOCK {
                self.write_block(BLOCK)?;
                self.written += BLOCK as u64;
                self.len = 0;
            }
            Ok(n)
        }

        /// Only full blocks go out before [`finish`](DirectWriter::finish): a direct
        /// write cannot end mid-block.
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
}

/// Elsewhere, every file is written through the page cache: there is no direct writer.
#[cfg(not(target_os = "linux"))]
mod direct {
    pub enum DirectWriter {}

    impl DirectWriter {
        pub fn finish(self) -> std::io::Result<std::fs::File> {
            match self {}
        }
    }

    impl std::io::Write for DirectWriter {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            match *self {}
        }
        fn flush(&mut self) -> std::io::Result<()> {
            match *self {}
        }
    }

    pub fn create(_: &std::path::Path) -> Option<std::io::Result<DirectWriter>> {
        None
    }
}

/// The temporary name used by [`write_atomic`] for `path`: hidden, same directory, with the
/// process id so that two runs never share one.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Removes temporary files that [`write_atomic`] left in `dir` when its process was killed
/// (`.NAME.PID.tmp` whose process no longer runs). Files of a process still running are
/// kept, so two runs into one folder do not break each other. Returns how many were removed.
pub fn remove_stale_temps(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
            continue;
        };
        let Some(pid) = stem
            .rsplit_once('.')
            .and_then(|(_, p)| p.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        if !alive && cfg!(target_os = "linux") && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Converts a byte offset into `s` to a Unicode code-point offset (the unit of the
/// extraction contract, as Python indexes strings).
pub fn char_offset(s: &str, byte: usize) -> usize {
    s[..byte].chars().count()
}

/// "1 paper", "3 papers": counts in messages read as English.
pub fn n_papers(n: u32) -> String {
    if n == 1 {
        "1 paper".into()
    } else {
        format!("{n} papers")
    }
}

/// Word characters for boundary checks (dictionary terms, acronyms): letters, digits and `_`.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Classes of ASCII bytes, looked up by the scanners that walk a field byte by byte
/// (one table load instead of a chain of range tests per byte). Bytes ≥ 0x80 are in no
/// class: they start or continue a multi-byte character, which the scanners decode.
pub(crate) mod byte_class {
    /// ASCII letter or digit.
    pub(crate) const ALNUM: u8 = 1;
    /// `_`, a word character for boundary checks ([`super::is_word_char`]).
    pub(crate) const UNDERSCORE: u8 = 2;
    /// ASCII whitespace (space, tab, line feed, form feed, carriage return).
    pub(crate) const SPACE: u8 = 4;
    /// `-` or `'`, which continue a word of the acronym scanner ("GPT-4", "NEVIS'22").
    pub(crate) const HYPHEN_APOS: u8 = 8;

    /// The class bits of each byte.
    pub(crate) static TABLE: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0;
        while b < 128 {
            let c = b as u8;
            if c.is_ascii_alphanumeric() {
                t[b] = ALNUM;
            } else if c == b'_' {
                t[b] = UNDERSCORE;
            } else if c.is_ascii_whitespace() {
                t[b] = SPACE;
            } else if c == b'-' || c == b'\'' {
                t[b] = HYPHEN_APOS;
            }
            b += 1;
        }
        t
    };

    /// Whether `b` is an ASCII letter or digit.
    #[inline(always)]
    pub(crate) fn alnum(b: u8) -> bool {
        TABLE[usize::from(b)] & ALNUM != 0
    }

    /// Whether `b` is an ASCII word character: letter, digit or `_`.
    #[inline(always)]
    pub(crate) fn word(b: u8) -> bool {
        TABLE[usize::from(b)] & (ALNUM | UNDERSCORE) != 0
    }
}

/// What each byte becomes in a JSON string, as `serde_json` escapes it: 0 for itself, the
/// second byte of a short escape (`\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`), or `u` for
/// `\u00XX` (the other control characters).
static JSON_ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b'u';
        b += 1;
    }
    t[0x08] = b'b';
    t[b'\t' as usize] = b't';
    t[b'\n' as usize] = b'n';
    t[0x0c] = b'f';
    t[b'\r' as usize] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Appends `s` as a quoted JSON string: the bytes `serde_json` writes for it.
pub(crate) fn push_json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    push_json_str_contents(out, s);
    out.push(b'"');
}

/// Eight bytes of `b` from `i` as a little-endian word.
#[inline(always)]
fn word_at(b: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[i..i + 8]);
    u64::from_le_bytes(w)
}

/// The length of the leading whole eight-byte words of `b` in which `special` finds nothing
/// (a multiple of eight, or less than eight short of `b.len()`): the plain text an escaper
/// can copy without looking at each byte.
#[inline]
pub(crate) fn plain_words(b: &[u8], special: impl Fn(u64) -> bool) -> usize {
    let mut i = 0;
    while i + 8 <= b.len() && !special(word_at(b, i)) {
        i += 8;
    }
    i
}

/// Word-at-a-time byte tests: a byte of `x` equal to `c` is a zero byte of `x ^ c…c`, and
/// a zero byte (or one below `n`) sets the high bit of its lane in `x - n…n & !x`.
pub(crate) mod swar {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;

    /// Whether a byte of `x` is below `n` (for `n` ≤ 0x80).
    #[inline(always)]
    pub(crate) fn any_below(x: u64, n: u8) -> bool {
        x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH != 0
    }

    /// Whether a byte of `x` equals `c`.
    #[inline(always)]
    pub(crate) fn any_eq(x: u64, c: u8) -> bool {
        any_below(x ^ (ONES * u64::from(c)), 1)
    }
}

/// Appends `s` escaped for the inside of a JSON string, copying runs of plain text at once.
pub(crate) fn push_json_str_contents(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    let special = |x| swar::any_below(x, 0x20) || swar::any_eq(x, b'"') || swar::any_eq(x, b'\\');
    // Words without a byte to escape are skipped eight bytes at a time: most text has none.
    let start = plain_words(b, special);
    // The last few bytes too, as one word padded with spaces (most strings written are
    // short names, which are nothing but such a tail).
    let tail = &b[start..];
    if tail.len() < 8 {
        let pad = 0x2020_2020_2020_2020u64 & (u64::MAX << (8 * tail.len()));
        if !special(le_tail(tail) | pad) {
            out.extend_from_slice(b);
            return;
        }
    }
    let mut from = 0;
    for (i, &c) in b.iter().enumerate().skip(start) {
        let esc = JSON_ESCAPE[usize::from(c)];
        if esc == 0 {
            continue;
        }
        out.extend_from_slice(&b[from..i]);
        if esc == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(c >> 4)]);
            out.push(HEX[usize::from(c & 0xf)]);
        } else {
            out.extend_from_slice(&[b'\\', esc]);
        }
        from = i + 1;
    }
    out.extend_from_slice(&b[from..]);
}

/// Head nouns that add nothing after a name: "miniImageNet benchmark" is miniImageNet,
/// "GAST model" is GAST.
const GENERIC_HEADS: &[&str] = &[
    "dataset",
    "datasets",
    "benchmark",
    "benchmarks",
    "corpus",
    "corpora",
    "model",
    "models",
    "framework",
    "frameworks",
    "method",
    "methods",
    "network",
    "networks",
    "architecture",
    "architectures",
    "algorithm",
    "algorithms",
    "approach",
    "approaches",
];

/// `s` split into the words before a generic last word and that word ("Cityscapes
/// dataset" → ("Cityscapes", "dataset")); `None` without a generic head.
pub(crate) fn split_generic_head(s: &str) -> Option<(&str, &str)> {
    let (rest, head) = s.trim().rsplit_once(char::is_whitespace)?;
    let rest = rest.trim_end();
    (!rest.is_empty() && GENERIC_HEADS.iter().any(|h| h.eq_ignore_ascii_case(head)))
        .then_some((rest, head))
}

/// The name in "NAME head" when NAME is one name-shaped token (capitals after the first
/// letter, or digits: "CIFAR-100", "miniImageNet", "GPT-4") and head is generic. Ordinary
/// phrases ("language model", "Transformer model") are left alone.
pub(crate) fn strip_generic_head(s: &str) -> Option<&str> {
    let (rest, _) = split_generic_head(s)?;
    if rest.contains(char::is_whitespace) {
        return None;
    }
    // A capital inside a part counts ("miniImageNet", "RS-GPT4V"); capitals opening the
    // parts of a hyphenated compound do not ("Vision-Language Model" is a phrase).
    let name_shaped = rest
        .split('-')
        .any(|part| part.chars().skip(1).any(|c| c.is_uppercase()))
        || rest.chars().any(|c| c.is_ascii_digit());
    name_shaped.then_some(rest)
}

/// The bytes of `rest` (fewer than eight) as a little-endian `u64`, zero-padded: the last
/// word of a string hash. Two overlapping loads instead of a copy into a buffer, which
/// compiles to a `memcpy` call for every word hashed.
#[inline]
pub(crate) fn le_tail(rest: &[u8]) -> u64 {
    let n = rest.len();
    debug_assert!(n < 8);
    if n >= 4 {
        let lo = u64::from(u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]));
        let hi = u64::from(u32::from_le_bytes([
            rest[n - 4],
            rest[n - 3],
            rest[n - 2],
            rest[n - 1],
        ]));
        lo | (hi << (8 * (n - 4)))
    } else if n > 0 {
        u64::from(rest[0])
            | (u64::from(rest[n / 2]) << (8 * (n / 2)))
            | (u64::from(rest[n - 1]) << (8 * (n - 1)))
    } else {
        0
    }
}

/// Advances a xorshift state and returns it: the reproducible pseudo-random numbers of the
/// randomized tests.
#[cfg(test)]
pub(crate) fn xorshift(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_tail_is_the_zero_padded_little_endian_word() {
        let bytes = [0x01u8, 0x82, 0x7f, 0xff, 0x10, 0x00, 0xab];
        for n in 0..8 {
            let mut buf = [0u8; 8];
            buf[..n].copy_from_slice(&bytes[..n]);
            assert_eq!(le_tail(&bytes[..n]), u64::from_le_bytes(buf), "{n} bytes");
        }
    }

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        fs::write(&p, "old").unwrap();
        write_atomic(&p, |w| w.write_all(b"new content")).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new content");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// Every short string with a byte to escape at any place (or none) is written as
    /// `serde_json` writes it: the tail checked as one padded word misses nothing.
    #[test]
    fn json_strings_escape_every_place_of_short_strings() {
        for len in 0..20 {
            for at in 0..=len {
                for special in ['"', '\\', '\n', '\u{1}', '\u{1f}', ' ', 'é'] {
                    let s: String = (0..len)
                        .map(|i| if i == at { special } else { 'a' })
                        .collect();
                    let mut got = Vec::new();
                    super::push_json_str(&mut got, &s);
                    assert_eq!(got, serde_json::to_vec(&s).unwrap(), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn failed_write_keeps_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        fs::write(&p, "old").unwrap();
        let err = write_atomic(&p, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert_eq!(fs::read_to_string(&p).unwrap(), "old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn every_length_is_written_exactly_past_the_page_cache_or_through_it() {
        const MIB: usize = 1 << 20;
        // Around the direct writer's alignment (4 KiB) and block (4 MiB) boundaries, written
        // in pieces of several sizes: the file holds exactly the bytes, no padding.
        let lengths = [
            0,
            1,
            4095,
            4096,
            4097,
            4 * MIB - 1,
            4 * MIB,
            4 * MIB + 1,
            9 * MIB + 5,
        ];
        // The temp folder (a disk file system) and, where there is one, /dev/shm (tmpfs,
        // which takes direct writes since Linux 6.6 and refused them before).
        let mut dirs = vec![tempfile::tempdir().unwrap()];
        if let Ok(shm) = tempfile::tempdir_in("/dev/shm") {
            dirs.push(shm);
        }
        for dir in &dirs {
            for (i, &len) in lengths.iter().enumerate() {
                let data: Vec<u8> = (0..len).map(|j| (j * 7 + i) as u8).collect();
                let p = dir.path().join(format!("f{i}"));
                fs::write(&p, vec![b'x'; 5 * MIB]).unwrap();
                write_atomic(&p, |w| {
                    let mut rest = &data[..];
                    for piece in [1, 4096 * 3 + 17, 5 * MIB].iter().cycle() {
                        if rest.is_empty() {
                            break;
                        }
                        let (now, later) = rest.split_at((*piece).min(rest.len()));
                        w.write_all(now)?;
                        rest = later;
                    }
                    Ok(())
                })
                .unwrap();
                let got = fs::read(&p).unwrap();
                assert_eq!(got.len(), len, "{} length {len}", dir.path().display());
                assert!(got == data, "{} length {len}", dir.path().display());
            }
            assert_eq!(fs::read_dir(dir.path()).unwrap().count(), lengths.len());
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_direct_write_refused_midway_goes_on_through_the_page_cache() {
        // What happens when a file system takes the open but refuses a write: the writer
        // clears O_DIRECT and goes on from where the file ends, in the middle of a block.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let data: Vec<u8> = (0..(9 << 20) + 123)
            .map(|j: usize| (j * 13) as u8)
            .collect();
        let mut w = direct::create(&p).expect("direct writes here").unwrap();
        w.write_all(&data[..(4 << 20) + 5000]).unwrap();
        w.go_buffered().unwrap();
        w.write_all(&data[(4 << 20) + 5000..]).unwrap();
        drop(w.finish().unwrap());
        assert!(fs::read(&p).unwrap() == data);
    }

    #[test]
    fn stale_temps_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join(".graph.json.4000000000.tmp");
        let mine = dir
            .path()
            .join(format!(".graph.json.{}.tmp", std::process::id()));
        let other = dir.path().join(".hidden.tmp");
        for p in [&dead, &mine, &other] {
            fs::write(p, "x").unwrap();
        }
        assert_eq!(remove_stale_temps(dir.path()), 1);
        assert!(!dead.exists() && mine.exists() && other.exists());
    }

    #[test]
    fn char_offsets_count_code_points() {
        let s = "naïve 東京 x";
        let byte = s.find('x').unwrap();
        assert_eq!(char_offset(s, byte), 9);
    }
}
