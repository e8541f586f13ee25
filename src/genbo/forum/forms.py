import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from genbo.accounts.forms import CompetenceField
from genbo.core.names import clean_display_name
from genbo.forum.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Topic

MARKDOWN_HELP = _(
    "You can use Markdown: **bold**, lists, > quotes and links. To mention a colleague, "
    "search for the name under the field."
)


class BodyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Text"))
        kwargs.setdefault("help_text", MARKDOWN_HELP)
        kwargs.setdefault(
            "widget",
            forms.Textarea(attrs={"rows": 8, "data-mention-target": "true"}),
        )
        super().__init__(
            max_length=BODY_MAX_LENGTH,
            strip=False,
            error_messages={
                "required": _("Write something in the text field."),
                "max_length": _(
                    "The text can be at most %(limit_value)d characters long; "
                    "it has %(show_value)d."
                ),
            },
            **kwargs,
        )

    def validate(self, value):
        # A text of only spaces and line breaks counts as empty.
        super().validate(value.strip() if value else value)


class TokenField(forms.UUIDField):
    """A token drawn when the form is shown, so that a second submit of it changes nothing."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, required=False, **kwargs)


def new_token_initial() -> dict:
    return {"token": uuid.uuid4()}


class TitleField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=pgettext_lazy("thread", "Title"),
            max_length=TITLE_MAX_LENGTH,
            help_text=_("Ask the question in one sentence, for example “How do you plan …?”"),
            error_messages={
                "required": _("Write a title."),
                "max_length": _(
                    "The title can be at most %(limit_value)d characters long; "
                    "it has %(show_value)d."
                ),
            },
            **kwargs,
        )

    def clean(self, value):
        return clean_display_name(super().clean(value) or "")


class ThreadForm(forms.Form):
    title = TitleField()
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        empty_label=_("Choose a topic"),
        error_messages={"required": _("Choose a topic.")},
    )
    competences = CompetenceField(label=_("Competence tags"), required=False)
    body = BodyField(label=_("Your question"))
    token = TokenField()


class ReplyForm(forms.Form):
    body = BodyField(label=_("Your reply"))
    token = TokenField()


class PostEditForm(forms.Form):
    title = TitleField()
    body = BodyField()

    def __init__(self, *args, with_title: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_title:
            del self.fields["title"]
