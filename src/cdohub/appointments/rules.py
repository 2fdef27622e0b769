"""The appointment rules of a pilot program, read from its program file (`[[posts]]`, `[plans]`,
`[roster]`): which posts exist, who must fill them, who appoints and who receives the filing.

A body is written as "self" (the unit itself) or {level, kind}: the unit of `kind` belonging to
the government at `level` ("province", "prefecture", "county", "town", or "same" for the unit's own
government) at or above the unit. That vocabulary covers the Guangdong plan and the three-tier
models the comparison paper describes, without any region's rule living in code.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from cdohub.org.choices import RegionLevel, UnitKind
from cdohub.org.models import PilotProgram, Unit

from .choices import RANK_ORDER, Rank

LEVELS = {"same", *RegionLevel.values}


@dataclass(frozen=True)
class BodyRule:
    level: str | None = None  # None: the unit itself
    kind: str | None = None

    @classmethod
    def parse(cls, spec, where: str) -> "BodyRule":
        if spec == "self":
            return cls()
        if isinstance(spec, dict) and spec.get("level") in LEVELS and spec.get("kind") in UnitKind.values:
            return cls(spec["level"], spec["kind"])
        raise ValidationError(
            _('%(where)s must be "self" or {level, kind}; got %(spec)r.') % {"where": where, "spec": spec}
        )

    def resolve(self, unit: Unit) -> Unit:
        if self.level is None:
            return unit
        government = governing(unit)
        if self.level != "same":
            chain = [government, *_ancestor_governments(government)]
            government = next((g for g in chain if g.level == self.level), None)
            if government is None:
                raise ValidationError(
                    _("%(unit)s has no %(level)s government above it to act for it.")
                    % {"unit": unit, "level": RegionLevel(self.level).label}
                )
        body = Unit.objects.get_children(government).filter(kind=self.kind, is_active=True).first()
        if body is None:
            raise ValidationError(
                _("%(government)s has no %(kind)s; add it to the unit directory first.")
                % {"government": government, "kind": UnitKind(self.kind).label}
            )
        return body


def governing(unit: Unit) -> Unit:
    """The government a unit belongs to: itself for a government, else its parent."""
    return unit.government()


def _ancestor_governments(unit: Unit) -> list[Unit]:
    ancestors = Unit.ancestors_of([unit])
    return [ancestors[p] for p in reversed(unit.ancestor_paths()) if p in ancestors]


@dataclass(frozen=True)
class Post:
    key: str
    title: str
    title_en: str
    unit_kinds: frozenset[str]
    holders: frozenset[str]
    appointed_by: BodyRule
    filed_with: BodyRule
    min_rank: str | None = None
    in_charge_of_digital_government: bool = False
    milestone: str | None = None

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.title_en if translation.get_language() == "en" else self.title

    @property
    def required(self) -> bool:
        return bool(self.holders)

    def eligibility_gaps(self, rank: str, in_charge: bool) -> list[str]:
        """Why a person falls short of the post's rule "in principle" (empty when they meet it)."""
        gaps = []
        if self.min_rank and RANK_ORDER[Rank(rank)] < RANK_ORDER[Rank(self.min_rank)]:
            gaps.append(_("below %(rank)s") % {"rank": Rank(self.min_rank).label})
        if self.in_charge_of_digital_government and not in_charge:
            gaps.append(_("not in charge of digital-government reform"))
        return gaps


@dataclass(frozen=True)
class PlanRule:
    filers: frozenset[str]
    filed_with: BodyRule
    milestone: str | None = None


@dataclass(frozen=True)
class RosterRule:
    posts: tuple[str, ...] = ()
    public_fields: tuple[str, ...] = field(default=("unit", "post", "person_name"))


PUBLIC_FIELDS = {"unit", "post", "person_name", "position", "rank", "effective_on", "appointing_body"}


def posts(program: PilotProgram) -> dict[str, Post]:
    result = {}
    for i, spec in enumerate(program.rules.get("posts", [])):
        where = f"posts[{i}]"
        try:
            result[spec["key"]] = Post(
                key=spec["key"],
                title=spec["title"],
                title_en=spec.get("title_en", spec["title"]),
                unit_kinds=frozenset(spec["unit_kinds"]),
                holders=frozenset(spec.get("holders", [])),
                appointed_by=BodyRule.parse(spec["appointed_by"], f"{where}.appointed_by"),
                filed_with=BodyRule.parse(spec["filed_with"], f"{where}.filed_with"),
                min_rank=spec.get("min_rank"),
                in_charge_of_digital_government=spec.get("in_charge_of_digital_government", False),
                milestone=spec.get("milestone"),
            )
        except KeyError as exc:
            raise ValidationError(_("%(where)s lacks %(key)s.") % {"where": where, "key": exc}) from exc
        if spec.get("min_rank") not in (None, *Rank.values):
            raise ValidationError(_("%(where)s.min_rank is not a known rank.") % {"where": where})
    return result


def post(program: PilotProgram, key: str) -> Post:
    try:
        return posts(program)[key]
    except KeyError:
        raise ValidationError(
            _("The program %(program)s has no post %(post)s.") % {"program": program.code, "post": key}
        ) from None


def plan_rule(program: PilotProgram) -> PlanRule | None:
    spec = program.rules.get("plans")
    if not spec:
        return None
    return PlanRule(
        frozenset(spec["filers"]),
        BodyRule.parse(spec["filed_with"], "plans.filed_with"),
        spec.get("milestone"),
    )


def roster_rule(program: PilotProgram) -> RosterRule:
    spec = program.rules.get("roster", {})
    fields = tuple(spec.get("public_fields", RosterRule.public_fields))
    unknown = set(fields) - PUBLIC_FIELDS
    if unknown:
        raise ValidationError(_("roster.public_fields: unknown %(f)s.") % {"f": ", ".join(sorted(unknown))})
    return RosterRule(tuple(spec.get("posts", [])), fields)


def validate(program: PilotProgram) -> None:
    """Parse every rule so a bad program file fails when it is loaded, not when a clerk uses it."""
    known = posts(program)
    plan_rule(program)
    roster = roster_rule(program)
    if set(roster.posts) - set(known):
        raise ValidationError(_("roster.posts names a post the program does not define."))


@dataclass(frozen=True)
class Bodies:
    appointing: Unit
    filing: Unit


def derive_bodies(program: PilotProgram, post: Post, unit: Unit) -> Bodies:
    """Who appoints to `post` at `unit` and who receives the filing, by the program's rules."""
    if unit.kind not in post.unit_kinds:
        raise ValidationError(
            _("%(post)s is not a post of a %(kind)s.") % {"post": post.label, "kind": unit.get_kind_display()}
        )
    government = program.owner_unit.path[: -unit.steplen]  # the bureau organising it belongs to it
    if not unit.path.startswith(government):
        raise ValidationError(_("%(unit)s is outside the program's region.") % {"unit": unit})
    return Bodies(post.appointed_by.resolve(unit), post.filed_with.resolve(unit))


def required_post(posts: dict[str, Post], member) -> Post | None:
    """The post a pilot scope member must fill (its CDO post), if any."""
    return next(
        (p for p in posts.values() if member.category in p.holders and member.unit.kind in p.unit_kinds),
        None,
    )


def posts_for(program: PilotProgram, unit: Unit) -> list[Post]:
    return [p for p in posts(program).values() if unit.kind in p.unit_kinds]
