"""Quality scores.

A rule's **pass rate** in a run is ``1 − failed / checked`` (a table rule — row count, freshness —
checks 1 and fails 0 or 1; a rule that checked no rows passes). A rule that reported an error has
no pass rate and is left out.

A run's **score** is ``100 × Σ weight × pass rate / Σ weight`` over its rules without error, so a
rule of weight 3 counts three times as much as one of weight 1; no rule without error → no score.

A resource's score is the score of its latest successful run. A unit's (or a city's) score is the
mean of the scores of the resources in its subtree that have one. A trend is, per day, the mean of
the scores of the runs that finished that day.
"""

from collections import defaultdict

from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate

from cdohub.core import clock
from cdohub.core.jobs import RunStatus
from cdohub.core.permissions import Scope, restrict
from cdohub.org.choices import ALL_ROLES
from cdohub.org.models import Unit

from .choices import OPEN_ISSUE
from .models import Issue, Run


def top_units(user) -> list[Unit]:
    """The units a user's grants are on (the whole province's governments for a superuser): where
    the dashboard and the scores API start, and what a unit asked for must lie under."""
    scope = Scope.of(user)
    if scope.superuser:
        return list(Unit.objects.filter(depth=1).order_by("path"))
    return list(Unit.objects.filter(path__in=scope.paths(ALL_ROLES)).order_by("path"))


def within(unit, tops) -> bool:
    return any(unit.path.startswith(top.path) for top in tops)


def checked_paths(user, top) -> set[str]:
    """The paths of the units under `top` whose resources have checks the user may see."""
    runs = restrict(user, "view", Run.objects.filter(resource__unit__path__startswith=top.path))
    return set(runs.values_list("resource__unit__path", flat=True).distinct())


def pass_rate(checked: int, failed: int, error: str = "") -> float | None:
    if error:
        return None
    if not checked:
        return 1.0
    return max(0.0, 1.0 - failed / checked)


def run_score(results) -> float | None:
    total = weighted = 0.0
    for result in results:
        if result.pass_rate is None:
            continue
        total += result.weight
        weighted += result.weight * result.pass_rate
    return round(100 * weighted / total, 2) if total else None


def latest_runs(queryset=None):
    """The latest successful run of each resource, of `queryset`'s runs (all by default)."""
    runs = queryset if queryset is not None else Run.objects.all()
    newest = (
        Run.objects.filter(resource=OuterRef("resource"), status=RunStatus.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .values("pk")[:1]
    )
    return runs.filter(status=RunStatus.SUCCEEDED, pk=Subquery(newest))


def resource_scores(user, resources) -> dict[int, float]:
    """{resource id: score} for the resources given, from their latest successful run."""
    runs = restrict(user, "view", Run.objects.filter(resource__in=resources))
    return {
        r.resource_id: r.score for r in latest_runs(runs).only("resource_id", "score") if r.score is not None
    }


def subtree_score(user, unit) -> float | None:
    runs = restrict(user, "view", Run.objects.filter(resource__unit__path__startswith=unit.path))
    value = latest_runs(runs).exclude(score__isnull=True).aggregate(v=Avg("score"))["v"]
    return round(value, 2) if value is not None else None


def trend(user, *, unit=None, resource=None, days: int | None = None) -> list[tuple[str, float]]:
    """[(ISO date, mean score of the runs finished that day)], oldest first."""
    runs = Run.objects.filter(status=RunStatus.SUCCEEDED, score__isnull=False)
    if resource is not None:
        runs = runs.filter(resource=resource)
    if unit is not None:
        runs = runs.filter(resource__unit__path__startswith=unit.path)
    runs = restrict(user, "view", runs)
    if days:
        import datetime

        runs = runs.filter(finished_at__gte=clock.now() - datetime.timedelta(days=days))
    rows = (
        runs.annotate(day=TruncDate("finished_at")).values("day").annotate(score=Avg("score")).order_by("day")
    )
    return [(row["day"].isoformat(), round(row["score"], 2)) for row in rows]


def unit_rows(user, units) -> list[dict]:
    """Per unit (its subtree): resources with a score, mean score, open and overdue issues."""
    today = clock.today()
    rows = []
    issues = restrict(user, "view", Issue.objects.all())
    runs = latest_runs(restrict(user, "view", Run.objects.all())).exclude(score__isnull=True)
    by_path = defaultdict(list)
    for path, score in runs.values_list("resource__unit__path", "score"):
        by_path[path].append(score)
    for unit in units:
        scores = [s for path, values in by_path.items() if path.startswith(unit.path) for s in values]
        counts = issues.filter(unit__path__startswith=unit.path).aggregate(
            open=Count("pk", filter=Q(status__in=OPEN_ISSUE)),
            overdue=Count("pk", filter=Q(status__in=OPEN_ISSUE, due_on__lt=today)),
        )
        rows.append(
            {
                "unit": unit,
                "resources": len(scores),
                "score": round(sum(scores) / len(scores), 2) if scores else None,
                "open": counts["open"],
                "overdue": counts["overdue"],
            }
        )
    return rows
