"""Create the first administrator with a random password, printed once; never a fixed default."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Create an administrator with a random password if none exists, and say how to sign in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        login = f"{options['url']}/accounts/login/"
        existing = user_model.objects.filter(is_superuser=True).order_by("pk").first()
        if existing is not None:
            self.stdout.write(
                f"Administrator: sign in at {login} as {existing.get_username()!r} "
                f"(password set earlier; to reset it: metroscope changepassword "
                f"{existing.get_username()})."
            )
            return
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser(
            username=options["username"], email="", password=password
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created administrator {options['username']!r} with password {password}\n"
                f"Sign in at {login} — this password is shown only this once."
            )
        )
