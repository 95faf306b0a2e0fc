//! Opening inputs: gzip (by name and by magic bytes), truncated gzip, content sniffing, BOM,
//! forced formats, fatal errors found up front, and strict mode.

use flate2::{write::GzEncoder, Compression};
use paperkg::corpus::{read_inputs, CorpusError, InputFormat, ReadOptions, Record};
use std::io::Write;
use std::path::{Path, PathBuf};

const JSONL: &str = "{\"id\":\"a1\",\"title\":\"Alpha\",\"abstract\":\"First.\"}\n\
                     {\"id\":\"a2\",\"title\":\"Beta\",\"abstract\":\"Second.\"}\n\
                     {\"id\":\"a3\",\"title\":\"Gamma\"}\n";

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// (line, id or "reject: reason") for every record; panics on a fatal error.
fn outline(paths: &[PathBuf], opts: &ReadOptions) -> Vec<String> {
    read_inputs(paths, opts)
        .unwrap()
        .map(|r| match r.unwrap() {
            Record::Paper(p) => format!("{}:{} {}", p.source.file, p.source.line, p.id),
            Record::Reject(j) => format!("{}:{} reject: {}", j.file, j.line, j.reason),
        })
        .collect()
}

#[test]
fn gzip_by_extension_and_by_magic() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.jsonl.gz", &gz(JSONL.as_bytes()));
    // No .gz and no extension at all: gzip found by magic bytes, JSONL by content.
    let b = write(dir.path(), "b", &gz(JSONL.as_bytes()));
    let got = outline(&[a.clone(), b.clone()], &ReadOptions::default());
    let (a, b) = (a.display(), b.display());
    assert_eq!(
        got,
        [
            format!("{a}:1 a1"),
            format!("{a}:2 a2"),
            format!("{a}:3 reject: missing abstract (no field 'abstract', 'summary')"),
            format!("{b}:1 a1~2"),
            format!("{b}:2 a2~2"),
            format!("{b}:3 reject: missing abstract (no field 'abstract', 'summary')"),
        ]
    );
}

#[test]
fn multi_member_gzip_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = gz(b"{\"id\":\"m1\",\"title\":\"T\",\"abstract\":\"A.\"}\n");
    bytes.extend(gz(b"{\"id\":\"m2\",\"title\":\"U\",\"abstract\":\"B.\"}\n"));
    let p = write(dir.path(), "m.jsonl.gz", &bytes);
    let got = outline(&[p], &ReadOptions::default());
    assert_eq!(got.len(), 2);
    assert!(got[1].ends_with(":2 m2"), "{got:?}");
}

#[test]
fn truncated_gzip_ends_that_file_with_a_reject() {
    let dir = tempfile::tempdir().unwrap();
    // Enough incompressible-ish lines that the cut lands well after the first records.
    let mut text = String::new();
    for i in 0..2000u64 {
        let noise = i.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_string();
        text.push_str(&format!(
            "{{\"id\":\"p{i}\",\"title\":\"Paper {noise}\",\"abstract\":\"Abstract {i} {noise}.\"}}\n"
        ));
    }
    let full = gz(text.as_bytes());
    let cut = write(dir.path(), "cut.jsonl.gz", &full[..full.len() / 2]);
    let next = write(
        dir.path(),
        "next.jsonl",
        b"{\"id\":\"n1\",\"title\":\"N\",\"abstract\":\"n\"}\n",
    );
    let records: Vec<Record> = read_inputs(&[cut, next], &ReadOptions::default())
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let papers_before = records
        .iter()
        .take_while(|r| matches!(r, Record::Paper(_)))
        .count();
    assert!(
        papers_before > 100 && papers_before < 2000,
        "{papers_before}"
    );
    let Record::Reject(j) = &records[papers_before] else {
        panic!()
    };
    assert_eq!(
        j.line,
        papers_before as u64 + 1,
        "the line after the last complete one"
    );
    assert!(
        j.reason
            .starts_with("gzip stream is truncated or corrupt: "),
        "{}",
        j.reason
    );
    // The next file is still read.
    assert_eq!(records.len(), papers_before + 2);
    let Record::Paper(n) = &records[papers_before + 1] else {
        panic!()
    };
    assert_eq!(n.id, "n1");
}

#[test]
fn corrupt_gzip_header_is_a_reject_on_line_1() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "bad.jsonl.gz", b"this is not gzip at all\n");
    let got = outline(std::slice::from_ref(&p), &ReadOptions::default());
    assert_eq!(got.len(), 1);
    assert!(
        got[0].starts_with(&format!(
            "{}:1 reject: gzip stream is truncated or corrupt",
            p.display()
        )),
        "{got:?}"
    );
}

#[test]
fn sniffing_bom_and_forced_format() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = write(
        dir.path(),
        "t.data",
        b"\xEF\xBB\xBFid\ttitle\tabstract\r\nx\tT\tAbs.\r\n",
    );
    let csv = write(
        dir.path(),
        "c.data",
        b"title,abstract,id\r\nT2,Abs two.,y\r\n",
    );
    let arr = write(
        dir.path(),
        "a.data",
        b"\n  [{\"id\":\"z\",\"title\":\"T3\",\"abstract\":\"A.\"}]",
    );
    let json_lines = write(
        dir.path(),
        "l.json",
        b"{\"id\":\"w\",\"title\":\"T4\",\"abstract\":\"A.\"}\n",
    );
    let got = outline(&[tsv, csv, arr, json_lines], &ReadOptions::default());
    let ids: Vec<&str> = got.iter().map(|s| s.rsplit(' ').next().unwrap()).collect();
    assert_eq!(ids, ["x", "y", "z", "w"]);

    // A .txt file forced to JSON Lines.
    let txt = write(
        dir.path(),
        "p.txt",
        b"{\"id\":\"f\",\"title\":\"T\",\"abstract\":\"A.\"}\n",
    );
    let opts = ReadOptions {
        format: Some(InputFormat::Jsonl),
        ..ReadOptions::default()
    };
    assert_eq!(
        outline(std::slice::from_ref(&txt), &opts),
        [format!("{}:1 f", txt.display())]
    );
    // Unforced, the same file is a page with one orphan title line.
    let got = outline(&[txt], &ReadOptions::default());
    assert_eq!(got.len(), 1);
    assert!(got[0].contains("reject: title without abstract"), "{got:?}");
}

#[test]
fn fatal_errors_come_before_any_record() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.jsonl", JSONL.as_bytes());
    let missing = dir.path().join("missing.jsonl");
    let err = read_inputs(&[good.clone(), missing.clone()], &ReadOptions::default())
        .err()
        .expect("missing file fails up front");
    match &err {
        CorpusError::Io { file, source } => {
            assert_eq!(file, &missing.display().to_string());
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }

    let err = read_inputs(
        &[good.clone(), dir.path().to_path_buf()],
        &ReadOptions::default(),
    )
    .err()
    .unwrap();
    assert_eq!(
        err.to_string(),
        format!("{}: is a directory, not a file", dir.path().display())
    );

    let no_title = write(dir.path(), "nt.csv", b"id,name,abstract\n1,x,y\n");
    let err = read_inputs(&[good.clone(), no_title.clone()], &ReadOptions::default())
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: no title column (looked for title); the header has: id, name, abstract",
            no_title.display()
        )
    );

    let dash = PathBuf::from("-");
    let err = read_inputs(&[dash.clone(), dash], &ReadOptions::default())
        .err()
        .unwrap();
    assert!(err.to_string().contains("more than once"), "{err}");
}

#[test]
fn strict_mode_stops_at_the_first_reject() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "s.jsonl", JSONL.as_bytes());
    let opts = ReadOptions {
        strict: true,
        ..ReadOptions::default()
    };
    let items: Vec<_> = read_inputs(std::slice::from_ref(&p), &opts)
        .unwrap()
        .collect();
    assert_eq!(items.len(), 3);
    assert!(matches!(items[0], Ok(Record::Paper(_))));
    assert!(matches!(items[1], Ok(Record::Paper(_))));
    match &items[2] {
        Err(e @ CorpusError::Strict { line: 3, .. }) => assert_eq!(
            e.to_string(),
            format!(
                "{}:3: missing abstract (no field 'abstract', 'summary')",
                p.display()
            )
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn custom_field_names_come_first() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "c.jsonl",
        b"{\"key\":\"k1\",\"id\":\"i1\",\"name\":\"Named\",\"title\":\"Titled\",\"text\":\"Body.\",\"abstract\":\"Abs.\"}\n",
    );
    let mut opts = ReadOptions::default();
    opts.fields.id.insert(0, "key".into());
    opts.fields.title.insert(0, "name".into());
    opts.fields.abstract_text.insert(0, "text".into());
    let p = read_inputs(&[p], &opts).unwrap().next().unwrap().unwrap();
    let Record::Paper(p) = p else { panic!() };
    assert_eq!(
        (p.id.as_str(), p.title.as_str(), p.abstract_text.as_str()),
        ("k1", "Named", "Body.")
    );
}
