"""Names and titles that people type must contain something that can be seen."""

import pytest
from django.core.exceptions import ValidationError

from genbo.core.names import clean_display_name
from genbo.experts.forms import OfferForm
from tests.helpers import in_swedish

INVISIBLE_ERROR = "Use at least one visible character, such as a letter or a digit."
ENGLAND_FLAG = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("  Kaffe   och  klarspråk ", "Kaffe och klarspråk"),
        ("\u200bKaffe\u200d\ufeff", "Kaffe"),
        ("\u00ad Ekonomi \u2060", "Ekonomi"),
        ("Ko\u200bda", "Ko\u200bda"),
        ("\u3164Kaffe\u3164", "Kaffe"),
        ("👍", "👍"),
        (f"Fika {ENGLAND_FLAG}", f"Fika {ENGLAND_FLAG}"),
        ("e\u0301", "e\u0301"),
        ("Lunch \u202eslabbin 12:00", "Lunch slabbin 12:00"),
        ("\u2067Kaffe\u2069 och \u202aklarspråk\u202c", "Kaffe och klarspråk"),
        ("Möte \u200fשלום\u200e 12", "Möte \u200fשלום\u200e 12"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_clean_display_name_keeps_visible(typed, cleaned):
    assert clean_display_name(typed) == cleaned


@pytest.mark.parametrize(
    "typed",
    [
        "\u200b",
        " \u200b\u200c\u200d ",
        "\ufeff",
        "\u00ad",
        "\u2060",
        "\u3164",
        "\u2800",
        "\u0301",
        "\u202e\u202c",
    ],
)
def test_clean_display_name_rejects_invisible(typed):
    with pytest.raises(ValidationError) as raised:
        clean_display_name(typed)

    assert raised.value.code == "invisible"


@pytest.mark.django_db
def test_offer_form_rejects_invisible_title():
    form = OfferForm(
        {
            "title": "\u200b",
            "competences": "Dataskydd",
            "formats": ["lecture"],
            "description": "Jag föreläser om dataskydd.",
        }
    )

    assert not form.is_valid()
    assert form.errors["title"] == [in_swedish(INVISIBLE_ERROR)]
