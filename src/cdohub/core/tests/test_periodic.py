import logging

from django.conf import settings as django_settings
from django.core.management import call_command, get_commands


def test_a_failing_periodic_command_does_not_stop_the_others(settings, caplog, capsys):
    settings.CDOHUB = {**settings.CDOHUB, "PERIODIC": [(60, ["no_such_command"]), (60, ["diffsettings"])]}
    with caplog.at_level(logging.ERROR):
        call_command("periodic", "--once")
    assert "no_such_command" in caplog.text
    assert "SECRET_KEY" in capsys.readouterr().out  # the second command ran all the same


def test_serve_schedules_reminders_escalations_and_due_quality_checks():
    commands = [" ".join(command) for _seconds, command in django_settings.CDOHUB["PERIODIC"]]
    assert {"reminders", "escalate_findings", "quality scan --due", "quality escalate"} <= set(commands)
    assert {command.split()[0] for command in commands} <= set(get_commands())
