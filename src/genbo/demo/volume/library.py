"""Volume stage: Idébiblioteket items (links, tips and projects) with their links and tags.

File items are left out: they would need a stored blob per version, and the library list
shows a file item like any other kind.
"""

from datetime import timedelta

from genbo.demo.library import LINK_ITEMS, PROJECTS, TIPS
from genbo.demo.volume.base import SeedContext, bulk_insert, bulk_insert_quietly
from genbo.library.models import Item, Link

NETWORK_ITEM_SHARE = 0.1
ITEMS_PAST_DAYS = 1000


def seed_library(context: SeedContext) -> int:
    """Create the library items, a tenth of them in networks, by members of those networks."""
    rng = context.rng
    kinds = ["link", "tip", "project"]
    authors = {}

    def items():
        for number in range(1, context.size.library_items + 1):
            kind = kinds[number % len(kinds)]
            network_id = None
            if rng.random() < NETWORK_ITEM_SHARE:
                network_id = rng.choice(context.network_ids)
                author = rng.choice(context.network_members[network_id])
            else:
                author = rng.choice(context.user_ids)
            created_at = context.now - timedelta(
                days=rng.randint(1, ITEMS_PAST_DAYS), minutes=rng.randint(0, 1440)
            )
            item = Item(
                kind=kind,
                author_id=author,
                network_id=network_id,
                municipality_id=rng.choice(context.municipality_ids),
                created_at=created_at,
                useful_count=rng.choice((0, 0, 1, 2, 5)),
            )
            if kind == "link":
                title, _url, _publisher = rng.choice(LINK_ITEMS)
                item.description = "Delat för att fler ska kunna använda det."
            elif kind == "tip":
                title, item.description = rng.choice(TIPS)
            else:
                title, item.background = rng.choice(PROJECTS)
                item.contact_person_id = author
                item.period_start = (created_at - timedelta(days=rng.randint(90, 400))).date()
                item.period_end = item.period_start + timedelta(days=rng.randint(60, 300))
                item.description = f"**{title}** – ett samarbete i Familjen Helsingborg."
            item.title = f"{title} ({number})"
            authors[number] = author
            yield item

    saved = bulk_insert(
        context, Item, items(), label="library items", total=context.size.library_items
    )
    links = []
    tags = []
    for item in saved:
        if item.kind == "link":
            _title, url, publisher = rng.choice(LINK_ITEMS)
            links.append(Link(item=item, url=url, title=publisher, created_at=item.created_at))
        for competence_id in rng.sample(context.competence_ids, rng.randint(1, 3)):
            tags.append(Item.competences.through(item=item, competence_id=competence_id))
    bulk_insert(context, Link, links, label="library links", total=len(links), keep=False)
    bulk_insert_quietly(Item.competences.through, tags)
    return len(saved)
