from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseNotFound, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from genbo.calendars import feeds, selectors, services

# Calendar programs poll feeds; a quarter of an hour keeps the load low and changes quick.
FEED_MAX_AGE_SECONDS = 15 * 60


def _matches(if_none_match: str, etag: str) -> bool:
    """Return whether an If-None-Match value names `etag`, compared weakly as HTTP requires."""
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


def _feed_response(request, feed: feeds.RenderedFeed, filename: str) -> HttpResponse:
    if_none_match = request.headers.get("If-None-Match", "")
    if_modified_since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    not_modified = _matches(if_none_match, feed.etag) or (
        not if_none_match
        and if_modified_since is not None
        and int(feed.last_modified.timestamp()) <= if_modified_since
    )
    if not_modified:
        response = HttpResponseNotModified()
        # As the 200 would, which the compression makes vary with the client's encodings.
        patch_vary_headers(response, ("Accept-Encoding",))
    else:
        response = HttpResponse(feed.body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Weak, because compression changes the bytes but not the feed. The compressed 200 and
    # the 304 then carry the same tag.
    response["ETag"] = "W/" + feed.etag
    response["Last-Modified"] = http_date(feed.last_modified.timestamp())
    # The address contains a secret, so shared caches must not keep the feed.
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE_SECONDS}"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _not_found() -> HttpResponseNotFound:
    # A plain 404 instead of the site's handler, which redirects anonymous visitors to
    # sign-in. A calendar program gets the same response for every wrong or renewed token.
    return HttpResponseNotFound(
        "No calendar feed has this address.", content_type="text/plain; charset=utf-8"
    )


@login_not_required
@require_safe
def user_feed(request, token: str):
    try:
        user = selectors.get_user_for_token(token)
    except Http404:
        return _not_found()
    return _feed_response(request, feeds.user_feed(user), "genbo.ics")


@login_not_required
@require_safe
def network_feed(request, token: str, slug: str):
    try:
        user = selectors.get_user_for_token(token)
        network = selectors.get_network_feed_network(user, slug)
    except Http404:
        return _not_found()
    return _feed_response(request, feeds.network_feed(network), f"genbo-{network.slug}.ics")


@require_http_methods(["GET", "HEAD", "POST"])
def token_renew(request):
    """Ask for confirmation, then replace the token; the old addresses stop working."""
    if request.method == "POST":
        services.token_renew(user=request.user)
        messages.success(
            request,
            _(
                "Your calendar addresses are renewed. Add the new addresses to your calendar "
                "programs, because the old ones no longer work."
            ),
        )
        return redirect("notifications:settings")
    return render(request, "calendars/token_renew.html")
