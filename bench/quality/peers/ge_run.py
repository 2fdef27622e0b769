"""Great Expectations peer: runs in its own venv (var/bench/venvs/ge), pandas execution engine.

    python ge_run.py SPEC.json   -> prints one JSON line: counts per rule, load and validate seconds

SPEC: {"parquet": path, "rules": [rule dicts of bench/quality/rules.py with peers containing "ge"]}.
Only GE's built-in expectations are used; name_not_blank is two of them (nulls + blank strings).
"""

import json
import sys
import time

t_start = time.perf_counter()
import great_expectations as gx  # noqa: E402
import pandas as pd  # noqa: E402

t_import = time.perf_counter() - t_start


def expectations(rule: dict) -> list:
    col = rule["columns"][0]
    kind, p = rule["kind"], rule["params"]
    E = gx.expectations
    if kind == "not_null":
        out = [E.ExpectColumnValuesToNotBeNull(column=col)]
        if p.get("blank"):
            out.append(E.ExpectColumnValuesToNotMatchRegex(column=col, regex=r"^\s*$"))
        return out
    if kind == "length":
        if p.get("min") == p.get("max"):
            return [E.ExpectColumnValueLengthsToEqual(column=col, value=p["max"])]
        return [E.ExpectColumnValueLengthsToBeBetween(column=col, min_value=p.get("min"), max_value=p["max"])]
    if kind == "unique":
        return [E.ExpectColumnValuesToBeUnique(column=col)]
    if kind == "regex":
        return [E.ExpectColumnValuesToMatchRegex(column=col, regex=p["pattern"])]
    if kind == "allowed":
        return [E.ExpectColumnValuesToBeInSet(column=col, value_set=p["values"])]
    if kind == "range":
        return [
            E.ExpectColumnValuesToBeBetween(
                column=col, min_value=pd.Timestamp(p["min"]), max_value=pd.Timestamp(p["max"])
            )
        ]
    raise ValueError(f"GE cannot express {rule['key']}")


def main(spec_path: str) -> None:
    with open(spec_path) as f:
        spec = json.load(f)
    t0 = time.perf_counter()
    df = pd.read_parquet(spec["parquet"])
    for col in ("birth_date", "registration_date"):
        # Parquet DATE arrives as datetime.date objects or datetime64 depending on the pandas build;
        # GE compares Timestamps, so make them datetime64 (part of the load, timed with it)
        df[col] = pd.to_datetime(df[col])
    t_load = time.perf_counter() - t0

    t1 = time.perf_counter()
    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_pandas("bench")
    asset = source.add_dataframe_asset("population")
    batch_def = asset.add_batch_definition_whole_dataframe("all")
    suite = context.suites.add(gx.ExpectationSuite(name="population"))
    owners = []
    for rule in spec["rules"]:
        for e in expectations(rule):
            suite.add_expectation(e)
            owners.append(rule["key"])
    vd = context.validation_definitions.add(
        gx.ValidationDefinition(data=batch_def, suite=suite, name="population")
    )
    t_setup = time.perf_counter() - t1
    t2 = time.perf_counter()
    result = vd.run(batch_parameters={"dataframe": df}, result_format={"result_format": "BASIC"})
    t_validate = time.perf_counter() - t2

    owner = {}
    for rule in spec["rules"]:
        for e in expectations(rule):
            owner[(e.expectation_type, e.column)] = rule["key"]
    counts, errors = {}, {}
    for r in result.results:
        cfg = r.expectation_config
        key = owner[(cfg.type, cfg.kwargs.get("column"))]
        if r.exception_info and r.exception_info.get("raised_exception"):
            errors[key] = r.exception_info.get("exception_message")
            continue
        counts[key] = counts.get(key, 0) + int(r.result.get("unexpected_count") or 0)
    print(
        json.dumps(
            {
                "tool": "Great Expectations",
                "version": gx.__version__,
                "pandas": pd.__version__,
                "counts": counts,
                "errors": errors,
                "expectations": len(owners),
                "seconds": {
                    "import": t_import,
                    "load": t_load,
                    "setup": t_setup,
                    "validate": t_validate,
                },
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
