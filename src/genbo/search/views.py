from django.shortcuts import render
from django.views.decorators.http import require_safe

from genbo.search import selectors
from genbo.search.forms import SearchForm
from genbo.search.text import MAX_QUERY_LENGTH, MAX_QUERY_TERMS, parse_query


@require_safe
def search(request):
    form = SearchForm(request.GET)
    # An invalid filter drops only itself, because cleaned_data keeps the valid ones.
    form.is_valid()
    query = parse_query(form.cleaned_data.get("q", ""))
    page = selectors.search(
        request.user, query, form.filters(), page=form.cleaned_data.get("page") or 1
    )
    context = {
        "form": form,
        "query": query,
        "result": page,
        "max_query_length": MAX_QUERY_LENGTH,
        "max_query_terms": MAX_QUERY_TERMS,
        "count_limit": selectors.COUNT_LIMIT,
    }
    return render(request, "search/search.html", context)


@require_safe
def suggest(request):
    """Return the header's suggestions for what is typed so far, as a small HTML list."""
    query = parse_query(request.GET.get("q", ""), still_typing=True)
    found = selectors.suggestions(request.user, query)
    return render(request, "search/suggestions.html", {"found": found, "query": query})
