import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from genbo.accounts.forms import CompetenceField
from genbo.core.models import Municipality
from genbo.core.names import clean_display_name, clean_text_field
from genbo.networks.models import Meeting, Membership, Network

DATETIME_INPUT_FORMAT = "%Y-%m-%dT%H:%M"
# Addresses under /networks/ that belong to pages, not to a network.
RESERVED_SLUGS = {"new"}
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_RULE = _(
    "Use only the letters a–z without å, ä or ö, digits and single hyphens, "
    "for example “hr-natverket”."
)


# Meetings outside these years are typing mistakes; the bounds also keep time zone
# arithmetic far from the limits of datetime.
EARLIEST_MEETING_YEAR = 2000
LATEST_MEETING_YEAR = 2100


class MeetingDateTimeField(forms.DateTimeField):
    """A local date and time (Europe/Stockholm) in the format of <input type="datetime-local">."""

    def to_python(self, value):
        try:
            moment = super().to_python(value)
        except ValidationError as error:
            if error.code == "ambiguous_timezone":
                raise ValidationError(
                    _(
                        "That time does not exist or occurs twice when the clocks change "
                        "for summer or winter time. Choose a time an hour earlier or later."
                    ),
                    code="ambiguous_timezone",
                ) from None
            raise
        except OverflowError:
            moment = None
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if moment and not EARLIEST_MEETING_YEAR <= moment.year <= LATEST_MEETING_YEAR:
            raise ValidationError(
                _("Choose a date between the years %(first)d and %(last)d."),
                params={"first": EARLIEST_MEETING_YEAR, "last": LATEST_MEETING_YEAR},
                code="out_of_range",
            )
        return moment


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_INPUT_FORMAT, **kwargs)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("All municipalities"),
        to_field_name="slug",
    )
    competence = forms.CharField(label=_("Competence"), required=False, max_length=120)
    access = forms.ChoiceField(
        label=_("Access"),
        required=False,
        choices=[("", _("Open and closed")), *Network.Access.choices],
    )


class NetworkForm(forms.ModelForm):
    competences = CompetenceField(label=_("Competences"), required=False)

    class Meta:
        model = Network
        fields = [
            "name",
            "slug",
            "purpose",
            "description",
            "access",
            "municipalities",
            "contact_email",
            "meeting_rhythm",
        ]
        widgets = {
            "purpose": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 8}),
            "municipalities": forms.CheckboxSelectMultiple(),
        }
        help_texts = {"description": _("You can use Markdown: **bold**, lists and links.")}
        error_messages = {"slug": {"invalid": SLUG_RULE}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "Lower-case letters a–z, digits and hyphens. Leave it empty and GENBO makes one "
            "from the name."
        )
        if self.instance.pk:
            self.fields["competences"].initial = self.instance.competences.all()

    def clean_name(self) -> str:
        name = clean_display_name(self.cleaned_data["name"])
        clash = Network.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("There is already a network called “%(name)s”. Choose another name."),
                params={"name": name},
            )
        return name

    # An unclosed bidirectional override reverses the text after it on the page.
    def clean_purpose(self) -> str:
        return clean_text_field(self, "purpose")

    def clean_description(self) -> str:
        return clean_text_field(self, "description")

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if not slug:
            return slug
        if not SLUG_PATTERN.fullmatch(slug):
            raise forms.ValidationError(SLUG_RULE)
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                _("The address “%(slug)s” is reserved. Choose another one."), params={"slug": slug}
            )
        clash = Network.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("Another network already uses the address “%(slug)s”. Choose another one."),
                params={"slug": slug},
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name") and "slug" not in self.errors:
            cleaned["slug"] = self._free_slug(slugify(cleaned["name"])[:70] or "natverk")
        return cleaned

    def _free_slug(self, base: str) -> str:
        taken = (
            set(
                Network.objects.filter(slug__startswith=base)
                .exclude(pk=self.instance.pk)
                .values_list("slug", flat=True)
            )
            | RESERVED_SLUGS
        )
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug


class MeetingForm(forms.ModelForm):
    online_url = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["https", "http"])],
        help_text=_("For example a Teams link. Leave it empty for a meeting on site only."),
    )

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "place", "online_url", "agenda", "minutes"]
        field_classes = {"starts_at": MeetingDateTimeField, "ends_at": MeetingDateTimeField}
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "agenda": forms.Textarea(attrs={"rows": 8}),
            "minutes": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {
            "starts_at": _("Swedish time (Europe/Stockholm)."),
            "agenda": _("You can use Markdown: **bold**, lists and links."),
            "minutes": _("A draft until a convener approves it; then it is locked."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [DATETIME_INPUT_FORMAT]
        if self.instance.pk is None:
            del self.fields["minutes"]
        elif self.instance.minutes_locked:
            self.fields["minutes"].disabled = True

    def clean_title(self) -> str:
        return clean_display_name(self.cleaned_data["title"])

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if starts_at and self.instance.pk is None and starts_at < timezone.now():
            self.add_error("starts_at", _("A new meeting cannot start in the past."))
        return cleaned


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the employee"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        try:
            return get_user_model().objects.get(email=email, is_active=True)
        except get_user_model().DoesNotExist:
            raise forms.ValidationError(
                _("No employee in GENBO has the address %(email)s."), params={"email": email}
            ) from None


class AddendumForm(forms.Form):
    text = forms.CharField(
        label=_("Addendum"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
