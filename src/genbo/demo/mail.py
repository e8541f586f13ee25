"""Demo data for e-mail settings: a few employees who chose English or no newsletter."""

import random
from collections.abc import Callable

from genbo.accounts.models import User
from genbo.notifications.models import MailPreference, Newsletter

# Shares of the demo employees with another choice than the defaults.
ENGLISH_SHARE = 0.05
NO_NEWSLETTER_SHARE = 0.1


def seed_mail_preferences(
    rng: random.Random, out: Callable[[str], None], *, keep_defaults_for: list[str]
) -> None:
    """Store other choices for a share of the employees, except those in `keep_defaults_for`
    (the demo sign-ins), so that the people who try the demo see the defaults."""
    preferences = []
    employees = User.objects.exclude(email__in=keep_defaults_for).order_by("pk")
    for user_id in employees.values_list("pk", flat=True):
        english = rng.random() < ENGLISH_SHARE
        no_newsletter = rng.random() < NO_NEWSLETTER_SHARE
        if not (english or no_newsletter):
            continue
        preferences.append(
            MailPreference(
                user_id=user_id,
                language="en" if english else "sv",
                newsletter=Newsletter.OFF if no_newsletter else Newsletter.WEEKLY,
            )
        )
    MailPreference.objects.bulk_create(preferences)
    out(f"  {len(preferences)} e-mail settings")
