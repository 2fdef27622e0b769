"""docs/benchmarks.md holds one section per benchmark; each benchmark rewrites only its own."""

from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


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
