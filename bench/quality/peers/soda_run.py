# ruff: noqa: E501
"""Soda Core peer: runs in its own venv (var/bench/venvs/soda), Soda Core V4 contracts on DuckDB.

    python soda_run.py SPEC.json   -> prints one JSON line: counts per rule and seconds

SPEC: {"duckdb": path to the DuckDB file holding table population, "rules": [rule dicts with peers
containing "soda"], "repeat": timed verification rounds ('validate' is their median)}. Built-in
contract checks (missing, invalid, duplicate); the two cross-field rules are `failed_rows` checks
with a SQL expression, which is how a Soda contract states them.
"""

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

t_start = time.perf_counter()
from soda_core.contracts import verify_contract_locally  # noqa: E402

t_import = time.perf_counter() - t_start

BIRTH_MISMATCH = "substr(resident_id, 7, 8) <> strftime(birth_date, '%Y%m%d')"
GENDER_MISMATCH = (
    "length(resident_id) >= 17 AND gender <> "
    "CASE WHEN (ascii(substr(resident_id, 17, 1)) - 48) % 2 = 1 THEN '1' ELSE '2' END"
)


def q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def check_yaml(rule: dict) -> tuple[str, str]:
    """(column, check YAML lines) for one rule."""
    col, kind, p = rule["columns"][0], rule["kind"], rule["params"]
    name = f"name: {rule['key']}"
    if kind == "not_null":
        extra = "\n          missing_format: {regex: '^\\s*$', name: blank}" if p.get("blank") else ""
        return col, f"      - missing:\n          {name}{extra}"
    if kind == "length":
        if p.get("min") == p.get("max"):
            return col, f"      - invalid:\n          {name}\n          valid_length: {p['max']}"
        return col, f"      - invalid:\n          {name}\n          valid_max_length: {p['max']}"
    if kind == "unique":
        return col, f"      - duplicate:\n          {name}"
    if kind == "regex":
        return (
            col,
            f"      - invalid:\n          {name}\n          valid_format: {{regex: {q(p['pattern'])}, name: fmt}}",
        )
    if kind == "allowed":
        return col, f"      - invalid:\n          {name}\n          valid_values: {json.dumps(p['values'])}"
    if kind == "range":
        # valid_min / valid_max take numbers only: a date range is a failed_rows expression
        expr = f"{col} NOT BETWEEN DATE '{p['min']}' AND DATE '{p['max']}'"
        return (
            col,
            f"      - failed_rows:\n          {name}\n          qualifier: range\n          expression: {q(expr)}",
        )
    if kind == "expression":
        expr = BIRTH_MISMATCH if p.get("id_birth_date") else GENDER_MISMATCH
        return col, (
            f"      - failed_rows:\n          {name}\n          qualifier: {rule['key']}\n          expression: {q(expr)}"
        )
    raise ValueError(f"Soda cannot express {rule['key']}")


def contract(rules: list[dict]) -> str:
    by_col: dict[str, list[str]] = {}
    for rule in rules:
        col, text = check_yaml(rule)
        by_col.setdefault(col, []).append(text)
    lines = ["dataset: bench/main/population", "columns:"]
    for col, checks in by_col.items():
        lines += [f"  - name: {col}", "    checks:", *checks]
    return "\n".join(lines) + "\n"


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    work = Path(tempfile.mkdtemp(prefix="qbench-soda-"))
    ds = work / "ds.yml"
    ds.write_text(
        f"type: duckdb\nname: bench\nconnection:\n  database: {q(spec['duckdb'])}\n  read_only: true\n"
    )
    ct = work / "contract.yml"
    ct.write_text(contract(spec["rules"]))
    rounds = []
    for _ in range(spec.get("repeat", 1)):
        t0 = time.perf_counter()
        result = verify_contract_locally(data_source_file_path=str(ds), contract_file_path=str(ct))
        rounds.append(time.perf_counter() - t0)
    counts, errors, raw = {}, {}, {}
    kinds = {r["key"]: r["kind"] for r in spec["rules"]}
    keys = set(kinds)
    for cvr in result.contract_verification_results:
        for cr in cvr.check_results:
            key = cr.check.name
            raw[key] = {k: v for k, v in (cr.diagnostic_metric_values or {}).items()}
            if key not in keys:
                continue
            metric = {
                "not_null": "missing_count",
                "unique": "duplicate_count",
                "range": "failed_rows_count",
                "expression": "failed_rows_count",
            }.get(kinds[key], "invalid_count")
            value = raw[key].get(metric)
            if value is None:
                errors[key] = f"no count ({cr.outcome})"
            else:
                counts[key] = int(value)
    if result.has_errors:
        errors["_errors"] = result.get_errors_str()[:3000]
    if not counts:
        errors["_logs"] = result.get_logs_str()[-3000:]
    import duckdb
    from soda_core.__version__ import SODA_CORE_VERSION

    print(
        json.dumps(
            {
                "tool": "Soda Core",
                "version": SODA_CORE_VERSION,
                "duckdb": duckdb.__version__,
                "counts": counts,
                "errors": errors,
                "metrics": raw,
                "contract": ct.read_text(),
                "seconds": {
                    "import": t_import,
                    "load": 0.0,
                    "validate": statistics.median(rounds),
                    "rounds": rounds,
                },
            },
            default=str,
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
