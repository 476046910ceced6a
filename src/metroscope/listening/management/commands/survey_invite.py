"""metroscope survey_invite SURVEY_ID [--remind]: e-mail the survey's audience, each person
in their language; every e-mail is logged, so running it again invites only newcomers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metroscope.listening import invitations
from metroscope.listening.models import Survey


class Command(BaseCommand):
    help = (
        "Invite a survey's audience by e-mail (those not yet invited), or with --remind "
        "remind those invited who have not answered."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("survey_id", type=int)
        parser.add_argument(
            "--remind", action="store_true", help="remind those who have not answered yet"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        survey = Survey.objects.filter(pk=options["survey_id"]).first()
        if survey is None:
            raise CommandError(f"There is no survey {options['survey_id']}.")
        try:
            report = invitations.survey_send(survey=survey, remind=options["remind"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Survey {survey.pk}: {report.sent} {report.kind} e-mail(s) sent, "
                f"{report.skipped} skipped (already sent, answered or reminded in the last "
                f"{invitations.REMINDER_GAP.total_seconds() / 3600:.0f} h)."
            )
