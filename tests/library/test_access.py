"""The access rule of Idébiblioteket, with the personas against every library route.

An item without a network is for every signed-in employee. An item of a network follows
the network: a closed network's items, their files, comments and actions return 404 to
everyone but its active members, by every route, the direct download address included.
Meeting attachments follow their meeting.
"""

import pytest
from django.urls import reverse

from genbo.library import services
from tests.helpers import is_login_redirect
from tests.library.conftest import PDF_BYTES, upload

PERSONAS = ["anonymous", "employee", "outsider", "member", "convener", "staff"]
LOGIN = "login"


def _url(name, *args):
    return lambda f: reverse(f"library:{name}", args=[arg(f) for arg in args])


ROUTES = {
    "index": ("library:index", _url("index")),
    "index_filtered": ("library:index", lambda f: reverse("library:index") + "?kind=file"),
    "create_file": ("library:create", lambda f: reverse("library:create", args=["file"])),
    "create_unknown": ("library:create", lambda f: reverse("library:create", args=["video"])),
    "public_item": ("library:item", _url("item", lambda f: f.public.pk)),
    "closed_item": ("library:item", _url("item", lambda f: f.closed.pk)),
    "public_edit": ("library:edit", _url("edit", lambda f: f.public.pk)),
    "closed_edit": ("library:edit", _url("edit", lambda f: f.closed.pk)),
    "public_delete": ("library:delete", _url("delete", lambda f: f.public.pk)),
    "closed_delete": ("library:delete", _url("delete", lambda f: f.closed.pk)),
    "public_file_add": ("library:file_add", _url("file_add", lambda f: f.public.pk)),
    "closed_file_add": ("library:file_add", _url("file_add", lambda f: f.closed.pk)),
    "open_link_add": ("library:link_add", _url("link_add", lambda f: f.open_link.pk)),
    "closed_link_add": ("library:link_add", _url("link_add", lambda f: f.closed.pk)),
    "public_comment": ("library:comment", _url("comment", lambda f: f.public.pk)),
    "closed_comment": ("library:comment", _url("comment", lambda f: f.closed.pk)),
    "public_useful": ("library:useful", _url("useful", lambda f: f.public.pk)),
    "closed_useful": ("library:useful", _url("useful", lambda f: f.closed.pk)),
    "public_version_add": (
        "library:version_add",
        _url("version_add", lambda f: f.public_file.pk),
    ),
    "closed_version_add": (
        "library:version_add",
        _url("version_add", lambda f: f.closed_file.pk),
    ),
    "public_download": ("library:download", _url("download", lambda f: f.public_version.pk)),
    "closed_download": ("library:download", _url("download", lambda f: f.closed_version.pk)),
    "open_attachment_add": (
        "library:attachment_add",
        _url("attachment_add", lambda f: f.open_meeting.pk),
    ),
    "closed_attachment_add": (
        "library:attachment_add",
        _url("attachment_add", lambda f: f.closed_meeting.pk),
    ),
    "open_attachment": ("library:attachment", _url("attachment", lambda f: f.open_attachment.pk)),
    "closed_attachment": (
        "library:attachment",
        _url("attachment", lambda f: f.closed_attachment.pk),
    ),
    "closed_attachment_delete": (
        "library:attachment_delete",
        _url("attachment_delete", lambda f: f.closed_attachment.pk),
    ),
}

POST_DATA = {
    "public_comment": {"body": "Tack, den här använder vi också."},
    "closed_comment": {"body": "Tack, den här använder vi också."},
}

# Expected status per persona, in the order of PERSONAS. The employee shared the public
# file item. The member belongs to the closed network and shared its file item. The
# convener convenes both networks and shared the open network's link item. The outsider
# and staff belong to no network. Edit, delete and uploads are for the author only:
# others get 403 on an item they can read. A link cannot be added to a file item (404).
# Meeting attachments are uploaded and deleted by conveners.
TABLE = [
    ("index", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("index_filtered", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("create_file", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("create_unknown", "GET", (LOGIN, 404, 404, 404, 404, 404)),
    ("public_item", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("closed_item", "GET", (LOGIN, 404, 404, 200, 200, 404)),
    ("public_edit", "GET", (LOGIN, 200, 403, 403, 403, 403)),
    ("closed_edit", "GET", (LOGIN, 404, 404, 200, 403, 404)),
    ("public_delete", "GET", (LOGIN, 200, 403, 403, 403, 403)),
    ("closed_delete", "GET", (LOGIN, 404, 404, 200, 403, 404)),
    ("public_file_add", "GET", (LOGIN, 200, 403, 403, 403, 403)),
    ("closed_file_add", "GET", (LOGIN, 404, 404, 200, 403, 404)),
    ("open_link_add", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("closed_link_add", "GET", (LOGIN, 404, 404, 404, 403, 404)),
    ("public_comment", "POST", (LOGIN, 302, 302, 302, 302, 302)),
    ("closed_comment", "POST", (LOGIN, 404, 404, 302, 302, 404)),
    ("public_useful", "POST", (LOGIN, 302, 302, 302, 302, 302)),
    ("closed_useful", "POST", (LOGIN, 404, 404, 302, 302, 404)),
    ("public_version_add", "GET", (LOGIN, 200, 403, 403, 403, 403)),
    ("closed_version_add", "GET", (LOGIN, 404, 404, 200, 403, 404)),
    ("public_download", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("closed_download", "GET", (LOGIN, 404, 404, 200, 200, 404)),
    ("open_attachment_add", "GET", (LOGIN, 403, 403, 403, 200, 403)),
    ("closed_attachment_add", "GET", (LOGIN, 404, 404, 403, 200, 404)),
    ("open_attachment", "GET", (LOGIN, 200, 200, 200, 200, 200)),
    ("closed_attachment", "GET", (LOGIN, 404, 404, 200, 200, 404)),
    ("closed_attachment_delete", "GET", (LOGIN, 404, 404, 403, 200, 404)),
]

CASES = [
    pytest.param(route, method, persona, expected, id=f"{route}-{persona}")
    for route, method, outcomes in TABLE
    for persona, expected in zip(PERSONAS, outcomes, strict=True)
]


@pytest.fixture
def world(library, convener, open_meeting, closed_meeting):
    library.open_meeting = open_meeting
    library.closed_meeting = closed_meeting
    library.open_attachment = services.attachment_add(
        meeting=open_meeting, by=convener, upload=upload("dagordning.pdf", PDF_BYTES)
    )
    library.closed_attachment = services.attachment_add(
        meeting=closed_meeting, by=convener, upload=upload("hemlig-presentation.pdf", PDF_BYTES)
    )
    return library


def test_table_covers_every_library_route():
    from genbo.library.urls import urlpatterns

    exercised = {ROUTES[route][0] for route, _method, _outcomes in TABLE}
    every_route = {f"library:{pattern.name}" for pattern in urlpatterns}

    assert every_route - exercised == set()


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "persona", "expected"), CASES)
def test_status_by_role(client, request, world, route, method, persona, expected):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = ROUTES[route][1](world)

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, POST_DATA.get(route, {}))

    if expected == LOGIN:
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected


SECRETS = ["Hemlig handlingsplan", "handlingsplan.csv", "Hemlig kommentar"]


@pytest.mark.parametrize("persona", ["employee", "outsider", "staff"])
def test_closed_item_stays_off_list(client, request, library, persona):
    client.force_login(request.getfixturevalue(persona))

    for url in [
        reverse("library:index"),
        reverse("library:index") + "?kind=file",
        reverse("library:index") + "?order=useful",
        reverse("library:index") + f"?network={library.closed.network.slug}",
    ]:
        html = client.get(url).content.decode()

        assert [secret for secret in SECRETS if secret in html] == [], url


def test_member_sees_closed_item_in_list(client, member, library):
    client.force_login(member)

    html = client.get(reverse("library:index")).content.decode()

    assert "Hemlig handlingsplan" in html


def test_hidden_download_looks_like_missing(client, outsider, library):
    client.force_login(outsider)

    hidden = client.get(reverse("library:download", args=[library.closed_version.pk]))
    missing = client.get(reverse("library:download", args=[999_999]))

    assert hidden.status_code == missing.status_code == 404
    assert b"kommun;antal" not in hidden.content
    assert "Content-Disposition" not in hidden


def test_former_member_loses_closed_file(client, member, library):
    from genbo.networks import services as network_services

    network_services.membership_leave(network=library.closed.network, user=member)
    client.force_login(member)

    response = client.get(reverse("library:download", args=[library.closed_version.pk]))

    assert response.status_code == 404


def test_share_in_foreign_network_rejected(employee, closed_network):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.item_create(
            author=employee,
            kind="tip",
            title="Smygtips",
            description="Text",
            network=closed_network,
        )
