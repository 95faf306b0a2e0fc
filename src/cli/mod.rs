//! The `paperkg` command line: clap definitions and one function per subcommand.
//!
//! Exit codes: 0 success, 1 a query found nothing, 2 an error (bad input, bad rules,
//! unwritable output). A closed pipe on stdout (`paperkg related x | head`) is not an error.

use crate::corpus::{self, FieldMap, IdAssigner, InputFormat, Paper, ReadOptions, Record, Reject};
use crate::export::{self, dot, View, ViewSpec};
use crate::extract::{self, Extraction};
use crate::graph::{GraphOptions, KnowledgeGraph};
use crate::normalize::{Normalizer, Prepared};
use crate::query::{self, QueryError};
use crate::rules::{self, RuleSet};
use crate::util::write_atomic;
use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use graphviz_rust::cmd::Format;
use rayon::prelude::*;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Entities carried by the HTML page by default.
const HTML_ENTITIES: usize = 400;

/// Papers up to which `--exports auto` (the default) writes GraphML and node-link JSON too.
const AUTO_FULL_EXPORTS: usize = 250_000;

/// The example page shipped with paperkg, used by `paperkg run` when no input is given.
pub const EXAMPLE_PAGE: &str = include_str!("../../examples/trending-papers.txt");

#[derive(Parser, Debug)]
#[command(
    name = "paperkg",
    version,
    about = "Build a knowledge graph of methods, datasets and concepts from paper abstracts",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read, extract, link and export everything into an output folder.
    Run(RunArgs),
    /// Extract mentions per paper and write the JSON Lines contract (stdout by default).
    Extract(ExtractArgs),
    /// Build the graph and all outputs from `paperkg extract` JSON Lines parts (e.g. written
    /// by many `paperkg extract -` mappers under Spark, Hadoop Streaming or GNU parallel).
    Build(BuildArgs),
    /// Work with rule files.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Entities related to an entity, with the papers that support each.
    Related(RelatedArgs),
    /// Papers that mention an entity.
    Papers(EntityQueryArgs),
    /// Papers similar to a paper (by id or title), with the entities they share.
    Similar(SimilarArgs),
    /// The shortest chain of papers and entities linking two entities.
    Path(PathArgs),
    /// The most important entities, optionally of one type.
    Top(TopArgs),
    /// Counts, top entities and largest communities of a saved graph.
    Stats(StatsArgs),
    /// Re-export a view of a saved graph without re-extracting.
    Export(ExportArgs),
    /// Score extraction against gold annotations (precision, recall, F1 per type).
    Eval(EvalArgs),
    /// Show one paper with every mention marked and the rule (file:line) behind each.
    Explain(ExplainArgs),
}

#[derive(Args, Debug)]
struct ExplainArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Id of the paper to explain (as in `paperkg extract` output).
    #[arg(long)]
    paper: String,
}

#[derive(Args, Debug)]
struct EvalArgs {
    /// The gold file.
    #[arg(long)]
    gold: PathBuf,
    /// Its format.
    #[arg(long, value_enum)]
    format: crate::eval::GoldFormat,
    /// Rules directory (default: ./rules, else the rules shipped with paperkg).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Machine-readable JSON output.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// Validate rule files and report every problem with file:line.
    Check {
        /// Rules directory.
        #[arg(default_value = "rules")]
        dir: PathBuf,
    },
}

#[derive(Args, Debug, Clone)]
struct InputArgs {
    /// Input files (`-` for stdin). Page text, JSON Lines, JSON arrays, CSV/TSV, each
    /// optionally gzip-compressed.
    inputs: Vec<PathBuf>,
    /// Force the input format instead of detecting it.
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
    /// Field (or column) holding the paper id.
    #[arg(long)]
    id_field: Option<String>,
    /// Field (or column) holding the title.
    #[arg(long)]
    title_field: Option<String>,
    /// Field (or column) holding the abstract.
    #[arg(long)]
    abstract_field: Option<String>,
    /// Stop at the first bad record instead of listing it in the rejects.
    #[arg(long)]
    strict: bool,
    /// Rules directory (default: ./rules, else the rules shipped with paperkg).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Worker threads for extraction (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// No progress display.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct RunArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    out: OutputArgs,
}

/// What `run` and `build` write, and how the graph is built.
#[derive(Args, Debug)]
struct OutputArgs {
    /// Output folder.
    #[arg(long, short, default_value = "output")]
    output: PathBuf,
    /// Entities shown in graph.dot (the most important ones).
    #[arg(long, default_value_t = 50)]
    top: usize,
    /// Show the neighbourhood of this entity in graph.dot instead of the top entities.
    #[arg(long)]
    focus: Option<String>,
    /// Steps around the focus entity.
    #[arg(long, default_value_t = 2)]
    depth: usize,
    /// Outputs to write, comma-separated: json, dot, svg, html, neo4j, graphml, nodelink,
    /// `all`, or `auto` (all, but GraphML and node-link JSON only up to 250,000 papers:
    /// beyond, they are gigabytes; make them with `paperkg export`). graph.json is always
    /// written (queries read it).
    #[arg(long, value_delimiter = ',', default_value = "auto")]
    exports: Vec<Output>,
    /// Print how long each stage took on stderr.
    #[arg(long)]
    timings: bool,
    /// The picture of the view drawn by Graphviz: graph.svg, graph.png, or none.
    #[arg(long, value_enum, default_value = "svg")]
    render: Render,
    #[command(flatten)]
    graph: GraphArgs,
}

/// Which picture `run` draws with Graphviz.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Render {
    Svg,
    Png,
    None,
}

/// One output of `run` / `build`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    /// Everything, except GraphML and node-link JSON above 250,000 papers.
    Auto,
    /// Everything below.
    All,
    /// graph.json (always written).
    Json,
    /// graph.dot.
    Dot,
    /// graph.svg (needs Graphviz).
    Svg,
    /// graph.html.
    Html,
    /// neo4j/ import folder.
    Neo4j,
    /// graph.graphml.
    Graphml,
    /// graph.nodelink.json.
    Nodelink,
}

#[derive(Args, Debug)]
struct BuildArgs {
    /// `paperkg extract` outputs (JSON Lines, optionally gzip-compressed), read in the order
    /// given; a folder stands for its `part-*` files in name order (as Spark and Hadoop
    /// write them: part-00000, part-00001, …), so papers keep the order of the input.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// Rules directory, for the entity types and their styles (default: ./rules, else the
    /// rules shipped with paperkg). Use the rules the parts were extracted with.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// No progress display.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Args, Debug, Clone, Copy)]
struct GraphArgs {
    /// Paper–paper links kept per paper (strongest first).
    #[arg(long, default_value_t = GraphOptions::default().top_k)]
    link_top_k: usize,
    /// Entities in more papers than this create no paper–paper links.
    #[arg(long, default_value_t = GraphOptions::default().link_max_df)]
    link_max_df: u32,
    /// Minimum shared papers for an entity co-occurrence edge.
    #[arg(long, default_value_t = GraphOptions::default().min_cooccur)]
    min_cooccur: u32,
}

impl From<GraphArgs> for GraphOptions {
    fn from(a: GraphArgs) -> Self {
        GraphOptions {
            top_k: a.link_top_k,
            link_max_df: a.link_max_df,
            min_cooccur: a.min_cooccur,
        }
    }
}

#[derive(Args, Debug)]
struct ExtractArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output file (default: stdout).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Write rejected records here as JSON Lines (default: listed on stderr).
    #[arg(long)]
    rejects: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct GraphFile {
    /// The saved graph.
    #[arg(long, default_value = "output/graph.json")]
    graph: PathBuf,
    /// Machine-readable JSON output.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct RelatedArgs {
    /// Entity name, alias or acronym.
    entity: String,
    /// How many related entities.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Only related entities of this type.
    #[arg(long = "type")]
    etype: Option<String>,
    #[command(flatten)]
    g: GraphFile,
}

#[derive(Args, Debug)]
struct EntityQueryArgs {
    entity: String,
    #[arg(long, default_value_t = 50)]
    top: usize,
    #[command(flatten)]
    g: GraphFile,
}

#[derive(Args, Debug)]
struct SimilarArgs {
    /// Paper id or exact title.
    paper: String,
    #[arg(long, default_value_t = 10)]
    top: usize,
    #[command(flatten)]
    g: GraphFile,
}

#[derive(Args, Debug)]
struct PathArgs {
    from: String,
    to: String,
    #[command(flatten)]
    g: GraphFile,
}

#[derive(Args, Debug)]
struct TopArgs {
    /// Only entities of this type
    #[arg(long = "type")]
    etype: Option<String>,
    /// How many entities (`--top` as in `related` and `similar`)
    #[arg(long, short = 'n', visible_alias = "top", default_value_t = 20)]
    n: usize,
    #[command(flatten)]
    g: GraphFile,
}

#[derive(Args, Debug)]
struct StatsArgs {
    /// How many top entities and communities to list
    #[arg(long, short = 'n', visible_alias = "top", default_value_t = 10)]
    n: usize,
    #[command(flatten)]
    g: GraphFile,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum ExportFormat {
    /// Graphviz DOT of the view.
    Dot,
    /// The view rendered to SVG by Graphviz.
    Svg,
    /// The view rendered to PNG by Graphviz.
    Png,
    /// Neo4j import folder (CSV files, import.sh, load.cypher).
    Csv,
    /// GraphML (Gephi, Cytoscape, yEd).
    Graphml,
    /// Node-link JSON (D3, Cytoscape.js, networkx).
    Json,
    /// The self-contained HTML page.
    Html,
}

#[derive(Args, Debug)]
struct ExportArgs {
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Output file (a folder for csv).
    #[arg(long, short)]
    output: PathBuf,
    #[arg(long)]
    top: Option<usize>,
    #[arg(long)]
    focus: Option<String>,
    #[arg(long, default_value_t = 2)]
    depth: usize,
    /// The saved graph.
    #[arg(long, default_value = "output/graph.json")]
    graph: PathBuf,
}

/// Runs the command line; returns the process exit code.
pub fn run() -> Result<i32> {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(a) => cmd_run(a),
        Command::Extract(a) => cmd_extract(a),
        Command::Explain(a) => cmd_explain(a),
        Command::Build(a) => cmd_build(a),
        Command::Rules {
            command: RulesCommand::Check { dir },
        } => cmd_rules_check(&dir),
        Command::Related(a) => {
            let g = load(&a.g.graph)?;
            answer(
                query::related(&g, &a.entity, a.top, a.etype.as_deref()),
                a.g.json,
                |r| {
                    if r.related.is_empty() {
                        // An empty table alone would leave the user guessing why.
                        eprintln!(
                            "paperkg: nothing co-occurs with \"{}\" in enough papers to rank \
                             (it is in {}; see --min-cooccur of `run`); its papers: \
                             `paperkg papers \"{}\"`",
                            r.entity.name,
                            crate::util::n_papers(r.entity.papers),
                            r.entity.name
                        );
                    }
                    r.related.is_empty()
                },
            )
        }
        Command::Papers(a) => {
            let g = load(&a.g.graph)?;
            answer(query::papers(&g, &a.entity, a.top), a.g.json, |r| {
                r.papers.is_empty()
            })
        }
        Command::Similar(a) => {
            let g = load(&a.g.graph)?;
            answer(query::similar(&g, &a.paper, a.top), a.g.json, |r| {
                r.similar.is_empty()
            })
        }
        Command::Path(a) => {
            let g = load(&a.g.graph)?;
            match query::path(&g, &a.from, &a.to) {
                Ok(Some(p)) => answer(Ok(p), a.g.json, |_| false),
                Ok(None) => {
                    eprintln!(
                        "paperkg: no chain of papers links {:?} and {:?}",
                        a.from, a.to
                    );
                    Ok(1)
                }
                Err(e) => answer::<query::PathAnswer>(Err(e), a.g.json, |_| false),
            }
        }
        Command::Top(a) => {
            let g = load(&a.g.graph)?;
            let items = query::top(&g, a.etype.as_deref(), a.n);
            let empty = items.is_empty();
            if a.g.json {
                print_out(&format!("{}\n", serde_json::to_string_pretty(&items)?))?;
            } else {
                print_out(&query::TopList(items).to_string())?;
            }
            Ok(if empty { 1 } else { 0 })
        }
        Command::Stats(a) => {
            let g = load(&a.g.graph)?;
            let s = query::stats(&g, a.n);
            if a.g.json {
                print_out(&format!("{}\n", serde_json::to_string_pretty(&s)?))?;
            } else {
                print_out(&s.to_string())?;
            }
            Ok(0)
        }
        Command::Export(a) => cmd_export(a),
        Command::Eval(a) => {
            let rules = load_rules(&a.rules)?;
            let report = crate::eval::evaluate(&rules, &a.gold, a.format)
                .with_context(|| format!("evaluating on {}", a.gold.display()))?;
            if a.json {
                print_out(&format!("{}\n", serde_json::to_string_pretty(&report)?))?;
            } else {
                print_out(&report.to_string())?;
            }
            Ok(0)
        }
    }
}

/// Prints a query answer (table or JSON); exit 1 when it found nothing or the entity is
/// unknown (with suggestions on stderr).
fn answer<T: serde::Serialize + std::fmt::Display>(
    r: Result<T, QueryError>,
    json: bool,
    empty: impl Fn(&T) -> bool,
) -> Result<i32> {
    match r {
        Ok(v) => {
            if json {
                print_out(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
            } else {
                print_out(&v.to_string())?;
            }
            Ok(if empty(&v) { 1 } else { 0 })
        }
        Err(e) => {
            eprintln!("paperkg: {e}");
            Ok(1)
        }
    }
}

/// Writes to stdout, returning I/O errors (a closed pipe included) to the caller.
fn print_out(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())?;
    out.flush()?;
    Ok(())
}

fn load(path: &Path) -> Result<KnowledgeGraph> {
    Ok(export::json::load_graph(path)?)
}

/// The rules directory: the one given, else `./rules`, else the rules shipped with the
/// source tree paperkg was built from.
fn rules_dir(given: &Option<PathBuf>) -> PathBuf {
    if let Some(d) = given {
        return d.clone();
    }
    let local = PathBuf::from("rules");
    if local.is_dir() {
        return local;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules")
}

fn load_rules(given: &Option<PathBuf>) -> Result<RuleSet> {
    let dir = rules_dir(given);
    rules::load_dir(&dir).with_context(|| format!("loading rules from {}", dir.display()))
}

fn cmd_rules_check(dir: &Path) -> Result<i32> {
    match rules::load_dir(dir) {
        Ok(rs) => {
            let types: Vec<&str> = rs.entity_types().iter().map(|t| t.name.as_str()).collect();
            print_out(&format!(
                "{}: ok ({} entity types: {})\n",
                dir.display(),
                types.len(),
                types.join(", ")
            ))?;
            Ok(0)
        }
        Err(rules::RulesError::Invalid(diags)) => {
            for d in &diags {
                eprintln!("{d}");
            }
            eprintln!("paperkg: {} error(s) in {}", diags.len(), dir.display());
            Ok(2)
        }
        Err(e) => Err(e.into()),
    }
}

fn set_threads(n: Option<usize>) -> Result<()> {
    if let Some(n) = n {
        anyhow::ensure!(n >= 1, "--threads must be at least 1");
        // Fails only if the pool was already built (e.g. twice in one process): harmless.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    Ok(())
}

fn read_options(a: &InputArgs) -> ReadOptions {
    let mut fields = FieldMap::default();
    if let Some(f) = &a.id_field {
        fields.id.insert(0, f.clone());
    }
    if let Some(f) = &a.title_field {
        fields.title.insert(0, f.clone());
    }
    if let Some(f) = &a.abstract_field {
        fields.abstract_text.insert(0, f.clone());
    }
    ReadOptions {
        format: a.input_format,
        fields,
        strict: a.strict,
        skip_metadata: false,
    }
}

/// The inputs to read; with none, the bundled example page.
fn resolve_inputs(a: &InputArgs) -> Result<(Vec<PathBuf>, Option<tempfile::TempDir>)> {
    if !a.inputs.is_empty() {
        return Ok((a.inputs.clone(), None));
    }
    let dir = tempfile::tempdir()?;
    let p = dir.path().join("trending-papers.txt");
    std::fs::write(&p, EXAMPLE_PAGE)?;
    Ok((vec![p], Some(dir)))
}

/// Counts of one pass over the inputs.
#[derive(Debug, Default)]
struct PassStats {
    papers: u64,
    rejects: Vec<Reject>,
    duplicates: u64,
}

/// Papers per batch handed to the extraction workers: enough that the end of a batch (one
/// worker finishing its last papers while the other has none left) is a small share of
/// it, few enough that the batches in flight stay a few megabytes.
const BATCH: usize = 2048;
/// Batches queued between two stages of the pipeline.
const QUEUE: usize = 2;

/// Runs `source → map → sink` as a pipeline of three stages that overlap: a reader
/// thread pulls items from `source` into batches of [`BATCH`], the rayon pool maps each
/// batch in parallel (order kept), and the calling thread feeds the results to `sink` in
/// input order. Bounded queues between the stages keep memory at a few batches whatever
/// the input size, while the reader runs ahead of the workers and the sink behind them.
///
/// Returns the source after it is exhausted (so the caller can read counts it kept) and
/// the number of items mapped. The first error (source, map or sink) ends the run.
fn pipeline<S, I, T>(
    source: S,
    map: impl Fn(I) -> Result<T> + Sync,
    mut sink: impl FnMut(T) -> Result<()>,
    mut on_batch: impl FnMut(u64),
) -> Result<(S, u64)>
where
    S: Iterator<Item = Result<I>> + Send,
    I: Send,
    T: Send,
{
    std::thread::scope(|scope| {
        let (batch_tx, batch_rx) = mpsc::sync_channel::<Vec<I>>(QUEUE);
        let (out_tx, out_rx) = mpsc::sync_channel::<Vec<Result<T>>>(QUEUE);
        let reader = scope.spawn(move || -> Result<S> {
            let mut source = source;
            let mut batch = Vec::with_capacity(BATCH);
            for item in source.by_ref() {
                batch.push(item?);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if batch_tx.send(full).is_err() {
                        break; // the sink stopped: its error is reported
                    }
                }
            }
            if !batch.is_empty() {
                let _ = batch_tx.send(batch);
            }
            Ok(source)
        });
        let map = &map;
        let workers = scope.spawn(move || {
            for batch in batch_rx {
                let out: Vec<Result<T>> = batch.into_par_iter().map(map).collect();
                if out_tx.send(out).is_err() {
                    break;
                }
            }
        });
        let mut done = 0u64;
        let mut failed = None;
        'outer: for out in out_rx.iter() {
            for t in out {
                if let Err(e) = t.and_then(&mut sink) {
                    failed = Some(e);
                    break 'outer;
                }
                done += 1;
            }
            on_batch(done);
        }
        drop(out_rx);
        let joined = workers.join();
        let source = reader.join();
        if let Some(e) = failed {
            return Err(e);
        }
        if joined.is_err() {
            anyhow::bail!("an extraction worker panicked");
        }
        match source {
            Ok(r) => Ok((r?, done)),
            Err(_) => anyhow::bail!("the input reader panicked"),
        }
    })
}

/// The records of the inputs as papers, keeping rejects and duplicate counts aside.
struct PaperSource {
    records: corpus::Records,
    rejects: Vec<Reject>,
    duplicates: u64,
}

impl Iterator for PaperSource {
    type Item = Result<Paper>;
    fn next(&mut self) -> Option<Result<Paper>> {
        loop {
            match self.records.next()? {
                Err(e) => return Some(Err(e.into())),
                Ok(Record::Reject(r)) => self.rejects.push(r),
                Ok(Record::Paper(p)) => {
                    if p.duplicate_of.is_some() {
                        self.duplicates += 1;
                    }
                    return Some(Ok(p));
                }
            }
        }
    }
}

/// Streams the inputs through extraction in parallel batches: `map` extracts each paper
/// on the workers (and turns the extraction into what `sink` takes), and `sink` gets the
/// results in input order.
/// Without `metadata` the papers' categories, authors and year are left unread (see
/// [`ReadOptions::skip_metadata`]).
fn extract_stream<T: Send>(
    a: &InputArgs,
    metadata: bool,
    map: impl Fn(&Paper) -> Result<T> + Sync,
    sink: impl FnMut(T) -> Result<()>,
) -> Result<PassStats> {
    let (inputs, _tmp) = resolve_inputs(a)?;
    let opts = ReadOptions {
        skip_metadata: !metadata,
        ..read_options(a)
    };
    let records = corpus::read_inputs(&inputs, &opts)?;
    let progress = Progress::new(a.quiet, records.total_bytes(), records.bytes_read());
    let source = PaperSource {
        records,
        rejects: Vec::new(),
        duplicates: 0,
    };
    let (source, papers) = pipeline(source, |p: Paper| map(&p), sink, |n| progress.update(n))?;
    progress.finish();
    Ok(PassStats {
        papers,
        rejects: source.rejects,
        duplicates: source.duplicates,
    })
}

/// The progress display on stderr: papers, papers/s and elapsed time; with the input size
/// known (files, not stdin), bytes read of the total and the time left. Off with
/// `--quiet` and when stderr is not a terminal.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    bytes: Arc<AtomicU64>,
    started: Instant,
}

impl Progress {
    fn new(quiet: bool, total: Option<u64>, bytes: Arc<AtomicU64>) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let (pb, template) = match total {
                Some(t) => (
                    indicatif::ProgressBar::new(t),
                    "{spinner} {msg}  {wide_bar} {bytes}/{total_bytes}  elapsed {elapsed_precise}  ETA {eta}",
                ),
                None => (
                    indicatif::ProgressBar::new_spinner(),
                    "{spinner} {msg}  {bytes} read  elapsed {elapsed_precise}",
                ),
            };
            pb.set_style(
                indicatif::ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            pb.enable_steady_tick(Duration::from_millis(200));
            pb
        });
        Progress {
            bar,
            bytes,
            started: Instant::now(),
        }
    }

    /// Shows `done` items processed (called after each batch).
    fn update(&self, done: u64) {
        if let Some(pb) = &self.bar {
            let secs = self.started.elapsed().as_secs_f64().max(1e-3);
            pb.set_position(self.bytes.load(Ordering::Relaxed));
            pb.set_message(format!("{done} papers  {:.0} papers/s", done as f64 / secs));
        }
    }

    fn finish(&self) {
        if let Some(pb) = &self.bar {
            pb.finish_and_clear();
        }
    }
}

fn write_rejects(path: &Path, rejects: &[Reject]) -> Result<()> {
    write_atomic(path, |w| {
        for r in rejects {
            serde_json::to_writer(&mut *w, r).map_err(std::io::Error::other)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })
    .with_context(|| format!("writing {}", path.display()))
}

/// Makes sure `dir` exists and is writable before any work is done.
fn prepare_output_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create output folder {}", dir.display()))?;
    let probe = dir.join(format!(".paperkg-write-test.{}", std::process::id()));
    std::fs::write(&probe, b"")
        .with_context(|| format!("output folder {} is not writable", dir.display()))?;
    let _ = std::fs::remove_file(probe);
    // Temporary files of an earlier run that was killed midway.
    crate::util::remove_stale_temps(dir);
    crate::util::remove_stale_temps(&dir.join("neo4j"));
    Staging::remove_stale(dir);
    Ok(())
}

/// Stage timings for `--timings`, printed on stderr.
struct Timings {
    on: bool,
    last: Instant,
    lines: Vec<String>,
}

impl Timings {
    fn new(on: bool) -> Self {
        Timings {
            on,
            last: Instant::now(),
            lines: Vec::new(),
        }
    }

    /// Records the time since the previous mark under `stage`.
    fn mark(&mut self, stage: &str) {
        let now = Instant::now();
        if self.on {
            self.lines.push(format!(
                "  {stage:<32} {:>8.3}s",
                (now - self.last).as_secs_f64()
            ));
        }
        self.last = now;
    }

    fn print(&self) {
        if self.on {
            eprintln!("timings:\n{}", self.lines.join("\n"));
        }
    }
}

fn cmd_run(a: RunArgs) -> Result<i32> {
    let started = Instant::now();
    let mut t = Timings::new(a.out.timings);
    set_threads(a.input.threads)?;
    let rules = load_rules(&a.input.rules)?;
    prepare_output_dir(&a.out.output)?;
    t.mark("load rules");
    let mut norm = Normalizer::new(&type_names(&rules));
    let stats = extract_stream(
        &a.input,
        true,
        |p| Ok(extract::with_extraction(&rules, p, Prepared::of)),
        |p| {
            norm.add_prepared(p);
            Ok(())
        },
    )?;
    t.mark("read + extract + normalize");
    finish_graph(norm, &rules, &a.out, &stats, started, t)
}

fn type_names(rules: &RuleSet) -> Vec<String> {
    rules
        .entity_types()
        .iter()
        .map(|t| t.name.clone())
        .collect()
}

/// Reads `paperkg extract` parts: folders expand to their `part-*` files in name order.
fn part_files(parts: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in parts {
        if p.is_dir() {
            let mut in_dir: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading folder {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && f.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with("part-"))
                })
                .collect();
            in_dir.sort();
            anyhow::ensure!(!in_dir.is_empty(), "{} has no part-* files", p.display());
            files.extend(in_dir);
        } else {
            anyhow::ensure!(p.is_file(), "{} is not a file", p.display());
            files.push(p.clone());
        }
    }
    Ok(files)
}

/// The lines of the part files one after the other, with file name and line number.
struct PartLines {
    files: std::vec::IntoIter<PathBuf>,
    current: Option<(String, Box<dyn BufRead + Send>, u64)>,
    bytes: Arc<AtomicU64>,
}

/// One line of a part, to be parsed on a worker.
struct PartLine {
    file: String,
    line: u64,
    text: String,
}

impl Iterator for PartLines {
    type Item = Result<PartLine>;
    fn next(&mut self) -> Option<Result<PartLine>> {
        loop {
            let Some((name, reader, line)) = self.current.as_mut() else {
                let path = self.files.next()?;
                let opened = match std::fs::File::open(&path) {
                    Ok(f) => f,
                    Err(e) => {
                        return Some(Err(
                            anyhow::Error::new(e).context(format!("opening {}", path.display()))
                        ))
                    }
                };
                let counted = CountingRead {
                    inner: opened,
                    bytes: self.bytes.clone(),
                };
                let gz = path.extension().is_some_and(|e| e == "gz");
                let reader: Box<dyn BufRead + Send> = if gz {
                    Box::new(std::io::BufReader::with_capacity(
                        1 << 18,
                        flate2::read::MultiGzDecoder::new(std::io::BufReader::new(counted)),
                    ))
                } else {
                    Box::new(std::io::BufReader::with_capacity(1 << 18, counted))
                };
                self.current = Some((path.display().to_string(), reader, 0));
                continue;
            };
            let mut text = String::new();
            match reader.read_line(&mut text) {
                Ok(0) => self.current = None,
                Ok(_) => {
                    *line += 1;
                    if text.trim().is_empty() {
                        continue;
                    }
                    return Some(Ok(PartLine {
                        file: name.clone(),
                        line: *line,
                        text,
                    }));
                }
                Err(e) => {
                    let e = anyhow::Error::new(e).context(format!("reading {name}"));
                    self.current = None;
                    self.files = Vec::new().into_iter();
                    return Some(Err(e));
                }
            }
        }
    }
}

/// Adds the bytes read to a shared counter (for the progress display).
struct CountingRead<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: std::io::Read> std::io::Read for CountingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn cmd_build(a: BuildArgs) -> Result<i32> {
    let started = Instant::now();
    let mut t = Timings::new(a.out.timings);
    set_threads(a.threads)?;
    let rules = load_rules(&a.rules)?;
    let files = part_files(&a.parts)?;
    prepare_output_dir(&a.out.output)?;
    t.mark("load rules");
    let total: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let bytes = Arc::new(AtomicU64::new(0));
    let progress = Progress::new(a.quiet, Some(total), bytes.clone());
    let source = PartLines {
        files: files.into_iter(),
        current: None,
        bytes,
    };
    let mut norm = Normalizer::new(&type_names(&rules));
    // Each mapper made ids unique within its part; ids are made unique across parts here,
    // in paper order, as a single `run` over the whole input would have.
    let mut ids = IdAssigner::new();
    let mut duplicates = 0u64;
    let (_, papers) = pipeline(
        source,
        |l: PartLine| {
            let ex: Extraction = serde_json::from_str(&l.text).with_context(|| {
                format!(
                    "{}:{}: not a `paperkg extract` line (JSON Lines contract)",
                    l.file, l.line
                )
            })?;
            Ok(Prepared::new(ex))
        },
        |mut p| {
            let (id, dup) = ids.assign(p.id().to_string());
            if dup.is_some() {
                duplicates += 1;
                p.set_id(id);
            }
            norm.add_prepared(p);
            Ok(())
        },
        |n| progress.update(n),
    )?;
    progress.finish();
    t.mark("read parts + normalize");
    let stats = PassStats {
        papers,
        rejects: Vec::new(),
        duplicates,
    };
    finish_graph(norm, &rules, &a.out, &stats, started, t)
}

/// Builds the graph from the normalized corpus, writes the outputs and prints the summary
/// (shared by `run` and `build`).
fn finish_graph(
    norm: Normalizer,
    rules: &RuleSet,
    o: &OutputArgs,
    stats: &PassStats,
    started: Instant,
    mut t: Timings,
) -> Result<i32> {
    let normalized = norm.finish();
    t.mark("normalize (merge)");
    let mut steps: Vec<(String, Instant)> = Vec::new();
    let mut g = KnowledgeGraph::build_timed(
        normalized,
        rules.entity_types(),
        &o.graph.into(),
        &mut |step| steps.push((step.to_string(), Instant::now())),
    );
    g.mark_broad(rules.broad_names());
    let mut last = t.last;
    for (step, at) in steps {
        if t.on {
            t.lines.push(format!(
                "    {step:<30} {:>8.3}s",
                (at - last).as_secs_f64()
            ));
        }
        last = at;
    }
    t.mark("graph + scores");
    let written = write_outputs(&g, o, stats, &mut t)?;

    let out = &o.output;
    let mut s = String::new();
    use std::fmt::Write as _;
    let _ = writeln!(
        s,
        "papers read:        {}",
        stats.papers + stats.rejects.len() as u64
    );
    let _ = writeln!(s, "  in graph:         {}", g.papers.len());
    let _ = writeln!(
        s,
        "  rejected:         {}{}",
        stats.rejects.len(),
        if stats.rejects.is_empty() {
            String::new()
        } else {
            format!(" (see {})", out.join("rejects.jsonl").display())
        }
    );
    if stats.duplicates > 0 {
        let _ = writeln!(
            s,
            "  duplicate ids:    {} (kept apart with a ~N suffix)",
            stats.duplicates
        );
    }
    let _ = writeln!(s, "entities:           {}", g.entities.len());
    for (t, n) in g.entities_per_type() {
        let _ = writeln!(s, "  {:<17} {n}", format!("{t}:"));
    }
    let _ = writeln!(s, "edges:");
    let _ = writeln!(s, "  mentions:         {}", g.mentions.len());
    let _ = writeln!(s, "  paper links:      {}", g.paper_links.len());
    let _ = writeln!(s, "  co-occurrences:   {}", g.cooccurrences.len());
    let _ = writeln!(s, "top entities:");
    for t in query::top(&g, None, 10) {
        let _ = writeln!(
            s,
            "  {:>4} papers  {:<8} {}",
            t.entity.papers, t.entity.etype, t.entity.name
        );
    }
    let _ = writeln!(s, "written to {}:", out.display());
    for line in written {
        let _ = writeln!(s, "  {line}");
    }
    let _ = writeln!(s, "time: {:.2}s", started.elapsed().as_secs_f64());
    t.print();
    print_out(&s)?;
    // The graph is the largest thing the process holds (at a million papers, millions of
    // small lists); freeing it piece by piece just before exit costs about half a second,
    // and the OS takes the memory back at exit anyway.
    std::mem::forget(g);
    Ok(0)
}

/// `paperkg explain`: extracts one paper (found by id) and prints it marked up; exit 1 when
/// no paper has that id.
fn cmd_explain(a: ExplainArgs) -> Result<i32> {
    let rules = load_rules(&a.input.rules)?;
    let (inputs, _tmp) = resolve_inputs(&a.input)?;
    for rec in corpus::read_inputs(&inputs, &read_options(&a.input))? {
        if let Record::Paper(p) = rec? {
            if p.id == a.paper {
                let ex = extract::extract(&rules, &p);
                let colour = std::io::stdout().is_terminal();
                print_out(&extract::explain::render(&rules, &p, &ex, colour))?;
                return Ok(0);
            }
        }
    }
    eprintln!("no paper with id {:?}", a.paper);
    Ok(1)
}

/// A hidden folder inside the output folder where a run writes its files before moving
/// them into place.
struct Staging {
    dir: PathBuf,
    target: PathBuf,
}

impl Staging {
    const PREFIX: &'static str = ".paperkg-staging-";

    fn new(target: &Path) -> Result<Self> {
        let dir = target.join(format!("{}{}", Self::PREFIX, std::process::id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
        })
    }

    /// Moves every staged file (one level of subfolders included) into the output folder.
    fn commit(&self) -> Result<()> {
        fn move_tree(from: &Path, to: &Path) -> std::io::Result<()> {
            std::fs::create_dir_all(to)?;
            let mut entries: Vec<PathBuf> = std::fs::read_dir(from)?
                .map(|e| e.map(|e| e.path()))
                .collect::<std::io::Result<_>>()?;
            entries.sort();
            for p in entries {
                let dest = to.join(p.file_name().unwrap_or_default());
                if p.is_dir() {
                    move_tree(&p, &dest)?;
                } else {
                    std::fs::rename(&p, &dest)?;
                }
            }
            Ok(())
        }
        move_tree(&self.dir, &self.target)
            .with_context(|| format!("moving outputs into {}", self.target.display()))
    }

    /// Removes staging folders left by runs that were killed (their process is gone).
    fn remove_stale(target: &Path) {
        let Ok(entries) = std::fs::read_dir(target) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(pid) = name
                .strip_prefix(Self::PREFIX)
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
            if !alive && cfg!(target_os = "linux") {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Writes the selected outputs, independent ones in parallel; returns the summary lines
/// listing what was written.
fn write_outputs(
    g: &KnowledgeGraph,
    o: &OutputArgs,
    stats: &PassStats,
    t: &mut Timings,
) -> Result<Vec<String>> {
    // Everything is written into a staging folder first and moved into place at the end,
    // so a run killed while writing leaves the previous outputs as they were (each file is
    // also written atomically, so even a kill during the final moves leaves no partial file).
    let final_out = &o.output;
    let staging = Staging::new(final_out)?;
    let out = &staging.dir;
    let auto = o.exports.contains(&Output::Auto);
    let big = |x: Output| matches!(x, Output::Graphml | Output::Nodelink);
    let want = |x: Output| {
        o.exports.contains(&Output::All)
            || o.exports.contains(&x)
            || (auto && (!big(x) || g.papers.len() <= AUTO_FULL_EXPORTS))
    };
    // The view and the focus entity are checked first, so a bad --focus fails before
    // anything is written.
    let view = if want(Output::Dot) || want(Output::Svg) {
        Some(View::select(
            g,
            &ViewSpec {
                top: Some(o.top),
                focus: o.focus.clone(),
                depth: o.depth,
                ..ViewSpec::default()
            },
        )?)
    } else {
        None
    };
    let start = match &o.focus {
        Some(q) if want(Output::Html) => Some(query::resolve_entity(g, q)?),
        _ => None,
    };
    let (picture, picture_format) = match o.render {
        Render::Png => ("graph.png", Format::Png),
        _ => ("graph.svg", Format::Svg),
    };
    let want_picture = want(Output::Svg) && o.render != Render::None;
    let svg_possible = want_picture && dot::graphviz_available();

    type Job<'a> = Box<dyn FnOnce() -> Result<()> + Send + 'a>;
    let mut jobs: Vec<(&str, Job)> = Vec::new();
    jobs.push((
        "rejects.jsonl",
        Box::new(|| write_rejects(&out.join("rejects.jsonl"), &stats.rejects)),
    ));
    jobs.push((
        "graph.json",
        Box::new(|| Ok(export::json::write_graph(g, &out.join("graph.json"))?)),
    ));
    if let Some(view) = &view {
        let want_dot = want(Output::Dot);
        jobs.push((
            "graph.dot / graph.svg",
            Box::new(move || {
                let dot_text = dot::render_dot(g, view);
                if want_dot {
                    let dot_path = out.join("graph.dot");
                    write_atomic(&dot_path, |w| w.write_all(dot_text.as_bytes()))
                        .with_context(|| format!("writing {}", dot_path.display()))?;
                }
                // The picture is a convenience: a Graphviz failure is reported, not fatal.
                if svg_possible {
                    if let Err(e) = dot::render_to(&dot_text, picture_format, &out.join(picture)) {
                        eprintln!("paperkg: warning: no {picture}: {e}");
                    }
                }
                Ok(())
            }),
        ));
    }
    if want(Output::Neo4j) {
        jobs.push((
            "neo4j/",
            Box::new(|| Ok(export::neo4j::write_neo4j(g, &out.join("neo4j"))?)),
        ));
    }
    if want(Output::Graphml) {
        jobs.push((
            "graph.graphml",
            Box::new(|| {
                Ok(export::graphml::write_graphml(
                    g,
                    &out.join("graph.graphml"),
                )?)
            }),
        ));
    }
    if want(Output::Nodelink) {
        jobs.push((
            "graph.nodelink.json",
            Box::new(|| {
                Ok(export::graphml::write_node_link(
                    g,
                    &out.join("graph.nodelink.json"),
                )?)
            }),
        ));
    }
    if want(Output::Html) {
        jobs.push((
            "graph.html",
            Box::new(move || {
                Ok(export::html::write_html(
                    g,
                    &out.join("graph.html"),
                    HTML_ENTITIES,
                    start,
                )?)
            }),
        ));
    }
    let (names, jobs): (Vec<&str>, Vec<Job>) = jobs.into_iter().unzip();
    let timed: Vec<export::Job<(Duration, Result<()>)>> = jobs
        .into_iter()
        .map(|job| -> export::Job<(Duration, Result<()>)> {
            Box::new(move || {
                let t0 = Instant::now();
                let r = job();
                (t0.elapsed(), r)
            })
        })
        .collect();
    for (name, (took, r)) in names.into_iter().zip(export::run_jobs(timed)) {
        r?;
        if t.on {
            t.lines
                .push(format!("    {name:<30} {:>8.3}s", took.as_secs_f64()));
        }
    }
    staging.commit()?;
    t.mark("write outputs (parallel)");

    let mut files = vec!["graph.json"];
    for (x, name) in [
        (Output::Dot, "graph.dot"),
        (Output::Graphml, "graph.graphml"),
        (Output::Nodelink, "graph.nodelink.json"),
        (Output::Html, "graph.html"),
    ] {
        if want(x) {
            files.push(name);
        }
    }
    files.push("rejects.jsonl");
    let mut lines = vec![format!("{},", files.join(", "))];
    if want(Output::Neo4j) {
        lines.push("neo4j/ (CSV files, import.sh, load.cypher)".into());
    }
    if auto && g.papers.len() > AUTO_FULL_EXPORTS {
        lines.push(format!(
            "(not written at {} papers: graph.graphml, graph.nodelink.json; `--exports all`, or `paperkg export --format graphml|json`)",
            g.papers.len()
        ));
    }
    if svg_possible {
        lines.push(format!("{}", final_out.join(picture).display()));
    } else if want_picture {
        lines.push(format!("(no {picture}: {})", dot::INSTALL_HINT));
    }
    Ok(lines)
}

fn cmd_extract(a: ExtractArgs) -> Result<i32> {
    set_threads(a.input.threads)?;
    let rules = load_rules(&a.input.rules)?;
    // Each extraction is serialized on the workers; the writer only copies bytes. A line is
    // written into the worker's own buffer and handed on as an exact copy: a fresh 4 KiB
    // buffer per paper kept 8 MB per batch in flight, allocated on one thread and freed on
    // another.
    thread_local! {
        static LINE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let to_line = |p: &Paper| -> Result<Vec<u8>> {
        Ok(LINE.with_borrow_mut(|line| {
            line.clear();
            extract::with_extraction(&rules, p, |x| x.write_json_line(line));
            line.clone()
        }))
    };
    let stats = match &a.output {
        Some(path) => {
            let mut outcome: Option<Result<PassStats>> = None;
            let written = write_atomic(path, |w| {
                let r = extract_stream(&a.input, false, to_line, |line| Ok(w.write_all(&line)?));
                let failed = r.is_err();
                outcome = Some(r);
                if failed {
                    Err(std::io::Error::other("extraction failed"))
                } else {
                    Ok(())
                }
            });
            match outcome {
                Some(Err(e)) => return Err(e),
                _ => written.with_context(|| format!("writing {}", path.display()))?,
            }
            outcome.and_then(|r| r.ok()).unwrap_or_default()
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            let stats = extract_stream(&a.input, false, to_line, |line| Ok(w.write_all(&line)?))?;
            w.flush()?;
            stats
        }
    };
    match &a.rejects {
        Some(p) => write_rejects(p, &stats.rejects)?,
        None => {
            for r in &stats.rejects {
                eprintln!("rejected {}:{}: {}", r.file, r.line, r.reason);
            }
        }
    }
    if !a.input.quiet {
        eprintln!(
            "paperkg: extracted {} papers, {} rejected",
            stats.papers,
            stats.rejects.len()
        );
    }
    Ok(0)
}

fn cmd_export(a: ExportArgs) -> Result<i32> {
    let g = load(&a.graph)?;
    let spec = ViewSpec {
        top: a.top,
        focus: a.focus.clone(),
        depth: a.depth,
        ..ViewSpec::default()
    };
    match a.format {
        ExportFormat::Json => export::graphml::write_node_link(&g, &a.output)?,
        ExportFormat::Graphml => export::graphml::write_graphml(&g, &a.output)?,
        ExportFormat::Csv => export::neo4j::write_neo4j(&g, &a.output)?,
        ExportFormat::Html => {
            let start = match &a.focus {
                Some(q) => Some(query::resolve_entity(&g, q)?),
                None => None,
            };
            export::html::write_html(&g, &a.output, a.top.unwrap_or(HTML_ENTITIES), start)?
        }
        ExportFormat::Dot | ExportFormat::Svg | ExportFormat::Png => {
            let view = View::select(&g, &spec)?;
            let text = dot::render_dot(&g, &view);
            match a.format {
                ExportFormat::Dot => write_atomic(&a.output, |w| w.write_all(text.as_bytes()))
                    .with_context(|| format!("writing {}", a.output.display()))?,
                ExportFormat::Svg => dot::render_to(&text, Format::Svg, &a.output)?,
                _ => dot::render_to(&text, Format::Png, &a.output)?,
            }
        }
    }
    eprintln!("paperkg: wrote {}", a.output.display());
    Ok(0)
}

/// True when the error chain ends in a closed pipe (the reader went away: not a failure).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(BrokenPipe))
    })
}
