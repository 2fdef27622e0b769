"""The Guangdong pilot at its 2021-05-31 filing deadline, replayed through the services, and the
successions filed since.

Most pilots filed on time; some filed late; 韶关's city CDO was returned; a 河源 department CDO is
below the rank the plan asks for and is flagged; 茂名 still has to appoint its city CDO and its
public security bureau's CDO (the browser test does it); 广州's CDO was succeeded in 2022. Those
dates are the plan's own. Today, CDOs change as people move: a few successors were submitted in the
last working days and wait for their filing bodies (the province, 深圳, 江门 and 茂名 bureaus), as
does 佛山's implementation plan, returned in 2021 and revised. 禅城区's CDO was removed a few weeks
ago: the new one waits for the province.
"""

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from faker import Faker
from pypdf import PdfWriter

from cdohub.accounts.demo import DemoAccounts
from cdohub.accounts.models import User
from cdohub.core import clock, demotime
from cdohub.core.calendar import add_working_days
from cdohub.org.choices import RegionLevel, Role, UnitKind
from cdohub.org.models import PilotProgram, ScopeMember, Unit

from . import rules, services
from .choices import FilingStatus, Rank
from .models import Appointment, ImplementationPlan

TZ = ZoneInfo("Asia/Shanghai")
# Units left for the browser test, and the exceptions that make the demo realistic.
NOT_YET = {"440900", "440900-GA"}
LATE = {"441600": date(2021, 6, 10), "440203": date(2021, 6, 8), "441200-ZR": date(2021, 6, 4)}
# 佛山's plan, returned in 2021, revised and submitted again this many working days ago.
PLAN_REVISED = {"440600": ("试点县区和部门名单与市政府确定的名单不一致，请核对后重新报送。", 5)}
# Successors submitted this many working days ago, still waiting for their filing body's decision.
PENDING = {"440604": 3, "440700-ST": 6, "440300-YB": 1, "440900-RS": 2, "440904": 8}
# CDOs removed this many working days ago, their posts vacant until the new appointment is filed.
VACATED = {"440604": 12}
MISSING = {"441200-YB", "440000-JR"}
RETURNED = {"440200": "任免文件未加盖印章，请补充盖章页后重新报送。"}
FLAGGED = {
    "441600-ZR": "本局分管数字政府工作的副局长职位空缺，经局党组会议研究，由总工程师（正处级）"
    "兼任首席数据官，待副局长到任后调整。"
}
PLAN_MISSING = {"440000-JR"}
SUCCESSION = ("440100", date(2022, 3, 1))


def letter(title: str) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(f"{title}.pdf", buffer.getvalue(), content_type="application/pdf")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), TZ)


class Actors(DemoAccounts):
    """The accounts that draft and decide filings, by body."""

    def preparer(self, body: Unit) -> User:
        if body.kind == UnitKind.LEADING_GROUP:
            government = Unit.objects.get_parent(body)
            return self.get(
                f"lgo_{government.code}",
                f"{government.name}领导小组办公室",
                Role.LEADING_GROUP_OFFICE,
                government,
            )
        return self.bureau(body) if body.is_government else self.specialist(body)

    def decider(self, body: Unit) -> User:
        return self.bureau(Unit.objects.get_parent(body))


def position_for(unit: Unit) -> str:
    if unit.is_government:
        head = {
            RegionLevel.PREFECTURE: "副市长",
            RegionLevel.TOWN: "副镇长" if unit.name.endswith("镇人民政府") else "副主任",
        }.get(unit.level)
        if head is None:
            head = (
                "副区长"
                if "区" in unit.region.name
                else ("副市长" if unit.region.name.endswith("市") else "副县长")
            )
        return f"{unit.region.name}{head}"
    title = "副厅长" if unit.level == RegionLevel.PROVINCE and unit.name.endswith("厅") else "副局长"
    return f"{unit.short_name or unit.name}{title}"


def appoint(
    actors: Actors,
    program,
    unit: Unit,
    post: rules.Post,
    fake: Faker,
    submitted: date,
    effective_on=None,
    decide=True,
):
    """Draft, submit and decide one appointment, as its bodies would have on those dates."""
    bodies = rules.derive_bodies(program, post, unit)
    preparer, decider = actors.preparer(bodies.appointing), actors.decider(bodies.filing)
    flagged = FLAGGED.get(unit.code)
    issuer = bodies.appointing.short_name or bodies.appointing.name
    number = f"{issuer}〔{submitted.year}〕{fake.random_int(10, 99)}号"
    with clock.travel(at(submitted - timedelta(days=3))):
        appointment = services.create_appointment(
            preparer,
            program,
            unit,
            post.key,
            person_name=fake.name(),
            position=position_for(unit) if not flagged else f"{unit.short_name}总工程师",
            rank=Rank.OTHER if flagged else Rank.DEPUTY,
            in_charge_of_digital_government=not flagged,
            justification=flagged or "",
            phone=fake.phone_number(),
            document_number=number,
            document_date=submitted - timedelta(days=5),
            document=letter(number),
            effective_on=effective_on or submitted - timedelta(days=5),
        )
    if unit.code in MISSING:
        return appointment
    with clock.travel(at(submitted)):
        appointment = services.submit(preparer, appointment)
    if not decide:
        return appointment
    decided = add_working_days(submitted, 2)
    with clock.travel(at(decided, 15)):
        if unit.code in RETURNED:
            return services.return_filing(decider, appointment, RETURNED[unit.code])
        return services.file(decider, appointment)


def file_plan(actors, program, member, fake, submitted: date):
    unit = member.unit
    preparer = actors.preparer(unit)
    rule = rules.plan_rule(program)
    decider = actors.decider(rule.filed_with.resolve(unit))
    number = f"{unit.short_name or unit.name}〔2021〕{fake.random_int(100, 199)}号"
    with clock.travel(at(submitted - timedelta(days=2))):
        plan = services.create_plan(
            preparer,
            program,
            unit,
            title=f"{unit.name}首席数据官制度试点实施方案",
            dimensions={key: f"{unit.name}：{text[:60]}……" for key, text in program.dimensions.items()},
            document_number=number,
            document_date=submitted - timedelta(days=2),
            document=letter(number),
        )
    with clock.travel(at(submitted)):
        plan = services.submit(preparer, plan)
    with clock.travel(at(add_working_days(submitted, 3), 16)):
        if unit.code not in PLAN_REVISED:
            return services.file(decider, plan)
        plan = services.return_filing(decider, plan, PLAN_REVISED[unit.code][0])
    with clock.travel(at(demotime.ago(PLAN_REVISED[unit.code][1]), 10)):  # revised, sent again lately
        return services.submit(preparer, plan)


def succeed(actors, program, code: str, on: date, fake):
    """A later successor in the post, filed a week before taking office."""
    unit = Unit.objects.get(code=code)
    appoint(actors, program, unit, rules.post(program, "government_cdo"), fake, on - timedelta(days=7), on)


def remove(actors, program, unit: Unit, post: rules.Post, on: date) -> None:
    """The appointing body ends the term of `unit`'s CDO (moved to another post): a vacancy."""
    holder = services.current_holder(program, unit, post.key, on=on)
    preparer = actors.preparer(rules.derive_bodies(program, post, unit).appointing)
    issuer = holder.appointing_body.short_name or holder.appointing_body.name
    with clock.travel(at(on, 9)):
        services.end_appointment(preparer, holder, on, f"{issuer}〔{on.year}〕{40 + on.day}号")


def successors_waiting(actors, program, posts, fake) -> None:
    """Successors to CDOs filed in 2021, submitted lately and not yet decided; where the CDO was
    removed first (VACATED), a new appointment to the empty post."""
    for code, days in PENDING.items():
        member = ScopeMember.objects.select_related("unit").get(program=program, unit__code=code)
        submitted = demotime.ago(days)
        post = rules.required_post(posts, member)
        if code in VACATED:
            remove(actors, program, member.unit, post, demotime.ago(VACATED[code]))
        appoint(
            actors, program, member.unit, post, fake, submitted, submitted - timedelta(days=5), decide=False
        )


def open_links() -> list[str]:
    """Filings waiting for their filing body: their notices stay unread."""
    return [
        filing.get_absolute_url()
        for model in (Appointment, ImplementationPlan)
        for filing in model.objects.filter(status=FilingStatus.SUBMITTED)
    ]


def load(admin) -> None:
    program = PilotProgram.objects.get(code="guangdong-2021")
    fake = Faker("zh_CN")
    fake.seed_instance(2021)
    actors = Actors(admin)
    posts = rules.posts(program)
    plan_filers = rules.plan_rule(program).filers
    members = ScopeMember.objects.filter(program=program).select_related("unit", "unit__region")
    for i, member in enumerate(members.order_by("unit__path")):
        code = member.unit.code
        if code in NOT_YET:
            continue
        post = rules.required_post(posts, member)
        on_time = add_working_days(date(2021, 5, 10), i % 12)
        appoint(actors, program, member.unit, post, fake, LATE.get(code, on_time))
        if member.category in plan_filers and code not in PLAN_MISSING:
            file_plan(actors, program, member, fake, add_working_days(date(2021, 5, 12), i % 10))
    succeed(actors, program, *SUCCESSION, fake)
    successors_waiting(actors, program, posts, fake)


def logins() -> list[tuple[str, str, str]]:
    return []
