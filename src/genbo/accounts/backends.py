"""Sign-in backends: local passwords (demo and break-glass) and directory sign-ins."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from genbo.core.prepared import PreparedQuery

logger = logging.getLogger(__name__)


def is_break_glass(user) -> bool:
    """Tell whether `user` is a superuser named in GENBO_BREAK_GLASS_EMAILS."""
    return user.is_superuser and user.email in settings.GENBO_BREAK_GLASS_EMAILS


def _user_by_id(user_id: int):
    return get_user_model()._default_manager.filter(pk=user_id)[:1]


# Every signed-in request looks up its user: compiled once per process.
_session_user = PreparedQuery(_user_by_id, "user_id")


class SessionUserBackend(ModelBackend):
    """ModelBackend, with the user of each request found by a query compiled in advance."""

    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _session_user.first(user_id=pk)
        return user if user is not None and self.user_can_authenticate(user) else None


class LocalAccountBackend(SessionUserBackend):
    """E-mail and password. With GENBO_LOCAL_SIGN_IN off, only break-glass accounts pass."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            return None
        if settings.GENBO_LOCAL_SIGN_IN or is_break_glass(user):
            return user
        logger.warning("Local sign-in rejected for user %s because it is switched off", user.pk)
        return None


class DirectoryBackend(SessionUserBackend):
    """Signs in the user of an IdentityLink that an OpenID Connect, SAML or LDAP check proved.

    The protocol checks happen before `authenticate` is called; this backend only
    refuses inactive accounts and lets sessions find their user again.
    """

    def authenticate(self, request, identity_link=None, **kwargs):
        if identity_link is None:
            return None
        user = identity_link.user
        return user if self.user_can_authenticate(user) else None
