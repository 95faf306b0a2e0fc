//! Hostile inputs through the `paperkg` binary, each with its exact outcome pinned: the
//! paper is processed, or it is in `rejects.jsonl` with file, line and reason, or the run
//! stops with a clear message and exit code 2. Every run also checks the accounting: papers
//! read = papers in the graph + rejects, as the summary prints it.

use assert_cmd::Command;
use paperkg::corpus::{read_inputs, ReadOptions, Record};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What one `paperkg run` left behind.
#[derive(Debug)]
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
    /// (file, line, reason) of each reject.
    rejects: Vec<(String, u64, String)>,
    /// (id, title) of each paper in graph.json.
    papers: Vec<(String, String)>,
    out_dir: PathBuf,
}

impl Outcome {
    /// The number after a summary label, e.g. `papers read:`.
    fn count(&self, label: &str) -> Option<u64> {
        self.stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
    }

    /// A successful run whose summary accounts for every record.
    fn assert_accounted(&self) {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        let read = self
            .count("papers read:")
            .expect("summary has 'papers read:'");
        let in_graph = self.count("in graph:").expect("summary has 'in graph:'");
        let rejected = self.count("rejected:").expect("summary has 'rejected:'");
        assert_eq!(in_graph, self.papers.len() as u64, "{}", self.stdout);
        assert_eq!(rejected, self.rejects.len() as u64, "{}", self.stdout);
        assert_eq!(read, in_graph + rejected, "{}", self.stdout);
    }

    fn ids(&self) -> Vec<&str> {
        self.papers.iter().map(|(id, _)| id.as_str()).collect()
    }

    fn titles(&self) -> Vec<&str> {
        self.papers.iter().map(|(_, t)| t.as_str()).collect()
    }

    /// (line, reason) of the rejects, all of which must be from `file`.
    fn rejects_of(&self, file: &Path) -> Vec<(u64, &str)> {
        self.rejects
            .iter()
            .map(|(f, line, reason)| {
                assert_eq!(f, &file.display().to_string());
                (*line, reason.as_str())
            })
            .collect()
    }
}

/// Runs `paperkg run --quiet INPUTS -o <fresh dir>` and collects what it wrote.
fn run(work: &Path, inputs: &[&Path]) -> Outcome {
    let out_dir = work.join(format!("out-{}", unique()));
    let out = Command::cargo_bin("paperkg")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("run")
        .arg("--quiet")
        .args(inputs)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    let rejects = std::fs::read_to_string(out_dir.join("rejects.jsonl"))
        .map(|text| {
            text.lines()
                .map(|l| {
                    let v: Value = serde_json::from_str(l).unwrap();
                    (
                        v["file"].as_str().unwrap().to_string(),
                        v["line"].as_u64().unwrap(),
                        v["reason"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let papers = std::fs::read_to_string(out_dir.join("graph.json"))
        .map(|text| {
            let g: Value = serde_json::from_str(&text).unwrap();
            g["papers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["id"].as_str().unwrap().to_string(),
                        p["title"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        rejects,
        papers,
        out_dir,
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The abstracts the library reads from `path`, in order (papers only).
fn abstracts(path: &Path) -> Vec<String> {
    read_inputs(&[path.to_path_buf()], &ReadOptions::default())
        .unwrap()
        .filter_map(|r| match r.unwrap() {
            Record::Paper(p) => Some(p.abstract_text),
            Record::Reject(_) => None,
        })
        .collect()
}

/// A paragraph the page reader takes as an abstract.
const ABSTRACT: &str = "We study continual learning without forgetting. Our method replays \
    a few stored examples and distils the old model into the new one. Experiments on three \
    benchmarks show large gains over strong baselines.";

#[test]
fn empty_files_are_read_as_no_papers_and_the_run_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "e.txt",
        "e.jsonl",
        "e.json",
        "e.csv",
        "e.tsv",
        "noext",
        "blank.jsonl",
    ] {
        let bytes: &[u8] = if name == "blank.jsonl" {
            b"\n \r\n\t\n"
        } else {
            b""
        };
        let p = write(dir.path(), name, bytes);
        let o = run(dir.path(), &[&p]);
        o.assert_accounted();
        assert_eq!(o.count("papers read:"), Some(0), "{name}");
        // The outputs are complete, just empty.
        assert!(o.out_dir.join("graph.json").is_file(), "{name}");
        assert!(o.out_dir.join("neo4j").is_dir(), "{name}");
    }
    // A zero-byte .gz is not a gzip stream: reported, not silently empty.
    let p = write(dir.path(), "e.jsonl.gz", b"");
    let o = run(dir.path(), &[&p]);
    o.assert_accounted();
    assert_eq!(
        o.rejects_of(&p),
        [(
            1,
            "gzip stream is truncated or corrupt: unexpected end of file"
        )]
    );
}

#[test]
fn a_directory_given_as_input_fails_up_front_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("papers.jsonl");
    std::fs::create_dir(&input).unwrap();
    let good = write(
        dir.path(),
        "good.jsonl",
        b"{\"title\":\"T\",\"abstract\":\"a\"}\n",
    );
    // Even when it comes after a good input: inputs are all checked before any work.
    let o = run(dir.path(), &[&good, &input]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains(&format!("{}: is a directory, not a file", input.display())),
        "{}",
        o.stderr
    );
    assert!(!o.out_dir.join("graph.json").exists());
    assert!(!o.out_dir.join("rejects.jsonl").exists());
}

#[test]
fn a_missing_input_fails_up_front_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.jsonl");
    let o = run(dir.path(), &[&missing]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains(&format!("cannot read {}: No such file", missing.display())),
        "{}",
        o.stderr
    );
    assert!(!o.out_dir.join("graph.json").exists());
}

#[test]
fn an_unreadable_file_fails_with_exit_2_except_for_root() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "locked.jsonl",
        b"{\"id\":\"l1\",\"title\":\"Locked\",\"abstract\":\"a\"}\n",
    );
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root (as in this project's containers) reads a mode-000 file all the same; then the
    // only correct behaviour is to read it like any other file.
    let readable = std::fs::read(&p).is_ok();
    let o = run(dir.path(), &[&p]);
    if readable {
        eprintln!("note: running as root, mode 000 does not stop reading; root behaviour checked");
        o.assert_accounted();
        assert_eq!(o.ids(), ["l1"]);
    } else {
        assert_eq!(o.code, 2);
        assert!(
            o.stderr
                .contains(&format!("cannot read {}: Permission denied", p.display())),
            "{}",
            o.stderr
        );
        assert!(!o.out_dir.join("graph.json").exists());
    }
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn a_20_mb_single_line_is_one_record_and_its_reject_quotes_only_an_excerpt() {
    let dir = tempfile::tempdir().unwrap();
    let line = "x".repeat(20 << 20);

    // Page format: one 20 MB "word" is a title candidate without an abstract.
    let page = write(dir.path(), "big.txt", format!("{line}\n").as_bytes());
    let o = run(dir.path(), &[&page]);
    o.assert_accounted();
    let want = format!("title without abstract: \"{}…\"", "x".repeat(100));
    assert_eq!(o.rejects_of(&page), [(1, want.as_str())]);
    let size = std::fs::metadata(o.out_dir.join("rejects.jsonl"))
        .unwrap()
        .len();
    assert!(size < 1000, "rejects.jsonl is {size} bytes");

    // JSON Lines: a 20 MB abstract is an ordinary paper.
    let jsonl = write(
        dir.path(),
        "big.jsonl",
        format!("{{\"id\":\"big\",\"title\":\"Big\",\"abstract\":\"{line}\"}}\n").as_bytes(),
    );
    let o = run(dir.path(), &[&jsonl]);
    o.assert_accounted();
    assert_eq!(o.ids(), ["big"]);

    // A 20 MB line of junk in JSON Lines: one reject, with serde's position.
    let junk = write(dir.path(), "junk.jsonl", format!("{line}\n").as_bytes());
    let o = run(dir.path(), &[&junk]);
    o.assert_accounted();
    assert_eq!(
        o.rejects_of(&junk),
        [(1, "invalid JSON: expected value at line 1 column 1")]
    );
}

#[test]
fn a_page_block_over_4_mb_is_one_reject_and_the_next_paper_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // 6 MB of lines without a blank line: a log file read as a page, after a title.
    let mut text = String::from("A Title\n\n");
    while text.len() < 6 << 20 {
        text.push_str(ABSTRACT);
        text.push('\n');
    }
    text.push_str(&format!("\nSecond Title\n\n{ABSTRACT}\n"));
    let p = write(dir.path(), "long.txt", text.as_bytes());
    let o = run(dir.path(), &[&p]);
    o.assert_accounted();
    assert_eq!(o.titles(), ["Second Title"]);
    let reason = "paragraph longer than 4 MB without a blank line (not a page of papers? use \
                  --input-format for other formats)";
    assert_eq!(o.rejects_of(&p), [(1, reason)]);
    // Without any title: the same reason, on the block's first line.
    let bare = write(dir.path(), "bare.txt", &text.as_bytes()[9..]);
    let o = run(dir.path(), &[&bare]);
    o.assert_accounted();
    assert_eq!(o.rejects_of(&bare), [(1, reason)]);
}

#[test]
fn nul_bytes_are_rejected_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    // Raw NUL inside a JSON string is invalid JSON; after the object, trailing data.
    let raw = write(
        dir.path(),
        "raw.jsonl",
        b"{\"id\":\"a\",\"title\":\"T\x00\",\"abstract\":\"x\"}\n{\"id\":\"b\",\"title\":\"B\",\"abstract\":\"x\"}\x00\n{\"id\":\"c\",\"title\":\"C\",\"abstract\":\"x\"}\n",
    );
    let o = run(dir.path(), &[&raw]);
    o.assert_accounted();
    assert_eq!(o.ids(), ["c"]);
    assert_eq!(
        o.rejects_of(&raw),
        [
            (1, "invalid JSON: control character (\\u0000-\\u001F) found while parsing a string at line 1 column 21"),
            (2, "invalid JSON: trailing characters at line 1 column 38"),
        ]
    );
    // An escaped \u0000 is valid JSON, but still not text.
    let esc = write(
        dir.path(),
        "esc.jsonl",
        b"{\"id\":\"a\",\"title\":\"T\",\"abstract\":\"x\\u0000y\"}\n",
    );
    let o = run(dir.path(), &[&esc]);
    o.assert_accounted();
    assert_eq!(
        o.rejects_of(&esc),
        [(
            1,
            "NUL character in the abstract (binary data, or a UTF-16 file?)"
        )]
    );
    let csv = write(
        dir.path(),
        "nul.csv",
        b"id,title,abstract\n1,Ti\x00tle,a\n2,Fine,b\n",
    );
    let o = run(dir.path(), &[&csv]);
    o.assert_accounted();
    assert_eq!(o.ids(), ["2"]);
    assert_eq!(
        o.rejects_of(&csv),
        [(
            2,
            "NUL character in the title (binary data, or a UTF-16 file?)"
        )]
    );
    let page = write(
        dir.path(),
        "nul.txt",
        format!(
            "A Title\n\n{}\n\nSecond Title\n\n{ABSTRACT}\n",
            ABSTRACT.replace("method", "met\0hod")
        )
        .as_bytes(),
    );
    let o = run(dir.path(), &[&page]);
    o.assert_accounted();
    assert_eq!(o.titles(), ["Second Title"]);
    assert_eq!(
        o.rejects_of(&page),
        [(
            1,
            "NUL character in the abstract (binary data, or a UTF-16 file?)"
        )]
    );
}

#[test]
fn a_utf16_file_fails_up_front_with_how_to_convert_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for u in "id,title,abstract\n1,T,a\n".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let p = write(dir.path(), "papers.csv", &bytes);
    let o = run(dir.path(), &[&p]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains(&format!(
            "{}: is UTF-16 text (it starts with a UTF-16 byte-order mark), but paperkg reads UTF-8: convert it first, e.g. with `iconv -f UTF-16 -t UTF-8`",
            p.display()
        )),
        "{}",
        o.stderr
    );
    assert!(!o.out_dir.join("graph.json").exists());
}

#[test]
fn a_utf8_bom_is_skipped_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let bom = "\u{feff}";
    let cases = [
        (
            "bom.jsonl",
            format!("{bom}{{\"id\":\"j\",\"title\":\"BOM JSONL\",\"abstract\":\"a\"}}\n"),
        ),
        (
            "bom.json",
            format!("{bom}[{{\"id\":\"a\",\"title\":\"BOM array\",\"abstract\":\"a\"}}]"),
        ),
        ("bom.csv", format!("{bom}id,title,abstract\nc,BOM CSV,a\n")),
        (
            "bom.tsv",
            format!("{bom}id\ttitle\tabstract\nt\tBOM TSV\ta\n"),
        ),
        ("bom.txt", format!("{bom}BOM Page\n\n{ABSTRACT}\n")),
        // No extension: the format is sniffed after the BOM.
        (
            "bomcsv",
            format!("{bom}id,title,abstract\ns,BOM sniffed,a\n"),
        ),
    ];
    for (name, text) in cases {
        let p = write(dir.path(), name, text.as_bytes());
        let o = run(dir.path(), &[&p]);
        o.assert_accounted();
        assert!(o.rejects.is_empty(), "{name}: {:?}", o.rejects);
        assert_eq!(o.papers.len(), 1, "{name}");
        assert!(
            o.titles()[0].starts_with("BOM "),
            "{name}: {:?}",
            o.titles()
        );
        assert!(!o.ids()[0].contains('\u{feff}'), "{name}");
    }
}

#[test]
fn crlf_line_ends_do_not_leak_into_titles_or_abstracts() {
    let dir = tempfile::tempdir().unwrap();
    let page = write(
        dir.path(),
        "crlf.txt",
        format!(
            "Wrapped\r\nTitle\r\n\r\n{}\r\n",
            ABSTRACT.replacen(". ", ".\r\n", 1)
        )
        .as_bytes(),
    );
    let o = run(dir.path(), &[&page]);
    o.assert_accounted();
    assert_eq!(o.titles(), ["Wrapped Title"]);
    assert_eq!(abstracts(&page), [ABSTRACT.replacen(". ", ".\n", 1)]);

    let jsonl = write(
        dir.path(),
        "crlf.jsonl",
        b"{\"id\":\"1\",\"title\":\"A\",\"abstract\":\"x\"}\r\n\r\n{\"id\":\"2\",\"title\":\"B\",\"abstract\":\"y\\r\\n\"}\r\n",
    );
    let o = run(dir.path(), &[&jsonl]);
    o.assert_accounted();
    assert_eq!(o.ids(), ["1", "2"]);
    // An escaped \r\n inside a JSON string is content and kept.
    assert_eq!(abstracts(&jsonl), ["x", "y\r\n"]);

    let csv = write(
        dir.path(),
        "crlf.csv",
        b"id,title,abstract\r\n1,\"Two\r\nLines\",\"multi\r\nline\"\r\n2,B,b\r\n",
    );
    let o = run(dir.path(), &[&csv]);
    o.assert_accounted();
    assert_eq!(o.titles(), ["Two Lines", "B"]);
    assert_eq!(abstracts(&csv), ["multi\nline", "b"]);
}

#[test]
fn latin1_bytes_are_rejected_with_line_and_byte() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = write(
        dir.path(),
        "latin1.jsonl",
        b"{\"id\":\"1\",\"title\":\"caf\xe9\",\"abstract\":\"x\"}\n{\"id\":\"2\",\"title\":\"ok\",\"abstract\":\"x\"}\n",
    );
    let o = run(dir.path(), &[&jsonl]);
    o.assert_accounted();
    assert_eq!(o.ids(), ["2"]);
    assert_eq!(o.rejects_of(&jsonl), [(1, "invalid UTF-8 at byte 23")]);

    let csv = write(
        dir.path(),
        "latin1.csv",
        b"id,title,abstract\n1,caf\xe9,x\n2,ok,na\xefve\n3,fine,x\n",
    );
    let o = run(dir.path(), &[&csv]);
    o.assert_accounted();
    assert_eq!(o.ids(), ["3"]);
    assert_eq!(
        o.rejects_of(&csv),
        [
            (2, "invalid UTF-8 in column 'title' at byte 4"),
            (3, "invalid UTF-8 in column 'abstract' at byte 3"),
        ]
    );

    let mut page = b"Caf\xe9 Title\n\n".to_vec();
    page.extend_from_slice(ABSTRACT.as_bytes());
    page.extend_from_slice(format!("\n\nClean Title\n\n{ABSTRACT}\n").as_bytes());
    let page = write(dir.path(), "latin1.txt", &page);
    let o = run(dir.path(), &[&page]);
    o.assert_accounted();
    assert_eq!(o.titles(), ["Clean Title"]);
    assert_eq!(
        o.rejects_of(&page),
        [(1, "invalid UTF-8 in line 1 at byte 4")]
    );
}

/// Odd JSON records; the same text as JSON Lines and as a JSON array gives the same result.
const ODD_JSON: &[&str] = &[
    // Duplicate keys: the last one wins (as in Python, JavaScript, serde_json::Value).
    r#"{"id":"d1","title":"First","title":"Second","abstract":"dup keys"}"#,
    // A null id: the title slug is the id.
    r#"{"id":null,"title":"Null id","abstract":"x"}"#,
    r#"{"id":"n1","title":null,"abstract":"x"}"#,
    // A null abstract falls back to summary.
    r#"{"id":"n2","title":"Summary fallback","abstract":null,"summary":"s"}"#,
    // A number id is taken in decimal form.
    r#"{"id":42,"title":"Number id","abstract":"x"}"#,
    r#"{"id":"n3","title":12,"abstract":"x"}"#,
    r#"{"id":"n4","title":"Nested abstract","abstract":{"text":"nested"}}"#,
    r#"{"id":{"a":1},"title":"Object id","abstract":"x"}"#,
    // Nested data in fields nobody reads is fine.
    r#"{"id":"n5","title":"Nested elsewhere","abstract":"x","meta":{"deep":[1,[2,{"x":null}]]}}"#,
    // Metadata of the wrong shape is dropped, the paper kept.
    r#"{"id":"n6","title":"Odd metadata","abstract":"x","authors":[{"name":"A"}],"categories":7,"year":true}"#,
    // A number beyond f64 in a field nobody reads is skipped unparsed.
    r#"{"id":"n7","title":"Huge number","abstract":"x","score":1e400}"#,
    r#"{"id":"n8","title":"   ","abstract":"x"}"#,
    r#"{"id":"n9","title":"Empty abstract","abstract":" \n "}"#,
    r#"["an","array"]"#,
    r#""a string""#,
    // …but as the id it makes the record invalid JSON (serde_json cannot parse it).
    r#"{"id":1e400,"title":"Huge id","abstract":"x"}"#,
];

#[test]
fn odd_json_records_are_kept_or_rejected_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let lines = ODD_JSON.join("\n") + "\n";
    let jsonl = write(dir.path(), "odd.jsonl", lines.as_bytes());
    let array = write(
        dir.path(),
        "odd.json",
        format!("[{}]\n", ODD_JSON.join(",\n")).as_bytes(),
    );
    let want_ids = ["d1", "null-id", "n2", "42", "n5", "n6", "n7"];
    let want_rejects: &[(u64, &str)] = &[
        (3, "field 'title' is null, expected a string"),
        (6, "field 'title' is a number, expected a string"),
        (7, "field 'abstract' is an object, expected a string"),
        (8, "field 'id' is an object, expected a string or a number"),
        (12, "field 'title' (title) is empty"),
        (13, "field 'abstract' (abstract) is empty"),
        (14, "expected a JSON object, found an array"),
        (15, "expected a JSON object, found a string"),
        (16, "invalid JSON: number out of range at line 1 column 11"),
    ];
    for p in [&jsonl, &array] {
        let o = run(dir.path(), &[p]);
        o.assert_accounted();
        assert_eq!(o.ids(), want_ids, "{}", p.display());
        assert_eq!(o.titles()[0], "Second");
        assert_eq!(o.rejects_of(p), want_rejects, "{}", p.display());
    }
    let papers: Vec<_> = read_inputs(&[jsonl], &ReadOptions::default())
        .unwrap()
        .filter_map(|r| match r.unwrap() {
            Record::Paper(p) => Some(p),
            _ => None,
        })
        .collect();
    assert_eq!(papers[0].abstract_text, "dup keys");
    assert_eq!(papers[2].abstract_text, "s");
    assert!(papers[5].authors.is_empty() && papers[5].categories.is_empty());
    assert_eq!(papers[5].year, None);
}

#[test]
fn deeply_nested_json_is_read_without_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 100_000;
    let deep = format!(
        "{}{}\n{{\"id\":\"ok\",\"title\":\"After\",\"abstract\":\"x\"}}\n{}1{}\n",
        "[".repeat(depth),
        "]".repeat(depth),
        "{\"a\":".repeat(depth),
        "}".repeat(depth)
    );
    let jsonl = write(dir.path(), "deep.jsonl", deep.as_bytes());
    let o = run(dir.path(), &[&jsonl]);
    o.assert_accounted();
    assert_eq!(o.ids(), ["ok"]);
    assert_eq!(
        o.rejects_of(&jsonl),
        [
            (1, "expected a JSON object, found an array"),
            (3, "missing title (no field 'title')"),
        ]
    );
}

#[test]
fn csv_with_embedded_newlines_and_doubled_quotes_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        dir.path(),
        "emb.csv",
        b"id,title,abstract\n1,\"Embedded\nnewline title\",\"He said \"\"hi\"\", then\nleft.\"\n2,\"Only \"\"quotes\"\"\",\"x\"\n3,\"a, b\",\"c\"\"\"\n",
    );
    let o = run(dir.path(), &[&csv]);
    o.assert_accounted();
    assert!(o.rejects.is_empty());
    assert_eq!(
        o.titles(),
        ["Embedded newline title", "Only \"quotes\"", "a, b"]
    );
    assert_eq!(abstracts(&csv), ["He said \"hi\", then\nleft.", "x", "c\""]);
    // The record after a multi-line field is reported on its own line.
    let bad = write(
        dir.path(),
        "bad.csv",
        b"id,title,abstract\n1,\"Multi\nline\",x\n2,too,many,fields\n",
    );
    let o = run(dir.path(), &[&bad]);
    o.assert_accounted();
    assert_eq!(o.rejects_of(&bad), [(4, "row has 4 fields, header has 3")]);
}

#[test]
fn a_truncated_gz_keeps_what_was_complete_and_rejects_the_rest() {
    use flate2::{write::GzEncoder, Compression};
    let dir = tempfile::tempdir().unwrap();
    let text: String = (0..2000)
        .map(|i| {
            format!("{{\"id\":\"g{i}\",\"title\":\"Paper {i}\",\"abstract\":\"abstract {i}\"}}\n")
        })
        .collect();
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    let z = e.finish().unwrap();
    let p = write(dir.path(), "cut.jsonl.gz", &z[..z.len() / 2]);
    let after = write(
        dir.path(),
        "after.jsonl",
        b"{\"id\":\"next\",\"title\":\"Next file\",\"abstract\":\"x\"}\n",
    );
    let o = run(dir.path(), &[&p, &after]);
    o.assert_accounted();
    assert_eq!(o.rejects.len(), 1, "{:?}", o.rejects);
    let (file, line, reason) = &o.rejects[0];
    assert_eq!(file, &p.display().to_string());
    assert_eq!(
        reason,
        "gzip stream is truncated or corrupt: incomplete deflate stream"
    );
    // Every line before the reject was complete and is a paper; the next file is read.
    let n = *line as usize - 1;
    assert!(n > 100 && n < 2000, "{n}");
    let want: Vec<String> = (0..n)
        .map(|i| format!("g{i}"))
        .chain(["next".to_string()])
        .collect();
    assert_eq!(o.ids(), want);

    // Not gzip at all, but named .gz.
    let junk = write(dir.path(), "junk.gz", b"this is not gzip\n");
    let o = run(dir.path(), &[&junk]);
    o.assert_accounted();
    assert_eq!(
        o.rejects_of(&junk),
        [(
            1,
            "gzip stream is truncated or corrupt: invalid gzip header"
        )]
    );
}

#[test]
fn duplicate_ids_are_kept_apart_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "dups.jsonl",
        concat!(
            "{\"id\":\"x\",\"title\":\"A\",\"abstract\":\"a\"}\n",
            "{\"id\":\"x\",\"title\":\"B\",\"abstract\":\"b\"}\n",
            "{\"title\":\"Same Title\",\"abstract\":\"c\"}\n",
            "{\"title\":\"Same Title\",\"abstract\":\"d\"}\n",
            "{\"id\":\"x~2\",\"title\":\"C\",\"abstract\":\"e\"}\n",
            "{\"id\":\" x \",\"title\":\"D\",\"abstract\":\"f\"}\n",
        )
        .as_bytes(),
    );
    // The same file twice: ids are unique over the whole run.
    let o = run(dir.path(), &[&p, &p]);
    o.assert_accounted();
    assert_eq!(
        o.ids(),
        [
            "x",
            "x~2",
            "same-title",
            "same-title~2",
            "x~2~2",
            "x~3",
            "x~4",
            "x~5",
            "same-title~3",
            "same-title~4",
            "x~2~3",
            "x~6"
        ]
    );
    assert!(
        o.stdout
            .contains("  duplicate ids:    10 (kept apart with a ~N suffix)"),
        "{}",
        o.stdout
    );
}

#[test]
fn a_1_mb_abstract_is_processed_and_offsets_stay_valid() {
    let dir = tempfile::tempdir().unwrap();
    let sentence = "We apply continual learning to CIFAR-100 with a transformer (ViT). ";
    let mut text = String::new();
    while text.len() < 1 << 20 {
        text.push_str(sentence);
        text.push_str("Ünïcödé 東京 text. ");
    }
    let line = serde_json::json!({"id": "huge", "title": "A Huge Abstract", "abstract": text});
    let p = write(dir.path(), "huge.jsonl", format!("{line}\n").as_bytes());
    let o = run(dir.path(), &[&p]);
    o.assert_accounted();
    assert_eq!(o.ids(), ["huge"]);

    let out = dir.path().join("ex.jsonl");
    let res = Command::cargo_bin("paperkg")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["extract", "--quiet"])
        .arg(&p)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(res.status.success());
    let ex: Value = serde_json::from_str(std::fs::read_to_string(&out).unwrap().trim()).unwrap();
    // Indexed once: the abstract has tens of thousands of mentions once the rules find them.
    let title: Vec<char> = "A Huge Abstract".chars().collect();
    let abs: Vec<char> = text.chars().collect();
    for m in ex["mentions"].as_array().unwrap() {
        let (s, e) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        let field = if m["field"] == "title" { &title } else { &abs };
        assert!(s < e && e <= field.len(), "{m}");
        let got: String = field[s..e].iter().collect();
        assert_eq!(got, m["text"].as_str().unwrap());
    }
}

/// 100,000 papers with one title: 100,000 unique ids. Id assignment is a hash lookup per
/// paper plus one per suffix tried, with the next suffix remembered per base id, so this is
/// linear (about as fast as 100,000 different titles).
#[test]
fn a_hundred_thousand_papers_with_one_title_get_unique_ids() {
    let dir = tempfile::tempdir().unwrap();
    let n = 100_000;
    let mut text = String::with_capacity(n * 60);
    for i in 0..n {
        text.push_str(&format!(
            "{{\"title\":\"Same Title\",\"abstract\":\"abstract {i}\"}}\n"
        ));
    }
    let p = write(dir.path(), "same.jsonl", text.as_bytes());
    let o = run(dir.path(), &[&p]);
    o.assert_accounted();
    assert_eq!(o.papers.len(), n);
    let ids: std::collections::HashSet<&str> = o.ids().into_iter().collect();
    assert_eq!(ids.len(), n);
    assert_eq!(o.ids()[0], "same-title");
    assert_eq!(o.ids()[n - 1], format!("same-title~{n}"));
    assert!(
        o.stdout
            .contains(&format!("  duplicate ids:    {} (kept", n - 1)),
        "{}",
        o.stdout
    );
}
