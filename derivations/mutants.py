"""The mutation catalogue: typical wrong answers of each claim, with the slip named, and right rewrites.

The data lives in ``mutants.json`` beside this module (shipped as package data); this module
loads it once, checks its shape, and exposes it under the names the rest of the package uses.
For each claim with a formula answer, ``CATALOGUE[id]`` holds

- ``words``: what a symbol's vanishing (or a relation) means, in words, for the feedback
  ("mu": "the inputs had zero mean");
- ``defs``: names used in the formulas below (``target`` is always the derived target);
- ``wrong``: (formula, kind, detail, slip): a plausible wrong answer, the kind of difference
  ``derivations.diagnosis`` must find (one of its KINDS), the factor / term / substitution
  ("s -> value") it must name ("" when the kind says it all), and the slip in words;
- ``categories``: the category of each wrong answer, in the order of ``wrong`` (one of
  ``CATEGORIES``: variance for std, a dropped factor, fan-out for fan-in, a sign, a missing
  term, L for L - 1, a swapped Beta, an approximation passed off as exact, right only at a
  special parameter value, other);
- ``right``: formulas equal to the answer written differently (no diagnosis may be given).

``NOT_FORMULA[id]`` says in one line why a claim's answer is not a formula. Every registered claim is
in exactly one of the two tables (a test holds it); a claim whose entry is missing would still get the
generic diagnosis, steps and hints, only the named slips. ``dlproofs mutants`` runs every entry
through ``montecarlo.verify`` and reports kill and false-rejection rates (``montecarlo.mutation``).
Formulas are SymPy text in the claim's candidate symbols; ``where(c, a, b)`` is a piecewise form.
"""
from __future__ import annotations

import json
from pathlib import Path

__all__ = ["CATALOGUE", "NOT_FORMULA", "CATEGORIES", "DATA_FILE", "load"]

DATA_FILE = Path(__file__).with_name("mutants.json")
_WRONG_FIELDS = ("formula", "kind", "detail", "slip", "category")


def load(path: str | Path = DATA_FILE) -> tuple[dict, dict, dict]:
    """(CATALOGUE, NOT_FORMULA, CATEGORIES) read from the JSON file at ``path``; ValueError naming
    the claim and field when an entry is malformed (a wrong answer without a known category, say)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    categories = dict(data["categories"])
    catalogue = {}
    for claim_id, entry in data["claims"].items():
        wrong = entry.get("wrong", [])
        for item in wrong:
            missing = [name for name in _WRONG_FIELDS if not isinstance(item.get(name), str)]
            if missing:
                raise ValueError(f"{path}: {claim_id}: wrong answer {item.get('formula')!r} lacks {missing}")
            if item["category"] not in categories:
                raise ValueError(f"{path}: {claim_id}: category {item['category']!r} of {item['formula']!r} "
                                 f"is not one of {sorted(categories)}")
        if not all(isinstance(text, str) for text in entry.get("right", [])):
            raise ValueError(f"{path}: {claim_id}: right rewrites must be strings")
        catalogue[claim_id] = {
            **{key: dict(entry[key]) for key in ("words", "defs") if key in entry},
            "wrong": [(w["formula"], w["kind"], w["detail"], w["slip"]) for w in wrong],
            "categories": [w["category"] for w in wrong],
            "right": list(entry.get("right", [])),
        }
    return catalogue, dict(data["not_formula"]), categories


CATALOGUE, NOT_FORMULA, CATEGORIES = load()
