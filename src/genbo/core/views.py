import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from genbo.core import userguide
from genbo.networks import selectors as network_selectors

logger = logging.getLogger(__name__)


@require_safe
def home(request):
    user = request.user
    return render(
        request,
        "core/home.html",
        {
            "my_networks": list(network_selectors.my_networks(user)[:12]),
            "upcoming_meetings": list(network_selectors.my_upcoming_meetings(user)),
            "new_networks": list(network_selectors.new_networks(user)),
            "requests_awaiting": network_selectors.requests_awaiting(user),
        },
    )


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: database unreachable: %s", error)
        return "error"
    return "ok"


def _check_redis() -> str:
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        client.ping()
    except redis.RedisError as error:
        logger.error("Health check: Redis unreachable: %s", error)
        return "error"
    return "ok"


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """Report the state of the database (and of Redis when configured) to load balancers."""
    checks = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis()
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


@login_not_required
@require_safe
def favicon(request):
    """Redirect /favicon.ico, the address browsers try by default, to the SVG icon."""
    response = redirect(static("genbo/favicon.svg"))
    # The target's name carries a content hash in production, so the redirect itself
    # must not be cached for long.
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_not_required
@require_safe
def accessibility_statement(request):
    return render(
        request, "core/accessibility.html", {"support_email": settings.GENBO_SUPPORT_EMAIL}
    )


@require_safe
def guide_index(request):
    return render(
        request, "core/guide_index.html", {"pages": userguide.guide_pages(get_language())}
    )


@require_safe
def guide_page(request, slug: str):
    pages = userguide.guide_pages(get_language())
    slugs = [page.slug for page in pages]
    if slug not in slugs:
        raise Http404("No such page in the user guide.")
    position = slugs.index(slug)
    return render(
        request,
        "core/guide_page.html",
        {
            "pages": pages,
            "page": pages[position],
            "previous_page": pages[position - 1] if position > 0 else None,
            "next_page": pages[position + 1] if position + 1 < len(pages) else None,
        },
    )


@login_not_required
def page_not_found(request, exception=None):
    """Show the 404 page; anonymous visitors go to sign-in, so paths are not revealed."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "404.html", status=404)


@login_not_required
def csrf_failure(request, reason=""):
    return render(request, "403.html", {"reason": "csrf"}, status=403)


@login_not_required
def permission_denied(request, exception=None):
    reason = str(exception) if exception else ""
    return render(request, "403.html", {"reason": reason}, status=403)
