from typing import Any

from django.core.management import BaseCommand

from cdohub.core import audit
from cdohub.core.digest import send_digests


class Command(BaseCommand):
    help = (
        "E-mail the daily digest of unread notifications to everyone who asked for it; "
        "`cdohub periodic` runs this on its schedule."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit.acting_as(None, "command"):
            sent = send_digests()
        self.stdout.write(f"digests sent: {sent}")
