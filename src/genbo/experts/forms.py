import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from genbo.accounts.forms import CompetenceField
from genbo.core.models import Municipality, OrganisationUnit
from genbo.core.names import clean_display_name
from genbo.experts.models import (
    MAX_EXPECTED_HOURS,
    MIN_EXPECTED_HOURS,
    ExpertOffer,
    Format,
)
from genbo.networks.forms import DateTimeLocalInput, MeetingDateTimeField

MAX_UNAVAILABLE_PERIODS = 20
PERIOD_PATTERN = re.compile(
    r"^\s*(\d{4}-\d{2}-\d{2})\s*(?:[-–—]|till|to)\s*(\d{4}-\d{2}-\d{2})\s*$"
)


def parse_periods(text: str) -> list[tuple[date, date]]:
    """Parse one period per line, written "2026-07-01 – 2026-08-15"; a single date is one day."""
    periods = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = PERIOD_PATTERN.match(line)
        try:
            if match:
                first, last = date.fromisoformat(match[1]), date.fromisoformat(match[2])
            else:
                first = last = date.fromisoformat(line.strip())
        except ValueError:
            raise ValidationError(
                _(
                    "Line %(number)d is not a period. Write it as 2026-07-01 – 2026-08-15, "
                    "or as one date."
                ),
                params={"number": number},
            ) from None
        if last < first:
            raise ValidationError(
                _("On line %(number)d the period ends before it starts."),
                params={"number": number},
            )
        periods.append((first, last))
    if len(periods) > MAX_UNAVAILABLE_PERIODS:
        raise ValidationError(
            _("Give at most %(max)d periods."), params={"max": MAX_UNAVAILABLE_PERIODS}
        )
    return periods


def format_periods(periods) -> str:
    return "\n".join(f"{p.starts_on.isoformat()} – {p.ends_on.isoformat()}" for p in periods)


class OfferForm(forms.ModelForm):
    competences = CompetenceField(label=_("Competences you offer"))
    formats = forms.MultipleChoiceField(
        label=_("Formats"),
        choices=Format.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one format.")},
    )
    unavailable = forms.CharField(
        label=_("Dates when you are not available"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One period per line, for example 2026-07-01 – 2026-08-15."),
    )

    class Meta:
        model = ExpertOffer
        fields = [
            "title",
            "competences",
            "formats",
            "description",
            "languages",
            "online",
            "on_site_municipalities",
            "availability",
            "unavailable",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "on_site_municipalities": forms.CheckboxSelectMultiple,
        }
        labels = {"online": _("I can help online")}
        help_texts = {
            "title": _("For example: Lecture on GDPR in everyday work."),
            "description": _(
                "What you can help with and for whom. You can use Markdown: **bold**, "
                "lists and links."
            ),
            "languages": _("For example: Swedish, English, Arabic."),
            "on_site_municipalities": _("The municipalities where you can come on site."),
            "availability": _("For example: two afternoons a month."),
        }
        error_messages = {
            "title": {"required": _("Give the offer a title.")},
            "description": {"required": _("Describe what you can help with.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault(
                "competences", [c.label for c in self.instance.competences.all()]
            )
            self.initial.setdefault(
                "unavailable", format_periods(self.instance.unavailable_periods.all())
            )
        self.fields["competences"].error_messages["required"] = _(
            "Give at least one competence that you offer."
        )

    def clean_title(self) -> str:
        return clean_display_name(self.cleaned_data["title"])

    def clean_unavailable(self):
        return parse_periods(self.cleaned_data.get("unavailable", ""))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("online") and not cleaned.get("on_site_municipalities"):
            self.add_error(
                "on_site_municipalities",
                _("Choose the municipalities where you can come on site, or tick online."),
            )
        return cleaned


class RequestForm(forms.Form):
    purpose = forms.CharField(
        label=_("What do you need help with?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Describe what you need help with.")},
    )
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)
    proposed_start = MeetingDateTimeField(
        label=_("Starts"),
        widget=DateTimeLocalInput(),
        help_text=_("Swedish time (Europe/Stockholm)."),
        error_messages={"required": _("Give the start.")},
    )
    proposed_end = MeetingDateTimeField(
        label=_("Ends"),
        widget=DateTimeLocalInput(),
        error_messages={"required": _("Give the end.")},
    )
    expected_hours = forms.IntegerField(
        label=_("Expected hours"),
        # A text input takes the portal's input style; the form checks the number.
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("The expert's time in hours, preparation included; from 1 to 200."),
        error_messages={
            "required": _("Give the expected hours."),
            "invalid": _("Give the expected hours as a whole number."),
        },
    )
    requesting_unit = forms.ModelChoiceField(
        label=_("Your unit"),
        queryset=OrganisationUnit.objects.none(),
        required=False,
        empty_label=_("Another unit (write it below)"),
    )
    requesting_unit_text = forms.CharField(
        label=_("Unit, if it is not in the list"), max_length=200, required=False
    )

    def __init__(self, *args, offer: ExpertOffer, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [
            (value, label) for value, label in Format.choices if value in offer.formats
        ]
        if user.municipality_id:
            self.fields["requesting_unit"].queryset = OrganisationUnit.objects.filter(
                municipality_id=user.municipality_id
            ).select_related("municipality")
            self.fields["requesting_unit"].label_from_instance = lambda unit: unit.name
        if user.unit_id:
            self.fields["requesting_unit"].initial = user.unit_id
        for name in ("proposed_start", "proposed_end"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M"]

    def clean_expected_hours(self):
        hours = self.cleaned_data["expected_hours"]
        if not MIN_EXPECTED_HOURS <= hours <= MAX_EXPECTED_HOURS:
            raise ValidationError(
                _("Give the expected hours as a whole number from %(min)d to %(max)d."),
                params={"min": MIN_EXPECTED_HOURS, "max": MAX_EXPECTED_HOURS},
            )
        return hours

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("proposed_start"), cleaned.get("proposed_end")
        if starts and ends and ends <= starts:
            self.add_error("proposed_end", _("The end must come after the start."))
        if (
            not cleaned.get("requesting_unit")
            and not cleaned.get("requesting_unit_text", "").strip()
        ):
            self.add_error("requesting_unit_text", _("Choose your unit or write its name."))
        return cleaned


class ProposeTimeForm(forms.Form):
    counter_start = MeetingDateTimeField(
        label=_("New start"),
        widget=DateTimeLocalInput(),
        help_text=_("Swedish time (Europe/Stockholm)."),
        input_formats=["%Y-%m-%dT%H:%M"],
        error_messages={"required": _("Give the start.")},
    )
    counter_end = MeetingDateTimeField(
        label=_("New end"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M"],
        error_messages={"required": _("Give the end.")},
    )
    note = forms.CharField(
        label=_("Message to the requester"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason, so the others know why.")},
    )


class FeedbackForm(forms.Form):
    feedback = forms.CharField(
        label=_("Your feedback to the expert"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The expert decides whether it is shown on their profile."),
        error_messages={"required": _("Write your feedback.")},
    )


class SearchForm(forms.Form):
    WHERE_CHOICES = [
        ("", _("On site or online")),
        ("on_site", _("On site")),
        ("online", _("Online")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    competence = forms.CharField(label=_("Competence"), required=False, max_length=120)
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("All formats")), *Format.choices]
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("All municipalities"),
        to_field_name="slug",
    )
    where = forms.ChoiceField(label=_("Where"), required=False, choices=WHERE_CHOICES)
    available_now = forms.BooleanField(label=_("Available now"), required=False)
    own_first = forms.BooleanField(label=_("My municipality first"), required=False)
