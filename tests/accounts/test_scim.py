"""SCIM 2.0: Microsoft Entra ID's provisioning sequence and the requests it must reject.

Each response is checked against RFC 7643 (resource shape) and RFC 7644 (status codes,
content type, error and list messages) by the `check_*` helpers below.
"""

import json
import logging

import pytest

from genbo.accounts.models import IdentityLink, ScimGroup, ScimToken, User
from genbo.core.models import AuditEvent, Municipality
from genbo.networks.models import Network
from genbo.notifications.models import Kind, Notification
from tests.factories import NetworkFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_TYPES = {
    "invalidFilter",
    "tooMany",
    "uniqueness",
    "mutability",
    "invalidSyntax",
    "invalidPath",
    "noTarget",
    "invalidValue",
    "invalidVers",
    "sensitive",
}


class Scim:
    """A SCIM client for one municipality, as Entra ID's provisioning service calls it."""

    def __init__(self, client, slug: str, token: str):
        self.client = client
        self.base = f"/scim/v2/{slug}"
        self.token = token

    def _call(self, method: str, path: str, body=None, *, raw: str | None = None, token=None):
        headers = {}
        if (token or self.token) is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token or self.token}"
        data = raw
        if data is None and body is not None:
            data = json.dumps(body)
        call = getattr(self.client, method.lower())
        url = self.base + path
        if data is None:
            return call(url, **headers)
        return call(url, data=data, content_type="application/scim+json", **headers)

    def get(self, path, **kwargs):
        return self._call("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self._call("POST", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self._call("PUT", path, body, **kwargs)

    def patch(self, path, operations, **kwargs):
        return self._call(
            "PATCH", path, {"schemas": [PATCH_SCHEMA], "Operations": operations}, **kwargs
        )

    def delete(self, path, **kwargs):
        return self._call("DELETE", path, **kwargs)


def check_json(response) -> dict:
    assert response["Content-Type"].startswith("application/scim+json")
    return response.json()


def check_user(response, status: int = 200) -> dict:
    """RFC 7643 section 4.1 and RFC 7644 section 3.3: a User resource."""
    assert response.status_code == status, response.content
    body = check_json(response)
    assert USER_SCHEMA in body["schemas"]
    assert isinstance(body["id"], str) and body["id"]
    assert body["meta"]["resourceType"] == "User"
    assert body["meta"]["location"].endswith(f"/Users/{body['id']}")
    assert body["meta"]["version"].startswith('W/"')
    assert isinstance(body["active"], bool)
    if status == 201:
        assert response["Location"] == body["meta"]["location"]
    return body


def check_list(response, total: int) -> list[dict]:
    """RFC 7644 section 3.4.2: a ListResponse."""
    assert response.status_code == 200, response.content
    body = check_json(response)
    assert body["schemas"] == [LIST_SCHEMA]
    assert body["totalResults"] == total
    assert body["startIndex"] == 1
    assert body["itemsPerPage"] == len(body["Resources"])
    return body["Resources"]


def check_error(response, status: int, scim_type: str = "") -> dict:
    """RFC 7644 section 3.12: an error message with the status as a string."""
    assert response.status_code == status, response.content
    body = check_json(response)
    assert body["schemas"] == [ERROR_SCHEMA]
    assert body["status"] == str(status)
    assert body["detail"]
    if scim_type:
        assert body["scimType"] == scim_type
        assert scim_type in SCIM_TYPES
    return body


@pytest.fixture
def helsingborg():
    return Municipality.objects.get(slug="helsingborg")


@pytest.fixture
def scim(client, helsingborg):
    _row, token = ScimToken.issue(municipality=helsingborg, label="Entra ID")
    return Scim(client, "helsingborg", token)


@pytest.fixture
def bjuv_scim(client):
    _row, token = ScimToken.issue(municipality=Municipality.objects.get(slug="bjuv"))
    return Scim(client, "bjuv", token)


def entra_user(user_name: str = "anna.berg@helsingborg.se", external_id: str = "oid-anna") -> dict:
    """A create request with the attributes of Entra ID's default mapping."""
    return {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "externalId": external_id,
        "userName": user_name,
        "active": True,
        "displayName": "Anna Berg",
        "title": "Socialsekreterare",
        "emails": [{"primary": True, "type": "work", "value": user_name}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Anna Berg", "familyName": "Berg", "givenName": "Anna"},
        "phoneNumbers": [{"type": "work", "value": "042-10 50 00"}],
        "addresses": [{"type": "work", "locality": "Helsingborg"}],
        "preferredLanguage": "sv-SE",
        ENTERPRISE: {"department": "Socialförvaltningen", "employeeNumber": "4711"},
    }


def test_entra_provisioning_sequence(scim, helsingborg):
    # 1. Entra looks the user up by userName before it creates one.
    response = scim.get('/Users?filter=userName eq "anna.berg@helsingborg.se"')
    assert check_list(response, total=0) == []

    # 2. Create.
    created = check_user(scim.post("/Users", entra_user()), status=201)
    assert created["userName"] == "anna.berg@helsingborg.se"
    assert created["externalId"] == "oid-anna"
    assert created["name"]["givenName"] == "Anna"
    assert created[ENTERPRISE]["department"] == "Socialförvaltningen"
    user = User.objects.get(email="anna.berg@helsingborg.se")
    assert user.municipality == helsingborg
    assert user.title == "Socialsekreterare"
    assert user.unit.name == "Socialförvaltningen"
    assert user.phone == "042-10 50 00"
    assert not user.has_usable_password()

    # 3. Get by filter, by externalId and by id.
    found = check_list(scim.get('/Users?filter=userName eq "Anna.Berg@helsingborg.se"'), total=1)
    assert found[0]["id"] == created["id"]
    found = check_list(scim.get('/Users?filter=externalId eq "oid-anna"'), total=1)
    assert found[0]["id"] == created["id"]
    assert check_user(scim.get(f"/Users/{created['id']}"))["id"] == created["id"]

    # 4. Patch with the forms Entra sends.
    response = scim.patch(
        f"/Users/{created['id']}",
        [
            {"op": "Replace", "path": "title", "value": "Enhetschef"},
            {
                "op": "Replace",
                "path": 'emails[type eq "work"].value',
                "value": "anna.lind@helsingborg.se",
            },
            {"op": "replace", "path": "name.familyName", "value": "Lind"},
            {
                "op": "Add",
                "path": f"{ENTERPRISE}:department",
                "value": "Stadsledningsförvaltningen",
            },
        ],
    )
    patched = check_user(response)
    assert patched["title"] == "Enhetschef"
    assert patched["emails"][0]["value"] == "anna.lind@helsingborg.se"
    user.refresh_from_db()
    assert user.email == "anna.lind@helsingborg.se"
    assert user.last_name == "Lind"
    assert user.unit.name == "Stadsledningsförvaltningen"
    assert User.objects.filter(first_name="Anna").count() == 1

    # 5. Deactivate, with active as the string Entra sends.
    response = scim.patch(
        f"/Users/{created['id']}", [{"op": "Replace", "path": "active", "value": "False"}]
    )
    assert check_user(response)["active"] is False
    user.refresh_from_db()
    assert not user.is_active

    # 6. Delete.
    response = scim.delete(f"/Users/{created['id']}")
    assert response.status_code == 204
    assert response.content == b""
    check_error(scim.get(f"/Users/{created['id']}"), 404)
    user.refresh_from_db()
    assert user.first_name == "Anna"
    assert not user.is_active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.provision", "user.update", "user.deactivate", "user.unlink"} <= actions


def test_patch_without_path_and_boolean_active(scim):
    created = check_user(scim.post("/Users", entra_user()), status=201)

    response = scim.patch(
        f"/Users/{created['id']}",
        [
            {
                "op": "replace",
                "value": {"active": False, "name.givenName": "Annika", "title": "Chef"},
            }
        ],
    )

    body = check_user(response)
    assert body["active"] is False
    assert body["name"]["givenName"] == "Annika"
    assert body["title"] == "Chef"


def test_patch_reactivates_user(scim):
    created = check_user(scim.post("/Users", entra_user()), status=201)
    scim.patch(f"/Users/{created['id']}", [{"op": "replace", "path": "active", "value": False}])

    response = scim.patch(
        f"/Users/{created['id']}", [{"op": "replace", "path": "active", "value": "True"}]
    )

    assert check_user(response)["active"] is True
    assert User.objects.get(email="anna.berg@helsingborg.se").is_active


def test_manager_set_and_removed(scim):
    boss = check_user(
        scim.post("/Users", entra_user("chef@helsingborg.se", "oid-chef")), status=201
    )
    anna = check_user(scim.post("/Users", entra_user()), status=201)

    response = scim.patch(
        f"/Users/{anna['id']}",
        [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": boss["id"]}],
    )
    assert check_user(response)[ENTERPRISE]["manager"] == {"value": boss["id"]}
    assert User.objects.get(email="anna.berg@helsingborg.se").manager.email == "chef@helsingborg.se"

    response = scim.patch(
        f"/Users/{anna['id']}", [{"op": "Remove", "path": f"{ENTERPRISE}:manager"}]
    )
    assert "manager" not in check_user(response)[ENTERPRISE]
    assert User.objects.get(email="anna.berg@helsingborg.se").manager is None


def test_put_replaces_user(scim):
    created = check_user(scim.post("/Users", entra_user()), status=201)
    body = entra_user()
    body["title"] = "Utvecklare"
    del body[ENTERPRISE]

    replaced = check_user(scim.put(f"/Users/{created['id']}", body))

    assert replaced["title"] == "Utvecklare"
    assert replaced[ENTERPRISE]["department"] == ""


def test_changed_email_keeps_one_account(scim):
    created = check_user(scim.post("/Users", entra_user()), status=201)
    body = entra_user(user_name="anna.ny@helsingborg.se")

    check_user(scim.put(f"/Users/{created['id']}", body))

    assert User.objects.filter(first_name="Anna", last_name="Berg").count() == 1
    assert User.objects.get(first_name="Anna").email == "anna.ny@helsingborg.se"


def test_list_pages_with_start_index_and_count(scim):
    for number in range(3):
        scim.post("/Users", entra_user(f"p{number}@helsingborg.se", f"oid-{number}"))

    body = check_json(scim.get("/Users?startIndex=2&count=1"))

    assert body["totalResults"] == 3
    assert body["startIndex"] == 2
    assert body["itemsPerPage"] == 1


# Requests that must be rejected, each with nothing stored


def test_missing_token_rejected(scim, caplog):
    with caplog.at_level(logging.WARNING, logger="genbo.accounts.scim.views"):
        response = scim.client.get("/scim/v2/helsingborg/Users")

    check_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "without a bearer token" in caplog.text


def test_wrong_token_rejected_and_not_logged(scim, caplog):
    with caplog.at_level(logging.WARNING, logger="genbo.accounts.scim.views"):
        response = scim.post("/Users", entra_user(), token="not-a-token-1234")

    check_error(response, 401)
    assert "not-a-token-1234" not in caplog.text
    assert "unknown, revoked or other municipality's token" in caplog.text
    assert not User.objects.filter(email="anna.berg@helsingborg.se").exists()


def test_revoked_token_rejected(scim):
    ScimToken.objects.update(revoked_at="2026-01-01T00:00:00Z")

    check_error(scim.get("/Users"), 401)


def test_other_municipality_token_rejected(scim, bjuv_scim):
    response = scim.get("/Users", token=bjuv_scim.token)

    check_error(response, 401)


def test_other_municipality_user_not_found(scim, bjuv_scim):
    created = check_user(scim.post("/Users", entra_user()), status=201)

    check_error(bjuv_scim.get(f"/Users/{created['id']}"), 404)
    check_error(
        bjuv_scim.patch(
            f"/Users/{created['id']}", [{"op": "replace", "path": "active", "value": False}]
        ),
        404,
    )
    check_error(bjuv_scim.delete(f"/Users/{created['id']}"), 404)
    assert (
        check_list(bjuv_scim.get('/Users?filter=userName eq "anna.berg@helsingborg.se"'), total=0)
        == []
    )
    assert User.objects.get(email="anna.berg@helsingborg.se").is_active


def test_other_municipality_cannot_claim_address(scim, bjuv_scim):
    check_user(scim.post("/Users", entra_user()), status=201)

    response = bjuv_scim.post("/Users", entra_user(external_id="oid-from-bjuv"))

    check_error(response, 409, "uniqueness")
    assert User.objects.get(email="anna.berg@helsingborg.se").municipality.slug == "helsingborg"
    assert not IdentityLink.objects.filter(subject="oid-from-bjuv").exists()


def test_duplicate_user_name_conflicts(scim):
    check_user(scim.post("/Users", entra_user()), status=201)

    response = scim.post("/Users", entra_user(external_id="oid-other"))

    check_error(response, 409, "uniqueness")
    assert IdentityLink.objects.count() == 1


def test_unknown_attribute_rejected(scim):
    body = entra_user()
    body["shoeSize"] = 42

    check_error(scim.post("/Users", body), 400, "invalidPath")
    assert not User.objects.filter(email="anna.berg@helsingborg.se").exists()


def test_unknown_patch_path_rejected(scim):
    created = check_user(scim.post("/Users", entra_user()), status=201)

    response = scim.patch(
        f"/Users/{created['id']}", [{"op": "replace", "path": "shoeSize", "value": 1}]
    )

    check_error(response, 400, "invalidPath")


def test_unknown_patch_operation_rejected(scim):
    created = check_user(scim.post("/Users", entra_user()), status=201)

    response = scim.patch(
        f"/Users/{created['id']}", [{"op": "move", "path": "title", "value": "x"}]
    )

    check_error(response, 400, "invalidSyntax")


def test_invalid_active_value_rejected(scim):
    created = check_user(scim.post("/Users", entra_user()), status=201)

    response = scim.patch(
        f"/Users/{created['id']}", [{"op": "replace", "path": "active", "value": "maybe"}]
    )

    check_error(response, 400, "invalidValue")
    assert User.objects.get(email="anna.berg@helsingborg.se").is_active


def test_malformed_json_rejected(scim):
    check_error(scim.post("/Users", raw='{"userName": '), 400, "invalidSyntax")
    check_error(scim.post("/Users", raw="[1, 2]"), 400, "invalidSyntax")
    assert User.objects.count() == 0


def test_lone_surrogate_in_body_rejected(scim):
    body = entra_user()
    body["name"]["givenName"] = "Anna\ud800"

    check_error(scim.post("/Users", body), 400, "invalidValue")
    assert User.objects.count() == 0


def test_lone_surrogate_in_patch_rejected(scim):
    created = check_user(scim.post("/Users", entra_user()), status=201)

    response = scim.patch(
        f"/Users/{created['id']}", [{"op": "replace", "path": "title", "value": "\udfff"}]
    )

    check_error(response, 400, "invalidValue")
    assert User.objects.get(email="anna.berg@helsingborg.se").title == "Socialsekreterare"


@pytest.mark.parametrize(
    "expression",
    [
        'title eq "Chef"',
        'userName eq "anna\\ud800"',
        'userName eq "anna\\x"',
        'userName co "anna"',
        'userName eq "a" or userName eq "b"',
        "userName eq",
        'emails[type eq "work"].value eq "a@b.se"',
    ],
)
def test_unsupported_filter_rejected(scim, expression):
    check_error(scim.get(f"/Users?filter={expression}"), 400, "invalidFilter")


def test_missing_email_rejected(scim):
    body = entra_user()
    del body["emails"]

    check_error(scim.post("/Users", body), 400, "invalidValue")
    assert IdentityLink.objects.count() == 0


def test_unknown_manager_rejected_without_change(scim):
    created = check_user(scim.post("/Users", entra_user()), status=201)

    response = scim.patch(
        f"/Users/{created['id']}",
        [
            {"op": "replace", "path": "title", "value": "Ny titel"},
            {
                "op": "add",
                "path": f"{ENTERPRISE}:manager",
                "value": "6d3c1c1e-0000-4000-8000-000000000000",
            },
        ],
    )

    check_error(response, 400, "invalidValue")
    assert User.objects.get(email="anna.berg@helsingborg.se").title == "Socialsekreterare"


def test_unknown_id_not_found(scim):
    check_error(scim.get("/Users/not-a-uuid"), 404)
    check_error(scim.get("/Users/6d3c1c1e-0000-4000-8000-000000000000"), 404)


def test_method_not_allowed(scim):
    response = scim.delete("/Users")

    check_error(response, 405)


# Deactivation: sessions, content, the last convener


def test_deactivated_user_signed_out(scim, client):
    created = check_user(scim.post("/Users", entra_user()), status=201)
    user = User.objects.get(email="anna.berg@helsingborg.se")
    browser = client.__class__()
    browser.force_login(user)
    assert browser.get("/").status_code == 200

    scim.patch(f"/Users/{created['id']}", [{"op": "replace", "path": "active", "value": "False"}])

    response = browser.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_last_convener_deactivation_notifies_members(
    scim, helsingborg, django_capture_on_commit_callbacks, mailoutbox
):
    created = check_user(scim.post("/Users", entra_user()), status=201)
    anna = User.objects.get(email="anna.berg@helsingborg.se")
    network = NetworkFactory(name="Nätverket för socialtjänst")
    add_member(network, anna, role="convener")
    colleague = UserFactory(first_name="Bo")
    add_member(network, colleague)

    with django_capture_on_commit_callbacks(execute=True):
        scim.patch(f"/Users/{created['id']}", [{"op": "replace", "path": "active", "value": False}])

    notification = Notification.objects.get(recipient=colleague)
    assert notification.kind == Kind.NO_CONVENER
    assert notification.network == network
    assert not Notification.objects.filter(recipient=anna).exists()
    assert [message.to for message in mailoutbox] == [[colleague.email]]
    assert list(Network.objects.without_convener()) == [network]


def test_convener_with_co_convener_notifies_nobody(scim):
    created = check_user(scim.post("/Users", entra_user()), status=201)
    anna = User.objects.get(email="anna.berg@helsingborg.se")
    network = NetworkFactory()
    add_member(network, anna, role="convener")
    add_member(network, UserFactory(), role="convener")

    scim.patch(f"/Users/{created['id']}", [{"op": "replace", "path": "active", "value": False}])

    assert Notification.objects.count() == 0
    assert list(Network.objects.without_convener()) == []


# Groups


def test_group_sequence(scim):
    anna = check_user(scim.post("/Users", entra_user()), status=201)
    bo = check_user(scim.post("/Users", entra_user("bo@helsingborg.se", "oid-bo")), status=201)

    response = scim.post(
        "/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "HR", "externalId": "g-1"}
    )
    assert response.status_code == 201
    group = check_json(response)
    assert group["schemas"] == [GROUP_SCHEMA]
    assert group["members"] == []

    found = check_list(
        scim.get('/Groups?filter=displayName eq "HR"&excludedAttributes=members'), total=1
    )
    assert found[0]["id"] == group["id"]
    assert "members" not in found[0]

    response = scim.patch(
        f"/Groups/{group['id']}",
        [{"op": "Add", "path": "members", "value": [{"value": anna["id"]}, {"value": bo["id"]}]}],
    )
    assert {member["value"] for member in check_json(response)["members"]} == {anna["id"], bo["id"]}

    response = scim.patch(
        f"/Groups/{group['id']}", [{"op": "Remove", "path": f'members[value eq "{bo["id"]}"]'}]
    )
    assert [member["value"] for member in check_json(response)["members"]] == [anna["id"]]

    response = scim.patch(
        f"/Groups/{group['id']}", [{"op": "Replace", "path": "displayName", "value": "HR-gruppen"}]
    )
    assert check_json(response)["displayName"] == "HR-gruppen"

    assert scim.delete(f"/Groups/{group['id']}").status_code == 204
    assert ScimGroup.objects.count() == 0


def test_group_duplicate_name_conflicts(scim):
    scim.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "HR"})

    check_error(
        scim.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "HR"}), 409, "uniqueness"
    )


def test_group_member_from_other_municipality_rejected(scim, bjuv_scim):
    anna = check_user(scim.post("/Users", entra_user()), status=201)
    group = check_json(bjuv_scim.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "IT"}))

    response = bjuv_scim.patch(
        f"/Groups/{group['id']}",
        [{"op": "add", "path": "members", "value": [{"value": anna["id"]}]}],
    )

    check_error(response, 400, "invalidValue")


def test_service_provider_config(scim):
    body = check_json(scim.get("/ServiceProviderConfig"))

    assert body["patch"]["supported"] is True
    assert body["bulk"]["supported"] is False


@pytest.mark.parametrize("count", [1, 12])
def test_user_list_query_count(scim, django_assert_num_queries, count):
    boss = check_user(
        scim.post("/Users", entra_user("chef@helsingborg.se", "oid-chef")), status=201
    )
    for number in range(count):
        created = check_user(
            scim.post("/Users", entra_user(f"p{number}@helsingborg.se", f"oid-{number}")),
            status=201,
        )
        scim.patch(
            f"/Users/{created['id']}",
            [{"op": "add", "path": f"{ENTERPRISE}:manager", "value": boss["id"]}],
        )

    # The token, its last-used time, the count, the page of users with their units,
    # and their managers' SCIM ids.
    with django_assert_num_queries(5):
        check_list(scim.get("/Users"), total=count + 1)


@pytest.mark.parametrize("count", [1, 8])
def test_group_list_query_count(scim, django_assert_num_queries, count):
    anna = check_user(scim.post("/Users", entra_user()), status=201)
    for number in range(count):
        scim.post(
            "/Groups",
            {
                "schemas": [GROUP_SCHEMA],
                "displayName": f"Grupp {number}",
                "members": [{"value": anna["id"]}],
            },
        )

    # The token, its last-used time, the count, the page of groups, the memberships and
    # the members' links.
    with django_assert_num_queries(6):
        resources = check_list(scim.get("/Groups"), total=count)
    assert all(group["members"][0]["value"] == anna["id"] for group in resources)


def test_staff_account_not_taken_over(scim):
    staff_user = UserFactory(email="anna.berg@helsingborg.se", is_staff=True)

    check_error(scim.post("/Users", entra_user()), 409, "uniqueness")

    assert not IdentityLink.objects.filter(user=staff_user).exists()
