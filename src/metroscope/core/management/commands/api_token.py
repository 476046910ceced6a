"""metroscope api_token USERNAME: issue an API token (shown once), or revoke one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from metroscope.core import tokens


class Command(BaseCommand):
    help = "Issue an API token for a user (printed once), or revoke one with --revoke PREFIX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the token with this prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["revoke"]:
            if not tokens.revoke(options["revoke"]):
                raise CommandError(f"no active token with prefix {options['revoke']!r}")
            self.stdout.write(f"Revoked {options['revoke']}.")
            return
        if not options["username"]:
            raise CommandError("give a username (or --revoke PREFIX)")
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"unknown user {options['username']!r}")
        token, plain = tokens.issue(user, options["name"])
        self.stdout.write(
            f"Token for {user} (prefix {token.prefix}); it is shown only now:\n{plain}\n"
            "Use it as: Authorization: Bearer <token>"
        )
