"""Who is on the lists twice: a Splink (Fellegi-Sunter) model on DuckDB, its parameters estimated from the data.

`find_candidates(records, against=...)` compares people (or households) within a list, across the lists of several
communes, and against the registry, and returns the pairs worth a reviewer's look with their probability and the
fields that agree or differ.

The model (see docs/performance.md for how well it does and what it costs):
- Records are first brought to comparable forms (welfare.normalise): folded names split into family / middle /
  given, "Huỳnh" = "Hoàng", dates of birth with day and month apart, phones and citizen IDs as digits, addresses
  with their abbreviations expanded and their administrative tail dropped.
- Comparisons, each with levels from "the same" down to "different" (a missing value is neutral): family name
  (exact, with term-frequency adjustment so that two "Nguyễn" weigh less than two "Diệp"), given name (exact with
  term frequencies / one typo), middle name, date of birth (exact / day and month swapped / only the year known on
  one side / same year / a year apart), citizen ID (exact / one digit wrong or two swapped), phone (exact / one digit),
  address (exact / close), and for households the names of the members (two or more in common / one).
- Blocking (which pairs are scored at all): same citizen ID, same phone, same given name and year of birth, same
  full name, same date of birth and family name, same address and year, day-month swap with the same family name.
- Parameters: u from random sampling (seeded), m by expectation maximisation on two blocking rules (same citizen
  ID; same family + given name + year), the prior from deterministic rules. Nothing is hand-tuned.
- After the model, hard rules: two members of one household with different given names are never the same person
  (twins share a birth date, family name, address and phone; they are still two people).

Thresholds: pairs at or above REVIEW_THRESHOLD go to the review queue; at or above LIKELY_THRESHOLD they are
"likely duplicates" in the "Không trùng" report. Splink runs in-process on an in-memory DuckDB: it downloads
nothing.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from phaodai.welfare.normalise import address_key, birth_date, citizen_id_key, phone_key, split_name

#: Pairs at or above this probability are proposed to a reviewer.
REVIEW_THRESHOLD = 0.5
#: Pairs at or above this probability count as likely duplicates in reports (and in the benchmark's F1).
LIKELY_THRESHOLD = 0.9
#: Random sampling and EM are seeded: the same records give the same pairs and probabilities.
SEED = 7

FIELDS = ("family", "given", "middle", "birth", "citizen_id", "phone", "address", "members")


@dataclass
class Record:
    """One person (or household: `full_name` is its head, `members` its people's names) as a list or the registry
    has it. `key` names it ("person:12", "entry:345"); `household` groups the members of one household (the hard
    rule); `source` says where it comes from (a list, "registry")."""

    key: str
    full_name: str
    date_of_birth: date | str | None = None
    birth_year: int | None = None
    citizen_id: str = ""
    phone: str = ""
    address: str = ""
    household: str = ""
    source: str = ""
    members: list[str] = field(default_factory=list)


@dataclass
class Pair:
    left: str
    right: str
    probability: float
    match_weight: float
    #: field → "agree" | "similar" | "differ" | "missing", with the level's label.
    fields: dict[str, dict[str, str]]

    @property
    def agree(self) -> list[str]:
        return [f for f, v in self.fields.items() if v["state"] == "agree"]

    @property
    def differ(self) -> list[str]:
        return [f for f, v in self.fields.items() if v["state"] == "differ"]


def prepare(records: Iterable[Record]) -> list[dict[str, Any]]:
    """Records → rows of comparable forms (None where a value is unknown, so the model treats it as neutral)."""
    rows = []
    for r in records:
        name = split_name(r.full_name)
        born = birth_date(r.date_of_birth, r.birth_year)
        day = month = None
        if born.iso:
            month, day = int(born.iso[5:7]), int(born.iso[8:10])
        members = sorted({split_name(m).folded for m in r.members if split_name(m).folded})
        rows.append(
            {
                "unique_id": r.key,
                "family": name.family or None,
                "given": name.given or None,
                "middle": name.middle or None,
                "full": name.folded or None,
                "dob": born.iso or None,
                "dob_day": day,
                "dob_month": month,
                "year": born.year,
                "citizen_id": citizen_id_key(r.citizen_id) or None,
                "phone": phone_key(r.phone) or None,
                "address": address_key(r.address) or None,
                "members": members or None,
                "household": r.household or None,
                "source": r.source or None,
            }
        )
    return rows


# --------------------------------------------------------------------------------------------------- the model


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


def _null(column: str) -> dict[str, Any]:
    return _level(f'"{column}_l" IS NULL OR "{column}_r" IS NULL', "missing", is_null_level=True)


ELSE = _level("ELSE", "different")


def comparisons(households: bool = False) -> list[dict[str, Any]]:
    """The comparisons of the model. Level order matters: the first that holds is the pair's level."""
    items = [
        {
            "output_column_name": "family",
            "comparison_levels": [
                _null("family"),
                _level("family_l = family_r", "same", tf_adjustment_column="family", tf_adjustment_weight=1.0),
                _level("jaro_winkler_similarity(family_l, family_r) >= 0.88", "close"),
                ELSE,
            ],
        },
        {
            "output_column_name": "given",
            "comparison_levels": [
                _null("given"),
                _level("given_l = given_r", "same", tf_adjustment_column="given", tf_adjustment_weight=1.0),
                _level("damerau_levenshtein(given_l, given_r) <= 1", "one typo"),
                ELSE,
            ],
        },
        {
            "output_column_name": "middle",
            "comparison_levels": [
                _null("middle"),
                _level("middle_l = middle_r", "same"),
                _level("jaro_winkler_similarity(middle_l, middle_r) >= 0.88", "close"),
                ELSE,
            ],
        },
        {
            "output_column_name": "birth",
            "comparison_levels": [
                _level("year_l IS NULL OR year_r IS NULL", "missing", is_null_level=True),
                _level("dob_l = dob_r", "same"),
                _level(
                    "dob_day_l = dob_month_r AND dob_month_l = dob_day_r AND year_l = year_r",
                    "day and month swapped",
                ),
                _level("(dob_l IS NULL OR dob_r IS NULL) AND year_l = year_r", "only the year known, same year"),
                _level("year_l = year_r", "same year, other day"),
                _level("abs(year_l - year_r) <= 1", "a year apart"),
                ELSE,
            ],
        },
        {
            "output_column_name": "citizen_id",
            "comparison_levels": [
                _null("citizen_id"),
                _level("citizen_id_l = citizen_id_r", "same"),
                _level("damerau_levenshtein(citizen_id_l, citizen_id_r) <= 1", "one digit wrong"),
                ELSE,
            ],
        },
        {
            "output_column_name": "phone",
            "comparison_levels": [
                _null("phone"),
                _level("phone_l = phone_r", "same"),
                _level("damerau_levenshtein(phone_l, phone_r) <= 1", "one digit wrong"),
                ELSE,
            ],
        },
        {
            "output_column_name": "address",
            "comparison_levels": [
                _null("address"),
                _level("address_l = address_r", "same"),
                _level("jaro_winkler_similarity(address_l, address_r) >= 0.9", "close"),
                ELSE,
            ],
        },
    ]
    if households:
        items.append(
            {
                "output_column_name": "members",
                "comparison_levels": [
                    _null("members"),
                    _level("len(list_intersect(members_l, members_r)) >= 2", "two or more in common"),
                    _level("len(list_intersect(members_l, members_r)) >= 1", "one in common"),
                    ELSE,
                ],
            }
        )
    return items


BLOCKING_RULES = [
    "l.citizen_id = r.citizen_id",
    "l.phone = r.phone",
    "l.given = r.given AND l.year = r.year",
    "l.full = r.full",
    "l.dob = r.dob AND l.family = r.family",
    "l.address = r.address AND l.year = r.year",
    "l.dob_day = r.dob_month AND l.dob_month = r.dob_day AND l.year = r.year AND l.family = r.family",
]
# EM needs blocks where a good share of pairs are matches; each leaves some comparisons out (those it blocks on),
# and together they estimate every comparison.
TRAINING_RULES = [
    ("l.citizen_id = r.citizen_id", ["citizen_id"]),
    ("l.family = r.family AND l.given = r.given AND l.year = r.year", ["family", "given", "year"]),
    ("l.phone = r.phone AND l.given = r.given", ["phone", "given"]),
]
#: EM on fewer blocked pairs than this learns noise (a commune's short list): the rule is skipped.
MIN_TRAINING_PAIRS = 20


def _pairs_in_block(frame: Any, columns: list[str]) -> int:
    sizes = frame.dropna(subset=columns).groupby(columns).size()
    return int((sizes * (sizes - 1) // 2).sum())


DETERMINISTIC_RULES = [
    "l.citizen_id = r.citizen_id",
    "l.full = r.full AND l.dob = r.dob",
]


def settings(households: bool = False) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons(households),
        "blocking_rules_to_generate_predictions": BLOCKING_RULES,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,  # the gamma (level) of every comparison
        "additional_columns_to_retain": ["household", "source"],
    }


def _train(linker: Any, frame: Any) -> None:
    """Estimate the model from the records themselves. Small sets (a commune's list) may lack the pairs some
    estimate needs: Splink then keeps its starting values for that part, which the tests cover."""
    try:
        linker.training.estimate_probability_two_random_records_match(DETERMINISTIC_RULES, recall=0.8)
    except Exception:  # noqa: BLE001 - no deterministic match at all: keep Splink's prior
        logging.getLogger(__name__).info("prior kept: no deterministic match")
    size = len(frame)
    pairs = size * (size - 1) / 2
    # No deterministic match at all estimates the prior as 0, which no evidence can overcome: floor it at one
    # match among all pairs (the smallest non-zero value the data can support).
    settings_obj = linker._settings_obj
    prior = settings_obj._probability_two_random_records_match
    settings_obj._probability_two_random_records_match = min(max(prior, 1 / max(pairs, 1.0)), 0.5)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(5e6, max(pairs, 1.0)), seed=SEED)
    for rule, columns in TRAINING_RULES:
        if _pairs_in_block(frame, columns) < MIN_TRAINING_PAIRS:
            continue  # too few pairs to estimate anything: keep the starting values for what this rule estimates
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except Exception:  # noqa: BLE001 - a block without pairs (no IDs in this list): other rules estimate
            logging.getLogger(__name__).info("EM skipped for %s", rule)


def _states(row: dict[str, Any], households: bool) -> dict[str, dict[str, str]]:
    """The gamma (level index) of each comparison as agree / similar / differ / missing, with the level's label."""
    result = {}
    for item in comparisons(households):
        name = item["output_column_name"]
        gamma = row.get(f"gamma_{name}")
        if gamma is None or (isinstance(gamma, float) and math.isnan(gamma)):
            continue
        gamma = int(gamma)
        levels = [lvl for lvl in item["comparison_levels"] if not lvl.get("is_null_level")]
        top = len(levels) - 1  # Splink numbers the non-null levels from the last (0 = "else") upwards
        label = levels[top - gamma]["label_for_charts"] if 0 <= gamma <= top else "missing"
        state = "missing" if gamma < 0 else "agree" if gamma == top else "differ" if gamma == 0 else "similar"
        result[name] = {"state": state, "level": label}
    return result


def _run_splink(rows: list[dict[str, Any]], households: bool) -> list[dict[str, Any]]:
    import duckdb
    import pandas as pd
    from splink import DuckDBAPI, Linker

    frame = pd.DataFrame(rows).sort_values("unique_id", kind="stable").reset_index(drop=True)
    if not households:
        frame = frame.drop(columns=["members"])
    connection = duckdb.connect(":memory:")
    try:
        connection.execute("SET threads TO 4")
        db_api = DuckDBAPI(connection)
        table = db_api.register(frame)
        model = settings(households)
        if not households:
            model["comparisons"] = [c for c in model["comparisons"] if c["output_column_name"] != "members"]
        linker = Linker(table, model, log_level=logging.ERROR)
        _train(linker, frame)
        result = linker.inference.predict(threshold_match_probability=0.01, warning_mode="never")
        return result.as_pandas_dataframe().to_dict("records")
    finally:
        connection.close()


def find_candidates(
    records: Sequence[Record],
    *,
    against: Sequence[Record] | None = None,
    context: Sequence[Record] | None = None,
    households: bool = False,
    threshold: float = REVIEW_THRESHOLD,
) -> list[Pair]:
    """Pairs of records that may be one person (or household), most likely first.

    `records` are compared with one another and with `against` (e.g. other lists); pairs inside `against` are not
    returned. `context` (e.g. the commune's registry) only helps estimate the parameters — a short list alone says
    little about how often names or birth years coincide — and is never paired. Deterministic: the same input gives
    the same pairs and probabilities.
    """
    records = list(records)
    new_keys = {r.key for r in records}
    against = [r for r in against or [] if r.key not in new_keys]
    seen = new_keys | {r.key for r in against}
    context = [r for r in context or [] if r.key not in seen]
    context_keys = {r.key for r in context}
    everything = records + against + context
    if not records or len(everything) < 2:
        return []
    rows = prepare(everything)
    by_key = {row["unique_id"]: row for row in rows}
    pairs = []
    for row in _run_splink(rows, households):
        left, right = sorted((str(row["unique_id_l"]), str(row["unique_id_r"])))
        if (left not in new_keys and right not in new_keys) or left in context_keys or right in context_keys:
            continue
        probability = float(row["match_probability"])
        if probability < threshold or never_the_same(by_key[left], by_key[right]):
            continue
        pairs.append(Pair(left, right, probability, float(row["match_weight"]), _states(row, households)))
    pairs.sort(key=lambda p: (-p.probability, p.left, p.right))
    return pairs


def never_the_same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Hard rules after the model: members of one household with different given names (twins share a birth
    date, family name, address and phone) are different people, whatever the probability says."""
    same_household = a.get("household") and a.get("household") == b.get("household")
    return bool(same_household and a.get("given") != b.get("given"))
