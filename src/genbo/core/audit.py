from typing import Any

from genbo.core.models import AuditEvent


def audit_record(*, action: str, actor: Any = None, target: object = "", **data: Any) -> AuditEvent:
    """Store one audit event; `action` is a dotted name such as "membership.approve"."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        target=str(target)[:200],
        data=data,
    )
