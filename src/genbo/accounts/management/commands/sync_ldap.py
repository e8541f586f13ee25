from django.core.management.base import BaseCommand, CommandError
from ldap3.core.exceptions import LDAPException

from genbo.accounts.ldap import LdapSignInError, ldap_sync
from genbo.accounts.models import IdentityProvider


class Command(BaseCommand):
    help = (
        "Read the users of each enabled LDAP provider (or of one municipality) and create, "
        "update and deactivate GENBO accounts to match."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", help="only this municipality's slug, such as bjuv")

    def handle(self, *args, municipality: str | None = None, **options):
        providers = IdentityProvider.objects.filter(
            kind=IdentityProvider.Kind.LDAP, enabled=True
        ).select_related("municipality")
        if municipality:
            providers = providers.filter(municipality__slug=municipality)
        if not providers:
            raise CommandError("No enabled LDAP provider matches; add one in the admin first.")
        failed = []
        for provider in providers:
            try:
                report = ldap_sync(provider=provider)
            except (LdapSignInError, LDAPException) as error:
                failed.append(provider.municipality.slug)
                self.stderr.write(f"{provider.municipality.slug}: sync failed: {error}")
                continue
            self.stdout.write(
                f"{provider.municipality.slug}: {report.created} created, {report.existing} "
                f"existing, {report.disabled} disabled in the directory, {report.removed} "
                f"deactivated because they are gone, {len(report.skipped)} skipped"
            )
            for line in report.skipped:
                self.stdout.write(f"  skipped {line}")
        if failed:
            raise CommandError(f"The sync failed for: {', '.join(failed)}")
