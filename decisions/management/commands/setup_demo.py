from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from decisions.demo import setup_demo


class Command(BaseCommand):
    help = "Load the catalogue if missing and create the demo organisation, users and assessments."

    def handle(self, *args: Any, **options: Any) -> None:
        users = setup_demo()
        self.stdout.write("Demo sign-ins (http://127.0.0.1:8000/):")
        for user in users:
            self.stdout.write(f"username: {user.username}  password: {user.password}")
