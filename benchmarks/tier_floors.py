"""How many A targets the bundled sample has with and without the A floors, and how many of those A have
fewer than 10 insured staff, under 100万 capital, are branches or are not in a normal registration state.

The floors (Settings a_min_employees, a_min_capital_wan, a_min_age_years, a_no_branch, a_active_only) keep a
company whose score reaches A at B when a known fact is below them. "Before" re-ranks the same scored
list with every floor off (`matcher.rerank`, nothing re-matched), so both rows count the same companies.
Figures only; nothing here asserts anything.

    python benchmarks/tier_floors.py [INPUT ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import matcher  # noqa: E402

OFF = {"a_min_employees": 0, "a_min_capital_wan": 0, "a_min_age_years": 0, "a_no_branch": 0, "a_active_only": 0}


def figures(ranked) -> dict:
    a = ranked[ranked["tier"] == "A"]
    emp = a["employees"].astype(float)
    cap = a["registered_capital_wan"].astype(float)
    return {
        "A": len(a),
        "B": int((ranked["tier"] == "B").sum()),
        "A <10 staff": int((emp < 10).sum()),
        "A <100万": int((cap < 100).sum()),
        "A branches": int(a["is_branch"].fillna(False).astype(bool).sum()),
        "A status not normal": int(((a["status"] != "active") & a["status_raw"].notna()).sum()),
        "A staff unknown": int(np.isnan(emp).sum()),
    }


def main(argv: list[str]) -> None:
    inputs = argv or [str(matcher.SAMPLE_FILE)]
    result = matcher.score_files(inputs)
    before = matcher.rerank(result, matcher.DEFAULTS.replace(**OFF))
    rows = {"floors off": figures(before.ranked), "floors on (default)": figures(result.ranked)}
    print(f"companies scored: {result.counts['scored']}; with a chain: {int(result.ranked['chain_id'].notna().sum())}")
    keys = list(next(iter(rows.values())))
    print(f"{'':22}" + "".join(f"{k:>20}" for k in keys))
    for name, f in rows.items():
        print(f"{name:22}" + "".join(f"{f[k]:>20}" for k in keys))
    notes = result.components["tier_note"].astype(str)
    print(
        f"A kept at B with a reason: {int((notes != '').sum())}; e.g. {notes[notes != ''].iloc[0] if (notes != '').any() else '-'}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
