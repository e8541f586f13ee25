"""factory_boy factories; every option is keyword-only through the factory call."""

from datetime import timedelta

import factory
from django.utils import timezone

from genbo.accounts.models import Competence, User
from genbo.core.models import Municipality
from genbo.networks.models import Meeting, Membership, Network


class MunicipalityFactory(factory.django.DjangoModelFactory):
    """Returns one of the eleven municipalities that the data migration created."""

    class Meta:
        model = Municipality
        django_get_or_create = ["slug"]

    slug = "helsingborg"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@helsingborg.example")
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Andersson{n}")
    title = "Handläggare"
    municipality = factory.SubFactory(MunicipalityFactory)
    password = factory.PostGenerationMethodCall("set_password", "genbo-demo")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CompetenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competence
        django_get_or_create = ["key"]

    label = factory.Sequence(lambda n: f"Kompetens {n}")
    key = factory.LazyAttribute(lambda o: o.label.casefold())


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Nätverk {n}")
    slug = factory.Sequence(lambda n: f"natverk-{n}")
    purpose = "Vi delar erfarenheter mellan kommunerna."
    description = "Vi ses varannan månad."
    access = Network.Access.OPEN


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Träff {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    place = "Stadshuset"
    agenda = "1. Inledning\n2. Erfarenhetsutbyte"


def add_member(
    network: Network, user: User, *, role: str = "member", status: str = "active"
) -> Membership:
    return Membership.objects.create(network=network, user=user, role=role, status=status)


def forum_topic(slug: str = "hr"):
    """Return a topic that the data migration created."""
    from genbo.forum.models import Topic

    return Topic.objects.get(slug=slug)


class ThreadFactory(factory.django.DjangoModelFactory):
    """A thread with its question post, written by `author`."""

    class Meta:
        model = "forum.Thread"
        skip_postgeneration_save = True

    topic = factory.LazyFunction(forum_topic)
    title = factory.Sequence(lambda n: f"Hur gör ni med fråga {n}?")
    author = factory.SubFactory(UserFactory)
    network = None

    @factory.post_generation
    def question(obj, create, extracted, **kwargs):
        if create:
            PostFactory(
                thread=obj, author=obj.author, is_question=True, body=extracted or "Frågan."
            )
            obj.follows.get_or_create(user=obj.author)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "forum.Post"

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Svar nummer {n}.")


class LibraryItemFactory(factory.django.DjangoModelFactory):
    """An Idébiblioteket tip; pass kind= for another kind. Files go through the services."""

    class Meta:
        model = "library.Item"

    kind = "tip"
    title = factory.Sequence(lambda n: f"Tips nummer {n}")
    description = "Så här gjorde vi."
    author = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    network = None


class ExpertOfferFactory(factory.django.DjangoModelFactory):
    """An active expert offer of lectures and advice, online; pass competences=[...]."""

    class Meta:
        model = "experts.ExpertOffer"
        skip_postgeneration_save = True

    expert = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Expertstöd {n}")
    description = "Jag hjälper till med frågor inom mitt område."
    formats = factory.LazyFunction(lambda: ["lecture", "advice"])
    online = True
    is_active = True

    @factory.post_generation
    def competences(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.competences.set(extracted)


class BorrowRequestFactory(factory.django.DjangoModelFactory):
    """A request in the state `state`, stored directly without the services."""

    class Meta:
        model = "experts.BorrowRequest"

    offer = factory.SubFactory(ExpertOfferFactory)
    requester = factory.SubFactory(UserFactory)
    purpose = "Vi behöver en föreläsning för vår arbetsgrupp."
    format = "lecture"
    proposed_start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    proposed_end = factory.LazyAttribute(lambda o: o.proposed_start + timedelta(hours=2))
    expected_hours = 4
    requesting_unit_text = "Enheten för utveckling"
