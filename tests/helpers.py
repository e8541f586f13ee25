"""Helpers shared by the test modules: HTML inspection, message lookup, image files."""

import io
import re
from html.parser import HTMLParser

import polib
from django.conf import settings
from django.forms import MultiWidget
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from PIL import Image

LOGIN_PATH = "/accounts/login/"
PO_FILE = settings.LOCALE_PATHS[0] / "sv" / "LC_MESSAGES" / "django.po"


def is_login_redirect(response) -> bool:
    """Tell whether `response` sends the browser to the sign-in page."""
    return response.status_code == 302 and response.url.startswith(LOGIN_PATH)


def in_swedish_start(msgid_start: str, *, escape_html: bool = False) -> str:
    """Return the Swedish text, up to its first placeholder, of one msgid's translation.

    For tables of cases that name a message by its beginning: exactly one msgid of the
    catalogue must start with `msgid_start`.
    """
    catalogue = polib.pofile(str(PO_FILE))
    matches = [entry for entry in catalogue if entry.msgid.startswith(msgid_start)]
    assert len(matches) == 1, f"{len(matches)} msgids start with {msgid_start!r}"
    text = matches[0].msgstr or matches[0].msgid
    start = text.split("%(")[0]
    return escape(start) if escape_html else start


def in_swedish(message: str, *, escape_html: bool = False, **params) -> str:
    """Return `message` as the Swedish UI shows it.

    With escape_html=True the text is HTML-escaped as form errors and flash messages
    are; text from {% translate %} is not escaped. While a msgid has no Swedish
    translation this is the English msgid, so a test using it checks that the right
    message is shown in whatever language the catalogue holds.
    """
    with translation.override(settings.LANGUAGE_CODE):
        text = translation.gettext(message)
    if params:
        text = text % params
    return escape(text) if escape_html else text


def without_csrf_tokens(html: str) -> str:
    """Return `html` with the per-request CSRF token values blanked out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', html)


def field_block(html: str, name: str) -> str:
    """Return the HTML of the form field wrapper that contains the input called `name`.

    core/form.html wraps each field (label, help text, errors, input) in one
    `<div class="field">`, and the block runs until the next wrapper or the end of the form.
    """
    blocks = re.split(r'(?=<div class="field[ "])', html)
    for block in blocks[1:]:
        block = block.split("</form>")[0]
        if re.search(rf'name="{re.escape(name)}"', block):
            return block
    raise AssertionError(f"no form field named {name!r} in the page")


def image_bytes(*, width: int, height: int, kind: str = "PNG") -> bytes:
    """Return a one-colour image of `width` x `height` pixels encoded as `kind`."""
    image = Image.new("RGB", (width, height), (200, 60, 40))
    output = io.BytesIO()
    image.save(output, format=kind)
    return output.getvalue()


class TagCollector(HTMLParser):
    """Collects every start tag of a piece of HTML as (tag, attributes)."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def start_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector.tags


def _form_post_data(form) -> dict:
    """Return the POST data that submits `form` unchanged, prefixed as the form is."""
    data = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(getattr(one, "pk", one)) for one in value]
        elif value is not None:
            data[bound.html_name] = str(getattr(value, "pk", value))
    return data


def admin_change_data(client, url: str) -> dict:
    """Return the POST data of the admin change page at `url`, its inlines included.

    Change a value and post the data back to the same address, as a person saving the
    form after one edit does.
    """
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = _form_post_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_post_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_post_data(form))
    return data


def signed_in_client(user, **options) -> Client:
    """Return a test client, made with `options`, that is signed in as `user`."""
    client = Client(**options)
    client.force_login(user)
    return client
