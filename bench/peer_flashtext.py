#!/usr/bin/env python3
"""The FlashText peer: dictionary matching of the same abstracts with the same terms.

Loads every term of rules/dictionaries/*.tsv (canonical names, aliases, acronym short and
long forms) into a FlashText KeywordProcessor and extracts keywords from the title and
abstract of each paper on one core. Only matching is timed (reading and JSON parsing are
not), which favours the peer; wall and CPU time are both reported (on a shared machine the
CPU time is the fairer measure). Prints one JSON object with the figures.

Usage: peer_flashtext.py DATA.jsonl[.gz] DICT_DIR [--limit N]
"""

import argparse
import glob
import gzip
import json
import os
import time

from flashtext import KeywordProcessor


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("dict_dir")
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()

    kp = KeywordProcessor(case_sensitive=False)
    terms = 0
    for path in sorted(glob.glob(os.path.join(a.dict_dir, "*.tsv"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                cells = [c.strip() for c in line.rstrip("\n").split("\t") if c.strip()]
                for c in cells:
                    kp.add_keyword(c, cells[0])
                    terms += 1

    opener = gzip.open if a.data.endswith(".gz") else open
    texts = []
    with opener(a.data, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            texts.append((r.get("title") or "", r.get("summary") or r.get("abstract") or ""))
            if a.limit and len(texts) >= a.limit:
                break
    text_bytes = sum(len(t.encode()) + len(s.encode()) for t, s in texts)

    start = time.perf_counter()
    cpu_start = time.process_time()
    found = 0
    for title, abstract in texts:
        found += len(kp.extract_keywords(title))
        found += len(kp.extract_keywords(abstract))
    secs = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print(
        json.dumps(
            {
                "peer": "flashtext",
                "terms": terms,
                "keywords_in_processor": len(kp),
                "abstracts": len(texts),
                "text_bytes": text_bytes,
                "seconds": round(secs, 3),
                "cpu_seconds": round(cpu, 3),
                "abstracts_per_cpu_s": round(len(texts) / cpu, 1),
                "abstracts_per_s": round(len(texts) / secs, 1),
                "mb_per_s": round(text_bytes / secs / 1e6, 2),
                "matches": found,
            }
        )
    )


if __name__ == "__main__":
    main()
