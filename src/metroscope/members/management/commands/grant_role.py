from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from metroscope.core.roles import ROLES
from metroscope.members.services import role_grant


class Command(BaseCommand):
    help = "Give a user a role: officer (with --member CODE), secretariat, board or administrator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=ROLES)
        parser.add_argument("--member", default="", help="member code, for the officer role")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            message = role_grant(
                username=options["username"], role=options["role"], member_code=options["member"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(message)
