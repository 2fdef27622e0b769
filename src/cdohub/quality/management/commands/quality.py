"""`cdohub quality scan <resource code>…`, `cdohub quality scan --due`, `cdohub quality escalate`.

Scheduled checks: run `--due` from cron every few minutes, e.g.

    */10 * * * *  cdohub quality scan --due && cdohub quality escalate

`scan <code>` checks the resources now, in this process, and prints each score; `--due` queues
every bound resource whose scheduled time has come (and runs waiting to retry) for the job worker.
"""

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError

from cdohub.catalog.models import Resource
from cdohub.core import audit
from cdohub.core.jobs import RunStatus

from ... import services
from ...choices import Trigger


class Command(BaseCommand):
    help = "Check data quality: scan resources now, queue the scheduled checks, escalate overdue issues."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser("scan", help="Check resources by code now, or queue the due scheduled checks.")
        scan.add_argument("codes", nargs="*", help="resource codes")
        scan.add_argument("--due", action="store_true", help="queue every scheduled check that is due")
        sub.add_parser("escalate", help="Escalate overdue quality issues to the units' CDOs.")

    def handle(self, *args, **options):
        with audit.acting_as(None, "command"):
            if options["action"] == "escalate":
                count = services.escalate_overdue()
                self.stdout.write(f"escalated {count}")
                return
            if options["due"]:
                runs = services.run_due()
                self.stdout.write(f"queued {len(runs)}")
                return
            if not options["codes"]:
                raise CommandError("Give resource codes, or --due.")
            failed = False
            for code in options["codes"]:
                resource = Resource.objects.filter(code=code).first()
                if resource is None:
                    raise CommandError(f"No resource {code}.")
                try:
                    run = services.run_now(None, resource, trigger=Trigger.COMMAND)
                except ValidationError as exc:
                    raise CommandError(f"{code}: {' '.join(exc.messages)}") from None
                if run.status == RunStatus.SUCCEEDED:
                    self.stdout.write(
                        f"{code}\t{run.status}\tscore {run.score}\trows {run.rows}\t"
                        f"failing rules {run.rules_failed}\trule errors {run.rules_errored}"
                    )
                else:
                    failed = True
                    self.stdout.write(f"{code}\t{run.status}\t{run.error}")
            if failed:
                raise CommandError("Some checks did not succeed.")
