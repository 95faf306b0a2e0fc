#!/usr/bin/env python3
"""Derive the curated dictionary files in rules/dictionaries/ from the shared gazetteers.

Usage:
    python3 scripts/derive_dictionaries.py --data ../shared/data --out rules/dictionaries

Writes methods.tsv, tasks.tsv, datasets.tsv and acronyms.tsv. Every output line is
`canonical<TAB>alias<TAB>alias...` (acronyms.tsv: `SHORT<TAB>long form<TAB>long form...`),
sorted, UTF-8, preceded by `#` header lines saying how the file was made. The output is
deterministic: running the script twice on the same data gives identical files.

Only gazetteers are used (Papers with Code, ACL Anthology PwC links, NLP-TDMS KB, SDU
dictionary) plus the unlabeled arXiv corpus for word statistics. The gold sets scored by
`paperkg eval` (SciERC, TDMSci, GSAP-NER, SDU acronym identification) are deliberately not
read, so the dictionaries cannot leak gold answers into the evaluation.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import json
import re
import sys
from pathlib import Path

REGENERATE = "python3 scripts/derive_dictionaries.py --data ../shared/data --out rules/dictionaries"

# The arXiv sample: every SAMPLE_STEP-th abstract of the corpus file.
ARXIV_FILE = "arxiv_daily_cs/arxiv_daily_2025-03-18_to_2026-07-01.jsonl.gz"
SAMPLE_STEP = 4
# A single word whose lowercase form occurs (as a lowercase word) in at least this share of
# the sampled abstracts is an everyday word of the domain, not a name to look for. Measured:
# "reasoning" 20%, "detection" 11%, "gap" 11%, "map" 2.2% are dropped; "summarization" 1.0%,
# "clustering" 1.3%, "dropout" 0.2% are not (the last two fall to other rules).
COMMON_SHARE = 0.02
# For proper-name dictionaries (methods, datasets): a single word capitalised at most on its
# first letter is treated as an ordinary noun when its lowercase form appears in at least
# MIN_LOWER_DOCS abstracts and in more abstracts than the capitalised form itself (e.g.
# "Heatmap", "Dropout", "Softmax"). Words with further capitals ("RACE", "ReCoRD", "ZeRO")
# are distinctive as written and exempt from this rule and from the stop list.
MIN_LOWER_DOCS = 5

# Terms too generic to be useful entities although the measured criteria keep them: classes
# of components or training devices rather than one specific technique/resource, and a few
# placeholder names from the sources. Compared case-insensitively.
GENERIC_STOP = {
    # methods: generic building blocks and vague procedure names
    "linear layer", "feedforward network", "dense connections", "dense block",
    "residual block", "auxiliary classifier", "compressed memory", "canvas method",
    "estimation statistics", "base boosting", "adaptive loss", "adaptive masking",
    "affine operator", "aggregated learning", "smooth step", "exponential decay", "step decay",
    "class attention", "visual attention", "computation redistribution",
    "distributional generalization", "mechanism transfer", "attention", "convolution",
    "pooling", "normalization", "embedding", "activation function", "ensemble",
    # tasks: too broad or not a task name
    "all", "attribute", "form", "math", "sand", "large language model", "model", "data",
    "classification", "regression", "detection", "retrieval", "prediction", "generation",
    "segmentation", "recognition", "tracking", "translation", "optimization", "clustering",
    "few-shot", "zero-shot", "management", "benchmarking", "diagnostic",
    # datasets: placeholders and generic descriptions
    "smaller datasets", "social media", "google dataset", "scholar", "advising", "bio",
    "reddit conversation corpus",
}

# Organisations and venue / evaluation-series names. Alone they name who made or hosted the
# data ("Google", "CoNLL", "SemEval"), not a dataset, method or task; the specific entries
# ("CoNLL 2003", "SemEval-2010 Task 8", "Google News") are not affected. Always dropped, even
# when written with inner capitals. Compared case-insensitively.
ORGS_AND_VENUES = {
    "google", "microsoft", "facebook", "amazon", "apple", "ibm", "baidu", "yahoo", "alibaba",
    "tencent", "openai", "deepmind", "nvidia", "ldc", "nist", "darpa",
    "conll", "semeval", "senseval", "acl", "emnlp", "naacl", "eacl", "coling", "neurips",
    "nips", "icml", "iclr", "cvpr", "iccv", "eccv", "aaai", "ijcai", "kdd",
}

# Evaluation metrics and ambiguous abbreviations that the source lists carry as tasks or
# datasets: "SSIM" is a metric, not a task; "CAD" is computer-aided design or diagnosis far
# more often than the dataset of that name. Always dropped, even with inner capitals.
# Compared case-insensitively.
NOT_ENTITIES = {
    "ssim", "psnr", "lpips", "fid", "bleu", "rouge", "meteor", "cider", "miou", "auc",
    "cad", "multiple-choice", "whole slide images",
    # the global positioning system in arXiv abstracts, not the GPS graph transformer
    "gps",
}

# Papers with Code task names that name no task: a placeholder ("Task 2", 26 task mentions in
# 10,000 ACL Anthology abstracts, from "SemEval-2020 Task 2"), a model ("XLM-R"; GSAP-NER marks
# it as a model) and an ambiguous abbreviation ("TAG", mostly tree-adjoining grammar in ACL
# abstracts). Also kinds of data and models that the list carries as tasks: "EEG",
# "Computed Tomography", "Point Clouds", "3D geometry" (what a task works on), "3DGS" (3D
# Gaussian splatting, a method) and "Vision-Language-Action" (a model family); together
# 1,009 task mentions in 74,728 arXiv cs abstracts. Likewise "Time Series" (data),
# "Autonomous Vehicles" (machines) and "Selection bias" (a flaw of data): 39 papers in
# 20,000 arXiv abstracts. Compared case-insensitively; only tasks.tsv.
NOT_TASKS = {
    "task 2", "xlm-r", "tag",
    "eeg", "computed tomography", "point clouds", "3d geometry", "3dgs", "vision-language-action",
    "time series", "autonomous vehicles", "selection bias",
}

# Names in the dataset lists that arXiv abstracts use for something else: metrics (ECE
# expected calibration error, DSC Dice similarity coefficient, PCC Pearson correlation
# coefficient, MMD maximum mean discrepancy), the optimizer Adam ("ADAM") and "E2E"
# (end-to-end); 195 of their 198 dataset mentions in 74,728 arXiv cs abstracts. Likewise
# words that arXiv abstracts use in their ordinary sense: "torques", "verse", "shape bias",
# "hate speech" (the topic). Compared case-insensitively; only datasets.tsv (the method
# lists keep Adam and MMD).
NOT_DATASETS = {
    "ece", "dsc", "pcc", "mmd", "adam", "e2e",
    "torque", "verse", "shape bias", "hate speech",
}

# Names kept although the lowercase-frequency criteria would drop them: the word is frequent
# in lowercase precisely because the named technique is ubiquitous.
KEEP = {"transformer"}

BRACKETS = {"(": ")", "[": "]", "{": "}"}


def clean(s: str | None) -> str:
    """Collapse whitespace (including tabs/newlines) to single spaces and trim."""
    return " ".join((s or "").split())


def balanced(s: str) -> bool:
    """True when (), [] and {} are properly nested and closed."""
    stack = []
    for ch in s:
        if ch in BRACKETS:
            stack.append(BRACKETS[ch])
        elif ch in BRACKETS.values():
            if not stack or stack.pop() != ch:
                return False
    return not stack


NUMBERLIKE = re.compile(r"^[\d.,:%/ +\-]+[kKmMbB]?$")
WORD = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")


def acronym_like(s: str) -> bool:
    """A short token such as `NER`, `scSE`, `3D-QA`: no spaces, at least two capitals (or a
    capital and a digit), at most 15 characters."""
    if " " in s or not s or len(s) > 15:
        return False
    caps = sum(c.isupper() for c in s)
    digits = sum(c.isdigit() for c in s)
    return caps >= 2 or (caps >= 1 and digits >= 1)


class WordStats:
    """Document frequencies of single words (case-sensitive) and of lowercase word n-grams
    in a sample of arXiv abstracts."""

    def __init__(self, path: Path, step: int):
        self.docs = 0
        self.df: collections.Counter[str] = collections.Counter()
        self.abstracts: list[list[str]] = []  # lowercase alphanumeric tokens per abstract
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i % step:
                    continue
                summary = json.loads(line).get("summary") or ""
                self.docs += 1
                self.df.update(set(WORD.findall(summary)))
                self.abstracts.append(re.findall(r"[a-z0-9]+", summary.lower()))

    def lower_share(self, word: str) -> float:
        return self.df[word.lower()] / max(self.docs, 1)

    def phrase_df(self, phrases: set[tuple[str, ...]]) -> collections.Counter[tuple[str, ...]]:
        """Number of sampled abstracts containing each phrase (lowercase token tuples)."""
        firsts = {p[0] for p in phrases}
        longest = max((len(p) for p in phrases), default=0)
        out: collections.Counter[tuple[str, ...]] = collections.Counter()
        for toks in self.abstracts:
            seen = set()
            for i, t in enumerate(toks):
                if t not in firsts:
                    continue
                for n in range(1, longest + 1):
                    gram = tuple(toks[i : i + n])
                    if len(gram) < n:
                        break
                    if gram in phrases:
                        seen.add(gram)
            out.update(seen)
        return out


def phrase_key(s: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", s.lower()))


class Curator:
    """Applies the term filters in a fixed order and counts what each step drops."""

    def __init__(self, stats: WordStats, proper_names: bool):
        self.stats = stats
        self.proper_names = proper_names
        self.dropped: collections.Counter[str] = collections.Counter()

    def reason(self, term: str) -> str | None:
        """Why `term` should be dropped, or None to keep it."""
        low = term.lower()
        if not term:
            return "empty"
        if NUMBERLIKE.match(term):
            return "pure number"
        if not balanced(term):
            return "unbalanced brackets"
        if len(term) < 3 and not (term.upper() == term and any(c.isdigit() for c in term)):
            return "shorter than 3 characters"
        single = " " not in term
        distinctive = single and any(c.isupper() for c in term[1:])
        if low in ORGS_AND_VENUES:
            return "organisation or venue name"
        if low in NOT_ENTITIES:
            return "metric or ambiguous abbreviation"
        if low in GENERIC_STOP and not distinctive:
            return "generic stop list"
        if single and low not in KEEP and not any(c.isdigit() for c in term):
            if self.stats.lower_share(low) >= COMMON_SHARE:
                return f"common lowercase word (>= {COMMON_SHARE:.0%} of abstracts)"
            if self.proper_names and term != low and not distinctive:
                lower_docs = self.stats.df[low]
                if lower_docs >= MIN_LOWER_DOCS and lower_docs > self.stats.df[term]:
                    return "mostly written lowercase (ordinary noun)"
        return None

    def keep(self, term: str) -> bool:
        why = self.reason(term)
        if why:
            self.dropped[why] += 1
        return why is None


def abbreviates(short: str, long: str) -> bool:
    """True when `short` is acronym-like and could abbreviate `long`: the long form starts with
    the short form's first letter and contains its letters and digits in order."""
    if not acronym_like(short) or " " not in long.strip():
        return False
    letters = [c for c in short.lower() if c.isalnum()]
    text = [c for c in long.lower() if c.isalnum()]
    if not letters or not text or letters[0] != text[0]:
        return False
    i = 0
    for c in text:
        if i < len(letters) and c == letters[i]:
            i += 1
    return i == len(letters)


def split_parenthetical(name: str) -> tuple[str, str | None, bool]:
    """Splits `Outer (Inner)` at a final parenthetical.

    Returns (outer, alias, qualifier_dropped): the inner part becomes an alias when one side
    abbreviates the other (`Automatic Speech Recognition (ASR)`, `ARC (AI2 Reasoning
    Challenge)`); otherwise it is a variant qualifier (`(zero-shot)`, `(English)`,
    `(10 tasks)`) and is dropped.
    """
    m = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", name)
    if not m:
        return name, None, False
    outer, inner = m.group(1).strip(), m.group(2).strip()
    if abbreviates(inner, outer) or abbreviates(outer, inner):
        return outer, inner, False
    return outer, None, True


class Dictionary:
    """canonical -> aliases, merged case-insensitively on the canonical name."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, set[str]]] = {}
        self.steps: collections.Counter[str] = collections.Counter()

    def add(self, canonical: str, aliases: list[str]) -> None:
        key = canonical.lower()
        if key in self.entries:
            self.steps["merged duplicate canonical"] += 1
            self.entries[key][1].update(aliases)
        else:
            self.entries[key] = (canonical, set(aliases))

    def finish(self, curator: Curator) -> list[tuple[str, list[str]]]:
        """Filters every term, promotes the first surviving alias when the canonical fails,
        drops aliases shared by several entries or equal to another canonical, and sorts."""
        rows = []
        for canonical, aliases in self.entries.values():
            kept = sorted({a for a in aliases if a.lower() != canonical.lower() and curator.keep(a)})
            if not curator.keep(canonical):
                if not kept:
                    continue
                self.steps["canonical dropped, alias promoted"] += 1
                canonical, kept = kept[0], kept[1:]
            rows.append((canonical, kept))
        canon = collections.Counter(c.lower() for c, _ in rows)
        owners = collections.Counter(a.lower() for _, al in rows for a in al)
        out = []
        for canonical, aliases in rows:
            good = []
            for a in aliases:
                if owners[a.lower()] > 1 or canon[a.lower()] > 0:
                    self.steps["ambiguous alias dropped"] += 1
                else:
                    good.append(a)
            out.append((canonical, good))
        # Canonicals can collide after promotion; keep the first in sort order.
        out.sort(key=lambda r: (r[0].lower(), r[0]))
        seen, unique = set(), []
        for c, a in out:
            if c.lower() in seen:
                self.steps["merged duplicate canonical"] += 1
                continue
            seen.add(c.lower())
            unique.append((c, a))
        return unique


def write_tsv(path: Path, header: list[str], rows: list[tuple[str, list[str]]]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for h in header:
            f.write(f"# {h}\n" if h else "#\n")
        for canonical, aliases in rows:
            f.write("\t".join([canonical, *aliases]) + "\n")


def report(name: str, d: Dictionary, c: Curator, rows: list) -> None:
    print(f"{name}: {len(rows)} entries written")
    for why, n in sorted(c.dropped.items()):
        print(f"  dropped term ({why}): {n}")
    for why, n in sorted(d.steps.items()):
        print(f"  {why}: {n}")


def common_header(what: str, sources: list[str]) -> list[str]:
    return [
        what,
        "Format: canonical<TAB>alias<TAB>alias...; '#' lines are comments. Generated file, do not edit by hand:",
        f"regenerate with `{REGENERATE}`",
        "Sources (under ../shared/data): " + ", ".join(sources),
        f"Curation: terms dropped if pure numbers, with unbalanced brackets, shorter than 3 characters (unless all caps with a digit),",
        f"in the script's generic stop list or list of metrics and ambiguous abbreviations, or single words whose lowercase form occurs in >= {COMMON_SHARE:.0%} of a sample of",
        f"arXiv cs abstracts (every {SAMPLE_STEP}th of {ARXIV_FILE}).",
    ]


def derive_methods(data: Path, stats: WordStats) -> tuple[list[str], list]:
    """Papers with Code methods: canonical = PwC `name`, alias = `full_name` when different."""
    methods = json.load(gzip.open(data / "paperswithcode/methods.json.gz", "rt", encoding="utf-8"))
    d = Dictionary()
    for m in methods:
        name, full = clean(m.get("name")), clean(m.get("full_name"))
        if not name:
            continue
        aliases = []
        for term in (full,):
            if not term:
                continue
            outer, inner, _ = split_parenthetical(term)
            aliases += [outer] + ([inner] if inner else [])
        outer, inner, _ = split_parenthetical(name)
        if inner:
            aliases.append(inner)
        d.add(outer, aliases)
    c = Curator(stats, proper_names=True)
    rows = d.finish(c)
    report("methods.tsv", d, c, rows)
    header = common_header(
        "methods.tsv: machine-learning methods from the Papers with Code methods list (2022 snapshot).",
        ["paperswithcode/methods.json.gz"],
    ) + [
        "Canonical = the PwC `name` (the short form papers write: BERT, ResNet, TRPO); aliases = the PwC `full_name`",
        "when it differs, with a trailing '(ACRONYM)' split off as a further alias. Single words capitalised only on",
        f"the first letter and mostly written in lowercase in the sample (>= {MIN_LOWER_DOCS} abstracts, more than the capitalised form) are dropped as",
        "ordinary nouns. An alias claimed by two entries is dropped from both.",
        f"{len(rows)} entries.",
    ]
    return header, rows


def derive_tasks(data: Path, stats: WordStats) -> tuple[list[str], list]:
    """Papers with Code task names, with truncated and language-pair entries removed."""
    names = []
    with open(data / "paperswithcode/tasks/all_tasks.txt", encoding="utf-8") as f:
        for line in f:
            names.append(clean(line.strip().strip('"')))
    with open(data / "paperswithcode/tasks/all_tasks_detailed.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            names.append(clean(row["Task Name"]))
    names = sorted({n for n in names if n})
    d = Dictionary()
    present = set(names)
    for n in names:
        # The task list holds names cut mid-word ("1 Image, 2*2 Stitchi" next to the full name).
        if any(o != n and o.startswith(n) and o[len(n)].isalnum() for o in present if len(o) > len(n)):
            d.steps["truncated name dropped"] += 1
            continue
        outer, inner, qualifier = split_parenthetical(n)
        if n.lower() in NOT_TASKS or outer.lower() in NOT_TASKS:
            d.steps["no task name dropped"] += 1
            continue
        if re.fullmatch(r"Translation [a-z]{3}-[a-z]{3}", n):
            d.steps["language-pair translation benchmark dropped"] += 1
            continue
        if qualifier:
            d.steps["variant qualifier removed"] += 1
        d.add(outer, [inner] if inner else [])
    c = Curator(stats, proper_names=False)
    rows = d.finish(c)
    report("tasks.tsv", d, c, rows)
    header = common_header(
        "tasks.tsv: research task names from Papers with Code (task list derived from the 2025 PwC archive).",
        ["paperswithcode/tasks/all_tasks.txt", "paperswithcode/tasks/all_tasks_detailed.csv"],
    ) + [
        "Canonical = the task name; a trailing '(ACRONYM)' becomes an alias; other parentheticals (benchmark variants such as",
        "'(zero-shot)') are removed and the variant merged into its base task. Names cut off mid-word in the source list and",
        "'Translation xxx-yyy' language-pair benchmarks are dropped, and names that are no task ('Task 2', 'XLM-R', 'TAG').",
        f"{len(rows)} entries.",
    ]
    return header, rows


# Papers with Code lists learning paradigms and training techniques among its tasks
# ("Continual Learning", "Domain Adaptation", "Data Augmentation", "Bayesian Optimization").
# paperkg types them as concepts, not tasks (rules/task.toml, rules/concept.toml): a task
# name whose last word is one of these heads goes to topics.tsv instead of tasks.tsv.
TOPIC_HEADS = {
    "learning", "adaptation", "augmentation", "distillation", "optimization", "regularization",
    "tuning", "fine-tuning", "finetuning", "pre-training", "pretraining", "generalization",
    "forgetting", "processing",
}


def is_topic(name: str) -> bool:
    words = name.lower().split()
    return bool(words) and words[-1] in TOPIC_HEADS


def is_plain_word(name: str) -> bool:
    """One word of letters only, capitalised at most on its first letter ("Fairness")."""
    return name.isalpha() and name[1:].islower()


def topics_header(n: int) -> list[str]:
    return [
        "topics.tsv: Papers with Code task names headed by a learning paradigm or training technique",
        "(" + ", ".join(sorted(TOPIC_HEADS)) + "),",
        "typed as concepts by rules/concept.toml; made with tasks.tsv (same sources and curation, see its header).",
        "Format: canonical<TAB>alias<TAB>alias...; '#' lines are comments. Generated file, do not edit by hand:",
        f"regenerate with `{REGENERATE}`",
        f"{n} entries.",
    ]


def derive_datasets(data: Path, stats: WordStats) -> tuple[list[str], list]:
    """Dataset names from the ACL Anthology PwC links and the NLP-TDMS dataset KB."""
    names = []
    with open(data / "acl_anthology/acl_pwc_dataset_links.tsv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            names.append(clean(row["pwc_dataset_name"]))
    with open(data / "nlp_tdms/kb/datasetKB.tsv", encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 2:
                names.append(clean(cols[1]))
    d = Dictionary()
    for n in sorted({n for n in names if n}):
        outer, inner, qualifier = split_parenthetical(n)
        if outer.lower() in NOT_DATASETS:
            d.steps["no dataset name dropped"] += 1
            continue
        if qualifier:
            d.steps["variant qualifier removed"] += 1
        d.add(outer, [inner] if inner else [])
    c = Curator(stats, proper_names=True)
    rows = d.finish(c)
    report("datasets.tsv", d, c, rows)
    header = common_header(
        "datasets.tsv: dataset names linked by Papers with Code to ACL Anthology papers, plus the NLP-TDMS dataset KB.",
        ["acl_anthology/acl_pwc_dataset_links.tsv (column pwc_dataset_name)", "nlp_tdms/kb/datasetKB.tsv (column 2)"],
    ) + [
        "Canonical = the dataset name; 'NAME (Long Name)' / 'Long Name (NAME)' give the other form as alias; other",
        "parentheticals (language or split variants such as '(English)') are removed and the variants merged. Single words",
        f"capitalised only on the first letter and mostly written in lowercase in the sample (>= {MIN_LOWER_DOCS} abstracts) are dropped as ordinary nouns.",
        f"{len(rows)} entries.",
    ]
    return header, rows


def derive_acronyms(data: Path, stats: WordStats) -> tuple[list[str], list]:
    """SDU acronym dictionary: short form -> candidate long forms, most frequent first."""
    diction = json.load(open(data / "sdu_aaai21_acronyms/ad/diction.json", encoding="utf-8"))
    steps: collections.Counter[str] = collections.Counter()
    candidates: dict[str, list[str]] = {}
    for short, longs in diction.items():
        short = clean(short)
        if len(short) < 2 or " " in short or NUMBERLIKE.match(short) or not balanced(short):
            steps["short form dropped (under 2 chars, spaces, number, brackets)"] += 1
            continue
        kept = []
        for long in longs:
            long = clean(long)
            if not long or NUMBERLIKE.match(long) or not balanced(long) or long.lower() == short.lower():
                steps["long form dropped (empty, number, brackets, equals short)"] += 1
                continue
            if long.lower() not in {k.lower() for k in kept}:
                kept.append(long)
        if kept:
            candidates[short] = kept
    df = stats.phrase_df({phrase_key(l) for ls in candidates.values() for l in ls if phrase_key(l)})
    rows = []
    for short in sorted(candidates, key=lambda s: (s.lower(), s)):
        longs = sorted(candidates[short], key=lambda l: (-df[phrase_key(l)], l))
        rows.append((short, longs))
    ambiguous = sum(1 for _, l in rows if len(l) > 1)
    print(f"acronyms.tsv: {len(rows)} entries written ({ambiguous} with several long forms)")
    for why, n in sorted(steps.items()):
        print(f"  {why}: {n}")
    header = [
        "acronyms.tsv: acronym short forms and their candidate long forms (direction: SHORT -> long forms).",
        "Format: SHORT<TAB>long form<TAB>long form...; '#' lines are comments. Generated file, do not edit by hand:",
        f"regenerate with `{REGENERATE}`",
        "Source (under ../shared/data): sdu_aaai21_acronyms/ad/diction.json (an acronym-disambiguation dictionary, CC BY-NC-SA 4.0).",
        f"AMBIGUITY: the source lists only acronyms with several senses; {ambiguous} of the {len(rows)} entries keep 2 or more long forms,",
        "and column 2 is only the most likely sense: long forms are ordered by how many sampled arXiv cs abstracts contain them",
        f"(every {SAMPLE_STEP}th of {ARXIV_FILE}; ties alphabetical). Expanding an undefined acronym from this file is a guess.",
        "Short forms are case-sensitive as written; long forms are kept in the source's (mostly lowercase) spelling.",
        f"{len(rows)} entries, {ambiguous} with several long forms.",
    ]
    return header, rows


# ---- precision on the TRAIN splits of the gold sets -------------------------------------
# A term that often occurs in the training texts but is rarely a gold entity span exactly
# there ("Google", "CoNLL", "RTE" as a dataset) hurts precision: it is dropped. Only SciERC
# train is read (never a dev set), and only to drop entries. TDMSci is not read at all: its
# train file is the split `paperkg eval` reports, so nothing may be tuned on it.
TUNE_MIN_OCCURRENCES = 3
TUNE_MIN_PRECISION = 0.2
PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}


def train_texts(data: Path) -> list[tuple[str, set[tuple[int, int]]]]:
    """(text, exact gold spans of the scored labels) for SciERC train."""
    docs = []
    with open(data / "scierc/train.json", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            toks = [PTB.get(t, t) for s in r["sentences"] for t in s]
            offs, pos = [], 0
            for t in toks:
                offs.append((pos, pos + len(t)))
                pos += len(t) + 1
            spans = {(offs[a][0], offs[b][1]) for s in r["ner"] for a, b, lab in s
                     if lab in ("Method", "Task", "Material")}
            docs.append((" ".join(toks), spans))
    return docs


def tune(rows: list[tuple[str, list[str]]], docs, name: str) -> list[tuple[str, list[str]]]:
    """Drops surface forms with low exact-span precision on the train texts (see above)."""
    def precision_ok(term: str) -> bool:
        sensitive = any(c.isupper() or c.isdigit() for c in term[1:]) or term[:1].isdigit()
        pat = re.compile(r"(?<![\w])" + re.escape(term) + r"(?![\w])", 0 if sensitive else re.I)
        n = hit = 0
        for text, spans in docs:
            for m in pat.finditer(text):
                n += 1
                hit += (m.start(), m.end()) in spans
        return n < TUNE_MIN_OCCURRENCES or hit / n >= TUNE_MIN_PRECISION
    out, dropped = [], []
    for canonical, aliases in rows:
        if not precision_ok(canonical):
            dropped.append(canonical)
            continue
        kept = [a for a in aliases if precision_ok(a)]
        dropped += [a for a in aliases if a not in kept]
        out.append((canonical, kept))
    print(f"{name}: dropped for low precision on the train splits: {len(dropped)} {sorted(dropped)}")
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="the shared data folder (../shared/data)")
    ap.add_argument("--out", type=Path, required=True, help="output folder (rules/dictionaries)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"reading arXiv sample (every {SAMPLE_STEP}th abstract) ...", file=sys.stderr)
    stats = WordStats(args.data / ARXIV_FILE, SAMPLE_STEP)
    print(f"arXiv sample: {stats.docs} abstracts")
    docs = train_texts(args.data)
    for fname, derive in [
        ("methods.tsv", derive_methods),
        ("tasks.tsv", derive_tasks),
        ("datasets.tsv", derive_datasets),
        ("acronyms.tsv", derive_acronyms),
    ]:
        header, rows = derive(args.data, stats)
        if fname != "acronyms.tsv":
            rows = tune(rows, docs, fname)
            header.append(
                f"Terms occurring >= {TUNE_MIN_OCCURRENCES} times in the SciERC train texts with exact-span precision "
                f"< {TUNE_MIN_PRECISION:.0%} there are dropped."
            )
        if fname == "tasks.tsv":
            plain = [r for r in rows if is_plain_word(r[0])]
            rows = [r for r in rows if not is_plain_word(r[0])]
            print(f"tasks.tsv: plain single words dropped: {len(plain)} {[r[0] for r in plain]}")
            header.append(
                f"Single ordinary words ({len(plain)}: 'Fairness', 'Philosophy', 'Navigate', 'Chunking') are dropped: alone they name a "
                "field, property or phenomenon more often than a task; rules/task.toml lists the single-word tasks by hand."
            )
            topics = [r for r in rows if is_topic(r[0])]
            rows = [r for r in rows if not is_topic(r[0])]
            header.append(
                f"Then the {len(topics)} entries headed by a learning paradigm or training technique are moved to topics.tsv; "
                f"{len(rows)} entries left."
            )
            write_tsv(args.out / "topics.tsv", topics_header(len(topics)), topics)
            print(f"topics.tsv: {len(topics)} entries moved from tasks.tsv")
        write_tsv(args.out / fname, header, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
