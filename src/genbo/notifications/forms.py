from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from genbo.notifications.models import Channel, Kind, Newsletter


class PreferencesForm(forms.Form):
    """One choice of delivery per kind of notification."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose how you want to be notified.")},
            )


ON_OFF = [
    ("on", pgettext_lazy("e-mail setting", "Yes")),
    ("off", pgettext_lazy("e-mail setting", "No")),
]


class MailPreferenceForm(forms.Form):
    """E-mail about meetings, the newsletter and the language of e-mails.

    A field left out of the request keeps its stored value, so a form that shows only
    some of them changes only those.
    """

    meeting_invitations = forms.ChoiceField(
        label=_("Invitations to my networks' meetings by e-mail, with a calendar file"),
        choices=ON_OFF,
        widget=forms.RadioSelect,
        required=False,
    )
    meeting_reminders = forms.ChoiceField(
        label=_("A reminder the day before a meeting I said yes to"),
        choices=ON_OFF,
        widget=forms.RadioSelect,
        required=False,
    )
    newsletter = forms.ChoiceField(
        label=_("The weekly newsletter"),
        choices=Newsletter.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language of e-mails"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        required=False,
    )

    def changes(self) -> dict:
        """Return the submitted values as model field values, without the missing ones."""
        values = {}
        for name, value in self.cleaned_data.items():
            if value == "":
                continue
            if name in ("meeting_invitations", "meeting_reminders"):
                value = value == "on"
            values[name] = value
        return values


def mail_initial(preference) -> dict:
    return {
        "meeting_invitations": "on" if preference.meeting_invitations else "off",
        "meeting_reminders": "on" if preference.meeting_reminders else "off",
        "newsletter": preference.newsletter,
        "language": preference.language,
    }
