"""The 类-项-目 classification tree shipped in data/classification.toml."""

import tomllib
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "classification.toml"


def load(model) -> None:
    """Create or update the shipped nodes; `model` is the Classification model (or a migration's)."""

    def add(nodes, parent=None):
        for node in nodes:
            obj, _ = model.objects.update_or_create(
                code=node["code"], defaults={"name": node["name"], "parent": parent}
            )
            add(node.get("children", []), obj)

    add(tomllib.loads(DATA.read_text(encoding="utf-8"))["nodes"])
