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
        parser.add_argument(
            "--days",
            type=int,
            default=tokens.DEFAULT_DAYS,
            choices=tokens.LIFETIMES,
            help="how long the token lasts",
        )
        parser.add_argument("--read-only", action="store_true", help="GET and HEAD only")

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
        token, plain = tokens.issue(
            user, options["name"], days=options["days"], read_only=options["read_only"]
        )
        scope = "read-only" if token.read_only else "read and write"
        self.stdout.write(
            f"Token for {user} (prefix {token.prefix}, {scope}, expires "
            f"{token.expires_at:%Y-%m-%d}); it is shown only now:\n{plain}\n"
            "Use it as: Authorization: Bearer <token>"
        )
