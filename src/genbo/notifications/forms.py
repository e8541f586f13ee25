from django import forms
from django.utils.translation import gettext_lazy as _

from genbo.notifications.models import Channel, Kind


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
