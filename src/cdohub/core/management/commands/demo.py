import importlib
import os
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.management import BaseCommand, call_command
from django.core.management.base import CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from cdohub.core import audit, demotime

DEMO_PASSWORD = "Demo@2021!"


def demo_modules() -> Iterator[ModuleType]:
    """Each app's optional `demo` module, in INSTALLED_APPS order (dependencies first)."""
    for config in apps.get_app_configs():
        if config.name.startswith("cdohub."):
            try:
                yield importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue


def load_all(admin: Any) -> None:
    """Every app's part of the demo in order, then its notices settled: only those about work still
    open (each module's optional `open_links()`) are left unread."""
    modules = list(demo_modules())
    with audit.acting_as(admin, "command"):
        for module in modules:
            module.load(admin)
    demotime.settle_notices(link for m in modules if hasattr(m, "open_links") for link in m.open_links())


class Command(BaseCommand):
    help = "Create the database, load the Guangdong demo (once) and start the server and worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Load the demo and stop.")
        parser.add_argument("--bind", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        user_model = apps.get_model("accounts", "User")
        if user_model.objects.filter(username="admin").exists():
            self.stdout.write(_("Demo data already loaded."))
        else:
            self.stdout.write(_("Loading the Guangdong 2021 pilot demo…"))
            with transaction.atomic():
                admin = user_model(
                    username="admin", display_name="系统管理员", is_staff=True, is_superuser=True
                )
                admin.set_password(DEMO_PASSWORD)
                admin.save()
                load_all(admin)
        self.stdout.write("\n" + _("Demo sign-ins (password for all: %(pw)s)") % {"pw": DEMO_PASSWORD})
        for module in demo_modules():
            for username, role, unit in module.logins():
                self.stdout.write(f"  {username:<20} {role:<24} {unit}")
        self.stdout.write("")
        if not options["no_serve"]:
            os.environ["CDOHUB_DEMO"] = "1"  # the server it starts shows the demo banner
            call_command("serve", bind=options["bind"])
