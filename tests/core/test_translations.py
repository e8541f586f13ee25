"""The Swedish message catalogue: complete, placeholders intact, and compiled for use."""

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

import genbo

CATALOGUE = Path(genbo.__file__).parent / "locale/sv/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

# Messages that other tests find in pages through in_swedish(). Without a Swedish
# translation those tests would pass on the English text.
MESSAGES_CHECKED_IN_PAGES = [
    "Only the network's conveners can do this. Ask one of them, listed on the network's "
    "page, if something needs changing, or ask to become a convener.",
    "The page does not exist, has been removed, or you do not have access to it.",
    "The meeting must end after it starts.",
    "A new meeting cannot start in the past.",
    "The address “%(slug)s” is reserved. Choose another one.",
    "Another network already uses the address “%(slug)s”. Choose another one.",
    "A competence can be at most %(limit)d characters long: “%(start)s…”.",
    "A competence cannot contain the characters < or >: “%(label)s”.",
    "A network must always have at least one convener. Appoint another convener first.",
    "No employee in GENBO has the address %(email)s.",
    "The photo is %(size)s; the limit is %(limit)s. Choose a smaller image.",
    "The photo must be a JPEG, PNG or WebP image.",
    "The photo has too many pixels. Choose a smaller image.",
    "Choose yes, no or maybe.",
    "The message is deleted.",
    "There are no topic rooms yet. Start one below.",
    "Sign in with your municipal account",
    "Choose your municipality in the list.",
]


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(CATALOGUE))


def test_every_message_is_translated(catalogue):
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []


def test_no_translation_is_fuzzy(catalogue):
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_translations_add_no_placeholder(catalogue):
    # A placeholder that the code does not pass raises KeyError when Python code formats
    # the message, and makes a template fall back to English.
    unknown = []
    for entry in catalogue.translated_entries():
        known = set(_placeholders(entry.msgid)) | set(_placeholders(entry.msgid_plural or ""))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            unknown.extend(
                f"{entry.msgid}: {name}" for name in _placeholders(text) if name not in known
            )
    assert unknown == []


def test_translations_keep_placeholders(catalogue):
    # Plural forms are left out: the singular may spell out the number ("ett nätverk").
    dropped = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if not entry.msgid_plural and _placeholders(entry.msgstr) != _placeholders(entry.msgid)
    ]
    assert dropped == []


@pytest.mark.parametrize("message", MESSAGES_CHECKED_IN_PAGES)
def test_message_checked_in_pages_has_swedish(catalogue, message):
    entry = catalogue.find(message)

    assert entry is not None
    assert entry.msgstr != ""
    assert entry.msgstr != message


def test_compiled_catalogue_is_used():
    compiled = CATALOGUE.with_suffix(".mo")
    if not compiled.exists():
        pytest.skip(f"{compiled} is missing; run `genbo compilemessages`")

    with translation.override("sv"):
        text = translation.gettext("The meeting must end after it starts.")

    assert text != "The meeting must end after it starts."
