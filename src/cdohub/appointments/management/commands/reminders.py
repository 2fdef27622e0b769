import time
from datetime import date

from django.core.management import BaseCommand

from cdohub.appointments.reminders import send_reminders
from cdohub.core import audit


class Command(BaseCommand):
    help = "Send the filing-deadline reminders due today (in the app and by email)."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="Act as if today were this date.")
        parser.add_argument("--every", type=int, metavar="SECONDS", help="Keep running, checking this often.")

    def handle(self, *args, **options):
        while True:
            with audit.acting_as(None, "command"):
                sent = send_reminders(options["date"])
            self.stdout.write(f"reminders sent: {sent}")
            if not options["every"]:
                return
            time.sleep(options["every"])
