from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import BaseCommand, CommandError

from cdohub.core import audit
from cdohub.org import services


class Command(BaseCommand):
    help = (
        "The official holiday schedule. `calendar load FILE --as USER` stores a year's State Council "
        "notice (TOML: year, notice, holidays, workdays)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True, help="The acting user.")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']}.")
        try:
            with audit.acting_as(user, "command"):
                official = services.load_official_calendar(user, options["file"].read_text(encoding="utf-8"))
        except (ValidationError, PermissionDenied, OSError) as exc:
            raise CommandError(f"Cannot load {options['file']}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Loaded {official.year}: {official.notice}"))
