//! Table-driven tests of the shipped rules (`rules/`): the noun-phrase chunker
//! (`[[phrase]]`), acronym definitions, name-shape and context patterns, and the
//! validation of `[[phrase]]` tables.

use paperkg::corpus::{Paper, SourcePos};
use paperkg::extract::{extract, Extraction};
use paperkg::rules::{check_dir, load_dir, RuleSet};
use std::path::Path;
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| {
        load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"))
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

fn run(abs: &str) -> Extraction {
    let p = Paper::new(
        "x",
        "x",
        abs,
        SourcePos {
            file: "t".into(),
            line: 1,
        },
    );
    extract(rules(), &p)
}

fn has(x: &Extraction, text: &str, ty: &str) -> bool {
    x.mentions.iter().any(|m| m.text == text && m.etype == ty)
}

/// Asserts that `x` has a mention `text` of type `ty`, listing the mentions if not.
fn assert_has(x: &Extraction, text: &str, ty: &str) {
    assert!(has(x, text, ty), "want {text:?} as {ty}: {:?}", x.mentions);
}

/// One row of a rule table: a text, the mention that must be found in it with its type
/// (`("", "")` for none), and texts that must not be mentions.
type RuleRow<'a> = (&'a str, (&'a str, &'a str), &'a [&'a str]);

/// Checks every row of `table`; `not_type` limits the "must not" texts to one type (any
/// type when `None`).
fn check_table(table: &[RuleRow], not_type: Option<&str>) {
    for (text, (want, ty), not) in table {
        let x = run(text);
        if !want.is_empty() {
            assert!(
                has(&x, want, ty),
                "{text}: want {want} as {ty}, got {:?}",
                x.mentions
            );
        }
        for n in *not {
            assert!(
                !x.mentions
                    .iter()
                    .any(|m| m.text == *n && not_type.is_none_or(|t| m.etype == t)),
                "{text}: {n} must not be a mention{}, got {:?}",
                not_type
                    .map(|t| format!(" of type {t}"))
                    .unwrap_or_default(),
                x.mentions
            );
        }
    }
}

#[test]
fn phrase_chunker() {
    // (text, mention that must be found as (text, type), mentions that must not be found)
    let table: &[RuleRow] = &[
        // modifiers + head; determiners and generic adjectives cut the phrase
        (
            "We study the statistical machine translation system here.",
            ("statistical machine translation system", "method"),
            &["the statistical machine translation system"],
        ),
        (
            "a novel unsupervised domain adaptation for text",
            ("unsupervised domain adaptation", "concept"),
            &["novel unsupervised domain adaptation"],
        ),
        // the head must end the noun phrase: "recognition" is not the head here
        (
            "Speech recognition systems are built.",
            ("Speech recognition systems", "method"),
            &["Speech recognition"],
        ),
        // a bare head alone is not a mention
        ("The model works.", ("", ""), &["model", "The model"]),
        // the writer's judgement is no part of a name; nor is whose it is, nor a verb
        (
            "We propose advanced 3D reconstruction for cities.",
            ("3D reconstruction", "task"),
            &["advanced 3D reconstruction"],
        ),
        (
            "This improves the model's continual learning.",
            ("continual learning", "concept"),
            &["model's continual learning"],
        ),
        (
            "Language recognition involves continuous adaptation.",
            ("continuous adaptation", "concept"),
            &["involves continuous adaptation"],
        ),
        (
            "It beats numerous competing methods.",
            ("", ""),
            &["numerous competing methods", "competing methods"],
        ),
        // bare "exploration" is mostly the act of exploring (GSAP: 29 of 32 were wrong)
        (
            "Further exploration of this idea is needed.",
            ("", ""),
            &["exploration", "Further exploration"],
        ),
        // named data: a name-like modifier is needed
        (
            "on the Europarl corpus and on training data",
            ("Europarl corpus", "dataset"),
            &["training data"],
        ),
        // tokenized hyphens join words
        (
            "multi - document summarization is hard",
            ("multi - document summarization", "task"),
            &[],
        ),
        // a language name is not a name-like modifier; a real name still is
        // ("English data" is a material instead: see `material_phrases`)
        (
            "We use English data and the English Penn corpus.",
            ("English Penn corpus", "dataset"),
            &[],
        ),
        (
            "Arabic-English test sets were used.",
            ("", ""),
            &["Arabic-English test sets"],
        ),
        // a capital that only starts the sentence is no name (a material, not a dataset)
        (
            "Parallel corpora are scarce.",
            ("Parallel corpora", "material"),
            &[],
        ),
        // a number inside a name, after a capitalised word
        (
            "on the TAC 2010 data and 2010 data",
            ("TAC 2010 data", "dataset"),
            &["2010 data"],
        ),
        // bare component nouns are methods; generic ones are not
        (
            "The parser is fast but the model is slow.",
            ("parser", "method"),
            &["model"],
        ),
        // coordinated modifiers form one phrase
        (
            "we study syntactic and semantic parsing of text",
            ("syntactic and semantic parsing", "task"),
            &["semantic parsing"],
        ),
        // plural process nouns are results, not tasks
        (
            "the English translations and machine translation",
            ("machine translation", "task"),
            &["English translations", "translations"],
        ),
        // weaker method heads, but not after a learning-paradigm word
        (
            "a decoding process and the learning process",
            ("decoding process", "method"),
            &["learning process"],
        ),
        // task heads added from SciERC train
        (
            "lexicon construction and image registration",
            ("image registration", "task"),
            &[],
        ),
        // a task before "problem" is the task alone; other problems are concepts, head
        // included; qualifying adjectives and plurals are not
        (
            "the word segmentation problem is an open problem among complex problems",
            ("word segmentation", "task"),
            &[
                "word segmentation problem",
                "open problem",
                "complex problems",
            ],
        ),
        (
            "this causes the data sparsity problem in parsing",
            ("data sparsity problem", "concept"),
            &[],
        ),
        // a verb before the object is not a modifier (no tagger: stoplists/function_words.txt)
        (
            "we formulate 3D reconstruction and it integrates visual features via a
             framework leveraging pre-trained encoders",
            ("3D reconstruction", "task"),
            &["formulate 3D reconstruction", "integrates visual features"],
        ),
        // "human" may modify a task
        (
            "3D human pose estimation from video",
            ("3D human pose estimation", "task"),
            &["pose estimation"],
        ),
        // a language before a named resource belongs to its name
        (
            "senses from Czech WordNet and English Wikipedia",
            ("Czech WordNet", "dataset"),
            &["WordNet"],
        ),
    ];
    check_table(table, None);
}

/// Whether `x` has a mention `text` of any type other than `ty`.
fn has_other_type(x: &Extraction, text: &str, ty: &str) -> bool {
    x.mentions.iter().any(|m| m.text == text && m.etype != ty)
}

#[test]
fn material_phrases() {
    // (text, mentions that must be found as material, texts that must not be mentions)
    let table: &[(&str, &[&str], &[&str])] = &[
        // a kind of data: modifier + data head
        (
            "We align parallel corpora and spontaneous speech.",
            &["parallel corpora", "spontaneous speech"],
            &[],
        ),
        (
            "Experiments on natural images and broadcast news show gains.",
            &["natural images", "broadcast news"],
            &[],
        ),
        // the head alone is no entity
        (
            "The data, the images and the text were noisy.",
            &[],
            &["data", "images", "text"],
        ),
        // singular "image" is not a head ("the input image"); "images" is
        (
            "a guidance image and RGB images",
            &["RGB images"],
            &["guidance image"],
        ),
        // what the data is for, or how good or big it is, is not a kind of data
        (
            "on training data, test sentences, benchmark datasets and high-quality data",
            &[],
            &[
                "training data",
                "test sentences",
                "benchmark datasets",
                "high-quality data",
            ],
        ),
        ("data collection took a year", &[], &["data collection"]),
        // a language is material alone and as a modifier; capitalised only
        (
            "We translate English into Japanese using English text.",
            &["English", "Japanese", "English text"],
            &[],
        ),
        ("We polish the turkish rug.", &[], &["polish", "turkish"]),
        // "synthetic and annotated data": one coordinated phrase
        (
            "both synthetic and annotated data",
            &["synthetic and annotated data"],
            &["annotated data"],
        ),
    ];
    for (text, want, not) in table {
        let x = run(text);
        for w in *want {
            assert!(
                has(&x, w, "material"),
                "{text}: want {w} as material, got {:?}",
                x.mentions
            );
        }
        for n in *not {
            assert!(
                !x.mentions.iter().any(|m| m.text == *n),
                "{text}: {n} must not be a mention: {:?}",
                x.mentions
            );
        }
    }
}

#[test]
fn named_data_stays_dataset() {
    // `material.data-np` is `unnamed`: a name-like modifier leaves the phrase to the
    // dataset rules, also in coordinations (TDMSci and SciREX mark each name).
    let table: &[(&str, &[&str])] = &[
        ("on the Europarl corpus", &["Europarl corpus"]),
        (
            "on the CIFAR-10 and CIFAR-100 datasets",
            &["CIFAR-10", "CIFAR-100 datasets"],
        ),
        ("the TAC 2010 data", &["TAC 2010 data"]),
    ];
    for (text, want) in table {
        let x = run(text);
        for w in *want {
            assert!(
                has(&x, w, "dataset"),
                "{text}: want {w} as dataset: {:?}",
                x.mentions
            );
            assert!(!has_other_type(&x, w, "dataset"), "{text}: {w}");
        }
        assert!(
            !x.mentions.iter().any(|m| m.etype == "material"),
            "{text}: no material: {:?}",
            x.mentions
        );
    }
    // English data is a language's data: material, not a dataset.
    let x = run("We use English data.");
    assert_has(&x, "English data", "material");
    assert!(!has_other_type(&x, "English data", "material"));
}

#[test]
fn classic_methods() {
    // (text, methods that must be found)
    let table: &[(&str, &[&str])] = &[
        (
            "trained with AdaBoost and RANSAC on SIFT features",
            &["AdaBoost", "RANSAC", "SIFT"],
        ),
        (
            "inference by loopy belief propagation and dynamic programming",
            &["loopy belief propagation", "dynamic programming"],
        ),
        ("parsing with HPSG, trained with HMMs", &["HPSG", "HMMs"]),
        (
            "tuned by cross-validation, decoded with beam search",
            &["cross-validation", "beam search"],
        ),
    ];
    for (text, want) in table {
        let x = run(text);
        for w in *want {
            assert_has(&x, w, "method");
        }
    }
    // "sift" in lower case is a verb
    let x = run("we sift through the logs");
    assert!(
        !x.mentions.iter().any(|m| m.text == "sift"),
        "{:?}",
        x.mentions
    );
}

#[test]
fn tasks_and_concepts() {
    // (text, mentions that must be found as (text, type), mentions that must not be found
    // as a task): research tasks are tasks (task.toml); learning paradigms, training
    // techniques, phenomena and fields stay concepts (concept.toml).
    type Row = (
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static [&'static str],
    );
    let table: &[Row] = &[
        // hand-written terms of both files
        (
            "instruction tuning for machine translation and object detection",
            &[
                ("instruction tuning", "concept"),
                ("machine translation", "task"),
                ("object detection", "task"),
            ],
            &["instruction tuning"],
        ),
        (
            "deep learning with regularization; data augmentation helps",
            &[
                ("deep learning", "concept"),
                ("regularization", "concept"),
                ("data augmentation", "concept"),
            ],
            &["deep learning", "regularization", "data augmentation"],
        ),
        // task phrases (task.np) and paradigm phrases (concept.topic-phrase)
        (
            "few-shot image classification with supervised contrastive learning",
            &[
                ("few-shot image classification", "task"),
                ("supervised contrastive learning", "concept"),
            ],
            &["supervised contrastive learning"],
        ),
        (
            "dependency parsing and named entity recognition via unsupervised domain adaptation",
            &[
                ("dependency parsing", "task"),
                ("named entity recognition", "task"),
                ("unsupervised domain adaptation", "concept"),
            ],
            &["unsupervised domain adaptation"],
        ),
        // Papers with Code task names headed by a paradigm or technique are concepts
        // (dictionaries/topics.tsv); the other ones are tasks (dictionaries/tasks.tsv), and a
        // task name wins over a concept phrase on the same words ("sentiment analysis")
        (
            "Bayesian Optimization for Sentiment Analysis and Keyword Spotting",
            &[
                ("Bayesian Optimization", "concept"),
                ("Sentiment Analysis", "task"),
                ("Keyword Spotting", "task"),
            ],
            &["Bayesian Optimization"],
        ),
        // fields are concepts
        (
            "advances in computer vision and natural language processing",
            &[
                ("computer vision", "concept"),
                ("natural language processing", "concept"),
            ],
            &["computer vision", "natural language processing"],
        ),
        // bare task words that end a noun phrase (task.bare)
        (
            "it performs well on classification and regression, and on recognition",
            &[
                ("classification", "task"),
                ("regression", "task"),
                ("recognition", "task"),
            ],
            &[],
        ),
        // bare words too vague or mostly no task alone; plurals are results
        (
            "detection, generation and prediction improve; the classifications and reconstructions",
            &[],
            &[
                "detection",
                "generation",
                "prediction",
                "classifications",
                "reconstructions",
            ],
        ),
        // generic problem and task words are no tasks
        (
            "this task is an open problem; the problem and the tasks are hard",
            &[],
            &[
                "this task",
                "task",
                "open problem",
                "problem",
                "the problem",
                "tasks",
            ],
        ),
        // a long form that is a hand-written task term and also a dataset list entry
        // ("Visual Question Answering" in datasets.tsv) is typed as the term
        (
            "we study Visual Question Answering (VQA) here",
            &[("Visual Question Answering (VQA)", "task")],
            &[],
        ),
        // single ordinary words from the Papers with Code task list are no tasks
        // (derive_dictionaries.py); single-word tasks are hand-written terms
        (
            "fairness and chunking",
            &[("chunking", "task")],
            &["fairness"],
        ),
        // an acronym whose long form ends in a task head is a task ...
        (
            "they studied visual place recognition (VPR) before; VPR is hard",
            &[("visual place recognition (VPR)", "task"), ("VPR", "task")],
            &[],
        ),
    ];
    for (text, want, not) in table {
        let x = run(text);
        for (w, ty) in *want {
            assert!(
                has(&x, w, ty),
                "{text}: want {w} as {ty}, got {:?}",
                x.mentions
            );
        }
        for n in *not {
            assert!(
                !has(&x, n, "task"),
                "{text}: {n} must not be a task: {:?}",
                x.mentions
            );
        }
    }
    // ... unless the paper proposes it: then it is a method, not a mere task
    assert_has(
        &run("we propose Cross-View Place Recognition (CVPR) for this"),
        "Cross-View Place Recognition (CVPR)",
        "method",
    );
}

#[test]
fn acronyms_no_head_noun_types_are_methods() {
    // (text, long-form mention, type): method.toml has `acronym_default = "any"`, so an
    // acronym neither a dictionary nor a head noun types is a method, proposed or not;
    // head nouns still decide, and a proposed acronym is never typed as a mere topic.
    let table: &[(&str, &str, &str)] = &[
        (
            "they studied Aggregated Channel Features (ACF) before",
            "Aggregated Channel Features (ACF)",
            "method",
        ),
        (
            "we propose Random Noise Injection (RNI) for this",
            "Random Noise Injection (RNI)",
            "method",
        ),
        (
            "they studied cross-domain sentiment classification (CDSC) before",
            "cross-domain sentiment classification (CDSC)",
            "task",
        ),
        (
            "we propose Robust Adaptive Meta Learning (RAML) for this",
            "Robust Adaptive Meta Learning (RAML)",
            "method",
        ),
    ];
    for (text, long, ty) in table {
        assert_has(&run(text), long, ty);
    }
}

#[test]
fn acronyms_typed_by_the_noun_that_introduces_them() {
    // (text, long-form mention, type): an indefinite noun phrase right before the definition
    // (joined by a comma, colon, dash, quote or "named / called") types it by its head, and
    // so does a long form that starts with a head noun and "of" / "for".
    let table: &[(&str, &str, &str)] = &[
        (
            "We present a new dense video captioning dataset, Video Timeline Tags (ViTT), featuring videos.",
            "Video Timeline Tags (ViTT)",
            "dataset",
        ),
        (
            "We present a new dataset, named Video-and-Language Event Prediction (VLEP), with examples.",
            "Video-and-Language Event Prediction (VLEP)",
            "dataset",
        ),
        (
            "We present a new dataset “Video-to-Commonsense (V2C)” that contains videos.",
            "Video-to-Commonsense (V2C)",
            "dataset",
        ),
        (
            "The advent of The Corpus of Linguistic Acceptability (CoLA) has earned attention.",
            "Corpus of Linguistic Acceptability (CoLA)",
            "dataset",
        ),
        (
            "We introduce The Benchmark of Linguistic Minimal Pairs (BLiMP), a challenge set.",
            "Benchmark of Linguistic Minimal Pairs (BLiMP)",
            "dataset",
        ),
        // a definite phrase before a comma is a clause boundary, not an apposition
        (
            "On the WSJ dataset, Conditional Random Fields (CRF) do well.",
            "Conditional Random Fields (CRF)",
            "method",
        ),
    ];
    for (text, long, ty) in table {
        assert_has(&run(text), long, ty);
    }
}

#[test]
fn acronym_definitions() {
    // (text, short, long)
    let table: &[(&str, &str, &str)] = &[
        // initials beat the shortest window
        (
            "we use Proximal Policy Optimization (PPO) here",
            "PPO",
            "Proximal Policy Optimization",
        ),
        // link words may be skipped, the first word is a content word
        (
            "by the Office of the Vice Provost for Research (OVPR) grant",
            "OVPR",
            "Office of the Vice Provost for Research",
        ),
        // a generic head after the long form is left out
        (
            "adopt adversarial machine learning algorithms (AML) to",
            "AML",
            "adversarial machine learning",
        ),
        // tokenized dashes and possessives
        (
            "a User - guided Social Media Crawling method (USMC) that",
            "USMC",
            "User - guided Social Media Crawling",
        ),
        (
            "reported Pearson 's correlation coefficient ( PCC ) of",
            "PCC",
            "Pearson 's correlation coefficient",
        ),
        // the short form before a comma inside the parentheses
        (
            "the absolute trajectory error (ATE, as defined in [3]) is",
            "ATE",
            "absolute trajectory error",
        ),
        // SHORT (long) without a leading article
        (
            "TCP (the top concept popularity) is related",
            "TCP",
            "top concept popularity",
        ),
        // SHORT = long
        (
            "Here, DA = direct assessment, RR = relative ranking.",
            "DA",
            "direct assessment",
        ),
        // SHORT - long, SHORT stands for long, long - SHORT
        (
            "Acronyms : AUC - Area Under ROC Curve ; AP - Average Precision .",
            "AP",
            "Average Precision",
        ),
        (
            "MSE stands for the mean squared error .",
            "MSE",
            "mean squared error",
        ),
        (
            "HDDs are classified into Enterprise Storage - ES and others .",
            "ES",
            "Enterprise Storage",
        ),
        // SHORT, long only when no earlier words spell it
        (
            "Baselines: GEM , gradient episodic memory for continual learning .",
            "GEM",
            "gradient episodic memory",
        ),
        (
            "Machine Learning : ML , Meta - Learning : MTL .",
            "ML",
            "Machine Learning",
        ),
        // a Roman-looking short form spelled by the words before it
        (
            "scales well is variational inference ( VI ) .",
            "VI",
            "variational inference",
        ),
    ];
    for (text, short, long) in table {
        let x = run(text);
        assert!(
            x.acronyms
                .iter()
                .any(|a| a.short == *short && a.long == *long),
            "{text}: want {short} = {long}, got {:?}",
            x.acronyms
        );
    }
    // A parenthesised definition is one mention, canonical = the long form.
    let x = run("We propose Solo Performance Prompting (SPP). SPP works.");
    let d = x
        .mentions
        .iter()
        .find(|m| m.rule == "acronym.long")
        .unwrap();
    assert_eq!(d.text, "Solo Performance Prompting (SPP)");
    assert_eq!(d.canonical, "Solo Performance Prompting");
    assert_eq!(d.etype, "method");
    // A head noun right after the parenthesis belongs to the mention.
    let x = run("We build statistical voice conversion (SVC) systems for Czech.");
    assert_has(&x, "statistical voice conversion (SVC) systems", "method");
    // Generic words left out of the long form still type it: a method, not a concept.
    let x = run("the post processing method (PP) and others");
    assert_has(&x, "post processing method (PP)", "method");
    // A coordinated phrase is named after the part after `and`.
    let x = run("we compare student and teacher models here");
    let m = x
        .mentions
        .iter()
        .find(|m| m.text == "student and teacher models")
        .unwrap();
    assert_eq!(m.canonical, "teacher models");
}

#[test]
fn names_and_context() {
    let table: &[(&str, &str, &str)] = &[
        (
            "We evaluate on CIFAR-100 and miniImageNet.",
            "CIFAR-100",
            "dataset",
        ),
        (
            "We evaluate on CIFAR-100 and miniImageNet.",
            "miniImageNet",
            "dataset",
        ),
        ("a new method called RankMe improves", "RankMe", "method"),
        // A capitalised long name, then a short name that is no acronym of it.
        (
            "we propose a generic approach called Adaptive Note-Enhanced RAG (Adaptive-Note) for QA",
            "Adaptive-Note",
            "method",
        ),
        (
            "on four datasets: FashionIQ, CIRR, GeneCIS, and CIRCO",
            "GeneCIS",
            "dataset",
        ),
        ("GPT-4 and GPT-4V differ", "GPT-4V", "method"),
        ("we use WordNet senses", "WordNet", "dataset"),
        ("MT output is scored", "MT", "task"),
    ];
    for (text, want, ty) in table {
        let x = run(text);
        assert!(
            has(&x, want, ty),
            "{text}: want {want} as {ty}, got {:?}",
            x.mentions
        );
    }
}

#[test]
fn tokenized_hyphens_and_dataset_judgements() {
    // (text, mention that must be found as (text, type), mentions that must not be found)
    let table: &[RuleRow] = &[
        // `spaced_hyphens`: tokenized corpora write "CIFAR-10" as "CIFAR - 10"
        (
            "We evaluate on CIFAR - 10 and report accuracy .",
            ("CIFAR - 10", "dataset"),
            &["CIFAR"],
        ),
        (
            "We evaluate on CIFAR-10 and report accuracy.",
            ("CIFAR-10", "dataset"),
            &["CIFAR"],
        ),
        // only a hyphen between word characters is spaced: "CIFAR -10" stays unmatched
        (
            "We evaluate on CIFAR -10 and CIFAR-100.",
            ("CIFAR-100", "dataset"),
            &["CIFAR -10"],
        ),
        // how a paper judges or got the data is not part of the dataset's name
        (
            "results on the challenging AFLW database show",
            ("AFLW database", "dataset"),
            &["challenging AFLW database"],
        ),
        (
            "we use collected GPS data to train",
            ("GPS data", "dataset"),
            &["collected GPS data"],
        ),
        (
            "the original SNLI dataset is small",
            ("SNLI dataset", "dataset"),
            &["original SNLI dataset"],
        ),
    ];
    check_table(table, None);
    let x = run("We evaluate on CIFAR - 10 here.");
    let m = x.mentions.iter().find(|m| m.text == "CIFAR - 10").unwrap();
    assert_eq!(
        m.canonical, "CIFAR-10",
        "the spaced form keeps the term's name"
    );
}

/// The diagnostics of a rules folder holding one file `t.toml` with `toml` (which must
/// not load).
fn diagnostics_of(toml: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.toml"), toml).unwrap();
    let (rules, diags) = check_dir(dir.path()).unwrap();
    assert!(rules.is_none(), "{toml} loaded");
    diags.iter().map(|d| d.to_string()).collect()
}

#[test]
fn new_phrase_options_are_validated() {
    let msgs = diagnostics_of(
        "[entity]\ntype = \"t\"\n\n[[phrase]]\nid = \"t.np\"\nheads = [\"corpus\"]\nnot_after = [\"two words\"]\nnot_names = [\"a b\"]\nnot_names_files = [\"missing.txt\"]\n",
    );
    for (line, what) in [
        ("t.toml:7", "not_after entries must be single words"),
        ("t.toml:8", "not_names entries must be single words"),
        ("t.toml:9", "missing.txt"),
    ] {
        assert!(
            msgs.iter().any(|m| m.contains(line) && m.contains(what)),
            "{line} {what}: {msgs:?}"
        );
    }
}

#[test]
fn name_and_unnamed_exclude_each_other() {
    let msgs = diagnostics_of(
        "[entity]\ntype = \"t\"\n\n[[phrase]]\nid = \"t.np\"\nheads = [\"corpus\"]\nname = true\nunnamed = true\n",
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("t.toml:8") && m.contains("exclude each other")),
        "{msgs:?}"
    );
}

#[test]
fn phrase_tables_are_validated() {
    let msgs = diagnostics_of(
        "[entity]\ntype = \"t\"\n\n[[phrase]]\nid = \"t.np\"\nheads = [\"two words\"]\nmax_words = 40\n",
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("t.toml:6") && m.contains("single words")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("t.toml:7") && m.contains("max_words")),
        "{msgs:?}"
    );
}

#[test]
fn stop_heads_are_single_words() {
    let msgs = diagnostics_of("[entity]\ntype = \"t\"\nstop_heads = [\"error\", \"error rate\"]\n");
    assert!(
        msgs.iter().any(
            |m| m.contains("t.toml:3") && m.contains("stop_heads entries must be single words")
        ),
        "{msgs:?}"
    );
}

/// With the shipped rules: definitions that are real but name no entity, or that a
/// dictionary types; the acronym list keeps them, the mentions follow the rules.
#[test]
fn acronym_definitions_that_name_no_entity_or_a_known_one() {
    // (text, long form, type of its mentions or None for no mention)
    let cases: &[(&str, &str, Option<&str>)] = &[
        (
            "Our model reaches state-of-the-art (SOTA) accuracy and beats SOTA methods.",
            "state-of-the-art",
            None,
        ),
        (
            "Artificial intelligence (AI) changes science; AI tools help.",
            "Artificial intelligence",
            Some("concept"),
        ),
        // Metrics (method.toml `stop_heads`): defined, but neither methods nor entities.
        (
            "Detection is scored by mean average precision (mAP); our mAP rises by 3 points.",
            "mean average precision",
            None,
        ),
        (
            "The word error rate (WER) of the recognizer falls, and WER varies little.",
            "word error rate",
            None,
        ),
        (
            "Boxes are judged by intersection over union (IoU), and IoU above 0.5 counts.",
            "intersection over union",
            None,
        ),
        (
            "Image quality rises by 2 dB in peak signal-to-noise ratio (PSNR); PSNR matters.",
            "peak signal-to-noise ratio",
            None,
        ),
        // Not a metric head: distances and coefficients stay what they were.
        (
            "Samples are compared by the Fréchet Inception Distance (FID); FID falls.",
            "Fréchet Inception Distance",
            Some("method"),
        ),
        // A metric the paper proposes is its contribution, and stays a mention.
        (
            "We propose the Event Quality Score (EQS) for event cameras. EQS tracks quality.",
            "Event Quality Score",
            Some("method"),
        ),
    ];
    for &(text, long, want) in cases {
        let x = run(text);
        assert!(
            x.acronyms.iter().any(|a| a.long == long),
            "{text}: definition {long:?} missing from {:?}",
            x.acronyms
        );
        let types: Vec<&str> = x
            .mentions
            .iter()
            .filter(|m| m.canonical == long)
            .map(|m| m.etype.as_str())
            .collect();
        match want {
            None => assert!(types.is_empty(), "{text}: {types:?}"),
            Some(t) => {
                assert!(
                    types.len() >= 2,
                    "{text}: definition and use, got {types:?}"
                );
                assert!(types.iter().all(|x| *x == t), "{text}: {types:?}");
            }
        }
    }
    // Nothing inside a metric's definition is a mention, and its short form means the
    // metric in this paper: "translation" is no task here, "MAE" no masked autoencoder.
    let x = run(
        "We lower the translation error rate (TER) and the mean absolute error (MAE); TER \
         and MAE both fall.",
    );
    assert!(
        x.mentions.is_empty(),
        "no entity in a metric's definition or uses: {:?}",
        x.mentions
    );
    assert_eq!(x.acronyms.len(), 2, "{:?}", x.acronyms);
    // Words of a web address are no mentions, the same words in prose are.
    let x = run("LLaVA is fast. Code: https://github.com/org/LLaVA-RAG and www.example.org/LoRA.");
    let found: Vec<&str> = x.mentions.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(found, ["LLaVA"], "{:?}", x.mentions);
    // Metrics and ambiguous abbreviations from the derived lists are not entities.
    let x = run(
        "Our CAD pipeline improves PSNR and SSIM on all benchmarks, lowers ECE and raises DSC. \
         Drones log GPS positions.",
    );
    for junk in ["CAD", "PSNR", "SSIM", "ECE", "DSC", "GPS"] {
        assert!(
            !x.mentions.iter().any(|m| m.text == junk),
            "{junk}: {:?}",
            x.mentions
        );
    }
    // ... nor datasets, when the dataset lists carry them (NOT_DATASETS): names the
    // abstracts mean otherwise, and words used in their ordinary sense.
    let no_datasets = |text: &str, names: &[&str]| {
        let x = run(text);
        for junk in names {
            assert!(
                !x.mentions
                    .iter()
                    .any(|m| m.text == *junk && m.etype == "dataset"),
                "{junk}: {:?}",
                x.mentions
            );
        }
    };
    no_datasets(
        "We train with ADAM. With the MMD baseline metric, the PCC between predictions and \
         labels is high, and E2E latency is low.",
        &["ADAM", "PCC", "MMD", "E2E"],
    );
    no_datasets(
        "The robot applies torques. We study shape bias and Hate Speech in verse.",
        &["torques", "shape bias", "Hate Speech", "verse"],
    );
    // "boosting" as a verb is not the ensemble method.
    let x = run("boosting performance by 5% over prior work");
    assert!(
        !x.mentions.iter().any(|m| m.text == "boosting"),
        "{:?}",
        x.mentions
    );
}

#[test]
fn quality8_dataset_precision() {
    // (text, mention that must be found as (text, type), dataset mentions that must not be
    // found)
    let table: &[RuleRow] = &[
        // languages alone are no dataset (`stop_files`), but stay materials
        (
            "We use three datasets: English, Spanish and Hindi.",
            ("English", "material"),
            &["English", "Spanish", "Hindi"],
        ),
        // task acronyms alone are no dataset, and no name before a data head
        (
            "We evaluate on two RC datasets and the KBQA benchmark.",
            ("", ""),
            &["RC datasets", "KBQA", "KBQA benchmark"],
        ),
        (
            "Results on the CWS and GEC datasets improve.",
            ("", ""),
            &["CWS", "GEC", "GEC datasets"],
        ),
        // kinds of data capitalised by habit are no names
        (
            "We collect Web data and non-English data for Big Data analytics.",
            ("", ""),
            &["Web data", "non-English data", "Big Data"],
        ),
        (
            "Building a Large-Scale Annotated Corpus for Parallel Corpora mining.",
            ("", ""),
            &[
                "Annotated Corpus",
                "Large-Scale Annotated Corpus",
                "Parallel Corpora",
            ],
        ),
        // a name among them still makes a name
        (
            "We release the Dutch Web Corpus WebCorp and the ClueWeb Web collection.",
            ("ClueWeb Web collection", "dataset"),
            &[],
        ),
    ];
    check_table(table, Some("dataset"));
}

#[test]
fn quality8_spaced_dashes() {
    // (text, mention that must be found as (text, type), mentions that must not be found)
    let table: &[RuleRow] = &[
        // a word joined by spaced dashes is the stop word its unspaced form is
        (
            "We achieve state - of - the - art semantic role labeling results .",
            ("semantic role labeling", "task"),
            &["state - of - the - art semantic role labeling"],
        ),
        // a spaced dash does not join a word to a following article, except after "of"
        (
            "We use the Penn Treebank - the WSJ corpus .",
            ("Penn Treebank", "dataset"),
            &["Penn Treebank - the WSJ corpus"],
        ),
    ];
    check_table(table, None);
}

#[test]
fn quality8_task_precision() {
    // (text, mention that must be found as (text, type), task mentions that must not be found)
    let table: &[RuleRow] = &[
        // techniques and things from the task list are no tasks
        (
            "We avoid feature engineering and resolve referring expressions .",
            ("", ""),
            &["feature engineering", "referring expressions"],
        ),
        (
            "We study referring expression generation .",
            ("referring expression generation", "task"),
            &[],
        ),
        // `through_terms`: a stop word inside a task name does not end the task phrase
        (
            "We do biomedical named entity recognition and cross-lingual open information extraction .",
            ("biomedical named entity recognition", "task"),
            &["named entity recognition"],
        ),
        // … but only for task phrases: "large" still ends a method phrase
        (
            "We study fine-tuning large language models .",
            ("", ""),
            &["fine-tuning large language models"],
        ),
        // "annotation" is no task head: an activity
        (
            "This requires manual annotation and corpus annotation .",
            ("", ""),
            &["manual annotation", "corpus annotation"],
        ),
    ];
    check_table(table, Some("task"));
}

#[test]
fn quality9_task_boundaries() {
    // (text, mention that must be found as (text, type), task mentions that must not be found)
    let table: &[RuleRow] = &[
        // `not_stop_words`: size and scope words stay inside task names
        (
            "We address single image super-resolution .",
            ("single image super-resolution", "task"),
            &["image super-resolution"],
        ),
        (
            "Results on low resource machine translation are weak .",
            ("low resource machine translation", "task"),
            &["resource machine translation", "machine translation"],
        ),
        (
            "We build large vocabulary speech recognition systems and study generic language understanding .",
            ("generic language understanding", "task"),
            &["language understanding"],
        ),
        // … but are still stop words for the other types, and "robust" stays one for tasks
        (
            "We use a single model for robust text classification .",
            ("text classification", "task"),
            &["robust text classification", "single model"],
        ),
        // task acronyms used alone; not "QA", mostly a modifier ("QA datasets")
        (
            "We evaluate MRC , ODQA and CBQA systems on QA datasets .",
            ("MRC", "task"),
            &["QA"],
        ),
        ("Results on ODQA .", ("ODQA", "task"), &[]),
        // … "single" before the head alone is an amount
        ("The model makes a single prediction .", ("", ""), &["single prediction"]),
        // new task head "typing"
        (
            "We study fine-grained entity typing .",
            ("fine-grained entity typing", "task"),
            &[],
        ),
    ];
    check_table(table, Some("task"));
    let x = run("We use a single model for robust text classification .");
    assert!(
        !x.mentions.iter().any(|m| m.text == "single model"),
        "{:?}",
        x.mentions
    );
}

#[test]
fn session9_task_names() {
    // (text, mention that must be found as (text, type), concept mentions that must not be found)
    let table: &[RuleRow] = &[
        // an NLP task named like sentiment analysis, not a topic phrase with the head "analysis"
        (
            "We study emotion analysis in tweets .",
            ("emotion analysis", "task"),
            &["emotion analysis"],
        ),
        (
            "We study sentiment analysis and error analysis .",
            ("sentiment analysis", "task"),
            &["sentiment analysis"],
        ),
    ];
    check_table(table, Some("concept"));
}

#[test]
fn quality10_task_coordinations_and_resolution() {
    // (text, mention that must be found as (text, type), task mentions that must not be found)
    let table: &[RuleRow] = &[
        // a first conjunct that is itself a head of the rule is a phrase of its own
        (
            "We cast it as classification and span prediction .",
            ("span prediction", "task"),
            &["classification and span prediction"],
        ),
        (
            "We cast it as classification and span prediction .",
            ("classification", "task"),
            &[],
        ),
        (
            "It infers the number of objects for detection and pose estimation .",
            ("pose estimation", "task"),
            &["detection and pose estimation"],
        ),
        // … also when the head ends a hyphened word (`hyphen_heads`)
        (
            "It is used for geo-localization and scene recognition .",
            ("scene recognition", "task"),
            &["geo-localization and scene recognition"],
        ),
        // a modifier before `and` still makes one coordinated phrase
        (
            "We study syntactic and semantic parsing .",
            ("syntactic and semantic parsing", "task"),
            &["semantic parsing"],
        ),
        // the resolution of an image is no task; resolving coreference is
        (
            "Images at low resolution and at high - resolution ( HR ) differ in pixel resolution .",
            ("", ""),
            &[
                "low resolution",
                "high - resolution",
                "high - resolution ( HR )",
                "pixel resolution",
            ],
        ),
        (
            "We improve coreference resolution .",
            ("coreference resolution", "task"),
            &[],
        ),
        // verbs, number words and judgement words end a phrase (stoplists/function_words.txt)
        (
            "In this paper we tackle machine translation .",
            ("machine translation", "task"),
            &["tackle machine translation"],
        ),
        (
            "We count the correct classification in seven text classification .",
            ("text classification", "task"),
            &["correct classification", "seven text classification"],
        ),
        (
            "It elicits internal knowledge acquisition .",
            ("internal knowledge acquisition", "task"),
            &["elicits internal knowledge acquisition"],
        ),
        // "the next generation of …" is a time, but "next word prediction" a task
        (
            "We build the next generation of agents for next word prediction .",
            ("next word prediction", "task"),
            &["next generation"],
        ),
        // the usual spelling of a Papers-with-Code name written "Text-To-SQL"
        (
            "Our parser handles text-to-SQL well .",
            ("text-to-SQL", "task"),
            &[],
        ),
        // Papers-with-Code task names that name no task (derive_dictionaries.py NOT_TASKS)
        (
            "We fine-tune XLM-R for SemEval-2020 Task 2 and parse with TAG .",
            ("", ""),
            &["XLM-R", "Task 2", "TAG"],
        ),
        // ... nor kinds of data and models the list carries as tasks
        (
            "We fit 3DGS to EEG and 3D geometry with a Vision-Language-Action model .",
            ("", ""),
            &["3DGS", "EEG", "3D geometry", "Vision-Language-Action"],
        ),
        (
            "Autonomous Vehicles log Time Series , and Selection bias skews them .",
            ("", ""),
            &["Autonomous Vehicles", "Time Series", "Selection bias"],
        ),
    ];
    check_table(table, Some("task"));
    // the same for phrases of any type
    let any: &[RuleRow] = &[
        // a verb after a name ends the phrase
        (
            "Our CP-SSM surpasses Transformer-based models .",
            ("Transformer-based models", "method"),
            &["CP-SSM surpasses Transformer-based models"],
        ),
        // a full stop whose space is missing ends the sentence, not a word
        (
            "We adopt the learnware paradigm.The system is fast .",
            ("", ""),
            &["learnware paradigm.The system", "paradigm.The system"],
        ),
        (
            "We build on Video VAEs.Our model is fast .",
            ("VAEs", "method"),
            &["Video VAEs.Our model"],
        ),
        (
            "The resulting statistical machine translation system is fast .",
            ("statistical machine translation system", "method"),
            &["resulting statistical machine translation system"],
        ),
        (
            "We create parallel corpora and compare useful features .",
            ("parallel corpora", "material"),
            &["create parallel corpora", "useful features"],
        ),
        (
            "We add positional embeddings and use the suggested hybrid probabilistic model .",
            ("hybrid probabilistic model", "method"),
            &["add positional embeddings", "suggested hybrid probabilistic model"],
        ),
        (
            "The model has undergone supervised pretraining in the implemented translation system .",
            ("supervised pretraining", "concept"),
            &["undergone supervised pretraining", "implemented translation system"],
        ),
        // a modality says what data is, not which data
        (
            "We collect MRI data , RGB data and EHR data from the KITTI dataset .",
            ("KITTI dataset", "dataset"),
            &["MRI data", "RGB data", "EHR data", "collect MRI data"],
        ),
        // judgement words and generic qualities of models open no phrase
        (
            "The core components of open-source large language models differ .",
            ("large language models", "method"),
            &[
                "core components",
                "open-source large language models",
            ],
        ),
        (
            "A training-free framework beats proprietary models and frontier models .",
            ("", ""),
            &["training-free framework", "proprietary models", "frontier models"],
        ),
        // the processes of reasoning and of diffusion models are no methods
        (
            "The reasoning process and the denoising process differ from the decoding process .",
            ("decoding process", "method"),
            &["reasoning process", "denoising process"],
        ),
        (
            "Open-weight models call external tools for external knowledge retrieval .",
            ("knowledge retrieval", "task"),
            &["Open-weight models", "external tools", "external knowledge retrieval"],
        ),
        // verbs and judgements before a noun open no phrase either
        (
            "Replay can mitigate catastrophic forgetting in requiring models .",
            ("catastrophic forgetting", "concept"),
            &["mitigate catastrophic forgetting", "requiring models"],
        ),
        (
            "The prevailing paradigm limits generalization and shows excellent generalization .",
            ("", ""),
            &["prevailing paradigm", "limits generalization", "excellent generalization"],
        ),
        (
            "Supplementary materials and the supplementary material hold the proofs .",
            ("", ""),
            &["Supplementary materials", "supplementary material"],
        ),
    ];
    check_table(any, None);
}

#[test]
fn not_stop_words_are_validated() {
    let msgs = diagnostics_of(
        "[entity]\ntype = \"t\"\nnot_stop_words = [\"two words\"]\n\n[[phrase]]\nid = \"t.np\"\nheads = [\"corpus\"]\n",
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("t.toml:3")
                && m.contains("not_stop_words entries must be single words")),
        "{msgs:?}"
    );
}

#[test]
fn dataset_names_versions_and_contexts() {
    // (text, mention that must be found as (text, type), mentions that must not be found)
    let table: &[RuleRow] = &[
        // `versions`: a version after a dictionary name is part of it
        (
            "We fine-tune on SQuAD 2.0 and report F1.",
            ("SQuAD 2.0", "dataset"),
            &["SQuAD"],
        ),
        (
            "Results on SQuAD v1.1 show gains.",
            ("SQuAD v1.1", "dataset"),
            &["SQuAD"],
        ),
        (
            "We use PASCAL VOC 2007 for testing.",
            ("PASCAL VOC 2007", "dataset"),
            &["PASCAL VOC"],
        ),
        (
            "Trained on ImageNet-21K and tested.",
            ("ImageNet-21K", "dataset"),
            &[],
        ),
        (
            "We test on SQuAD 2 times.",
            ("SQuAD", "dataset"),
            &["SQuAD 2"],
        ),
        (
            "an ImageNet-pretrained backbone",
            ("ImageNet", "dataset"),
            &["ImageNet-pretrained"],
        ),
        // `coordinated_names`: name-shaped words next to a dataset in a coordination
        ("We evaluate on SNLI and MNLI.", ("MNLI", "dataset"), &[]),
        (
            "We use WIKITREE, SNLI, and ACROFAN here.",
            ("WIKITREE", "dataset"),
            &[],
        ),
        (
            "We use WIKITREE, SNLI, and ACROFAN here.",
            ("ACROFAN", "dataset"),
            &[],
        ),
        (
            "We use SNLI and models trained on it.",
            ("SNLI", "dataset"),
            &["models"],
        ),
        ("We use SNLI and NQ Open.", ("SNLI", "dataset"), &["NQ"]),
        (
            "on ImageNet and RGB inputs",
            ("ImageNet", "dataset"),
            &["RGB"],
        ),
        // `dataset.on-name`: a name-shaped word after "evaluated/trained/results on"
        (
            "Our model is trained on WIKITREE, a new corpus.",
            ("WIKITREE", "dataset"),
            &[],
        ),
        ("We report results on NQ.", ("NQ", "dataset"), &[]),
        (
            "The models were trained on GPUs for a day.",
            ("", ""),
            &["GPUs"],
        ),
        (
            "experiments on GPT-based agents",
            ("", ""),
            &["GPT", "GPT-based"],
        ),
        ("results on Atari games", ("", ""), &["Atari"]),
        (
            "trained on Qwen2-0.5B outputs",
            ("", ""),
            &["Qwen2-0", "Qwen2"],
        ),
        // `dataset.translation-pair` and `dataset.newstest`
        (
            "BLEU on WMT'14 English-German is 28.4.",
            ("WMT'14 English-German", "dataset"),
            &["WMT'14"],
        ),
        (
            "on WMT 2016 English – Romanian",
            ("WMT 2016 English – Romanian", "dataset"),
            &[],
        ),
        (
            "tested on newstest2014 only",
            ("newstest2014", "dataset"),
            &[],
        ),
        (
            "English-German translation is hard",
            ("", ""),
            &["English-German"],
        ),
        // task acronyms and platforms are no dataset names
        (
            "on NER and MRC datasets",
            ("", ""),
            &["NER", "MRC", "NER and MRC datasets"],
        ),
        ("standard NLU benchmarks", ("", ""), &["NLU benchmarks"]),
        (
            "We collect Twitter data from 2020.",
            ("", ""),
            &["Twitter data"],
        ),
        ("Dev set results are given.", ("", ""), &["Dev set"]),
        (
            "the CoNLL NER dataset",
            ("CoNLL NER dataset", "dataset"),
            &[],
        ),
        // long names are whole (max_words = 6)
        (
            "we use the Stanford Natural Language Inference corpus here",
            ("Stanford Natural Language Inference corpus", "dataset"),
            &["Natural Language Inference corpus"],
        ),
        // hand-written terms the lists lack
        ("We fine-tune on MNLI and QQP.", ("MNLI", "dataset"), &[]),
        ("We fine-tune on MNLI and QQP.", ("QQP", "dataset"), &[]),
        (
            "pretrained on BooksCorpus and Common Crawl",
            ("Common Crawl", "dataset"),
            &[],
        ),
        ("a common crawl of the web", ("", ""), &["common crawl"]),
    ];
    check_table(table, Some("dataset"));
    let x = run("We use MNLI here.");
    let m = x.mentions.iter().find(|m| m.text == "MNLI").unwrap();
    assert_eq!(m.canonical, "MultiNLI", "MNLI is an alias of MultiNLI");
    let x = run("We use WIKITREE, SNLI here.");
    let m = x.mentions.iter().find(|m| m.text == "WIKITREE").unwrap();
    assert_eq!(m.rule, "dataset.coordinated");
}

#[test]
fn coordinated_names_rule_id_is_validated() {
    let msgs = diagnostics_of(
        "[entity]\ntype = \"t\"\ncoordinated_names = \"acronym.use\"\nversions = true\n",
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("t.toml:3") && m.contains("reserved")),
        "{msgs:?}"
    );
}

#[test]
fn dictionary_name_before_a_generic_head_takes_its_canonical_name() {
    // (text, mention text, its canonical name)
    let table = [
        (
            "We evaluate on the COCO dataset.",
            "COCO dataset",
            "MS COCO",
        ),
        (
            "Results on the Cityscapes benchmark improve.",
            "Cityscapes benchmark",
            "Cityscapes",
        ),
        // Not a dictionary name: the phrase keeps its own name.
        (
            "We collect the FooBarQA dataset.",
            "FooBarQA dataset",
            "FooBarQA dataset",
        ),
    ];
    for (text, mention, canonical) in table {
        let x = run(text);
        let m = x
            .mentions
            .iter()
            .find(|m| m.text == mention)
            .unwrap_or_else(|| panic!("{text}: no {mention}: {:?}", x.mentions));
        assert_eq!(m.canonical, canonical, "{text}");
    }
}

#[test]
fn quality7_boundaries() {
    // (text, mention that must be found as (text, type), mentions that must not be found)
    let table: &[RuleRow] = &[
        // spaced hyphens inside names, as tokenized corpora write them
        (
            "Experiments on the T - LESS and LineMOD datasets show gains .",
            ("T - LESS", "dataset"),
            &["LESS"],
        ),
        (
            "On three large - scale datasets , Market - 1501 , CUHK03 and DukeMTMC - reID , we win .",
            ("Market - 1501", "dataset"),
            &[],
        ),
        (
            "On three large - scale datasets , Market - 1501 , CUHK03 and DukeMTMC - reID , we win .",
            ("DukeMTMC - reID", "dataset"),
            &["DukeMTMC"],
        ),
        (
            "Results on SQuAD, Market - 1501 and PASCAL - Context .",
            ("PASCAL - Context", "dataset"),
            &["PASCAL"],
        ),
        // a named data phrase takes its version; a hyphen version takes its decimal
        (
            "We use the Prague Dependency Treebank 2.0 here.",
            ("Prague Dependency Treebank 2.0", "dataset"),
            &["Prague Dependency Treebank"],
        ),
        (
            "Results on OntoNotes - 5.0 are good .",
            ("OntoNotes - 5.0", "dataset"),
            &["OntoNotes - 5"],
        ),
        // dimensions are no names
        ("We use 3D data and 2D datasets.", ("", ""), &["3D data", "2D datasets"]),
        (
            "We use the 3D-FRONT dataset.",
            ("3D-FRONT dataset", "dataset"),
            &[],
        ),
        // more verbs end a noun phrase
        (
            "Experiments on the UCSD bird dataset confirm it.",
            ("UCSD bird dataset", "dataset"),
            &[],
        ),
        // shared-task campaigns with a year or number
        (
            "We test on SemEval 2014 task 7 and Senseval-3 .",
            ("SemEval 2014 task 7", "dataset"),
            &[],
        ),
        ("We use MUC-6 and MUC-7 .", ("MUC-7", "dataset"), &[]),
        (
            "In experiments on CoNLL - 2005 SRL , LISA wins .",
            ("CoNLL - 2005 SRL", "dataset"),
            &[],
        ),
        // ... but not the event
        (
            "In the CoNLL 2008 shared task we won.",
            ("", ""),
            &["CoNLL 2008"],
        ),
        // a name after "subset / portion / part / split / section of"
        (
            "We use a subset of MIMIC , and sections 2-21 of the WSJ .",
            ("MIMIC", "dataset"),
            &[],
        ),
        (
            "sections 2-21 of the WSJ were used",
            ("WSJ", "dataset"),
            &[],
        ),
        (
            "the CNN part of the MHAC model and part of LayoutLMv2 outputs",
            ("", ""),
            &["MHAC", "LayoutLMv2"],
        ),
        // a language before a dataset name is part of it
        (
            "We use the English MNIST and Russian SuperGLUE data.",
            ("English MNIST", "dataset"),
            &["MNIST", "English"],
        ),
    ];
    check_table(table, Some("dataset"));
    let table: &[RuleRow] = &[
        // a hyphened word ending in a task head is that head
        (
            "We study person re - identification today.",
            ("person re - identification", "task"),
            &[],
        ),
        (
            "We study person re-identification today.",
            ("person re-identification", "task"),
            &[],
        ),
        // Title Case action names of the task list match lowercase text ...
        (
            "We study dialogue state tracking today.",
            ("dialogue state tracking", "task"),
            &[],
        ),
        (
            "It measures reading comprehension on news.",
            ("reading comprehension", "task"),
            &[],
        ),
        // ... other names of the list only as written there
        (
            "We report prediction intervals for time series and feature importance.",
            ("", ""),
            &["prediction intervals", "time series", "feature importance"],
        ),
    ];
    check_table(table, Some("task"));
    // the method rules do not take hyphened heads: "encoder-decoder" is no "decoder" phrase
    let x = run("We use a transformer encoder-decoder today.");
    assert!(
        !x.mentions
            .iter()
            .any(|m| m.text == "transformer encoder-decoder"),
        "{:?}",
        x.mentions
    );
}

#[test]
fn line_breaks_and_other_whitespace_read_as_spaces() {
    // arXiv wraps its abstracts every ~80 characters: a term or a list that crosses a line
    // break is found as if the break were a space. (text, mention with its type, not mentions)
    let table: &[RuleRow] = &[
        (
            "We prompt large language\nmodels to plan.",
            ("large language\nmodels", "method"),
            &["language\nmodels"],
        ),
        (
            "We prompt large language\u{a0}models to plan.",
            ("large language\u{a0}models", "method"),
            &[],
        ),
        (
            "Experiments on datasets like CIFAR-10, CIFAR-100,\nand ImageNet-1K show gains.",
            ("ImageNet-1K", "dataset"),
            &["and ImageNet-1K"],
        ),
        (
            "We study natural language\nprocessing (NLP) in class.",
            ("natural language\nprocessing (NLP)", "concept"),
            &[],
        ),
        (
            "It builds on Solo Performance\tPrompting (SPP), a new method.",
            ("Solo Performance\tPrompting (SPP)", "method"),
            &[],
        ),
    ];
    check_table(table, None);

    // Offsets index the paper's own text (one character stands for one), in code points,
    // and the mention's text is that text's slice; its name has spaces.
    let abs =
        "Über\u{a0}alles: we prompt large language\nmodels and Solo\nPerformance Prompting (SPP).";
    let x = run(abs);
    let chars: Vec<char> = abs.chars().collect();
    for m in &x.mentions {
        let original: String = chars[m.start..m.end].iter().collect();
        assert_eq!(original, m.text, "{m:?}");
    }
    let m = x
        .mentions
        .iter()
        .find(|m| m.text == "large language\nmodels")
        .unwrap_or_else(|| panic!("{:?}", x.mentions));
    assert_eq!(
        (m.etype.as_str(), m.canonical.as_str()),
        ("method", "large language model")
    );
    let spp = &x.acronyms[0];
    assert_eq!(
        (spp.short.as_str(), spp.long.as_str()),
        ("SPP", "Solo Performance Prompting")
    );
    assert_eq!(x.title, "x");
    assert_eq!(x.id, "x");
}
