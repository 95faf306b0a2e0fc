//! The whole pipeline through the `paperkg` binary, as a user runs it.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Runs `paperkg run` on the example page into a fresh folder.
fn run_example(extra: &[&str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = paperkg()
        .args(["run", "--quiet", &example(), "-o"])
        .arg(dir.path())
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "run failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, stdout)
}

fn graph(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("graph.json")).unwrap()).unwrap()
}

fn entity<'a>(g: &'a Value, name: &str) -> Option<&'a Value> {
    let k = paperkg::normalize::key(name);
    g["entities"].as_array().unwrap().iter().find(|e| {
        paperkg::normalize::key(e["name"].as_str().unwrap()) == k
            || e["aliases"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| paperkg::normalize::key(a.as_str().unwrap()) == k)
    })
}

#[test]
fn run_on_the_example_page_builds_the_whole_graph() {
    let (dir, stdout) = run_example(&[]);
    let d = dir.path();
    assert!(stdout.contains("papers read:        78"), "{stdout}");
    assert!(stdout.contains("rejected:         0"), "{stdout}");
    for f in [
        "graph.json",
        "graph.dot",
        "rejects.jsonl",
        "neo4j/papers.csv",
        "neo4j/entities.csv",
        "neo4j/mentions.csv",
        "neo4j/paper_links.csv",
        "neo4j/cooccurrences.csv",
        "neo4j/import.sh",
        "neo4j/load.cypher",
    ] {
        assert!(d.join(f).is_file(), "{f} missing");
    }
    assert_eq!(
        std::fs::read_to_string(d.join("rejects.jsonl")).unwrap(),
        ""
    );
    if have_tool("dot") {
        let svg = std::fs::read_to_string(d.join("graph.svg")).unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }

    let g = graph(d);
    assert_eq!(g["format"], 1);
    assert_eq!(g["papers"].as_array().unwrap().len(), 78);

    // Acronyms defined in the abstracts become methods known by both forms.
    for (short, long) in [
        ("SPP", "Solo Performance Prompting"),
        ("GAST", "Graph Adaptive Semantic Transfer"),
    ] {
        let e = entity(&g, long).unwrap_or_else(|| panic!("{long} not found"));
        assert_eq!(e["type"], "method", "{long}: {e}");
        let aliases: Vec<&str> = e["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert!(
            aliases.contains(&short) || e["name"] == short,
            "{short} not an alias of {e}"
        );
    }
    for ds in ["CIFAR-100", "CUB-200", "miniImageNet"] {
        let e = entity(&g, ds).unwrap_or_else(|| panic!("{ds} not found"));
        assert_eq!(e["type"], "dataset", "{ds}: {e}");
    }

    // Every Neo4j row refers to nodes that exist.
    let (_, papers) = read_csv(&d.join("neo4j/papers.csv"));
    let (_, entities) = read_csv(&d.join("neo4j/entities.csv"));
    let (_, mentions) = read_csv(&d.join("neo4j/mentions.csv"));
    assert_eq!(papers.len(), 78);
    assert_eq!(entities.len(), g["entities"].as_array().unwrap().len());
    assert_eq!(mentions.len(), g["mentions"].as_array().unwrap().len());
}

#[test]
fn related_continual_learning_returns_supported_concepts() {
    let (dir, _) = run_example(&[]);
    let gpath = dir.path().join("graph.json");
    let out = paperkg()
        .args(["related", "continual learning", "--json", "--graph"])
        .arg(&gpath)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        paperkg::normalize::key(v["entity"]["name"].as_str().unwrap()),
        "continuallearning"
    );
    let rel = v["related"].as_array().unwrap();
    assert!(rel.len() >= 3, "{v}");
    assert!(rel.iter().any(|r| r["type"] == "concept"), "{v}");
    for r in rel {
        assert!(r["shared_papers"].as_u64().unwrap() >= 2);
        assert!(!r["examples"].as_array().unwrap().is_empty());
        assert!(r["npmi"].as_f64().unwrap() > 0.0);
    }
    let scores: Vec<f64> = rel.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "not ranked: {scores:?}"
    );
    // What a reader expects first, and specific concepts before broad fields.
    let names: Vec<&str> = rel.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names[0], "catastrophic forgetting", "{names:?}");
    let pos = |n: &str| names.iter().position(|x| *x == n);
    let rehearsal = pos("rehearsal").expect("rehearsal among the related");
    for broad in ["machine learning", "deep learning"] {
        if let Some(b) = pos(broad) {
            assert!(rehearsal < b, "{names:?}");
        }
    }

    // Human table output names the entity and aligns columns.
    let out = paperkg()
        .args(["related", "Continual-Learning", "--top", "3", "--graph"])
        .arg(&gpath)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Related to \""), "{text}");
    assert_eq!(text.lines().count(), 5, "{text}");
}

#[test]
fn queries_exit_1_when_nothing_is_found_and_2_on_errors() {
    let (dir, _) = run_example(&[]);
    let gpath = dir.path().join("graph.json");
    let out = paperkg()
        .args(["related", "continual lerning", "--graph"])
        .arg(&gpath)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean"), "{err}");
    assert!(err.to_lowercase().contains("continual learning"), "{err}");

    let out = paperkg()
        .args(["stats", "--graph", "/nonexistent/graph.json"])
        .output()
        .unwrap();
    common::assert_error(&out, "/nonexistent/graph.json");

    let out = paperkg()
        .args(["papers", "SPP", "--json", "--graph"])
        .arg(&gpath)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &v["papers"][0];
    assert!(
        first["title"]
            .as_str()
            .unwrap()
            .contains("Cognitive Synergy"),
        "{v}"
    );
}

#[test]
fn outputs_are_byte_identical_at_any_thread_count() {
    let (one, _) = run_example(&["--threads", "1"]);
    let (many, _) = run_example(&[]);
    let files = |d: &Path| -> BTreeMap<String, Vec<u8>> {
        let mut m = BTreeMap::new();
        for sub in ["", "neo4j"] {
            for e in std::fs::read_dir(d.join(sub)).unwrap() {
                let p = e.unwrap().path();
                if p.is_file() {
                    m.insert(
                        format!("{sub}/{}", p.file_name().unwrap().to_string_lossy()),
                        std::fs::read(&p).unwrap(),
                    );
                }
            }
        }
        m
    };
    let (a, b) = (files(one.path()), files(many.path()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    assert!(a.len() >= 10);
    for (k, v) in &a {
        assert!(
            v == &b[k],
            "{k} differs between --threads 1 and the default"
        );
    }
}

#[test]
fn bad_records_go_to_rejects_with_their_lines_and_good_ones_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("papers.jsonl");
    std::fs::write(
        &jsonl,
        concat!(
            "{\"id\": \"a1\", \"title\": \"Continual Learning with Replay\", \"abstract\": \"We study continual learning and catastrophic forgetting on CIFAR-100.\"}\n",
            "{\"id\": \"a2\", \"title\": \"Broken\", \"abstract\": \"unterminated\n",
            "{\"id\": \"a3\", \"title\": \"No abstract here\"}\n",
            "{\"id\": \"a4\", \"title\": \"Knowledge Distillation for Continual Learning\", \"summary\": \"Knowledge distillation reduces catastrophic forgetting in continual learning.\"}\n",
        ),
    )
    .unwrap();
    let csv = dir.path().join("papers.csv");
    std::fs::write(
        &csv,
        concat!(
            "id,title,abstract\n",
            "c1,\"Replay, revisited\",\"Experience replay for continual learning, with \"\"quotes\"\".\"\n",
            "c2,Stray \"quote title,An abstract about domain adaptation.,extra\n",
            "c3,Domain Adaptation,\"Unsupervised domain adaptation\nacross two lines.\"\n",
        ),
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let out = paperkg()
        .args(["run", "--quiet"])
        .arg(&jsonl)
        .arg(&csv)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rejects: Vec<Value> = std::fs::read_to_string(out_dir.join("rejects.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let where_: Vec<(String, u64)> = rejects
        .iter()
        .map(|r| {
            let f = r["file"].as_str().unwrap();
            (
                Path::new(f)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                r["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(where_.contains(&("papers.jsonl".into(), 2)), "{rejects:?}");
    assert!(where_.contains(&("papers.jsonl".into(), 3)), "{rejects:?}");
    assert!(where_.contains(&("papers.csv".into(), 3)), "{rejects:?}");
    assert!(rejects
        .iter()
        .all(|r| !r["reason"].as_str().unwrap().is_empty()));
    let g = graph(&out_dir);
    let ids: Vec<&str> = g["papers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a1", "a4", "c1", "c3"]);
    let titles: Vec<&str> = g["papers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles[2], "Replay, revisited");
    // Accounting: papers read = papers in the graph + rejects.
    let read = 4 + rejects.len();
    assert!(
        stdout.contains(&format!("papers read:        {read}")),
        "{stdout}"
    );

    // --strict stops at the first bad record with file:line.
    let out = paperkg()
        .args(["run", "--quiet", "--strict"])
        .arg(&jsonl)
        .arg("-o")
        .arg(dir.path().join("strict"))
        .output()
        .unwrap();
    common::assert_error(&out, "papers.jsonl:2");
}

#[test]
fn extract_writes_the_jsonl_contract_with_code_point_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ex.jsonl");
    paperkg()
        .args(["extract", "--quiet", &example(), "-o"])
        .arg(&out)
        .assert()
        .success();
    let papers: Vec<Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(papers.len(), 78);
    // The abstracts as read, to check offsets against.
    let page = std::fs::read_to_string(root().join("examples/trending-papers.txt")).unwrap();
    let mut n_mentions = 0;
    for p in &papers {
        let keys: Vec<&str> = p.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["acronyms", "id", "mentions", "title"]);
        let title = p["title"].as_str().unwrap();
        for m in p["mentions"].as_array().unwrap() {
            n_mentions += 1;
            let mk: Vec<&str> = m.as_object().unwrap().keys().map(|k| k.as_str()).collect();
            for k in ["type", "text", "canonical", "field", "start", "end", "rule"] {
                assert!(mk.contains(&k), "{k} missing in {m}");
            }
            let (s, e) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            let text = m["text"].as_str().unwrap();
            let field_text: String = if m["field"] == "title" {
                title.to_string()
            } else {
                // The abstract is the paragraph after the title line on the page.
                let at = page.find(&format!("{title}\n\n")).unwrap() + title.len() + 2;
                page[at..].lines().next().unwrap().to_string()
            };
            let slice: String = field_text.chars().skip(s).take(e - s).collect();
            assert_eq!(slice, text, "offsets of {m} in paper {}", p["id"]);
        }
        for a in p["acronyms"].as_array().unwrap() {
            assert!(a["short"].is_string() && a["long"].is_string());
        }
    }
    assert!(n_mentions > 78 * 5, "only {n_mentions} mentions");
    let spp = papers
        .iter()
        .flat_map(|p| p["acronyms"].as_array().unwrap())
        .any(|a| a["short"] == "SPP" && a["long"] == "Solo Performance Prompting");
    assert!(spp, "SPP acronym not found");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("paperkg"))
        .current_dir(root())
        .args(["extract", "--quiet", &example()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut buf = [0u8; 16];
    child.stdout.as_mut().unwrap().read_exact(&mut buf).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_unwritable_output_folder_fails_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let out = paperkg()
        .args(["run", "--quiet", &example(), "-o"])
        .arg(blocker.join("out"))
        .output()
        .unwrap();
    common::assert_error(&out, "output folder");
}

#[test]
fn rules_check_reports_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("method.toml"),
        "[entity]\ntype = \"method\"\n\n[[pattern]]\nid = \"method.bad\"\nregex = '''(?P<entity>[A-Z'''\n",
    )
    .unwrap();
    let out = paperkg()
        .args(["rules", "check"])
        .arg(dir.path())
        .output()
        .unwrap();
    common::assert_error(&out, "method.toml:6");
    let out = paperkg()
        .args(["rules", "check", "rules"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("method"));
}

#[test]
fn path_similar_top_and_stats_answer_from_the_saved_graph() {
    let (dir, _) = run_example(&[]);
    let gpath = dir.path().join("graph.json");
    let json = |args: &[&str]| -> (Option<i32>, Value) {
        let out = paperkg()
            .args(args)
            .arg("--json")
            .arg("--graph")
            .arg(&gpath)
            .output()
            .unwrap();
        let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code(), v)
    };

    // A chain between entities of different papers alternates entity, paper, entity …
    let (code, v) = json(&["path", "Solo Performance Prompting", "CIFAR-100"]);
    assert_eq!(code, Some(0));
    let steps = v["steps"].as_array().unwrap();
    assert!(steps.len() >= 3 && steps.len() % 2 == 1, "{v}");
    assert_eq!(steps[0]["kind"], "entity");
    assert_eq!(steps[0]["name"], "Solo Performance Prompting");
    assert_eq!(steps.last().unwrap()["name"], "CIFAR-100");
    for (i, s) in steps.iter().enumerate() {
        assert_eq!(
            s["kind"],
            if i % 2 == 0 { "entity" } else { "paper" },
            "{v}"
        );
    }

    // Similar papers share entities, strongest first.
    let (code, v) = json(&[
        "similar",
        "A Closer Look at Rehearsal-Free Continual Learning",
    ]);
    assert_eq!(code, Some(0));
    let sim = v["similar"].as_array().unwrap();
    assert!(!sim.is_empty());
    let w: Vec<f64> = sim.iter().map(|s| s["weight"].as_f64().unwrap()).collect();
    assert!(w.windows(2).all(|p| p[0] >= p[1]), "{w:?}");
    assert!(sim
        .iter()
        .all(|s| !s["shared"].as_array().unwrap().is_empty()));
    let (code, _) = json(&["similar", "no such paper"]);
    assert_eq!(code, Some(1));

    // Top datasets are datasets, ranked by papers.
    let (code, v) = json(&["top", "--type", "dataset", "-n", "5"]);
    assert_eq!(code, Some(0));
    let top = v.as_array().unwrap();
    assert_eq!(top.len(), 5);
    assert!(top.iter().all(|t| t["type"] == "dataset"));
    let p: Vec<u64> = top.iter().map(|t| t["papers"].as_u64().unwrap()).collect();
    assert!(p.windows(2).all(|x| x[0] >= x[1]), "{p:?}");
    // `--top N` means the same as in `related` and `similar`.
    let (code, v2) = json(&["top", "--type", "dataset", "--top", "5"]);
    assert_eq!(code, Some(0));
    assert_eq!(v2, v);

    // Stats agree with graph.json.
    let (code, v) = json(&["stats"]);
    assert_eq!(code, Some(0));
    let g = graph(dir.path());
    assert_eq!(v["papers"], 78);
    assert_eq!(
        v["entities"].as_u64().unwrap() as usize,
        g["entities"].as_array().unwrap().len()
    );
    assert_eq!(
        v["paper_links"].as_u64().unwrap() as usize,
        g["paper_links"].as_array().unwrap().len()
    );
    let per_type: u64 = v["entities_per_type"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t[1].as_u64().unwrap())
        .sum();
    assert_eq!(per_type, v["entities"].as_u64().unwrap());
    assert!(!v["communities"].as_array().unwrap().is_empty());
}

#[test]
fn render_draws_the_chosen_picture_or_says_how_to_install_graphviz() {
    if have_tool("dot") {
        let (dir, stdout) = run_example(&["--render", "png"]);
        let png = std::fs::read(dir.path().join("graph.png")).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        assert!(!dir.path().join("graph.svg").exists());
        assert!(stdout.contains("graph.png"), "{stdout}");
    }
    // Without Graphviz on PATH: the run still succeeds and says how to install it; an
    // explicit picture export fails with the same advice.
    let dir = tempfile::tempdir().unwrap();
    let out = paperkg()
        .env("PATH", "/nonexistent")
        .args(["run", "--quiet", &example(), "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("apt-get install graphviz"), "{stdout}");
    assert!(!dir.path().join("graph.svg").exists());
    let out = paperkg()
        .env("PATH", "/nonexistent")
        .args(["export", "--format", "svg", "-o"])
        .arg(dir.path().join("x.svg"))
        .arg("--graph")
        .arg(dir.path().join("graph.json"))
        .output()
        .unwrap();
    common::assert_error(&out, "apt-get install graphviz");
}

#[test]
fn related_with_nothing_to_rank_says_why_and_exits_1() {
    let (dir, _) = run_example(&[]);
    let out = paperkg()
        .args(["related", "SPP", "--graph"])
        .arg(dir.path().join("graph.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("it is in 1 paper"), "{err}");
    assert!(
        err.contains("paperkg papers \"Solo Performance Prompting\""),
        "{err}"
    );
}
