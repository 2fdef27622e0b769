"""Great Expectations peer: runs in its own venv (var/bench/venvs/ge), on pandas or on PostgreSQL.

    python ge_run.py SPEC.json   -> prints one JSON line: counts per rule, load and validate seconds

SPEC: {"rules": [rule dicts of bench/quality/rules.py with peers containing "ge"], "repeat": timed
validation rounds, and either "parquet": path (pandas execution engine, the file read into a
DataFrame) or "postgres": SQLAlchemy URL (GE's SQL execution engine on table population)}.
Only GE's built-in expectations are used; name_not_blank is two of them (nulls + blank strings).
'validate' is the median of the rounds, each a whole run of the validation definition.
"""

import datetime
import json
import statistics
import sys
import time

t_start = time.perf_counter()
import great_expectations as gx  # noqa: E402
import pandas as pd  # noqa: E402

t_import = time.perf_counter() - t_start


def expectations(rule: dict, sql: bool) -> list:
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
        low, high = (datetime.date.fromisoformat(p[k]) for k in ("min", "max"))
        if sql:  # a DATE column in the database compares with dates
            return [E.ExpectColumnValuesToBeBetween(column=col, min_value=low, max_value=high)]
        return [
            E.ExpectColumnValuesToBeBetween(
                column=col, min_value=pd.Timestamp(low), max_value=pd.Timestamp(high)
            )
        ]
    raise ValueError(f"GE cannot express {rule['key']}")


def sqlalchemy_version() -> str:
    import sqlalchemy

    return sqlalchemy.__version__


def batch(context, spec: dict):
    """(batch definition, batch parameters, load seconds) for the spec's data."""
    if "postgres" in spec:
        source = context.data_sources.add_postgres("bench", connection_string=spec["postgres"])
        asset = source.add_table_asset("population", table_name="population")
        return asset.add_batch_definition_whole_table("all"), None, 0.0
    t0 = time.perf_counter()
    df = pd.read_parquet(spec["parquet"])
    for col in ("birth_date", "registration_date"):
        # Parquet DATE arrives as datetime.date objects or datetime64 depending on the pandas build;
        # GE compares Timestamps, so make them datetime64 (part of the load, timed with it)
        df[col] = pd.to_datetime(df[col])
    t_load = time.perf_counter() - t0
    source = context.data_sources.add_pandas("bench")
    asset = source.add_dataframe_asset("population")
    return asset.add_batch_definition_whole_dataframe("all"), {"dataframe": df}, t_load


def main(spec_path: str) -> None:
    with open(spec_path) as f:
        spec = json.load(f)
    sql = "postgres" in spec
    context = gx.get_context(mode="ephemeral")
    batch_def, batch_parameters, t_load = batch(context, spec)
    t1 = time.perf_counter()
    suite = context.suites.add(gx.ExpectationSuite(name="population"))
    owner = {}
    for rule in spec["rules"]:
        for e in expectations(rule, sql):
            suite.add_expectation(e)
            owner[(e.expectation_type, e.column)] = rule["key"]
    vd = context.validation_definitions.add(
        gx.ValidationDefinition(data=batch_def, suite=suite, name="population")
    )
    t_setup = time.perf_counter() - t1
    rounds = []
    for _ in range(spec.get("repeat", 1)):
        t2 = time.perf_counter()
        result = vd.run(batch_parameters=batch_parameters, result_format={"result_format": "BASIC"})
        rounds.append(time.perf_counter() - t2)

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
                **({"sqlalchemy": sqlalchemy_version()} if sql else {}),
                "counts": counts,
                "errors": errors,
                "expectations": len(owner),
                "seconds": {
                    "import": t_import,
                    "load": t_load,
                    "setup": t_setup,
                    "validate": statistics.median(rounds),
                    "rounds": rounds,
                },
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
