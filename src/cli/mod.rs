//! The `paperkg` command line: clap definitions and one function per subcommand.
//!
//! Exit codes: 0 success, 1 a query found nothing, 2 an error (bad input, bad rules,
//! unwritable output). A closed pipe on stdout (`paperkg related x | head`) is not an error.

use crate::corpus::{self, FieldMap, InputFormat, ReadOptions, Record, Reject};
use crate::export::{self, dot, View, ViewSpec};
use crate::extract::{self, Extraction};
use crate::graph::{GraphOptions, KnowledgeGraph};
use crate::normalize::Normalizer;
use crate::query::{self, QueryError};
use crate::rules::{self, RuleSet};
use crate::util::write_atomic;
use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use graphviz_rust::cmd::Format;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Entities carried by the HTML page by default.
const HTML_ENTITIES: usize = 400;

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
    #[command(flatten)]
    graph: GraphArgs,
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
    #[arg(long = "type")]
    etype: Option<String>,
    #[arg(long, short = 'n', default_value_t = 20)]
    n: usize,
    #[command(flatten)]
    g: GraphFile,
}

#[derive(Args, Debug)]
struct StatsArgs {
    #[arg(long, short = 'n', default_value_t = 10)]
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
        Command::Rules {
            command: RulesCommand::Check { dir },
        } => cmd_rules_check(&dir),
        Command::Related(a) => {
            let g = load(&a.g.graph)?;
            answer(
                query::related(&g, &a.entity, a.top, a.etype.as_deref()),
                a.g.json,
                |r| r.related.is_empty(),
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

/// Streams the inputs through extraction in parallel batches, calling `sink` with each
/// extraction in input order.
fn extract_stream(
    a: &InputArgs,
    rules: &RuleSet,
    mut sink: impl FnMut(Extraction) -> Result<()>,
) -> Result<PassStats> {
    const BATCH: usize = 4096;
    let (inputs, _tmp) = resolve_inputs(a)?;
    let records = corpus::read_inputs(&inputs, &read_options(a))?;
    let progress = progress_bar(a.quiet);
    let mut stats = PassStats::default();
    let mut batch = Vec::with_capacity(BATCH);
    let mut flush = |batch: &mut Vec<corpus::Paper>, stats: &mut PassStats| -> Result<()> {
        for ex in extract::extract_batch(rules, batch) {
            sink(ex)?;
        }
        stats.papers += batch.len() as u64;
        if let Some(pb) = &progress {
            pb.set_position(stats.papers);
        }
        batch.clear();
        Ok(())
    };
    for rec in records {
        match rec? {
            Record::Paper(p) => {
                if p.duplicate_of.is_some() {
                    stats.duplicates += 1;
                }
                batch.push(p);
                if batch.len() == BATCH {
                    flush(&mut batch, &mut stats)?;
                }
            }
            Record::Reject(r) => stats.rejects.push(r),
        }
    }
    flush(&mut batch, &mut stats)?;
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    Ok(stats)
}

fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos} papers  {per_sec}  elapsed {elapsed_precise}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    pb.enable_steady_tick(std::time::Duration::from_millis(200));
    Some(pb)
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
    Ok(())
}

fn cmd_run(a: RunArgs) -> Result<i32> {
    let started = Instant::now();
    set_threads(a.input.threads)?;
    let rules = load_rules(&a.input.rules)?;
    prepare_output_dir(&a.output)?;
    let types: Vec<String> = rules
        .entity_types()
        .iter()
        .map(|t| t.name.clone())
        .collect();
    let mut norm = Normalizer::new(&types);
    let stats = extract_stream(&a.input, &rules, |ex| {
        norm.add(&ex);
        Ok(())
    })?;
    let mut g = KnowledgeGraph::build(norm.finish(), rules.entity_types(), &a.graph.into());
    g.mark_broad(rules.broad_names());

    let out = &a.output;
    write_rejects(&out.join("rejects.jsonl"), &stats.rejects)?;
    export::json::write_graph(&g, &out.join("graph.json"))?;
    let view = View::select(
        &g,
        &ViewSpec {
            top: Some(a.top),
            focus: a.focus.clone(),
            depth: a.depth,
            ..ViewSpec::default()
        },
    )?;
    let dot_text = dot::render_dot(&g, &view);
    let dot_path = out.join("graph.dot");
    write_atomic(&dot_path, |w| w.write_all(dot_text.as_bytes()))
        .with_context(|| format!("writing {}", dot_path.display()))?;
    let svg_note = if dot::graphviz_available() {
        // The picture is a convenience: a Graphviz failure is reported, not fatal.
        match dot::render_to(&dot_text, Format::Svg, &out.join("graph.svg")) {
            Ok(()) => format!("{}", out.join("graph.svg").display()),
            Err(e) => format!("(no graph.svg: {e})"),
        }
    } else {
        format!("(no graph.svg: {})", dot::INSTALL_HINT)
    };
    export::neo4j::write_neo4j(&g, &out.join("neo4j"))?;
    export::graphml::write_graphml(&g, &out.join("graph.graphml"))?;
    export::graphml::write_node_link(&g, &out.join("graph.nodelink.json"))?;
    let start = match &a.focus {
        Some(q) => Some(query::resolve_entity(&g, q)?),
        None => None,
    };
    export::html::write_html(&g, &out.join("graph.html"), HTML_ENTITIES, start)?;

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
    let _ = writeln!(
        s,
        "  graph.json, graph.dot, graph.graphml, graph.nodelink.json, graph.html, rejects.jsonl,"
    );
    let _ = writeln!(s, "  neo4j/ (CSV files, import.sh, load.cypher)");
    let _ = writeln!(s, "  {svg_note}");
    let _ = writeln!(s, "time: {:.2}s", started.elapsed().as_secs_f64());
    print_out(&s)?;
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

fn cmd_extract(a: ExtractArgs) -> Result<i32> {
    set_threads(a.input.threads)?;
    let rules = load_rules(&a.input.rules)?;
    let write_one = |w: &mut dyn Write, ex: &Extraction| -> Result<()> {
        serde_json::to_writer(&mut *w, ex)?;
        w.write_all(b"\n")?;
        Ok(())
    };
    let stats = match &a.output {
        Some(path) => {
            let mut outcome: Option<Result<PassStats>> = None;
            let written = write_atomic(path, |w| {
                let r = extract_stream(&a.input, &rules, |ex| write_one(w, &ex));
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
            let stats = extract_stream(&a.input, &rules, |ex| write_one(&mut w, &ex))?;
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
