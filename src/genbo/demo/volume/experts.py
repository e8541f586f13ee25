"""Volume stage: expert offers (Delad expertkunskap) with competences and on-site municipalities."""

from genbo.accounts.models import Competence
from genbo.demo.experts import AVAILABILITY, DESCRIPTIONS, TITLES
from genbo.demo.volume.base import SeedContext, bulk_insert, bulk_insert_quietly
from genbo.experts.models import ExpertOffer, Format


def seed_expert_offers(context: SeedContext) -> int:
    """Create expert offers by distinct employees, each on one competence of the vocabulary."""
    rng = context.rng
    labels = dict(
        Competence.objects.filter(pk__in=context.competence_ids).values_list("pk", "label")
    )
    experts = rng.sample(context.user_ids, min(context.size.expert_offers, len(context.user_ids)))
    plans = []
    for expert_id in experts:
        competence_id = rng.choice(context.competence_ids)
        formats = rng.sample(list(Format), rng.randint(1, 3))
        plans.append((expert_id, competence_id, formats))

    offers = (
        ExpertOffer(
            expert_id=expert_id,
            title=TITLES[formats[0]].format(label=labels[competence_id].lower()),
            formats=[str(item) for item in formats],
            description=rng.choice(DESCRIPTIONS).format(label=labels[competence_id].lower()),
            online=rng.random() < 0.8,
            availability=rng.choice(AVAILABILITY),
            created_at=context.now,
        )
        for expert_id, competence_id, formats in plans
    )
    saved = bulk_insert(context, ExpertOffer, offers, label="expert offers", total=len(plans))
    tags = []
    places = []
    for offer, (_expert, competence_id, _formats) in zip(saved, plans, strict=True):
        tags.append(ExpertOffer.competences.through(expertoffer=offer, competence_id=competence_id))
        for municipality_id in rng.sample(context.municipality_ids, rng.randint(1, 3)):
            places.append(
                ExpertOffer.on_site_municipalities.through(
                    expertoffer=offer, municipality_id=municipality_id
                )
            )
    bulk_insert_quietly(ExpertOffer.competences.through, tags)
    bulk_insert_quietly(ExpertOffer.on_site_municipalities.through, places)
    return len(saved)
