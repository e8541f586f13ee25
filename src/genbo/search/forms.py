from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from genbo.accounts.models import Competence
from genbo.core.models import Municipality
from genbo.networks.models import Network
from genbo.search.models import Kind
from genbo.search.selectors import Filters

# Dates outside these years would overflow when they become the start or end of a day
# in Stockholm time (year 1 and year 9999), and no content is dated there.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)

FILTER_FIELDS = ("kind", "municipality", "competence", "network", "date_from", "date_to")


def _date_in_range(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Choose a date from %(first)s to %(last)s. This date was not used in the search."),
            params={"first": EARLIEST_DATE.isoformat(), "last": LATEST_DATE.isoformat()},
        )


class SearchForm(forms.Form):
    """The query and filters of the search page, read from the address.

    An invalid filter is dropped with an error next to it, and the search runs with the
    other filters. `unused_filters` names the dropped ones, so the page can show that the
    hits are not limited by them. The query has no length limit here, because the search
    reads only its start.
    """

    q = forms.CharField(label=_("Search for"), required=False, strip=True)
    kind = forms.MultipleChoiceField(
        label=pgettext_lazy("search filter", "Show"), required=False, choices=Kind.choices
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        to_field_name="slug",
        error_messages={
            "invalid_choice": _("That municipality does not exist, so it was not used.")
        },
    )
    competence = forms.ModelChoiceField(
        label=_("Competence"),
        queryset=Competence.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("That competence does not exist, so it was not used.")},
    )
    network = forms.ModelChoiceField(
        label=_("Network"),
        queryset=Network.objects.all(),
        required=False,
        to_field_name="slug",
        error_messages={"invalid_choice": _("That network does not exist, so it was not used.")},
    )
    date_from = forms.DateField(
        label=_("From date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": _("Write the date as 2026-03-31. This date was not used in the search.")
        },
        validators=[_date_in_range],
    )
    date_to = forms.DateField(
        label=_("To date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": _("Write the date as 2026-03-31. This date was not used in the search.")
        },
        validators=[_date_in_range],
    )
    # A page past the last one shows the last one (at most MAX_PAGE), so it has no maximum.
    page = forms.IntegerField(required=False, min_value=1)

    def clean_kind(self) -> list[str]:
        return list(dict.fromkeys(self.cleaned_data["kind"]))

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.add_error(
                "date_to",
                ValidationError(_("The end date is before the start date, so it was not used.")),
            )
        return cleaned

    def unused_filters(self) -> list[str]:
        """Return the labels of the filters that were dropped because of an error."""
        return [str(field.label) for field in self if field.name in FILTER_FIELDS and field.errors]

    def filters(self) -> Filters:
        data = getattr(self, "cleaned_data", {})
        return Filters(
            kinds=data.get("kind") or [],
            municipality=data.get("municipality"),
            competence=data.get("competence"),
            network=data.get("network"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to") if "date_to" in data else None,
        )
