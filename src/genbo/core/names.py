"""Names and titles that people type: rooms, networks, threads, items, meetings, offers.

A name of only zero-width or other invisible characters passes a plain `strip()` and
shows as an empty link, heading and page title, so every such name is cleaned here.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Unicode general categories that show nothing on their own or have no standard glyph:
# controls, format characters (such as U+200B ZERO WIDTH SPACE), surrogates, private-use
# and unassigned code points, separators, and combining marks, which only change the
# character before them.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
# Characters that Unicode classes as letters or symbols but that fonts draw as blank space.
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Tag characters end some emoji sequences (the flags of England, Scotland and Wales), so
# they are not cut from the end of a name.
_TAG_CHARACTERS = range(0xE0000, 0xE0080)

INVISIBLE_NAME_ERROR = _("Use at least one visible character, such as a letter or a digit.")

# The explicit bidirectional embeddings, overrides and isolates (U+202A to U+202E and
# U+2066 to U+2069). An unclosed override in a name reverses the text after it on the
# page, which can make a list say something else. Right-to-left scripts display correctly
# without them; the marks U+200E and U+200F, which affect no other text, are kept.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi_controls(text: str) -> str:
    """Return `text` without the explicit bidirectional controls of BIDI_CONTROLS."""
    return text.translate(BIDI_CONTROLS)


def clean_text_field(form, name: str) -> str:
    """Return the cleaned value of the text field `name` of `form` without bidirectional
    controls, for a form's clean_<name> method.

    Raises the field's "required" error when a required field held only such controls.
    """
    value = without_bidi_controls(form.cleaned_data[name]).strip()
    if not value and form.fields[name].required:
        raise ValidationError(form.fields[name].error_messages["required"], code="required")
    return value


def _is_visible(character: str) -> bool:
    if character in _BLANK_CHARACTERS:
        return False
    return unicodedata.category(character) not in _INVISIBLE_CATEGORIES


def _is_cut_at_ends(character: str) -> bool:
    if character.isspace() or character in _BLANK_CHARACTERS:
        return True
    return unicodedata.category(character) == "Cf" and ord(character) not in _TAG_CHARACTERS


def clean_display_name(value: str) -> str:
    """Clean a typed name: bidirectional controls are removed, runs of white space become
    one space, and white space and format characters are cut from both ends.

    Returns "" for a value of only white space, so that the caller can ask for the missing
    name. Raises ValidationError (code "invisible") when the value has characters but none
    that can be seen.
    """
    name = " ".join(without_bidi_controls(value).split())
    start, end = 0, len(name)
    while start < end and _is_cut_at_ends(name[start]):
        start += 1
    while end > start and _is_cut_at_ends(name[end - 1]):
        end -= 1
    name = name[start:end]
    if not value.strip():
        return ""
    if not any(_is_visible(character) for character in name):
        raise ValidationError(INVISIBLE_NAME_ERROR, code="invisible")
    return name
