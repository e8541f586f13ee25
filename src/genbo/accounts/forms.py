from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from genbo.accounts.models import (
    COMPETENCE_LABEL_MAX_LENGTH,
    Competence,
    normalise_competence_key,
)
from genbo.accounts.photos import PhotoError, read_photo
from genbo.core.models import OrganisationUnit
from genbo.core.names import clean_text_field

MAX_COMPETENCES = 40


# The most commas one competence label of the JobTech Taxonomy contains is two.
MAX_PARTS_PER_LABEL = 3


def join_known_labels(parts: list[str]) -> list[str]:
    """Join comma-separated parts back into one label where a known competence has commas.

    "SQL, programmeringsspråk" is one taxonomy competence, so the parts "SQL" and
    "programmeringsspråk" become one label when that competence exists.
    """
    candidates = {
        normalise_competence_key(", ".join(parts[start : start + size]))
        for start in range(len(parts))
        for size in range(2, MAX_PARTS_PER_LABEL + 1)
        if start + size <= len(parts)
    }
    known = (
        set(Competence.objects.filter(key__in=candidates).values_list("key", flat=True))
        if candidates
        else set()
    )
    labels: list[str] = []
    start = 0
    while start < len(parts):
        for size in range(MAX_PARTS_PER_LABEL, 0, -1):
            label = ", ".join(parts[start : start + size])
            if size == 1 or (
                start + size <= len(parts) and normalise_competence_key(label) in known
            ):
                labels.append(label)
                start += size
                break
    return labels


class CompetenceField(forms.CharField):
    """Competences typed as labels separated by commas; cleans to a list of labels."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", _("Separate competences with commas. Suggestions appear as you type.")
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "list": "competence-options",
                    "autocomplete": "off",
                    "hx-get": reverse_lazy("accounts:competence_suggest"),
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": "#competence-options",
                    "hx-swap": "innerHTML",
                }
            ),
        )
        super().__init__(max_length=4000, **kwargs)

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return ", ".join(str(item) for item in value)

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        if "\x00" in text:
            raise forms.ValidationError(
                _("The text contains a null character, which is not allowed."), code="null"
            )
        labels: list[str] = []
        seen: set[str] = set()
        for label in join_known_labels([" ".join(part.split()) for part in text.split(",")]):
            if label and label.casefold() not in seen:
                seen.add(label.casefold())
                labels.append(label)
        return labels

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        for label in value:
            if len(label) > COMPETENCE_LABEL_MAX_LENGTH:
                raise forms.ValidationError(
                    _("A competence can be at most %(limit)d characters long: “%(start)s…”."),
                    params={"limit": COMPETENCE_LABEL_MAX_LENGTH, "start": label[:30]},
                )
            if "<" in label or ">" in label:
                raise forms.ValidationError(
                    _("A competence cannot contain the characters < or >: “%(label)s”."),
                    params={"label": label[:60]},
                )
        if len(value) > MAX_COMPETENCES:
            raise forms.ValidationError(
                _("You can list at most %(limit)d competences."), params={"limit": MAX_COMPETENCES}
            )


class ProfileForm(forms.ModelForm):
    competences = CompetenceField(label=_("Competences"), required=False)
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    class Meta:
        model = get_user_model()
        fields = [
            "first_name",
            "last_name",
            "title",
            "municipality",
            "unit",
            "phone",
            "languages",
            "presentation",
            "photo",
        ]
        widgets = {
            "presentation": forms.Textarea(attrs={"rows": 5}),
            "photo": forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }
        help_texts = {
            "languages": _("For example: Swedish, English, Arabic."),
            "presentation": _("What you work with and what colleagues can ask you about."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["municipality"].required = True
        self.fields["unit"].queryset = OrganisationUnit.objects.select_related("municipality")
        self.fields["competences"].initial = [c.label for c in self.instance.competences.all()]
        self.fields["photo"].help_text = _("JPEG, PNG or WebP, at most %(size)s.") % {
            "size": filesizeformat(settings.GENBO_PHOTO_MAX_BYTES)
        }

    # An unclosed bidirectional override in a name, title or presentation reverses the
    # text after it wherever the profile is shown, for example in lists of people.
    def clean_first_name(self) -> str:
        return clean_text_field(self, "first_name")

    def clean_last_name(self) -> str:
        return clean_text_field(self, "last_name")

    def clean_title(self) -> str:
        return clean_text_field(self, "title")

    def clean_presentation(self) -> str:
        return clean_text_field(self, "presentation")

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload or upload == self.instance.photo:
            return upload
        try:
            return read_photo(upload)
        except PhotoError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        cleaned = super().clean()
        unit, municipality = cleaned.get("unit"), cleaned.get("municipality")
        if unit and municipality and unit.municipality_id != municipality.pk:
            self.add_error(
                "unit",
                _("%(unit)s is not part of %(municipality)s.")
                % {"unit": unit.name, "municipality": municipality.name},
            )
        return cleaned
