"""docs/benchmarks.md holds one section per benchmark; each benchmark rewrites only its own."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
OUT = ROOT / "bench" / "out"


def write_section(text: str) -> None:
    """Replace the section whose "## " heading is the first line of `text` (or append it)."""
    heading = text.split("\n", 1)[0]
    old = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    start = old.find(heading + "\n")
    if start == -1:
        new = old.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    else:
        end = old.find("\n## ", start + len(heading))
        new = old[:start] + text.rstrip("\n") + "\n" + ("" if end == -1 else old[end:])
    DOCS.write_text(new, encoding="utf-8")


def measure_each_database(script: str, name: str, databases: list[str]) -> list[dict]:
    """Run `script --one <db>` in its own process for each database (a fresh Django each time) and
    keep its JSON answer in bench/out/<name>-<db>.json; return the latest answer of every database,
    so one database can be re-measured alone."""
    OUT.mkdir(parents=True, exist_ok=True)
    for db in databases:
        command = [sys.executable, script, "--one", db]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
        (OUT / f"{name}-{db}.json").write_text(done.stdout.strip().splitlines()[-1], encoding="utf-8")
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(OUT.glob(f"{name}-*.json"))]
