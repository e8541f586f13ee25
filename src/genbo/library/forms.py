from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from genbo.accounts.forms import CompetenceField
from genbo.core.models import Municipality
from genbo.core.names import clean_display_name
from genbo.library import services
from genbo.library.models import COMMENT_MAX_LENGTH, TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Item
from genbo.library.selectors import Order

MARKDOWN_HELP = _("You can use Markdown: **bold**, lists, > quotes and links.")


def _limit_error(label):
    return {
        "max_length": _(
            "The text can be at most %(limit_value)d characters long; it has %(show_value)d."
        ),
        "required": label,
    }


class UploadField(forms.FileField):
    """The file field; the checks of name, size and content are in library.files."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("File"))
        kwargs.setdefault(
            "help_text",
            _(
                "PDF, Word, Excel, PowerPoint, OpenDocument, images (PNG, JPEG, GIF, WebP), "
                "ZIP or plain text such as CSV."
            ),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choose a file to upload."),
                "empty": _("The file is empty."),
                "invalid": _("No file was received. Choose the file again."),
            },
        )
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)


class ItemForm(forms.Form):
    """The fields every kind of item has; the kind-specific forms below add their own."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages=_limit_error(_("Write a title.")),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP,
        error_messages=_limit_error(_("Write a description.")),
    )
    competences = CompetenceField(label=_("Competence tags"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("No municipality"),
    )
    network = forms.ModelChoiceField(
        label=_("Share in a network"),
        queryset=None,
        required=False,
        empty_label=_("No network – everyone can see it"),
        help_text=_("An item shared in a closed network is shown only to its members."),
    )

    kind = None

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks

    def clean_title(self):
        return clean_display_name(self.cleaned_data["title"])


class FileItemForm(ItemForm):
    kind = Item.Kind.FILE
    upload = UploadField()


class LinkItemForm(ItemForm):
    kind = Item.Kind.LINK
    url = forms.CharField(
        label=_("Web address"),
        max_length=2000,
        help_text=_("Starts with https://. GENBO does not visit the address."),
        error_messages={"required": _("Write the web address.")},
    )
    link_title = forms.CharField(
        label=_("Link text"),
        required=False,
        max_length=TITLE_MAX_LENGTH,
        help_text=_("What the link is called on the page. Leave empty to show the address."),
    )

    def clean_url(self):
        try:
            return services.clean_url(self.cleaned_data["url"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class TipForm(ItemForm):
    kind = Item.Kind.TIP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        description = self.fields["description"]
        description.required = True
        description.label = _("The tip")
        description.error_messages["required"] = _("Write the tip.")


class ProjectForm(ItemForm):
    kind = Item.Kind.PROJECT
    background = forms.CharField(
        label=_("Background"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
    )
    what_was_done = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    results = forms.CharField(
        label=_("Results"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contact_email = forms.EmailField(
        label=_("Contact person's e-mail address"),
        required=False,
        help_text=_(
            "The colleague to ask about the project. Leave empty to be the contact yourself."
        ),
        error_messages={"invalid": _("Write a valid e-mail address.")},
    )
    municipalities_involved = forms.ModelMultipleChoiceField(
        label=_("Municipalities involved"),
        queryset=Municipality.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    period_start = forms.DateField(
        label=_("Started"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Write a date such as 2026-03-01.")},
    )
    period_end = forms.DateField(
        label=_("Ended"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Write a date such as 2026-03-01.")},
    )

    def clean_contact_email(self):
        email = (self.cleaned_data.get("contact_email") or "").strip().lower()
        if not email:
            return None
        person = get_user_model().objects.filter(email=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(
                _("No employee has the address %(email)s in GENBO.") % {"email": email}
            )
        return person

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its start."))
        return data


class ProjectCreateForm(ProjectForm):
    url = forms.CharField(
        label=_("Web address (optional)"),
        required=False,
        max_length=2000,
        help_text=_("A page about the project. Starts with https://."),
    )
    upload = UploadField(label=_("File (optional)"), required=False)

    def clean_url(self):
        url = self.cleaned_data.get("url", "")
        if not url:
            return ""
        try:
            return services.clean_url(url)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


CREATE_FORMS = {
    Item.Kind.FILE: FileItemForm,
    Item.Kind.LINK: LinkItemForm,
    Item.Kind.TIP: TipForm,
    Item.Kind.PROJECT: ProjectCreateForm,
}
EDIT_FORMS = {
    Item.Kind.FILE: ItemForm,
    Item.Kind.LINK: ItemForm,
    Item.Kind.TIP: TipForm,
    Item.Kind.PROJECT: ProjectForm,
}


class UploadForm(forms.Form):
    upload = UploadField()


class LinkForm(forms.Form):
    url = LinkItemForm.base_fields["url"]
    link_title = LinkItemForm.base_fields["link_title"]

    clean_url = LinkItemForm.clean_url


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_limit_error(_("Write something in the comment.")),
    )


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds"))] + list(Item.Kind.choices),
    )
    competence = forms.CharField(label=_("Competence"), required=False, max_length=120)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All municipalities"),
    )
    network = forms.ModelChoiceField(
        label=_("Network"),
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label=_("All networks"),
    )
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[(Order.NEWEST, _("Newest first")), (Order.USEFUL, _("Most useful first"))],
    )

    def __init__(self, *args, networks, offered_networks, **kwargs):
        """Accept any of `networks`, but list only `offered_networks` and the chosen one.

        With a thousand networks, a list of every open network would be too long to use
        and would grow the page with the data; an employee filters by the networks they
        belong to, and a link with ?network=<slug> still filters by any other.
        """
        super().__init__(*args, **kwargs)
        field = self.fields["network"]
        field.queryset = networks
        offered = [(network.slug, network.name) for network in offered_networks]
        chosen = self.data.get("network", "") if self.is_bound else ""
        if chosen and chosen not in {slug for slug, _name in offered}:
            network = networks.filter(slug=chosen).first()
            if network is not None:
                offered.append((network.slug, network.name))
        field.widget.choices = [("", field.empty_label), *offered]
