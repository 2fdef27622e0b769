import time
from datetime import date

from django.core.management import BaseCommand

from cdohub.core import audit
from cdohub.projects.services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate supervision orders past their deadline to the data bureau of the level above."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="Act as if today were this date.")
        parser.add_argument("--every", type=int, metavar="SECONDS", help="Keep running, checking this often.")

    def handle(self, *args, **options):
        while True:
            with audit.acting_as(None, "command"):
                escalated = escalate_overdue(options["date"])
            self.stdout.write(f"findings escalated: {escalated}")
            if not options["every"]:
                return
            time.sleep(options["every"])
