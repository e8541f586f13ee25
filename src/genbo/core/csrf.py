"""One masked CSRF token per request.

Django masks the CSRF secret again for every template render that shows `{% csrf_token %}`
and for every call of `get_token`, and each mask draws 32 random characters. The thread page
did it three times per request. The mask keeps the secret from being read across many
compressed responses (BREACH). The same masked token repeated within one response gives an
attacker nothing more, and Django itself repeats it within one template.
"""

from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject


def request_token(request) -> str:
    """Return this request's masked CSRF token, the same one on every call."""
    secret = request.META.get("CSRF_COOKIE")
    cached = getattr(request, "_genbo_csrf_token", None)
    if cached is not None and cached[0] == secret:
        return cached[1]
    token = get_token(request)
    # get_token may have drawn a new secret, and rotate_token after a sign-in draws another.
    request._genbo_csrf_token = (request.META.get("CSRF_COOKIE"), token)
    return token


def csrf(request) -> dict:
    """Return the context's `csrf_token`, taken lazily from `request_token`."""
    return {"csrf_token": SimpleLazyObject(lambda: request_token(request))}
