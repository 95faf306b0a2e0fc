#!/usr/bin/env python3
"""Generates a large synthetic corpus from real abstracts, for scale benchmarks.

Each generated paper takes a real title and an abstract of real sentences drawn at random
from the whole source corpus, with as many sentences as a randomly chosen real abstract
has; ids are fresh (gen-0000001, ...). The vocabulary, entity density and abstract length
therefore stay those of real arXiv abstracts, while papers do not repeat.

Usage: gen_corpus.py SOURCE.jsonl[.gz] N OUT.jsonl [--seed S]
"""

import argparse
import gzip
import json
import random
import re

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                yield json.loads(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source")
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=5)
    a = ap.parse_args()

    titles, sentences, lengths = [], [], []
    for rec in read(a.source):
        text = rec.get("summary") or rec.get("abstract") or ""
        parts = [s for s in SENTENCE_END.split(text.strip()) if s]
        if not parts or not rec.get("title"):
            continue
        titles.append(rec["title"])
        sentences.extend(parts)
        lengths.append(len(parts))

    rng = random.Random(a.seed)
    with open(a.out, "w", encoding="utf-8") as out:
        for i in range(1, a.n + 1):
            k = rng.choice(lengths)
            abstract = " ".join(rng.choice(sentences) for _ in range(k))
            out.write(
                json.dumps(
                    {"id": f"gen-{i:07d}", "title": rng.choice(titles), "summary": abstract},
                    ensure_ascii=False,
                )
            )
            out.write("\n")


if __name__ == "__main__":
    main()
