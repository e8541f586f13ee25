"""Rendering e-mail in the recipient's language, and the signed unsubscribe address."""

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from genbo.notifications.models import MailPreference

UNSUBSCRIBE_SALT = "genbo.notifications.newsletter-unsubscribe"


def absolute_url(path: str) -> str:
    return settings.GENBO_BASE_URL.rstrip("/") + path


def mail_preference_for(user) -> MailPreference:
    """Return `user`'s e-mail choices; an unsaved row with the defaults when none is stored."""
    try:
        return user.mail_preference
    except MailPreference.DoesNotExist:
        return MailPreference(user=user)


def render_email(name: str, context: dict, *, language: str) -> tuple[str, str, str]:
    """Render notifications/email/<name>_subject.txt, <name>.txt and <name>.html.

    Returns (subject, text, html) in `language`; the subject is folded onto one line.
    """
    context = {"settings_url": absolute_url(reverse("notifications:settings")), **context}
    with translation.override(language):
        subject = render_to_string(f"notifications/email/{name}_subject.txt", context)
        text = render_to_string(f"notifications/email/{name}.txt", context)
        html = render_to_string(f"notifications/email/{name}.html", context)
    return " ".join(subject.split()), text, html


def unsubscribe_token(user) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))


def user_id_from_unsubscribe_token(token: str) -> int | None:
    """Return the user id signed into `token`, or None when the signature is invalid."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def unsubscribe_url(user) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]))


def list_unsubscribe_headers(user) -> dict[str, str]:
    """Return the RFC 2369 and RFC 8058 headers for one-click unsubscribing."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
