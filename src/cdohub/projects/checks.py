"""The pre-checks a CDO sees before deciding, computed from the platform's own data.

Each check is a function `check(project) -> Outcome` registered for a stage; the outcome is
passed, failed or not applicable, with a one-line summary and the evidence (JSON) behind it. The
results are stored on the review round (`models.Check`), so the decision record shows exactly what
the CDO saw, and a failed check can be cited as a reason for a veto.

Adding a check is adding a function here with `@check(code, stage, title)`; an acceptance check
over each declared data resource judges one resource at a time through `_each_output`.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz

from cdohub.catalog import services as catalog_services
from cdohub.catalog.choices import ResourceStatus, ShareType
from cdohub.catalog.models import Resource
from cdohub.quality import services as quality_services

from .choices import CheckResult, ProjectKind, ProjectStatus, Stage

# How alike two names must be (rapidfuzz, 0-100) to be shown as a possible duplicate.
NAME_SIMILAR = 80
SYSTEM_SIMILAR = 85
SCOPE_SIMILAR = 60
# Words every project name has, which say nothing about what it builds.
FILLER = re.compile(r"(项目|工程|建设|一期|二期|三期|升级改造|运维|运行维护|信息化|系统|平台|年度|\d{4}年?)")
LIVE = (
    ProjectStatus.INITIATION_REVIEW,
    ProjectStatus.INITIATED,
    ProjectStatus.ACCEPTANCE_REVIEW,
    ProjectStatus.ACCEPTANCE_RETURNED,
    ProjectStatus.ACCEPTANCE_VETOED,
    ProjectStatus.ACCEPTED,
)


@dataclass
class Outcome:
    result: str
    summary: str
    evidence: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CheckDef:
    code: str
    stage: str
    title: object  # lazily translated
    func: object


REGISTRY: dict[str, CheckDef] = {}


def check(code: str, stage: str, title):
    def decorate(func):
        REGISTRY[code] = CheckDef(code, stage, title, func)
        return func

    return decorate


def for_stage(stage: str) -> list[CheckDef]:
    return [c for c in REGISTRY.values() if c.stage == stage]


def run(project, stage: str, actor) -> list[tuple[CheckDef, Outcome]]:
    return [(c, c.func(project, actor)) for c in for_stage(stage)]


def title_of(code: str) -> str:
    found = REGISTRY.get(code)
    return str(found.title) if found else code


# --- initiation -------------------------------------------------------------------------------


def _core(name: str) -> str:
    return FILLER.sub("", name or "").strip()


def region_prefix(unit) -> str:
    """Projects of the same region: the same prefecture (or the provincial level)."""
    return unit.region.code[:4]


@check("duplicates", Stage.INITIATION, gettext_lazy("No duplicate project or system in the region"))
def duplicates(project, actor) -> Outcome:
    from .models import Project

    others = (
        Project.objects.filter(status__in=LIVE, unit__region__code__startswith=region_prefix(project.unit))
        .exclude(pk=project.pk)
        .select_related("unit")
    )
    own_name, own_systems = _core(project.name), [s for s in project.systems if s]
    matches = []
    for other in others.iterator():
        name_score = fuzz.ratio(own_name, _core(other.name)) if own_name else 0
        scope_score = (
            fuzz.token_set_ratio(project.summary or "", other.summary or "") if project.summary else 0
        )
        systems = []
        for mine in own_systems:
            for theirs in other.systems or []:
                score = fuzz.ratio(_core(mine), _core(theirs))
                if score >= SYSTEM_SIMILAR:
                    systems.append({"system": mine, "their_system": theirs, "score": round(score)})
        if name_score >= NAME_SIMILAR or systems or (name_score >= 60 and scope_score >= SCOPE_SIMILAR):
            matches.append(
                {
                    "project_id": other.pk,
                    "project": other.name,
                    "unit": other.unit.name,
                    "status": other.get_status_display(),
                    "name_score": round(name_score),
                    "scope_score": round(scope_score),
                    "systems": systems,
                }
            )
    matches.sort(key=lambda m: -max(m["name_score"], *(s["score"] for s in m["systems"]), 0))
    if not matches:
        return Outcome(
            CheckResult.PASSED,
            _("No project or information system in the region looks like this one (%(n)d compared).")
            % {"n": others.count()},
            {"compared": others.count()},
        )
    return Outcome(
        CheckResult.FAILED,
        _("%(n)d project(s) in the region look like duplicates: %(names)s.")
        % {"n": len(matches), "names": _("、").join(f"{m['unit']}「{m['project']}」" for m in matches[:5])},
        {"matches": matches[:20]},
    )


def dataset_name(entry: str) -> str:
    """人口基础信息：姓名、公民身份号码 → 人口基础信息."""
    return re.split(r"[:：(（]", entry, maxsplit=1)[0].strip()


def dataset_items(entry: str) -> list[str]:
    parts = re.split(r"[:：]", entry, maxsplit=1)
    if len(parts) < 2:
        return []
    return [p.strip() for p in re.split(r"[、,，;；/]", parts[1]) if p.strip()]


@check("reuse", Stage.INITIATION, gettext_lazy("Data to be collected is not already in the catalog"))
def reuse(project, actor) -> Outcome:
    entries = [e for e in project.collects if e and e.strip()]
    if not entries:
        return Outcome(CheckResult.NOT_APPLICABLE, _("The project declares no data it will collect itself."))
    held = []
    for entry in entries:
        name = dataset_name(entry)
        if not name:
            continue
        found = catalog_services.search_resources(actor, name, limit=50)
        resources = (
            Resource.objects.filter(pk__in=found.ids, status=ResourceStatus.PUBLISHED)
            .exclude(unit=project.unit)
            .select_related("unit")
            .prefetch_related("items")
        )
        wanted = set(dataset_items(entry))
        for resource in resources:
            names = {item.name for item in resource.items.all()}
            held.append(
                {
                    "collects": entry,
                    "resource_id": resource.pk,
                    "code": resource.code,
                    "resource": resource.name,
                    "provider": resource.unit.name,
                    "share_type": resource.share_type,
                    "items_in_common": sorted(wanted & names),
                }
            )
    if not held:
        return Outcome(
            CheckResult.PASSED,
            _("None of the %(n)d data sets it will collect is published in the catalog by another unit.")
            % {"n": len(entries)},
            {"searched": entries},
        )
    return Outcome(
        CheckResult.FAILED,
        _(
            "The catalog already holds data it plans to collect: %(found)s. "
            "Reuse them through sharing instead."
        )
        % {"found": _("、").join(f"{h['provider']}「{h['resource']}」（{h['code']}）" for h in held[:5])},
        {"held": held, "searched": entries},
    )


@check(
    "outputs_declared",
    Stage.INITIATION,
    gettext_lazy("Data resources it will produce are declared with their sharing"),
)
def outputs_declared(project, actor) -> Outcome:
    outputs = list(project.outputs.all())
    if not outputs:
        if project.kind == ProjectKind.OPERATION:
            return Outcome(
                CheckResult.NOT_APPLICABLE, _("An operation and maintenance project produces no new data.")
            )
        return Outcome(CheckResult.FAILED, _("The project declares no data resource it will produce."))
    missing = [o.name for o in outputs if o.share_type not in ShareType.values]
    evidence = {"outputs": [{"output": o.name, "declared": o.share_type} for o in outputs]}
    if missing:
        return Outcome(
            CheckResult.FAILED,
            _("No sharing attribute declared for: %(names)s.") % {"names": _("、").join(missing)},
            evidence,
        )
    return Outcome(
        CheckResult.PASSED,
        _("%(n)d data resource(s) declared, each with its sharing attribute.") % {"n": len(outputs)},
        evidence,
    )


# --- acceptance -------------------------------------------------------------------------------


def _each_output(project, judge, failed: str, passed: str, context=None) -> Outcome:
    """An acceptance check over each data resource the project declared: `judge(output, known)` gives
    the evidence row and whether it is fine, `known` being what `context(outputs)` looked up once.
    Failed naming those not fine (`failed` has %(names)s), else passed (`passed` may have %(n)d)."""
    outputs = list(project.outputs.select_related("resource", "resource__unit"))
    if not outputs:
        return Outcome(CheckResult.NOT_APPLICABLE, _("The project declared no data resource to produce."))
    known = context(outputs) if context else None
    judged = [(output, *judge(output, known)) for output in outputs]
    rows = [row for _output, row, _fine in judged]
    gaps = [output.name for output, _row, fine in judged if not fine]
    if gaps:
        return Outcome(CheckResult.FAILED, failed % {"names": _("、").join(gaps)}, {"outputs": rows})
    return Outcome(CheckResult.PASSED, passed % {"n": len(outputs)}, {"outputs": rows})


def _registration(output, unit_id) -> tuple[dict, bool]:
    resource = output.resource
    row = {
        "output": output.name,
        "resource_id": resource.pk if resource else None,
        "code": resource.code if resource else "",
        "status": "unregistered" if resource is None else resource.status,
    }
    fine = (
        resource is not None and resource.status == ResourceStatus.PUBLISHED and resource.unit_id == unit_id
    )
    return row, fine


@check(
    "outputs_registered",
    Stage.ACCEPTANCE,
    gettext_lazy("Its data resources are registered and published in the catalog"),
)
def outputs_registered(project, actor) -> Outcome:
    return _each_output(
        project,
        _registration,
        _("Not registered and published in the catalog: %(names)s."),
        _("All %(n)d data resource(s) are published in the catalog."),
        context=lambda outputs: project.unit_id,
    )


def _sharing(output, _known) -> tuple[dict, bool]:
    resource = output.resource
    actual = resource.share_type if resource is not None else ""
    published = resource is not None and resource.status == ResourceStatus.PUBLISHED
    fine = published and actual == output.share_type
    if fine and output.share_type != ShareType.NONE and not resource.share_method:
        fine = False
    row = {
        "output": output.name,
        "declared": output.share_type,
        "catalog": actual,
        "share_method": resource.share_method if resource is not None else "",
        "published": published,
        "ok": fine,
    }
    return row, fine


@check("sharing_in_place", Stage.ACCEPTANCE, gettext_lazy("The declared sharing is in place"))
def sharing_in_place(project, actor) -> Outcome:
    return _each_output(
        project,
        _sharing,
        _("Sharing as declared is not in place in the published catalog for: %(names)s."),
        _("Each data resource is published with the sharing declared at initiation."),
    )


def _quality(output, standings) -> tuple[dict, bool]:
    found = standings.get(output.resource_id)
    run = found.run if found else None
    row = {
        "output": output.name,
        "resource_id": output.resource_id,
        "rules": found.rules if found else 0,
        "checked_at": run.finished_at.isoformat() if run and run.finished_at else "",
        "score": run.score if run else None,
        "failing": found.failing if found else [],
    }
    return row, bool(found and found.passing)


@check(
    "quality_passing",
    Stage.ACCEPTANCE,
    gettext_lazy("Its data resources have quality rules and their latest checks pass"),
)
def quality_passing(project, actor) -> Outcome:
    return _each_output(
        project,
        _quality,
        _("No quality rules, no check yet, or failing rules for: %(names)s."),
        _("Each data resource has quality rules and passed its latest check."),
        context=lambda outputs: quality_services.standing(
            [o.resource for o in outputs if o.resource is not None]
        ),
    )


def failed_codes(review) -> set[str]:
    return set(review.checks.filter(result=CheckResult.FAILED).values_list("code", flat=True))
