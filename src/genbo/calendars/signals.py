"""Expire cached calendar feeds when what they show changes."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from genbo.calendars.feeds import bump_version
from genbo.experts.models import BorrowRequest
from genbo.networks.models import Meeting, Network


@receiver([post_save, post_delete], sender=Meeting)
def meeting_changed(sender, instance: Meeting, **kwargs) -> None:
    transaction.on_commit(lambda: bump_version("network", instance.network_id))


@receiver(post_save, sender=Network)
def network_changed(sender, instance: Network, **kwargs) -> None:
    # The network's name is part of every event's summary.
    transaction.on_commit(lambda: bump_version("network", instance.pk))


@receiver([post_save, post_delete], sender=BorrowRequest)
def borrow_request_changed(sender, instance: BorrowRequest, **kwargs) -> None:
    expert_id = instance.offer.expert_id
    requester_id = instance.requester_id

    def bump() -> None:
        bump_version("user", requester_id)
        bump_version("user", expert_id)

    transaction.on_commit(bump)
