"""Runs `paperkg extract -` as a mapper under PySpark (local[2]) with rdd.pipe and saves
the JSON Lines parts the way a cluster job would (part-00000, part-00001, ...).

Usage: spark_pipe.py PAPERKG_BINARY RULES_DIR INPUT.jsonl OUT_DIR
Prints {"partitions": N, "lines": M} on stdout.
"""

import json
import shlex
import sys

from pyspark import SparkConf, SparkContext


def main():
    binary, rules, data, out = sys.argv[1:5]
    conf = (
        SparkConf()
        .setMaster("local[2]")
        .setAppName("paperkg-extract-pipe")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
    )
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    try:
        papers = sc.textFile(data, minPartitions=2)
        command = " ".join(
            shlex.quote(a)
            for a in [binary, "extract", "--quiet", "--threads", "1", "--rules", rules, "-"]
        )
        extracted = papers.pipe(command)
        extracted.saveAsTextFile(out)
        print(json.dumps({"partitions": papers.getNumPartitions(), "lines": extracted.count()}))
    finally:
        sc.stop()


if __name__ == "__main__":
    main()
