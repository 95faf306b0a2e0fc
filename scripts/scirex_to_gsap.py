#!/usr/bin/env python3
"""SciREX train documents -> title+abstract slices in the GSAP-NER JSON Lines shape.

Used as a tuning stand-in for TDMSci's dataset/task conventions (README, "Quality"):

    python3 scripts/scirex_to_gsap.py ../shared/data/scirex/train_docs > scirex.jsonl
    target/release/paperkg eval --gold scirex.jsonl --format gsap

`sections[0]` of each document is its title + abstract. Tokens are joined by single spaces;
spans become code-point offsets (end exclusive) with SciREX Material -> Dataset (SciREX
Material is named datasets), Task -> Task, Method -> Method; Metric is left out.
"""
import json
import os
import sys

LABELS = {"Material": "Dataset", "Task": "Task", "Method": "Method"}


def main(folder):
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            doc = json.load(f)
        s0, s1 = doc["sections"][0]
        words = doc["words"][s0:s1]
        offsets, pos = [], 0
        for w in words:
            offsets.append((pos, pos + len(w)))
            pos += len(w) + 1
        spans = [
            [offsets[a - s0][0], offsets[b - 1 - s0][1], LABELS[t]]
            for a, b, t in doc["ner"]
            if s0 <= a < b <= s1 and t in LABELS
        ]
        print(json.dumps({"id": doc["doc_id"], "text": " ".join(words), "flat_base": spans}))


if __name__ == "__main__":
    main(sys.argv[1])
