from datetime import date

from django.core.management import BaseCommand

from cdohub.core import audit
from cdohub.projects.services import escalate_overdue


class Command(BaseCommand):
    help = (
        "Escalate supervision orders past their deadline to the data bureau of the level above "
        "(`cdohub periodic` runs this on its schedule)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="Act as if today were this date.")

    def handle(self, *args, **options):
        with audit.acting_as(None, "command"):
            escalated = escalate_overdue(options["date"])
        self.stdout.write(f"findings escalated: {escalated}")
