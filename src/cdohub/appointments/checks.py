"""System check: every shipped program file's appointment rules parse (`cdohub check`)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError

from cdohub.org.models import PilotProgram
from cdohub.org.services import read_program_file

from . import rules


@checks.register()
def program_rules(app_configs=None, **kwargs):
    errors = []
    for path in settings.CDOHUB["PROGRAM_FILES"]:
        spec, _ = read_program_file(path)
        program = PilotProgram(code=spec.get("code", "?"), rules=spec)
        try:
            rules.validate(program)
        except (ValidationError, KeyError, TypeError) as exc:
            errors.append(checks.Error(f"{path.name}: {exc}", id="appointments.E001"))
    return errors
