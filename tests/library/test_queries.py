"""The library list and item pages run a fixed number of queries at every data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from genbo.library import services
from tests.factories import CompetenceFactory, NetworkFactory, UserFactory, add_member
from tests.library.conftest import CSV_BYTES, PDF_BYTES, upload

pytestmark = pytest.mark.django_db

SIZES = {"small": 2, "large": 12}


def _build(viewer, count: int):
    """Create `count` items of each kind, half in a closed network the viewer belongs to.

    The first project gets `count` files of two versions, links and comments. Returns it.
    """
    network = NetworkFactory(access="closed")
    add_member(network, viewer)
    competences = [CompetenceFactory() for _ in range(3)]
    authors = [UserFactory() for _ in range(3)]
    for author in authors:
        add_member(network, author)
    project = None
    for index in range(count):
        author = authors[index % 3]
        in_network = network if index % 2 else None
        for kind in ("tip", "link", "file"):
            item = services.item_create(
                author=author,
                kind=kind,
                title=f"{kind} {index}",
                description="Text",
                competences=competences,
                network=in_network,
                links=[("https://example.se/", "Exempel")] if kind == "link" else [],
                uploads=[upload("a.csv", CSV_BYTES)] if kind == "file" else [],
            )
            services.useful_toggle(item=item, user=viewer)
        created = services.item_create(
            author=author,
            kind="project",
            title=f"Projekt {index}",
            competences=competences,
            municipalities_involved=[author.municipality],
            contact_person=author,
            links=[("https://example.se/projekt", "")],
            uploads=[upload("plan.pdf", PDF_BYTES)],
        )
        project = project or created
    for index in range(count):
        item_file = services.file_add(
            item=project, by=project.author, upload=upload(f"bilaga{index}.csv", CSV_BYTES)
        )
        services.version_add(
            item_file=item_file.item_file, by=project.author, upload=upload("ny.csv", CSV_BYTES)
        )
        services.link_add(item=project, by=project.author, url=f"https://example.se/{index}")
        services.comment_add(item=project, author=authors[index % 3], body=f"Kommentar {index}")
    return project


def _measure(client, page: str, size: str) -> int:
    viewer = UserFactory()
    project = _build(viewer, SIZES[size])
    client.force_login(viewer)
    url = {
        "list": reverse("library:index"),
        "list_filtered": reverse("library:index")
        + "?kind=project&competence=kompetens&order=useful",
        "item": project.get_absolute_url(),
    }[page]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# Queries per page, the same at every size. Each starts with four for the signed-in
# visitor: the session, the user, and the unread notification and chat counts in the
# header.
# list (9): + the networks of the filter form, the municipalities of the filter form, the
#   items count for the paginator, the page of items (author, municipality and network
#   joined in), and their competences (one prefetch).
# item page (12): + the item, with author, municipality, network and contact person joined
#   in and the own useful mark as a subquery. Then five prefetches: competences,
#   municipalities involved, links, files, and versions with their uploaders joined in.
#   Last the comments count for the paginator and the page of comments with authors.
EXPECTED_QUERIES = {"list": 9, "list_filtered": 9, "item": 12}


@pytest.mark.parametrize("page", sorted(EXPECTED_QUERIES))
@pytest.mark.parametrize("size", sorted(SIZES))
def test_page_query_count_is_pinned(client, page, size):
    assert _measure(client, page, size) == EXPECTED_QUERIES[page]


@pytest.mark.parametrize("page", sorted(EXPECTED_QUERIES))
def test_page_query_count_does_not_grow(client, page):
    small = _measure(client, page, "small")
    client.logout()
    large = _measure(client, page, "large")

    assert small == large
