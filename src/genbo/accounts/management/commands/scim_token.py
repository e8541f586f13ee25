from django.core.management.base import BaseCommand, CommandError

from genbo.accounts.models import ScimToken
from genbo.core.audit import audit_record
from genbo.core.models import Municipality


class Command(BaseCommand):
    help = (
        "Issue a SCIM bearer token for one municipality and print it once. Only its hash is "
        "stored, so a lost token is revoked in the admin and a new one issued."
    )

    def add_arguments(self, parser):
        parser.add_argument("municipality", help="the municipality's slug, such as bjuv")
        parser.add_argument("--label", default="", help="a note on where the token is used")

    def handle(self, *args, municipality: str, label: str, **options):
        try:
            place = Municipality.objects.get(slug=municipality)
        except Municipality.DoesNotExist:
            slugs = ", ".join(Municipality.objects.values_list("slug", flat=True))
            raise CommandError(f"No municipality {municipality!r}; use one of: {slugs}") from None
        row, token = ScimToken.issue(municipality=place, label=label)
        audit_record(action="scim_token.issue", target=row, municipality=place.slug)
        self.stdout.write(token)
