import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from genbo.chat.models import MAX_DIRECT_PEOPLE, MAX_MESSAGE_LENGTH
from genbo.core.names import clean_display_name

MESSAGE_HELP = _(
    "You can use Markdown: **bold**, lists, > quotes and links. "
    "Mention a colleague as @[First Last](user:ID)."
)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        help_text=MESSAGE_HELP,
        max_length=MAX_MESSAGE_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-mention-target": "true"}),
        error_messages={
            "required": _("Write a message before you send it."),
            "max_length": _(
                "The message can be at most %(limit_value)d characters long; it has %(show_value)d."
            ),
        },
    )
    # A new UUID with every form, so that sending the same form twice stores one message.
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class MessageEditForm(forms.Form):
    body = MessageForm.base_fields["body"]


class TopicRoomForm(forms.Form):
    name = forms.CharField(label=_("Name of the room"), max_length=80)
    description = forms.CharField(label=_("What is the room for?"), max_length=300, required=False)

    def clean_name(self) -> str:
        return clean_display_name(self.cleaned_data["name"])


class DirectRoomForm(forms.Form):
    people = forms.CharField(
        label=_("E-mail addresses of the colleagues"),
        help_text=_(
            "Separate the addresses with commas. Type a name to get suggestions with "
            "title and municipality. At most %(limit)d people, you included."
        )
        % {"limit": MAX_DIRECT_PEOPLE},
        max_length=1000,
        widget=forms.TextInput(
            attrs={
                "list": "direct-people-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("chat:people_suggest"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#direct-people-options",
                "hx-swap": "innerHTML",
            }
        ),
    )

    def clean_people(self):
        addresses = []
        for part in self.cleaned_data["people"].replace(";", ",").split(","):
            address = part.strip().lower()
            if address and address not in addresses:
                addresses.append(address)
        if len(addresses) > MAX_DIRECT_PEOPLE:
            raise forms.ValidationError(
                _("A direct conversation can have at most %(limit)d people.")
                % {"limit": MAX_DIRECT_PEOPLE}
            )
        users = list(
            get_user_model().objects.filter(email__in=addresses, is_active=True).order_by("pk")
        )
        found = {user.email.lower() for user in users}
        missing = [address for address in addresses if address not in found]
        if missing:
            raise forms.ValidationError(
                _("No active employee has the address %(addresses)s. Check the spelling.")
                % {"addresses": ", ".join(missing)}
            )
        return users
