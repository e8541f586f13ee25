"""Demo data for Idébiblioteket: about 60 items of all four kinds, with small generated files.

The files (PDF, CSV, PNG, Markdown) are built in memory and written through Django's
storage API, so they land under the demo's MEDIA_ROOT (or in S3 when it is configured).
"""

import hashlib
import io
import random
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from genbo.accounts.models import Competence, User
from genbo.demo.content import DEMO_EMPLOYEE
from genbo.library.files import KINDS
from genbo.library.models import Comment, FileVersion, Item, ItemFile, Link, UsefulMark
from genbo.networks.models import Membership

FILE_ITEMS = [
    ("Mall för introduktion av nyanställda", "Introduktionsmall", "pdf"),
    ("Checklista inför medarbetarsamtal", "Checklista medarbetarsamtal", "pdf"),
    ("Budgetmall för nätverksträffar", "Budgetmall", "csv"),
    ("Statistik över sjukfrånvaro per kvartal", "Sjukfrånvaro per kvartal", "csv"),
    ("Logotyp för Familjen Helsingborg i liten storlek", "Logotyp", "png"),
    ("Rutin för arkivering av e-post", "Rutin e-postarkivering", "pdf"),
    ("Lathund för Teams-möten", "Lathund Teams", "markdown"),
    ("Mötesanteckningsmall", "Mötesanteckningar", "markdown"),
    ("Kontaktlista för kommunernas växlar", "Växlar", "csv"),
    ("Diagram över antal ärenden 2026", "Ärenden 2026", "png"),
    ("Policy för sociala medier – förslag", "Policy sociala medier", "pdf"),
    ("Upphandlingskalender för året", "Upphandlingskalender", "csv"),
    ("Karta över förvaltningarna", "Förvaltningskarta", "png"),
    ("Guide till klarspråk i beslut", "Klarspråk", "pdf"),
    ("Frågor till exitsamtal", "Exitsamtal", "markdown"),
]
LINK_ITEMS = [
    ("Språkrådets råd om klarspråk", "https://www.isof.se/", "Institutet för språk och folkminnen"),
    (
        "DIGG om tillgänglighet på webben",
        "https://www.digg.se/",
        "Myndigheten för digital förvaltning",
    ),
    ("SKR:s stöd för arbetsgivare", "https://skr.se/", "Sveriges Kommuner och Regioner"),
    ("Upphandlingsmyndighetens vägledningar", "https://www.upphandlingsmyndigheten.se/", ""),
    ("Arbetsmiljöverkets föreskrifter", "https://www.av.se/", "Arbetsmiljöverket"),
    ("Riksarkivets föreskrifter", "https://riksarkivet.se/", "Riksarkivet"),
    ("Kommunernas öppna data", "https://www.dataportal.se/", "Sveriges dataportal"),
    ("MSB om informationssäkerhet", "https://www.msb.se/", ""),
    ("IMY om personuppgifter", "https://www.imy.se/", "Integritetsskyddsmyndigheten"),
    ("Kompetensförsörjning i välfärden", "https://skr.se/", ""),
    ("Jobtech-taxonomin", "https://jobtechdev.se/", "JobTech Development"),
    ("Familjen Helsingborgs webbplats", "https://familjenhelsingborg.se/", ""),
    ("Statistik från SCB", "https://www.scb.se/", "Statistiska centralbyrån"),
    ("Vägledning för webbtillgänglighet", "https://webbriktlinjer.se/", ""),
    ("Handbok i kommunikation vid kris", "https://www.msb.se/", ""),
]
TIPS = [
    (
        "Stå upp på korta möten",
        "Vi har alla avstämningar under 15 minuter stående. De blir kortare.",
    ),
    ("Skriv beslutet först", "Börja tjänsteskrivelsen med förslaget till beslut, sedan skälen."),
    ("Dela kalendern med växeln", "När växeln ser din kalender kan de svara var du är."),
    ("Använd mallar i Teams", "Spara en kanalmall med flikar för dagordning och anteckningar."),
    (
        "Fika över kommungränsen",
        "Bjud in grannkommunens kollegor till en digital fika varje månad.",
    ),
    ("Sätt en slutdag på varje projekt", "Ett projekt utan slutdag blir en verksamhet."),
    ("Bjud in en nyanställd som bisittare", "Det är den snabbaste introduktionen vi har hittat."),
    ("Gör en lathund på en sida", "Det som inte får plats på en sida läser ingen."),
    ("Spela in korta instruktionsfilmer", "Två minuter med skärminspelning sparar många samtal."),
    ("Ha en gemensam ordlista", "Samma ord betyder olika saker i olika förvaltningar."),
    ("Boka lokal i grannkommunen", "Det finns ofta lediga rum, och det blir lättare att ses."),
    ("Mät det som går att påverka", "Välj nyckeltal som nätverket faktiskt kan ändra."),
    ("Fråga forumet först", "Någon i en annan kommun har ofta redan svaret."),
    ("Låna en expert i stället för att köpa", "En föreläsning från en kollega kostar ingenting."),
    ("Avsluta mötet fem minuter tidigt", "Då hinner alla till nästa möte utan att stressa."),
    ("Skriv mötesanteckningar direkt", "Justera dem samma dag medan alla minns."),
    ("Rotera ordförandeskapet", "Alla lär sig att leda, och ingen blir ensam ansvarig."),
    ("Dela misslyckanden också", "Det vi lärt oss av det som inte fungerade är ofta mest värt."),
]
PROJECTS = [
    ("Gemensam introduktion för nyanställda", "Varje kommun gjorde sin egen introduktion."),
    ("Digital signering av avtal", "Avtal skickades med post och tog veckor."),
    ("Samordnad upphandling av skrivare", "Elva kommuner köpte var för sig."),
    ("Klarspråk i biståndsbeslut", "Besluten var svåra att förstå för den enskilde."),
    ("Gemensamt traineeprogram", "Det var svårt att rekrytera ekonomer och ingenjörer."),
    ("Öppna data om lekplatser", "Invånare frågade efter lekplatser i grannkommunerna."),
    ("Chattbot för vanliga HR-frågor", "HR fick samma frågor om och om igen."),
    ("Friskvårdsutmaning mellan kommunerna", "Sjukfrånvaron ökade under vintern."),
    ("Gemensam krisövning", "Kommunerna hade aldrig övat tillsammans."),
    ("Ny rutin för e-arkiv", "Handlingar blev kvar i e-posten."),
    ("Mentorskap över kommungränserna", "Nya chefer saknade någon att fråga."),
    ("Tillgänglighetsgranskning av webbplatserna", "Webbplatserna klarade inte kraven."),
]
COMMENTS = [
    "Tack! Den här använder vi också nu.",
    "Bra idé, vi provar det i vår förvaltning.",
    "Finns det en version på engelska?",
    "Vi gjorde något liknande förra året, hör av dig så berättar jag.",
    "Mycket användbart, sparar oss mycket tid.",
    "Hur lång tid tog det att införa?",
]


def _pdf(title: str) -> bytes:
    """Return a one-page PDF that shows `title`, built by hand with correct xref offsets."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 60 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    output = io.BytesIO()
    output.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = output.tell()
    output.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        output.write(f"{offset:010d} 00000 n \n".encode())
    output.write(
        f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return output.getvalue()


def _csv(rng: random.Random, title: str) -> bytes:
    rows = ["Kommun;Antal;Kommentar"]
    for municipality in ("Bjuv", "Båstad", "Helsingborg", "Höganäs", "Åstorp", "Ängelholm"):
        rows.append(f"{municipality};{rng.randint(3, 250)};{title}")
    return ("\n".join(rows) + "\n").encode()


def _png(rng: random.Random) -> bytes:
    image = Image.new("RGB", (120, 80), (rng.randint(0, 200), rng.randint(60, 200), 180))
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def _markdown(title: str) -> bytes:
    return f"# {title}\n\n1. Förbered\n2. Genomför\n3. Följ upp\n".encode()


def _file_bytes(rng: random.Random, kind: str, title: str) -> bytes:
    if kind == "pdf":
        return _pdf(title)
    if kind == "csv":
        return _csv(rng, title)
    if kind == "png":
        return _png(rng)
    return _markdown(title)


def _version(rng, *, item_file, kind: str, title: str, name: str, by, number: int, at):
    data = _file_bytes(rng, kind, title)
    extension = KINDS[kind].extensions[0]
    storage_name = default_storage.save(
        f"library/{at:%Y}/{at:%m}/{uuid.UUID(int=rng.getrandbits(128)).hex}.{extension}",
        ContentFile(data),
    )
    return FileVersion(
        item_file=item_file,
        number=number,
        original_name=f"{name}.{extension}",
        storage_name=storage_name,
        size=len(data),
        content_type=KINDS[kind].content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
        uploaded_at=at,
    )


def seed_library(rng: random.Random, out: Callable[[str], object]) -> None:
    """Create the items with files, links, comments and useful marks, in bulk."""
    now = timezone.now()
    people = list(User.objects.filter(is_staff=False).select_related("municipality"))
    memberships = list(
        Membership.objects.filter(status=Membership.Status.ACTIVE).select_related(
            "network", "user", "user__municipality"
        )
    )
    employee = next(
        person
        for person in people
        if (person.first_name, person.last_name)
        == (DEMO_EMPLOYEE.first_name, DEMO_EMPLOYEE.last_name)
    )
    competences = list(Competence.objects.order_by("?")[:40]) if people else []

    def author_and_network(index: int):
        if index % 5 == 0 and memberships:
            membership = rng.choice(memberships)
            return membership.user, membership.network
        if index % 7 == 3:
            return employee, None
        return rng.choice(people), None

    plans = (
        [("file", entry) for entry in FILE_ITEMS]
        + [("link", entry) for entry in LINK_ITEMS]
        + [("tip", entry) for entry in TIPS]
        + [("project", entry) for entry in PROJECTS]
    )
    items = []
    for index, (kind, entry) in enumerate(plans):
        author, network = author_and_network(index)
        created_at = now - timedelta(days=rng.randint(1, 240), hours=rng.randint(0, 9))
        item = Item(
            kind=kind,
            title=entry[0],
            author=author,
            network=network,
            municipality=author.municipality,
            created_at=created_at,
        )
        if kind == "tip":
            item.description = entry[1]
        elif kind == "project":
            start = (created_at - timedelta(days=rng.randint(90, 400))).date()
            item.background = entry[1]
            item.what_was_done = "En arbetsgrupp från flera kommuner tog fram ett förslag."
            item.results = "Arbetet sparar tid och har spridits till fler förvaltningar."
            item.contact_person = author
            item.period_start = start
            item.period_end = start + timedelta(days=rng.randint(60, 300))
            item.description = f"**{entry[0]}** – ett samarbete i Familjen Helsingborg."
        else:
            item.description = "Delat för att fler ska kunna använda det."
        items.append(item)
    Item.objects.bulk_create(items)

    tags = []
    involved = []
    item_files = []
    links = []
    for (kind, entry), item in zip(plans, items, strict=True):
        for competence in rng.sample(competences, min(len(competences), rng.randint(1, 3))):
            tags.append(Item.competences.through(item=item, competence=competence))
        if kind in ("file", "project"):
            item_files.append((ItemFile(item=item, created_at=item.created_at), kind, entry))
        if kind == "link":
            links.append(Link(item=item, url=entry[1], title=entry[2], created_at=item.created_at))
        if kind == "project":
            links.append(Link(item=item, url="https://familjenhelsingborg.se/", title=""))
            for municipality_id in {item.municipality_id, rng.choice(people).municipality_id}:
                if municipality_id:
                    involved.append(
                        Item.municipalities_involved.through(
                            item=item, municipality_id=municipality_id
                        )
                    )
    Item.competences.through.objects.bulk_create(tags)
    Item.municipalities_involved.through.objects.bulk_create(involved)
    Link.objects.bulk_create(links)
    ItemFile.objects.bulk_create([item_file for item_file, _kind, _entry in item_files])

    versions = []
    for index, (item_file, kind, entry) in enumerate(item_files):
        file_kind = entry[2] if kind == "file" else "pdf"
        name = entry[1] if kind == "file" else f"Slutrapport {entry[0]}"
        item = item_file.item
        versions.append(
            _version(
                rng,
                item_file=item_file,
                kind=file_kind,
                title=entry[0],
                name=name,
                by=item.author,
                number=1,
                at=item.created_at,
            )
        )
        if index % 4 == 0:
            versions.append(
                _version(
                    rng,
                    item_file=item_file,
                    kind=file_kind,
                    title=entry[0] + " (uppdaterad)",
                    name=name,
                    by=item.author,
                    number=2,
                    at=min(now, item.created_at + timedelta(days=14)),
                )
            )
    FileVersion.objects.bulk_create(versions)

    comments = []
    marks = []
    for item in items:
        item.comment_count = rng.choice((0, 0, 1, 2, 3))
        for _comment in range(item.comment_count):
            comments.append(
                Comment(
                    item=item,
                    author=rng.choice(people),
                    body=rng.choice(COMMENTS),
                    created_at=min(now, item.created_at + timedelta(days=rng.randint(1, 20))),
                )
            )
        fans = {person.pk: person for person in rng.sample(people, rng.randint(0, 9))}
        fans.pop(item.author_id, None)
        marks.extend(UsefulMark(item=item, user=person) for person in fans.values())
        item.useful_count = len(fans)
    Comment.objects.bulk_create(comments)
    UsefulMark.objects.bulk_create(marks)
    Item.objects.bulk_update(items, ["comment_count", "useful_count"])
    out(
        f"Idébiblioteket: {len(items)} items, {len(versions)} file versions, "
        f"{len(comments)} comments."
    )


__all__ = ["seed_library"]
