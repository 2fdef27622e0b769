from datetime import date

from django.core.management import BaseCommand

from cdohub.appointments.reminders import send_reminders
from cdohub.core import audit


class Command(BaseCommand):
    help = (
        "Send the filing-deadline reminders due today (in the app and by email); "
        "`cdohub periodic` runs this on its schedule."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="Act as if today were this date.")

    def handle(self, *args, **options):
        with audit.acting_as(None, "command"):
            sent = send_reminders(options["date"])
        self.stdout.write(f"reminders sent: {sent}")
