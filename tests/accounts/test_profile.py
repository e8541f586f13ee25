"""Profile pages, the profile form and profile photos."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from PIL import ExifTags, Image

from genbo.accounts.models import Competence
from genbo.accounts.provisioning import DirectoryProfile, user_provision
from genbo.core.models import AuditEvent, Municipality, OrganisationUnit
from tests.helpers import field_block, image_bytes, in_swedish, is_login_redirect, start_tags

pytestmark = pytest.mark.django_db

REQUIRED = "Detta fält måste fyllas i."
NOT_AN_IMAGE = (
    "Ladda upp en giltig bild. Filen du laddade upp var antingen ingen bild eller en korrupt bild."
)
EDIT_URL = "/profile/edit/"


def _profile_data(user, **changes) -> dict:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "title": "Utvecklingsledare",
        "municipality": user.municipality_id,
        "unit": "",
        "phone": "042-10 50 00",
        "languages": "svenska, engelska",
        "presentation": "Jag arbetar med verksamhetsutveckling.",
        "competences": "Processledning, Klarspråk",
    }
    data.update(changes)
    return data


def _upload(content: bytes, name: str = "bild.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def as_employee(client, employee):
    client.force_login(employee)
    return client


def test_edit_page_uses_reverse_url():
    assert reverse("accounts:profile_edit") == EDIT_URL


def test_profile_edit_saves_fields_and_competences(as_employee, employee):
    response = as_employee.post(EDIT_URL, _profile_data(employee))

    employee.refresh_from_db()
    assert response.status_code == 302
    assert response.url == employee.get_absolute_url()
    assert employee.title == "Utvecklingsledare"
    assert sorted(c.label for c in employee.competences.all()) == ["Klarspråk", "Processledning"]


def test_profile_edit_reuses_existing_competence(as_employee, employee):
    existing = Competence.objects.create(label="Processledning")

    as_employee.post(EDIT_URL, _profile_data(employee, competences=" PROCESSLEDNING "))

    assert list(employee.competences.all()) == [existing]


def test_profile_edit_writes_audit_event(as_employee, employee):
    as_employee.post(EDIT_URL, _profile_data(employee))

    event = AuditEvent.objects.get(action="profile.update")
    assert event.actor == employee
    assert "title" in event.data["fields"]


def test_profile_edit_form_shows_current_competences(as_employee, employee):
    employee.competences.set([Competence.objects.create(label="Upphandling")])

    html = as_employee.get(EDIT_URL).content.decode()

    assert 'value="Upphandling"' in field_block(html, "competences")


def test_profile_edit_without_first_name_shows_required(as_employee, employee):
    response = as_employee.post(EDIT_URL, _profile_data(employee, first_name=""))

    html = response.content.decode()
    assert response.status_code == 200
    assert REQUIRED in field_block(html, "first_name")
    assert 'value="Utvecklingsledare"' in field_block(html, "title")
    assert "Processledning, Klarspråk" in field_block(html, "competences")


def test_profile_edit_without_municipality_shows_required(as_employee, employee):
    response = as_employee.post(EDIT_URL, _profile_data(employee, municipality=""))

    assert response.status_code == 200
    assert REQUIRED in field_block(response.content.decode(), "municipality")


def test_profile_edit_rejects_unit_of_other_municipality(as_employee, employee):
    klippan = Municipality.objects.get(slug="klippan")
    unit = OrganisationUnit.objects.create(
        municipality=klippan, kind="administration", name="Kulturförvaltningen"
    )

    response = as_employee.post(EDIT_URL, _profile_data(employee, unit=unit.pk))

    employee.refresh_from_db()
    assert response.status_code == 200
    assert "Kulturförvaltningen" in field_block(response.content.decode(), "unit")
    assert 'class="errorlist' in field_block(response.content.decode(), "unit")
    assert employee.unit is None


def test_profile_edit_rejects_overlong_competence(as_employee, employee):
    label = "x" * 500

    response = as_employee.post(EDIT_URL, _profile_data(employee, competences=label))

    html = response.content.decode()
    message = "A competence can be at most %(limit)d characters long: “%(start)s…”."
    assert response.status_code == 200
    assert in_swedish(message, escape_html=True, limit=120, start=label[:30]) in field_block(
        html, "competences"
    )
    assert label in field_block(html, "competences")
    assert Competence.objects.exists() is False


def test_profile_edit_keeps_taxonomy_label_with_comma(as_employee, employee):
    sql = Competence.objects.create(label="SQL, programmeringsspråk", concept_id="abc1_23D")

    response = as_employee.post(
        EDIT_URL,
        _profile_data(employee, competences="SQL, programmeringsspråk, Arkivering, Diarieföring"),
    )

    labels = sorted(c.label for c in employee.competences.all())
    assert response.status_code == 302
    assert labels == ["Arkivering", "Diarieföring", "SQL, programmeringsspråk"]
    assert employee.competences.filter(pk=sql.pk).exists()
    assert Competence.objects.filter(label__in=["SQL", "programmeringsspråk"]).exists() is False


def test_profile_edit_with_null_character_shows_error(as_employee, employee):
    response = as_employee.post(EDIT_URL, _profile_data(employee, competences="Klarspråk\x00"))

    message = "The text contains a null character, which is not allowed."
    assert response.status_code == 200
    assert in_swedish(message, escape_html=True) in field_block(
        response.content.decode(), "competences"
    )
    assert Competence.objects.exists() is False


def test_profile_edit_saves_label_with_long_key(as_employee, employee):
    # "ß" case-folds to "ss", so this 120-character label has a 240-character key.
    label = "ß" * 120

    response = as_employee.post(EDIT_URL, _profile_data(employee, competences=label))

    competence = employee.competences.get()
    assert response.status_code == 302
    assert competence.label == label
    assert len(competence.key) == 240


def test_presentation_with_script_is_stored_and_escaped(as_employee, employee):
    text = '<script>alert("hej")</script>\n<img src=x onerror=alert(1)>'

    as_employee.post(EDIT_URL, _profile_data(employee, presentation=text, title="<b>Chef</b>"))
    employee.refresh_from_db()
    html = as_employee.get(employee.get_absolute_url()).content.decode()

    assert employee.presentation == text
    assert "&lt;script&gt;alert(&quot;hej&quot;)&lt;/script&gt;" in html
    assert [tag for tag, _attrs in start_tags(html) if tag in {"img", "b"}] == []
    assert [
        tag for tag, attrs in start_tags(html) if tag == "script" and not attrs.get("src")
    ] == []


def test_profile_edit_removes_bidi_controls(as_employee, employee):
    data = _profile_data(
        employee,
        first_name="Elin\u202e",
        last_name="\u2066Eriksson\u2069",
        title="Utvecklings\u202eledare",
        presentation="Jag arbetar med \u202dverksamhetsutveckling\u202c.",
    )

    response = as_employee.post(EDIT_URL, data)

    employee.refresh_from_db()
    assert response.status_code == 302
    assert employee.first_name == "Elin"
    assert employee.last_name == "Eriksson"
    assert employee.title == "Utvecklingsledare"
    assert employee.presentation == "Jag arbetar med verksamhetsutveckling."


def test_profile_edit_bidi_only_name_is_required(as_employee, employee):
    response = as_employee.post(EDIT_URL, _profile_data(employee, last_name="\u202e\u2066"))

    assert response.status_code == 200
    assert REQUIRED in field_block(response.content.decode(), "last_name")


def test_provisioning_removes_bidi_controls(employee):
    profile = DirectoryProfile(
        subject="abc-123",
        email="nils.nord@helsingborg.example",
        first_name="Nils\u202e",
        last_name="\u2067Nord\u2069",
        title="Handläggare\u202a",
        department="Social\u202eförvaltningen",
    )

    link, created = user_provision(
        municipality=employee.municipality, profile=profile, source="scim"
    )

    user = link.user
    assert created
    assert user.first_name == "Nils"
    assert user.last_name == "Nord"
    assert user.title == "Handläggare"
    assert user.unit.name == "Socialförvaltningen"


# Photos


def _photo_error(response) -> str:
    return field_block(response.content.decode(), "photo")


def test_small_png_photo_becomes_square_jpeg(as_employee, employee):
    photo = _upload(image_bytes(width=640, height=480), name="semester-gps.png")

    response = as_employee.post(EDIT_URL, {**_profile_data(employee), "photo": photo})

    employee.refresh_from_db()
    assert response.status_code == 302
    assert employee.photo.name.startswith("photos/")
    assert employee.photo.name.endswith(".jpg")
    assert "semester" not in employee.photo.name
    with default_storage.open(employee.photo.name) as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (400, 400)


def test_ten_megabyte_photo_is_rejected(as_employee, employee, settings):
    content = image_bytes(width=1900, height=1900, kind="BMP")
    assert len(content) >= 10 * 1024 * 1024

    response = as_employee.post(
        EDIT_URL, {**_profile_data(employee), "photo": _upload(content, "stor.bmp", "image/bmp")}
    )

    with translation.override("sv"):
        sizes = {
            "size": filesizeformat(len(content)),
            "limit": filesizeformat(settings.GENBO_PHOTO_MAX_BYTES),
        }
    message = "The photo is %(size)s; the limit is %(limit)s. Choose a smaller image."
    employee.refresh_from_db()
    assert response.status_code == 200
    assert in_swedish(message, escape_html=True, **sizes) in _photo_error(response)
    assert 'value="Utvecklingsledare"' in field_block(response.content.decode(), "title")
    assert not employee.photo


def test_text_file_as_photo_is_rejected(as_employee, employee):
    fake = _upload("Det här är ingen bild.\n".encode() * 100, name="bild.png")

    response = as_employee.post(EDIT_URL, {**_profile_data(employee), "photo": fake})

    employee.refresh_from_db()
    assert response.status_code == 200
    assert escape(NOT_AN_IMAGE) in _photo_error(response)
    assert not employee.photo


def test_gif_photo_is_rejected(as_employee, employee):
    gif = _upload(image_bytes(width=50, height=50, kind="GIF"), "bild.gif", "image/gif")

    response = as_employee.post(EDIT_URL, {**_profile_data(employee), "photo": gif})

    assert response.status_code == 200
    assert in_swedish("The photo must be a JPEG, PNG or WebP image.", escape_html=True) in (
        _photo_error(response)
    )


def test_photo_with_too_many_pixels_is_rejected(as_employee, employee):
    # 48 million one-bit pixels compress to a small file but would take 144 MB decoded.
    output = io.BytesIO()
    Image.new("1", (8000, 6000)).save(output, format="PNG")

    response = as_employee.post(
        EDIT_URL, {**_profile_data(employee), "photo": _upload(output.getvalue())}
    )

    message = "The photo has too many pixels. Choose a smaller image."
    assert response.status_code == 200
    assert in_swedish(message, escape_html=True) in _photo_error(response)


def test_new_photo_replaces_old_file(as_employee, employee, django_capture_on_commit_callbacks):
    as_employee.post(
        EDIT_URL,
        {**_profile_data(employee), "photo": _upload(image_bytes(width=100, height=100))},
    )
    employee.refresh_from_db()
    old_name = employee.photo.name

    with django_capture_on_commit_callbacks(execute=True):
        as_employee.post(
            EDIT_URL,
            {**_profile_data(employee), "photo": _upload(image_bytes(width=120, height=90))},
        )

    employee.refresh_from_db()
    assert employee.photo.name != old_name
    assert default_storage.exists(employee.photo.name)
    assert default_storage.exists(old_name) is False


def test_replaced_photo_url_gets_404(as_employee, employee, django_capture_on_commit_callbacks):
    as_employee.post(
        EDIT_URL,
        {**_profile_data(employee), "photo": _upload(image_bytes(width=100, height=100))},
    )
    employee.refresh_from_db()
    old_url = reverse("media", args=[employee.photo.name])
    assert as_employee.get(old_url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        as_employee.post(
            EDIT_URL,
            {**_profile_data(employee), "photo": _upload(image_bytes(width=120, height=90))},
        )

    employee.refresh_from_db()
    assert as_employee.get(old_url).status_code == 404
    assert as_employee.get(reverse("media", args=[employee.photo.name])).status_code == 200


RED = (255, 0, 0)
BLUE = (0, 0, 255)


def _sideways_jpeg() -> bytes:
    """Return a 200 x 100 JPEG tagged with EXIF orientation 6, as phones store portraits.

    The left half is red and the right half blue. Orientation 6 means that the image
    must be rotated 90 degrees clockwise for display.
    """
    image = Image.new("RGB", (200, 100), BLUE)
    image.paste(RED, (0, 0, 100, 100))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif, quality=95)
    return output.getvalue()


def _is_near(pixel: tuple[int, int, int], colour: tuple[int, int, int]) -> bool:
    # JPEG compression shifts colours a little.
    return all(abs(actual - expected) <= 40 for actual, expected in zip(pixel, colour, strict=True))


def test_photo_is_rotated_by_exif_orientation(as_employee, employee):
    # Rotated clockwise, the 200 x 100 image becomes 100 x 200 with the red half on top,
    # so the square cut from its middle is red above and blue below. Without the
    # rotation, the square would be red on the left and blue on the right.
    photo = _upload(_sideways_jpeg(), name="portratt.jpg", content_type="image/jpeg")

    response = as_employee.post(EDIT_URL, {**_profile_data(employee), "photo": photo})

    employee.refresh_from_db()
    assert response.status_code == 302
    with default_storage.open(employee.photo.name) as stored, Image.open(stored) as image:
        assert image.size == (400, 400)
        pixels = image.convert("RGB")
        assert _is_near(pixels.getpixel((100, 10)), RED)
        assert _is_near(pixels.getpixel((300, 10)), RED)
        assert _is_near(pixels.getpixel((100, 390)), BLUE)
        assert _is_near(pixels.getpixel((300, 390)), BLUE)
        assert ExifTags.Base.Orientation not in image.getexif()


def test_remove_photo_clears_it(as_employee, employee, django_capture_on_commit_callbacks):
    as_employee.post(
        EDIT_URL,
        {**_profile_data(employee), "photo": _upload(image_bytes(width=100, height=100))},
    )
    employee.refresh_from_db()
    old_name = employee.photo.name

    with django_capture_on_commit_callbacks(execute=True):
        as_employee.post(EDIT_URL, {**_profile_data(employee), "remove_photo": "on"})

    employee.refresh_from_db()
    assert not employee.photo
    assert default_storage.exists(old_name) is False


def test_photo_is_served_to_signed_in_employee(client, employee, member):
    client.force_login(employee)
    client.post(
        EDIT_URL,
        {**_profile_data(employee), "photo": _upload(image_bytes(width=100, height=100))},
    )
    employee.refresh_from_db()
    client.force_login(member)

    response = client.get(reverse("media", args=[employee.photo.name]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_photo_needs_sign_in(client, employee):
    client.force_login(employee)
    client.post(
        EDIT_URL,
        {**_profile_data(employee), "photo": _upload(image_bytes(width=100, height=100))},
    )
    employee.refresh_from_db()
    client.logout()

    response = client.get(reverse("media", args=[employee.photo.name]))

    assert is_login_redirect(response)


@pytest.mark.parametrize("path", ["other/file.txt", "photos/../settings.py", "photos/missing.jpg"])
def test_media_outside_photos_gets_404(as_employee, path):
    response = as_employee.get(f"/media/{path}")

    assert response.status_code == 404


# The profile page


def test_profile_page_shows_contact_and_competences(as_employee, member, open_network):
    member.competences.set([Competence.objects.create(label="Rekrytering")])

    html = as_employee.get(member.get_absolute_url()).content.decode()

    assert member.get_full_name() in html
    assert f"mailto:{member.email}" in html
    assert "Rekrytering" in html
    assert open_network.name in html


def test_inactive_employee_profile_gets_404(as_employee, member):
    member.is_active = False
    member.save(update_fields=["is_active"])

    response = as_employee.get(member.get_absolute_url())

    assert response.status_code == 404
