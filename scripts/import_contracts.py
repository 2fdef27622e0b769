"""Import contracts of our own, beside import-linter's layers.

`public_surface`: a domain app reaches another domain app only through that app's public modules
(its `services`, and its `models`, `choices` and `events` for foreign keys, enums and audit events;
the package itself too).
Everything else an app has (views, policies, engines) is its own, so it can change without breaking
a neighbour. Tests and migrations are left out: they may set up whatever they need. `peers` are
modules that may use their namesakes in other apps: the demo builders compose one demo.
"""

from importlinter import Contract, ContractCheck, fields, output

LEFT_OUT = ("tests", "migrations")


class PublicSurfaceContract(Contract):
    type_name = "public_surface"

    apps = fields.ListField(subfield=fields.ModuleField())
    public = fields.ListField(subfield=fields.StringField())
    peers = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph, verbose: bool) -> ContractCheck:
        apps = [app.name for app in self.apps]  # type: ignore[attr-defined]
        public = set(self.public)  # type: ignore[arg-type]
        peers = set(self.peers or [])  # type: ignore[arg-type]
        reaches = []
        for app in apps:
            for importer in sorted(graph.find_descendants(app) | {app}):
                if set(importer.split(".")) & set(LEFT_OUT):
                    continue
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    owner = _app_of(imported, apps)
                    surface = _surface(imported, owner) if owner else ""
                    if owner in (None, app, imported) or surface in public:  # a package is public
                        continue
                    if surface in peers and _surface(importer, app) == surface:
                        continue
                    lines = [
                        d["line_number"]
                        for d in graph.get_import_details(importer=importer, imported=imported)
                    ]
                    reaches.append((importer, imported, lines))
        return ContractCheck(kept=not reaches, metadata={"reaches": reaches})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, lines in check.metadata["reaches"]:
            where = ", ".join(f"l.{n}" for n in lines)
            output.print_error(f"{importer} -> {imported} ({where})", bold=False)
        output.new_line()
        output.print("Reach another app through its services (or its models, choices or events).")


def _app_of(module: str, apps: list[str]) -> str | None:
    return next((app for app in apps if module == app or module.startswith(app + ".")), None)


def _surface(module: str, app: str) -> str:
    """The app's top-level module that `module` belongs to ("" for the package itself)."""
    rest = module[len(app) + 1 :]
    return rest.split(".")[0] if rest else ""
