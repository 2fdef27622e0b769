"""Re-encrypt every stored source password with the first key of CDOHUB["CREDENTIAL_KEYS"]."""

from django.core.management.base import BaseCommand

from cdohub.core import audit
from cdohub.sources import events, services


class Command(BaseCommand):
    help = "Re-encrypt every data source's password with the first configured credential key."

    def handle(self, *args, **options):
        with audit.acting_as(None, "command"):
            count = services.rotate_credentials()
            audit.record_event(events.CREDENTIALS_ROTATED, sources=count)
        if options["verbosity"]:
            self.stdout.write(f"Re-encrypted the passwords of {count} data sources.")
