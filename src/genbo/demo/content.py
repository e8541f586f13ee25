"""Swedish demo content: names, organisation, networks and meeting texts for the seeder."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from genbo.networks.models import Membership

DEMO_PASSWORD = "genbo-demo"
TAXONOMY_FILE_NAME = "jobtech-taxonomy-sv.json"
STOCKHOLM = ZoneInfo("Europe/Stockholm")

# Helsingborg is by far the largest of the eleven municipalities. The counts add up to 300.
EMPLOYEES_PER_MUNICIPALITY = {
    "helsingborg": 80,
    "landskrona": 30,
    "angelholm": 28,
    "hoganas": 24,
    "bjuv": 20,
    "bastad": 20,
    "klippan": 20,
    "svalov": 20,
    "astorp": 20,
    "orkelljunga": 19,
    "perstorp": 19,
}
DEFAULT_EMPLOYEE_COUNT = 20

# Telephone area codes (riktnummer) of the municipalities.
# NOTE: the subscriber numbers after the area code are random and may belong to real
# subscribers. The range that PTS reserved for fiction in 2020 (070-174 06 05 to
# 070-174 06 99) has too few numbers for 300 people.
AREA_CODES = {
    "helsingborg": "042",
    "hoganas": "042",
    "bjuv": "042",
    "astorp": "042",
    "landskrona": "0418",
    "svalov": "0418",
    "angelholm": "0431",
    "bastad": "0431",
    "klippan": "0435",
    "perstorp": "0435",
    "orkelljunga": "0435",
}

TOWN_HALLS = {"helsingborg": "Stadshuset", "landskrona": "Stadshuset"}
DEFAULT_TOWN_HALL = "Kommunhuset"
MEETING_ROOMS = [
    "sal 3",
    "sammanträdesrum 2",
    "konferensrum Kullen",
    "konferensrum Öresund",
    "rum Ven",
    "lilla salen",
]

FEMALE_FIRST_NAMES = [
    "Anna", "Eva", "Maria", "Karin", "Sara", "Emma", "Kristina", "Lena", "Elin", "Johanna",
    "Linnéa", "Malin", "Ida", "Camilla", "Sofia", "Helena", "Jenny", "Therese", "Cecilia",
    "Hanna", "Frida", "Louise", "Maja", "Ebba", "Amira", "Fatima", "Leila", "Yasmin", "Ingrid",
    "Ulrika", "Petra",
]  # fmt: skip
MALE_FIRST_NAMES = [
    "Johan", "Erik", "Lars", "Anders", "Per", "Karl", "Mikael", "Magnus", "Fredrik", "Daniel",
    "Henrik", "Niklas", "Jonas", "Mattias", "Andreas", "Martin", "Oskar", "Viktor", "Emil",
    "Gustav", "Patrik", "Stefan", "Tobias", "Sebastian", "Ahmad", "Omar", "Mehmet", "Dragan",
    "Kristoffer", "Björn", "Göran",
]  # fmt: skip
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jönsson", "Hansson", "Bengtsson",
    "Lindberg", "Magnusson", "Olofsson", "Lindström", "Lindqvist", "Lindgren", "Axelsson",
    "Bergström", "Lundberg", "Lundgren", "Mattsson", "Berglund", "Fredriksson", "Sandberg",
    "Forsberg", "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Håkansson", "Björk",
    "Bergman", "Holm", "Samuelsson", "Fransson", "Bergqvist", "Nyström", "Holmberg",
    "Arvidsson", "Löfgren", "Söderberg", "Nyberg", "Blomqvist", "Mårtensson", "Månsson",
    "Ohlsson", "Ekdahl", "Nordin", "Sjögren", "Ali", "Hassan", "Yilmaz", "Kovacevic", "Nguyen",
    "Ibrahim",
]  # fmt: skip
EXTRA_LANGUAGES = [
    "danska", "tyska", "arabiska", "persiska", "bosniska", "finska", "spanska", "franska",
    "polska", "somaliska", "turkiska",
]  # fmt: skip

# Competences that fit almost any municipal job.
GENERAL_COMPETENCES = [
    "Projektledning",
    "Verksamhetsutveckling",
    "Ledarskap",
    "Mötesledning",
    "Processledning",
    "Förändringsledning",
    "Klarspråk",
    "Omvärldsbevakning",
    "Presentationsteknik",
]
MANAGER_TITLE = "Enhetschef"
MANAGER_SHARE = 0.08
# Relative weight of a unit of this area when the unit of a new employee is drawn. Areas
# that are not listed have weight 1, and the secretariat is small.
UNIT_WEIGHTS = {"sekretariat": 0.3}


@dataclass(frozen=True)
class Area:
    """A field of work: the titles and competences of the people whose unit belongs to it.

    `taxonomy_titles` and `taxonomy_skills` are JobTech Taxonomy labels that are used only
    when the taxonomy file is imported, and only if the file contains them.
    """

    titles: tuple[str, ...]
    competences: tuple[str, ...]
    taxonomy_titles: tuple[str, ...] = ()
    taxonomy_skills: tuple[str, ...] = ()


AREAS = {
    "hr": Area(
        titles=("HR-specialist", "HR-konsult", "HR-chef", "Löneadministratör", "Rekryterare"),
        competences=(
            "Arbetsrätt",
            "Rekrytering",
            "Lönehantering",
            "Kompetensförsörjning",
            "Systematiskt arbetsmiljöarbete",
            "Personaladministration",
            "Förhandling",
        ),
        taxonomy_titles=("Personalsekreterare", "Arbetsmiljöingenjör"),
        taxonomy_skills=(
            "Löneadministration",
            "Rekryteringsvana",
            "Kollektivavtal",
            "Personalutveckling",
            "Arbetsmiljörätt",
            "Rehabilitering, personalarbete",
        ),
    ),
    "ekonomi": Area(
        titles=("Ekonom", "Controller", "Redovisningsekonom", "Ekonomichef", "Ekonomiassistent"),
        competences=("Budgetering", "Redovisning", "Ekonomistyrning", "Internkontroll", "Excel"),
        taxonomy_titles=("Budgetsekreterare",),
        taxonomy_skills=(
            "Budgetuppföljning",
            "Ekonomisk analys",
            "Förvaltningsekonomi",
            "Ekonomisk rapportering",
        ),
    ),
    "kommunikation": Area(
        titles=("Kommunikatör", "Kommunikationschef", "Webbredaktör", "Grafisk formgivare"),
        competences=(
            "Kommunikationsstrategi",
            "Sociala medier",
            "Kriskommunikation",
            "Pressarbete",
            "Textredigering",
            "Fotografering",
        ),
        taxonomy_titles=("Kommunikationsstrateg", "Pressekreterare"),
        taxonomy_skills=(
            "Pressmeddelanden",
            "Publicering, webben och sociala medier",
            "Webbredigering",
            "Videoredigering",
            "Språkgranskning",
        ),
    ),
    "it": Area(
        titles=("Systemförvaltare", "IT-tekniker", "Webbutvecklare", "IT-chef", "Systemutvecklare"),
        competences=(
            "Webbutveckling",
            "Informationssäkerhet",
            "Systemförvaltning",
            "Webbtillgänglighet",
            "Användbarhet",
            "Molntjänster",
            "Riskanalys",
        ),
        taxonomy_titles=("IT-strateg", "IT-samordnare"),
        taxonomy_skills=(
            "Agila arbetsmetoder",
            "SQL, programmeringsspråk",
            "Python, programmeringsspråk",
            "Systemutredning",
            "Säkerhetsanalys, datasäkerhet",
            "Sitevision, publicerings- och portalverktyg",
        ),
    ),
    "upphandling": Area(
        titles=("Upphandlare", "Inköpare", "Upphandlingschef", "Avtalscontroller"),
        competences=(
            "Offentlig upphandling",
            "Avtalsuppföljning",
            "Avtalsrätt",
            "Hållbar upphandling",
        ),
        taxonomy_skills=(
            "Upphandlingsbestämmelser",
            "Teknisk upphandling",
            "Avtals- och kontraktsutformning",
            "Kommunala avtal",
        ),
    ),
    "kansli": Area(
        titles=("Nämndsekreterare", "Registrator", "Arkivarie", "Kommunjurist", "Dataskyddsombud"),
        competences=(
            "Diarieföring",
            "Arkivvetenskap",
            "Förvaltningsrätt",
            "Dataskydd (GDPR)",
            "Informationsförvaltning",
            "Kommunal förvaltning",
        ),
        taxonomy_titles=("Kommunsekreterare", "Kanslichef"),
        taxonomy_skills=("Diarieföringsvana", "Förvaltningslagen", "Arkivkunskap", "Kommunalrätt"),
    ),
    "digitalisering": Area(
        titles=(
            "Digitaliseringsstrateg",
            "Verksamhetsutvecklare",
            "Projektledare",
            "Tjänstedesigner",
        ),
        competences=(
            "Digitalisering",
            "Tjänstedesign",
            "Processkartläggning",
            "Artificiell intelligens (AI)",
        ),
        taxonomy_skills=(
            "Lean/Ständiga förbättringar",
            "Processanalys",
            "Verksamhetsanalys",
            "Interaktionsdesign",
            "Projektledning, IT",
        ),
    ),
    "social": Area(
        titles=("Socialsekreterare", "Familjebehandlare", "Handläggare för ekonomiskt bistånd"),
        competences=(
            "Socialt arbete",
            "Motiverande samtal",
            "Barnkonventionen",
            "Utredningsmetodik",
        ),
        taxonomy_titles=("Familjehemssekreterare", "LSS-handläggare", "Integrationshandläggare"),
        taxonomy_skills=(
            "Social dokumentation",
            "Socialrätt",
            "Vårdnadsutredningar",
            "Samtalsmetodik",
        ),
    ),
    "omsorg": Area(
        titles=(
            "Undersköterska",
            "Sjuksköterska",
            "Biståndshandläggare",
            "Arbetsterapeut",
            "Fysioterapeut",
        ),
        competences=("Äldreomsorg", "Demensvård", "Välfärdsteknik", "Palliativ vård"),
        taxonomy_titles=("Vårdbiträde",),
        taxonomy_skills=("Områdesansvar, äldreomsorg", "Kvalitetsutveckling, omsorg"),
    ),
    "skola": Area(
        titles=(
            "Förskollärare",
            "Barnskötare",
            "Rektor",
            "Specialpedagog",
            "Kurator",
            "Skolsköterska",
            "Grundskollärare",
        ),
        competences=("Förskolepedagogik", "Specialpedagogik", "Barnkonventionen", "Elevhälsa"),
        taxonomy_titles=("Studie- och yrkesvägledare",),
        taxonomy_skills=(
            "Förskollärarlegitimation",
            "Pedagogiska utredningar",
            "Pedagogiskt ledarskap",
            "Barn med särskilda behov",
        ),
    ),
    "plan": Area(
        titles=(
            "Planarkitekt",
            "Bygglovshandläggare",
            "GIS-ingenjör",
            "GIS-samordnare",
            "Samhällsplanerare",
        ),
        competences=("GIS", "Geodata", "Stadsplanering", "Plan- och bygglagen", "Bygglov"),
        taxonomy_titles=("Geodatasamordnare", "Landskapsarkitekt"),
        taxonomy_skills=(
            "GIS (Geografiskt informationssystem)",
            "Detaljplanering",
            "Fysisk planläggning",
            "Digital kartteknik",
        ),
    ),
    "miljo": Area(
        titles=(
            "Miljöinspektör",
            "Miljöstrateg",
            "Hållbarhetsstrateg",
            "Folkhälsostrateg",
            "Folkhälsosamordnare",
        ),
        competences=("Hållbar utveckling", "Agenda 2030", "Klimatanpassning", "Folkhälsa"),
        taxonomy_titles=("Miljö- och klimatstrateg", "Miljöhandläggare", "Energirådgivare"),
        taxonomy_skills=("Social hållbarhet", "Miljöfrågor", "Miljörätt"),
    ),
    "kultur": Area(
        titles=("Kulturstrateg", "Evenemangssamordnare", "Fritidsledare", "Kulturchef"),
        competences=("Evenemangsplanering", "Kulturarv", "Föreningsstöd"),
        taxonomy_titles=("Kultursekreterare",),
        taxonomy_skills=("Kulturmiljövård",),
    ),
    "bibliotek": Area(
        titles=("Bibliotekarie", "Biblioteksassistent", "Bibliotekschef"),
        competences=("Läsfrämjande arbete", "Informationssökning", "Evenemangsplanering"),
        taxonomy_skills=("Arkiv- och biblioteksverksamhet",),
    ),
    "naringsliv": Area(
        titles=("Näringslivsutvecklare", "Näringslivschef", "Företagslots"),
        competences=("Näringslivsutveckling", "Företagsservice", "Etableringsfrågor"),
        taxonomy_skills=("Näringslivsfrågor",),
    ),
    "sekretariat": Area(
        titles=("Nätverkssamordnare", "Utvecklingsledare", "Regional samordnare"),
        competences=("Regional samverkan", "Nätverksledning"),
    ),
}


@dataclass(frozen=True)
class Administration:
    """An administration (förvaltning) and the units it may have, each with its area."""

    name: str
    units: tuple[tuple[str, str], ...]
    # The first `fixed_units` units are always created. The rest are drawn until the
    # administration has 2 or 3 units.
    fixed_units: int = 0


MANAGEMENT = Administration(
    "Kommunledningsförvaltningen",
    (
        ("HR-enheten", "hr"),
        ("Ekonomienheten", "ekonomi"),
        ("Kommunikationsenheten", "kommunikation"),
    ),
    fixed_units=3,
)
SERVICE = Administration(
    "Serviceförvaltningen",
    (
        ("IT-enheten", "it"),
        ("Upphandlingsenheten", "upphandling"),
        ("Kansli- och arkivenheten", "kansli"),
        ("Digitaliseringsenheten", "digitalisering"),
    ),
    fixed_units=2,
)
# The Familjen Helsingborg secretariat is hosted by the city of Helsingborg.
SECRETARIAT = Administration(
    "Familjen Helsingborgs kansli",
    (("Sekretariatet", "sekretariat"), ("Regional samverkan", "sekretariat")),
    fixed_units=2,
)
OPTIONAL_ADMINISTRATIONS = [
    Administration(
        "Socialförvaltningen",
        (
            ("Myndighetsenheten för barn och unga", "social"),
            ("Enheten för ekonomiskt bistånd", "social"),
            ("Enheten för stöd och behandling", "social"),
        ),
    ),
    Administration(
        "Vård- och omsorgsförvaltningen",
        (
            ("Hemtjänsten", "omsorg"),
            ("Enheten för särskilt boende", "omsorg"),
            ("Biståndsenheten", "omsorg"),
        ),
    ),
    Administration(
        "Skol- och fritidsförvaltningen",
        (
            ("Förskoleenheten", "skola"),
            ("Grundskoleenheten", "skola"),
            ("Elevhälsan", "skola"),
            ("Fritidsenheten", "kultur"),
        ),
    ),
    Administration(
        "Samhällsbyggnadsförvaltningen",
        (
            ("Planenheten", "plan"),
            ("Bygglovsenheten", "plan"),
            ("GIS- och kartenheten", "plan"),
            ("Näringslivsenheten", "naringsliv"),
        ),
    ),
    Administration(
        "Miljöförvaltningen",
        (("Miljöenheten", "miljo"), ("Hållbarhetsenheten", "miljo"), ("Folkhälsoenheten", "miljo")),
    ),
    Administration(
        "Kultur- och fritidsförvaltningen",
        (
            ("Biblioteksenheten", "bibliotek"),
            ("Kulturenheten", "kultur"),
            ("Evenemangsenheten", "kultur"),
        ),
    ),
]
HELSINGBORG_NAMES = {
    "Kommunledningsförvaltningen": "Stadsledningsförvaltningen",
    "Samhällsbyggnadsförvaltningen": "Stadsbyggnadsförvaltningen",
}


@dataclass(frozen=True)
class DemoPerson:
    """One of the three accounts that the demo offers for signing in."""

    role: str
    first_name: str
    last_name: str
    municipality_slug: str
    unit: str
    title: str
    presentation: str
    competences: tuple[str, ...]
    is_staff: bool = False


DEMO_EMPLOYEE = DemoPerson(
    role="employee",
    first_name="Sara",
    last_name="Lindqvist",
    municipality_slug="helsingborg",
    unit="Kommunikationsenheten",
    title="Kommunikatör",
    presentation=(
        "Jag är kommunikatör i Helsingborg och arbetar mest med webben och sociala medier. "
        "Fråga mig gärna om klarspråk!"
    ),
    competences=("Klarspråk", "Sociala medier", "Textredigering", "Webbtillgänglighet"),
)
DEMO_CONVENER = DemoPerson(
    role="convener",
    first_name="Johan",
    last_name="Bergström",
    municipality_slug="landskrona",
    unit="HR-enheten",
    title="HR-specialist",
    presentation=(
        "Jag är HR-specialist i Landskrona och sammankallande i HR-nätverket. "
        "Jag arbetar mest med arbetsrätt och rekrytering."
    ),
    competences=("Arbetsrätt", "Rekrytering", "Kompetensförsörjning", "Förhandling", "Ledarskap"),
)
DEMO_STAFF = DemoPerson(
    role="secretariat staff",
    first_name="Anna",
    last_name="Holmberg",
    municipality_slug="helsingborg",
    unit="Sekretariatet",
    title="Nätverkssamordnare",
    presentation=(
        "Jag arbetar på Familjen Helsingborgs sekretariat och hjälper nätverken att komma igång. "
        "Kontakta mig om du vill starta ett nytt nätverk."
    ),
    competences=("Regional samverkan", "Nätverksledning", "Projektledning", "Mötesledning"),
    is_staff=True,
)
DEMO_PEOPLE = (DEMO_EMPLOYEE, DEMO_CONVENER, DEMO_STAFF)


@dataclass(frozen=True)
class NetworkPlan:
    """The fixed content of one demo network. Sizes, dates and people are drawn at random."""

    name: str
    areas: tuple[str, ...]
    purpose: str
    intro: str
    topics: tuple[str, ...]
    competences: tuple[str, ...]
    # Completes "open to all employees who ..." in the description of an open network.
    audience: str = ""
    closed: bool = False
    size: tuple[int, int] = (12, 30)
    # A new network was created during the last month.
    new: bool = False
    prefer_managers: bool = False


NETWORK_PLANS = [
    NetworkPlan(
        name="HR-nätverket",
        areas=("hr",),
        purpose=(
            "Vi som arbetar med HR i kommunerna delar erfarenheter och tar fram gemensamma "
            "lösningar."
        ),
        intro=(
            "HR-nätverket samlar HR-specialister, HR-konsulter och HR-chefer från kommunerna i "
            "Familjen Helsingborg. Här lär vi av varandra, så att vi slipper lösa samma problem "
            "elva gånger."
        ),
        audience="arbetar med HR",
        topics=(
            "Rekrytering till yrken där det är svårt att hitta personal",
            "Lönekartläggning och lönebildning",
            "Rehabilitering och arbetsmiljö",
            "Nyheter i arbetsrätten",
            "Introduktion av nya medarbetare",
        ),
        competences=(
            "Arbetsrätt",
            "Rekrytering",
            "Kompetensförsörjning",
            "Systematiskt arbetsmiljöarbete",
        ),
        size=(35, 55),
    ),
    NetworkPlan(
        name="Ekonominätverket",
        areas=("ekonomi",),
        purpose=(
            "Ekonomer och controllers jämför hur kommunerna arbetar med budget, uppföljning "
            "och redovisning."
        ),
        intro=(
            "I Ekonominätverket träffas ekonomer, controllers och ekonomichefer. Vi jämför "
            "arbetssätt och nyckeltal och hjälper varandra inför bokslut och budget."
        ),
        audience="arbetar med ekonomi",
        topics=(
            "Budgetprocessen inför nästa år",
            "Prognoser och uppföljning under året",
            "Internkontroll",
            "Nyckeltal och jämförelser mellan kommunerna",
        ),
        competences=("Budgetering", "Ekonomistyrning", "Redovisning", "Internkontroll"),
        size=(25, 45),
    ),
    NetworkPlan(
        name="Kommunikatörsnätverket",
        areas=("kommunikation",),
        purpose=(
            "Kommunikatörer delar idéer, verktyg och erfarenheter av att kommunicera med invånarna."
        ),
        intro=(
            "Kommunikatörsnätverket är till för dig som arbetar med kommunikation i någon av "
            "kommunerna. Vi delar kampanjer, mallar och lärdomar, och vi stöttar varandra när "
            "det händer något stort."
        ),
        audience="arbetar med kommunikation",
        topics=(
            "Kriskommunikation och beredskap",
            "Sociala medier i kommunens kanaler",
            "Klarspråk i texter till invånarna",
            "Gemensamma kampanjer i Familjen Helsingborg",
        ),
        competences=("Kommunikationsstrategi", "Sociala medier", "Kriskommunikation", "Klarspråk"),
        size=(30, 50),
    ),
    NetworkPlan(
        name="Webb- och IT-nätverket",
        areas=("it", "kommunikation", "digitalisering"),
        purpose=(
            "Vi som ansvarar för webbplatser och IT-system samarbetar om teknik, "
            "tillgänglighet och säkerhet."
        ),
        intro=(
            "Webb- och IT-nätverket samlar webbredaktörer, utvecklare och systemförvaltare. "
            "Vi tar upp allt från tillgänglighetskrav till drift och gemensamma plattformar."
        ),
        audience="arbetar med webb eller IT",
        topics=(
            "Tillgänglighet på webben",
            "Gemensamma e-tjänster och plattformar",
            "Drift och molntjänster",
            "Användartester med invånare",
        ),
        competences=(
            "Webbutveckling",
            "Webbtillgänglighet",
            "Systemförvaltning",
            "Informationssäkerhet",
        ),
        size=(30, 50),
    ),
    NetworkPlan(
        name="Upphandlingsnätverket",
        areas=("upphandling",),
        purpose=(
            "Upphandlare och inköpare planerar gemensamma upphandlingar och delar erfarenheter."
        ),
        intro=(
            "När flera kommuner upphandlar tillsammans sparar vi både tid och pengar. I "
            "Upphandlingsnätverket planerar vi gemensamma upphandlingar och lär av varandras avtal."
        ),
        audience="arbetar med upphandling eller inköp",
        topics=(
            "Planering av gemensamma upphandlingar",
            "Hållbarhetskrav i upphandlingar",
            "Uppföljning av avtal",
            "Nyheter i lagen om offentlig upphandling",
        ),
        competences=("Offentlig upphandling", "Avtalsuppföljning", "Hållbar upphandling"),
        size=(12, 25),
    ),
    NetworkPlan(
        name="Digitaliseringsnätverket",
        areas=("digitalisering", "it"),
        purpose=(
            "Vi driver digitaliseringen framåt tillsammans och delar lösningar som fungerar "
            "i flera kommuner."
        ),
        intro=(
            "Digitaliseringsnätverket är för dig som utvecklar verksamheten med hjälp av digitala "
            "verktyg. Vi visar vad vi har byggt, berättar vad som inte fungerade och letar efter "
            "saker vi kan göra tillsammans."
        ),
        audience="arbetar med digitalisering och verksamhetsutveckling",
        topics=(
            "Automatisering av återkommande handläggning",
            "Tjänstedesign med invånarna i fokus",
            "Gemensamma digitala tjänster",
            "Förändringsledning när arbetssätt ändras",
        ),
        competences=(
            "Digitalisering",
            "Tjänstedesign",
            "Förändringsledning",
            "Processkartläggning",
        ),
        size=(25, 45),
    ),
    NetworkPlan(
        name="Informationssäkerhetsnätverket",
        areas=("it", "kansli"),
        purpose=(
            "Vi stärker informationssäkerheten i kommunerna genom att dela rutiner, verktyg "
            "och lärdomar."
        ),
        intro=(
            "Informationssäkerhetsnätverket samlar informationssäkerhetssamordnare, IT-tekniker "
            "och jurister. Vi delar rutiner och mallar, och vi berättar öppet om incidenter så "
            "att fler kan lära av dem."
        ),
        audience="arbetar med informationssäkerhet",
        topics=(
            "Klassning av information",
            "Hantering och rapportering av incidenter",
            "Utbildning för medarbetare",
            "Säkerhetskrav på leverantörer",
        ),
        competences=("Informationssäkerhet", "Dataskydd (GDPR)", "Riskanalys"),
        size=(12, 25),
    ),
    NetworkPlan(
        name="Klarspråksnätverket",
        areas=("kommunikation", "kansli", "social"),
        purpose=(
            "Vi hjälper varandra att skriva så att invånarna förstår, i beslut, brev och på webben."
        ),
        intro=(
            "Invånarna har rätt att förstå vad kommunen skriver. I Klarspråksnätverket granskar "
            "vi varandras texter, delar skrivråd och tipsar om bra exempel."
        ),
        audience="skriver texter i sitt arbete",
        topics=(
            "Beslut och brev som invånarna förstår",
            "Språkgranskning av varandras texter",
            "Gemensamma skrivregler",
            "Klarspråk i digitala tjänster",
        ),
        competences=("Klarspråk", "Textredigering", "Kommunikationsstrategi"),
        size=(15, 35),
    ),
    NetworkPlan(
        name="Förskolenätverket",
        areas=("skola",),
        purpose="Rektorer och förskollärare i förskolan utvecklar verksamheten tillsammans.",
        intro=(
            "Förskolenätverket är för rektorer, förskollärare och barnskötare. Vi delar idéer om "
            "undervisning, lärmiljöer och samarbetet med vårdnadshavare."
        ),
        audience="arbetar i förskolan",
        topics=(
            "Undervisning i förskolan",
            "Språkutveckling och flerspråkighet",
            "Utemiljö och lärmiljöer",
            "Samarbetet med vårdnadshavare",
        ),
        competences=("Förskolepedagogik", "Specialpedagogik", "Barnkonventionen"),
        size=(15, 35),
    ),
    NetworkPlan(
        name="Äldreomsorgsnätverket",
        areas=("omsorg",),
        purpose=(
            "Vi som arbetar med äldreomsorg delar arbetssätt som gör vardagen bättre för de äldre."
        ),
        intro=(
            "Äldreomsorgsnätverket samlar chefer, sjuksköterskor, biståndshandläggare och "
            "undersköterskor. Vi delar arbetssätt som ger de äldre trygghet och inflytande."
        ),
        audience="arbetar inom äldreomsorgen",
        topics=(
            "Välfärdsteknik i hemtjänsten",
            "Demensvård och bemötande",
            "Kontinuitet i hemtjänsten",
            "Kompetensförsörjning inom vård och omsorg",
        ),
        competences=("Äldreomsorg", "Demensvård", "Välfärdsteknik"),
        size=(15, 35),
    ),
    NetworkPlan(
        name="GIS-nätverket",
        areas=("plan",),
        purpose="GIS-ingenjörer och kartansvariga samarbetar om geodata, kartor och verktyg.",
        intro=(
            "I GIS-nätverket träffas du som arbetar med kartor och geodata. Vi samordnar "
            "baskartor, delar verktyg och arbetar för öppna data från alla kommunerna."
        ),
        audience="arbetar med GIS och geodata",
        topics=(
            "Gemensam plattform för geodata",
            "Baskartor och ajourhållning",
            "Öppna data från kommunerna",
            "Nya verktyg för 3D-visualisering",
        ),
        competences=("GIS", "Geodata", "Samhällsplanering"),
        size=(10, 20),
    ),
    NetworkPlan(
        name="Arkivnätverket",
        areas=("kansli",),
        purpose="Arkivarier och registratorer samordnar arkivfrågor och e-arkiv i kommunerna.",
        intro=(
            "Arkivnätverket är för arkivarier, registratorer och andra som arbetar med "
            "informationsförvaltning. Vi hjälps åt med e-arkiv, gallring och "
            "dokumenthanteringsplaner."
        ),
        audience="arbetar med arkiv och registratur",
        topics=(
            "E-arkiv och digitalt bevarande",
            "Dokumenthanteringsplaner",
            "Gallring av information",
            "Diarieföring i nya ärendesystem",
        ),
        competences=("Arkivvetenskap", "Diarieföring", "Informationsförvaltning"),
        size=(10, 20),
    ),
    NetworkPlan(
        name="Hållbarhetsnätverket",
        areas=("miljo",),
        purpose=(
            "Vi samordnar kommunernas arbete för ett hållbart samhälle, med Agenda 2030 som grund."
        ),
        intro=(
            "Hållbarhetsnätverket samlar miljöstrateger, hållbarhetsstrateger och andra som "
            "arbetar med Agenda 2030. Vi följer upp målen tillsammans och delar lyckade åtgärder."
        ),
        audience="arbetar med hållbarhetsfrågor",
        topics=(
            "Klimatanpassning",
            "Hållbara resor för medarbetare",
            "Uppföljning av Agenda 2030",
            "Energieffektivisering i kommunens lokaler",
        ),
        competences=("Hållbar utveckling", "Agenda 2030", "Klimatanpassning"),
        size=(12, 25),
    ),
    NetworkPlan(
        name="Folkhälsonätverket",
        areas=("miljo", "social"),
        purpose="Vi arbetar tillsammans för en bättre och mer jämlik hälsa i nordvästra Skåne.",
        intro=(
            "Folkhälsonätverket startade nyligen. Vi vill samla alla som arbetar med folkhälsa "
            "och förebyggande arbete i kommunerna, så att vi kan dela statistik och lyckade "
            "insatser."
        ),
        audience="arbetar med folkhälsa",
        topics=(
            "Psykisk hälsa bland unga",
            "Förebyggande arbete mot alkohol, narkotika och tobak",
            "Trygghet i offentliga miljöer",
            "Statistik om hälsan i kommunerna",
        ),
        competences=("Folkhälsa", "Socialt arbete", "Dataanalys"),
        size=(10, 20),
        new=True,
    ),
    NetworkPlan(
        name="Näringslivsnätverket",
        areas=("naringsliv",),
        purpose=(
            "Näringslivsutvecklare delar erfarenheter av service till företag och av etableringar."
        ),
        intro=(
            "I Näringslivsnätverket träffas du som arbetar med företagsservice och etableringar. "
            "Vi delar kontakter och lärdomar och marknadsför regionen tillsammans."
        ),
        audience="arbetar med näringslivsfrågor",
        topics=(
            "Service till företagare",
            "Etableringar och mark för verksamheter",
            "Kompetensförsörjning i näringslivet",
            "Gemensam marknadsföring av regionen",
        ),
        competences=("Näringslivsutveckling", "Företagsservice", "Etableringsfrågor"),
        size=(8, 18),
    ),
    NetworkPlan(
        name="Socialtjänstnätverket",
        areas=("social",),
        purpose=(
            "Socialsekreterare och chefer inom socialtjänsten utvecklar myndighetsutövningen "
            "tillsammans."
        ),
        intro=(
            "Socialtjänstnätverket är för dig som arbetar med myndighetsutövning inom "
            "socialtjänsten. Vi diskuterar metoder, lagändringar och hur vi dokumenterar."
        ),
        audience="arbetar inom socialtjänsten",
        topics=(
            "Den nya socialtjänstlagen",
            "Barnets bästa i utredningar",
            "Ekonomiskt bistånd och vägar till arbete",
            "Dokumentation i verksamhetssystemet",
        ),
        competences=("Socialt arbete", "Barnkonventionen", "Utredningsmetodik"),
        size=(15, 30),
    ),
    NetworkPlan(
        name="Dataskyddsnätverket",
        areas=("kansli", "it"),
        purpose="Dataskyddsombud och jurister reder ut frågor om personuppgifter tillsammans.",
        intro=(
            "Dataskyddsnätverket samlar dataskyddsombud, jurister och andra som arbetar med "
            "personuppgifter. Vi tolkar nya vägledningar och delar mallar."
        ),
        audience="arbetar med dataskydd",
        topics=(
            "Personuppgiftsbiträdesavtal",
            "Registerförteckningar",
            "Personuppgiftsincidenter",
            "Kamerabevakning",
        ),
        competences=("Dataskydd (GDPR)", "Förvaltningsrätt", "Informationssäkerhet"),
        size=(8, 18),
    ),
    NetworkPlan(
        name="Bollplank: Förändringsledning",
        areas=("digitalisering", "hr"),
        purpose="Chefer och projektledare bollar svåra lägen när en verksamhet förändras.",
        intro=(
            "Att leda en förändring är ofta ensamt. I det här bollplanket får du tänka högt "
            "tillsammans med andra som står mitt i en förändring."
        ),
        topics=(
            "När medarbetarna inte vill förändras",
            "Att leda i osäkerhet",
            "Omorganisation steg för steg",
            "Att hålla tempot efter starten",
        ),
        competences=("Förändringsledning", "Ledarskap", "Kommunikationsstrategi"),
        closed=True,
        size=(8, 15),
    ),
    NetworkPlan(
        name="Bollplank: AI i offentlig sektor",
        areas=("digitalisering", "it"),
        purpose=(
            "Vi som prövar AI i kommunerna delar erfarenheter, risker och goda exempel i "
            "förtroende."
        ),
        intro=(
            "Många kommuner prövar AI just nu, men få vill berätta om misstagen offentligt. Här "
            "kan du dela både det som fungerar och det som inte gör det."
        ),
        topics=(
            "AI-stöd i handläggningen",
            "Regler för AI och personuppgifter",
            "Försök som har fungerat och försök som inte har det",
            "Upphandling av AI-tjänster",
        ),
        competences=(
            "Artificiell intelligens (AI)",
            "Dataskydd (GDPR)",
            "Digitalisering",
            "Informationssäkerhet",
        ),
        closed=True,
        size=(8, 15),
        new=True,
    ),
    NetworkPlan(
        name="Bollplank: Nya chefer",
        areas=(),
        purpose="Du som är ny chef får stöd av andra nya chefer i kommunerna.",
        intro=(
            "Det första året som chef väcker många frågor. I det här bollplanket möter du andra "
            "nya chefer och delar erfarenheter i förtroende."
        ),
        topics=(
            "De första hundra dagarna",
            "Svåra samtal med medarbetare",
            "Ansvaret för arbetsmiljön",
            "Att prioritera sin egen tid",
        ),
        competences=("Ledarskap", "Arbetsrätt", "Systematiskt arbetsmiljöarbete"),
        closed=True,
        size=(8, 14),
        new=True,
        prefer_managers=True,
    ),
    NetworkPlan(
        name="Bollplank: Arbetsrättsliga frågor",
        areas=("hr",),
        purpose=(
            "HR-specialister diskuterar svåra arbetsrättsliga ärenden utan att röja vem de gäller."
        ),
        intro=(
            "Svåra arbetsrättsliga ärenden är sällsynta i en liten kommun. Därför delar vi "
            "erfarenheter över kommungränserna, alltid avidentifierat."
        ),
        topics=(
            "Uppsägning av personliga skäl",
            "Omplacering och rehabilitering",
            "Förhandlingar med de fackliga organisationerna",
            "Tidsbegränsade anställningar",
        ),
        competences=("Arbetsrätt", "Förhandling", "Personaladministration"),
        closed=True,
        size=(8, 14),
    ),
    NetworkPlan(
        name="Bollplank: Kriskommunikation",
        areas=("kommunikation",),
        purpose="Kommunikationschefer och kommunikatörer lär av varandras kriser och övningar.",
        intro=(
            "När krisen kommer finns det ingen tid att lära sig. I det här bollplanket går vi "
            "igenom verkliga händelser och övningar, så att vi är bättre förberedda nästa gång."
        ),
        topics=(
            "Lärdomar från verkliga händelser",
            "Övningar och scenarier",
            "Samordning med räddningstjänst och polis",
            "Sociala medier under en kris",
        ),
        competences=("Kriskommunikation", "Sociala medier", "Kommunikationsstrategi"),
        closed=True,
        size=(8, 14),
    ),
    NetworkPlan(
        name="Bollplank: Ekonomi i balans",
        areas=("ekonomi",),
        purpose="Ekonomichefer bollar hur kommunen kan klara budgeten när kostnaderna ökar.",
        intro=(
            "Kostnaderna ökar snabbare än intäkterna i många kommuner. Här diskuterar vi "
            "prioriteringar och prognoser i förtroende."
        ),
        topics=(
            "Besparingar som inte försämrar kvaliteten",
            "Dialogen med politiken om prioriteringar",
            "Prognoser som går att lita på",
            "Investeringar när pengarna är knappa",
        ),
        competences=("Budgetering", "Ekonomistyrning"),
        closed=True,
        size=(8, 12),
    ),
    NetworkPlan(
        name="Bollplank: Tillgänglighet på webben",
        areas=("it", "kommunikation"),
        purpose=(
            "Webbansvariga bollar hur de tolkar tillgänglighetskraven och hur de uppfyller dem."
        ),
        intro=(
            "Lagen om tillgänglighet till digital offentlig service ställer höga krav. Här "
            "hjälper vi varandra att tolka kraven och hitta lösningar som fungerar."
        ),
        topics=(
            "Tillgänglighetsredogörelser",
            "Dokument och PDF-filer på webben",
            "Tillsyn från Myndigheten för digital förvaltning",
            "Tester med hjälpmedel",
        ),
        competences=("Webbtillgänglighet", "Användbarhet", "Webbutveckling"),
        closed=True,
        size=(8, 14),
    ),
    NetworkPlan(
        name="Bollplank: Svåra ärenden i socialtjänsten",
        areas=("social",),
        purpose=(
            "Socialsekreterare bollar avidentifierade svåra ärenden med kollegor i andra kommuner."
        ),
        intro=(
            "Ibland behöver du någon utanför den egna arbetsplatsen att tänka högt med. Vi "
            "diskuterar alltid ärendena avidentifierat."
        ),
        topics=(
            "Hot och våld i arbetet",
            "Ärenden där flera kommuner är inblandade",
            "Etiska dilemman",
            "Stress och hög arbetsbelastning",
        ),
        competences=("Socialt arbete", "Motiverande samtal", "Utredningsmetodik"),
        closed=True,
        size=(8, 14),
    ),
    NetworkPlan(
        name="Bollplank: Upphandlingsjuridik",
        areas=("upphandling", "kansli"),
        purpose="Upphandlare och jurister bollar svåra frågor om överprövningar och avtal.",
        intro=(
            "En överprövning kan stoppa en upphandling i månader. Här delar vi erfarenheter av "
            "svåra juridiska frågor, innan de blir ett problem."
        ),
        topics=(
            "Överprövningar och hur vi förbereder oss",
            "Direktupphandling och gränsvärden",
            "Ändringar i befintliga avtal",
            "Leverantörer som inte uppfyller avtalet",
        ),
        competences=("Offentlig upphandling", "Avtalsrätt"),
        closed=True,
        size=(8, 12),
    ),
]

# The networks that the three demo accounts belong to, with their role in each. The demo
# employee is in open networks only, so that a closed network shows what outsiders see. The
# closed networks that the demo convener convenes always have requests to join.
DEMO_MEMBERSHIPS = {
    DEMO_EMPLOYEE: (
        ("Kommunikatörsnätverket", Membership.Role.MEMBER),
        ("Klarspråksnätverket", Membership.Role.MEMBER),
        ("Webb- och IT-nätverket", Membership.Role.MEMBER),
    ),
    DEMO_CONVENER: (
        ("HR-nätverket", Membership.Role.CONVENER),
        ("Bollplank: Arbetsrättsliga frågor", Membership.Role.CONVENER),
        ("Digitaliseringsnätverket", Membership.Role.MEMBER),
    ),
    DEMO_STAFF: (
        ("Digitaliseringsnätverket", Membership.Role.MEMBER),
        ("Hållbarhetsnätverket", Membership.Role.MEMBER),
    ),
}

MEETING_FREQUENCIES = [
    "Varannan månad",
    "En gång i månaden",
    "Fyra gånger per år",
    "Var sjätte vecka",
    "Två gånger per termin",
]
# Start and end as (hour, minute) in Swedish local time.
MEETING_SLOTS = [
    ((9, 0), (11, 0)),
    ((13, 0), (15, 0)),
    ((9, 0), (12, 0)),
    ((13, 0), (16, 0)),
    ((10, 0), (12, 0)),
    ((8, 30), (10, 0)),
    ((14, 0), (16, 0)),
]
WEEKDAY_NAMES = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
MONTH_NAMES = [
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
    "oktober", "november", "december",
]  # fmt: skip

MUNICIPALITY_NEWS = [
    "Kommunen har fått en ny förvaltningsorganisation från årsskiftet.",
    "Kommunen har anställt en ny kollega som börjar nästa månad.",
    "Kommunen byter verksamhetssystem i höst och vill gärna höra hur andra har gjort.",
    "Kommunen har precis fått resultatet av medarbetarenkäten och analyserar det nu.",
    "Kommunen tar fram en ny handlingsplan som ska vara klar till våren.",
    "Kommunen har mycket att göra just nu och har svårt att hinna med utvecklingsarbetet.",
    "Kommunen har fått ett politiskt beslut om en ny strategi och börjar arbeta efter den.",
    "Kommunen har startat ett samarbete med en grannkommun och berättar mer nästa gång.",
    # Last, so that the first meeting of a network can leave it out.
    "Inget nytt sedan förra träffen.",
]
DISCUSSION_TEMPLATES = [
    "{name} från {municipality} inledde med en kort presentation av hur de arbetar i dag. "
    "Flera kommuner kände igen utmaningarna, och vi var överens om att vi vinner på att "
    "göra mer tillsammans.",
    "Vi delade erfarenheter i mindre grupper. Det som kom fram var framför allt behovet av "
    "tydligare rutiner och bättre stöd till cheferna.",
    "{name} från {municipality} berättade om ett arbete som har gett bra resultat. "
    "Presentationen skickas ut till alla i nätverket.",
    "Diskussionen visade att kommunerna har kommit olika långt. De som har kommit längst "
    "erbjöd sig att dela med sig av sina underlag.",
    "Vi gick igenom underlaget som {name} hade skickat ut före träffen. Gruppen hade några "
    "synpunkter som {first_name} tar med sig.",
]
DECISION_TEMPLATES = [
    "**Beslut:** {first_name} tar fram ett förslag till nästa träff.",
    "**Beslut:** Vi tar fram en gemensam checklista. {first_name} och {other_first_name} "
    "håller i arbetet.",
    "**Beslut:** Vi tar upp frågan igen på nästa träff.",
    "**Att göra:** Alla kommuner skickar sina rutiner till {first_name} senast två veckor "
    "före nästa träff.",
]
ADDENDUM_TEMPLATES = [
    "Tillägg: {name} från {municipality} var också med på träffen men saknas i listan över "
    "närvarande.",
    "Tillägg till punkt 6, Övriga frågor: Efter träffen kom en fråga om {topic}. Vi tar upp "
    "den på nästa träff.",
]
# The two main items of a network's first meeting and the text of its minutes for each.
STARTUP_TOPICS = ("Vilka är vi? En presentationsrunda", "Nätverkets syfte och arbetsformer")
STARTUP_MINUTES = (
    "Alla presenterade sig och berättade om sin roll och om vad de arbetar med just nu.",
    "Vi gick igenom förslaget till syfte för nätverket och godkände det med några små "
    "ändringar. Vi bestämde också hur ofta vi ska träffas och att sammankallande skickar ut "
    "dagordningen en vecka före varje träff.",
)
PRESENTATION_TEMPLATES = [
    "Jag arbetar som {title} på {unit} i {municipality}. Hör gärna av dig om du har frågor om "
    "{competence} eller {other_competence}!",
    "Jag är {title} i {municipality} och arbetar mest med {competence} och {other_competence}. "
    "Jag delar gärna med mig av det jag har lärt mig.",
    "Som {title} på {unit} i {municipality} arbetar jag med {competence}. Just nu lägger jag "
    "mycket tid på {other_competence}.",
    "Jag har arbetat i {municipality} i {years} år, de senaste som {title}. Mina hjärtefrågor "
    "är {competence} och {other_competence}.",
    "Jag är {title} på {unit} i {municipality}. Jag tycker om att samarbeta med andra "
    "kommuner, särskilt om {competence}.",
]
# Competence labels that keep their capital letter inside a sentence.
PROPER_LABELS = {"Agenda 2030", "Excel"}

# Forum: per topic slug, the subjects that employees ask about. Each thread combines a
# subject with a question form and an opening text, so that titles do not repeat.
FORUM_SUBJECTS = {
    "hr": [
        "lönerevision för timanställda", "friskvårdsbidraget", "upprepad korttidsfrånvaro",
        "introduktion av nya chefer", "distansarbete i riktlinjerna", "semesterväxling",
        "heltid som norm i schemaläggningen", "exitsamtal", "kompetensbaserad rekrytering",
        "medarbetarenkäten", "lönekartläggningen", "bisysslor", "rehabiliteringsutredningar",
        "sommarvikarier", "referenstagning", "arbetsmiljöutbildning för chefer",
        "tjänstledighet för studier",
    ],
    "ekonomi": [
        "internränta på investeringar", "attestordningen", "delårsbokslutet",
        "momsredovisning av kommunala bolag", "budgetuppföljning per månad",
        "periodisering av statsbidrag", "leasing av fordon", "kalkylränta i investeringskalkyler",
        "avskrivningstider för IT-utrustning", "internfakturering", "representation och moms",
        "e-fakturor från små leverantörer", "resultatutjämningsreserven", "kassaflödesanalysen",
        "komponentavskrivning", "budgetdialoger med förvaltningarna",
    ],
    "kommunikation": [
        "klarspråk i myndighetsbeslut", "kriskommunikation vid vattenläckor",
        "kommunens Instagramkonto", "tillgängliga pdf:er", "intranätets startsida",
        "nyhetsbrev till medarbetare", "grafisk profil för nätverk", "filmtextning",
        "bildrättigheter", "kommunikationsplaner för projekt", "lättläst svenska på webben",
        "pressmeddelanden om detaljplaner", "chatbot på webbplatsen",
        "mätning av webbplatsbesök utan kakor", "kommunikation om kommunalval",
        "ordlistor för förvaltningsspråk", "ljudfiler med uppläst text",
    ],
    "it": [
        "lösenordspolicy", "Microsoft 365-licenser", "tvåfaktorsinloggning för politiker",
        "utbyte av skrivare", "IT-stöd för skolornas Chromebooks", "säkerhetskopior av e-post",
        "backup i molnet", "mobiltelefoner till hemtjänsten", "Teams-rum i sammanträdessalar",
        "loggning enligt informationssäkerhetspolicyn", "supportavtal med leverantörer",
        "gallring av gamla filservrar", "wifi för besökare", "behörighetsstyrning i HR-systemet",
        "livscykelhantering av datorer", "incidentrapportering",
    ],
    "upphandling": [
        "direktupphandlingsgränsen", "samordnad upphandling mellan kommunerna",
        "hållbarhetskrav i livsmedelsupphandlingen", "avtalsuppföljning",
        "upphandling av konsulttjänster", "dynamiska inköpssystem", "sociala hänsyn i avtal",
        "utvärderingsmodeller med pris och kvalitet", "överprövningar",
        "ramavtal via Adda", "förhandlat förfarande", "leverantörsträffar före annonsering",
        "upphandling av tolktjänster", "e-handel och beställarroller",
        "kontroll av underleverantörer", "avrop från ramavtal med förnyad konkurrensutsättning",
    ],
    "digitalisering": [
        "e-tjänst för ekonomiskt bistånd", "robotisering av fakturahantering",
        "AI-verktyg för protokoll", "öppna data om lekplatser", "digital signering av avtal",
        "e-arkiv", "välfärdsteknik i hemtjänsten", "digitala nycklar", "Mina sidor för invånare",
        "nyttorealisering i projekt", "processkartläggning före digitalisering",
        "digital kompetens hos chefer", "sensorer i fastigheter", "automatiserade beslut",
        "chattjänst för bygglov", "digitala möten med vårdnadshavare",
    ],
}  # fmt: skip

FORUM_QUESTION_FORMS = [
    "Hur hanterar ni {subject}?",
    "Har någon erfarenhet av {subject}?",
    "Tips om {subject}, någon?",
    "Hur har ni löst {subject}?",
    "Riktlinjer för {subject}?",
    "Vem kan berätta om {subject}?",
]

FORUM_QUESTION_TEXTS = [
    "Vi på {unit} i {municipality} ser över {subject} just nu och undrar hur ni andra gör. "
    "Finns det riktlinjer eller mallar som ni kan dela?",
    "Hej alla! Jag har fått i uppdrag att ta fram ett förslag om {subject} till ledningsgruppen "
    "före sommaren. Vad fungerar hos er, och vad skulle ni inte göra om igen?",
    "Snabb fråga: hur lång tid tog det för er att komma i gång med {subject}? Vi är en liten "
    "kommun och har inte så många att fördela arbetet på.\n\nTack på förhand!",
    "Vi har fått frågor från chefer om {subject} och jag vill gärna kunna hänvisa till hur "
    "andra kommuner i Familjen Helsingborg gör. Har ni något skriftligt stöd?",
    "Vi funderar på att göra om hela vårt arbetssätt kring {subject}. Är det någon som har "
    "gjort en sådan förändring nyligen och kan tänka sig att prata en halvtimme på Teams?",
]

FORUM_REPLIES = [
    "Vi i {municipality} har en rutin för just det sedan förra året. Jag kan mejla den till "
    "dig, eller lägga upp den i Idébiblioteket när det finns.",
    "Vi hade samma fråga i fjol. Det som hjälpte oss mest var att ta fram en kort checklista "
    "tillsammans med de fackliga organisationerna innan vi gick ut brett.",
    "Kolla gärna vad SKR har skrivit om det. Deras vägledning räckte långt för oss, men vi "
    "fick anpassa den till våra egna delegationsordningar.",
    "Vi gör så här:\n\n1. Förvaltningarna skickar underlag till oss.\n2. Vi stämmer av i "
    "ledningsgruppen.\n3. Beslutet publiceras på intranätet.\n\nDet tar ungefär en månad.",
    "Hos oss ligger det på {unit}. Hör av dig till mig så kan jag visa hur vi har gjort, "
    "jag sitter i {municipality} men är ofta i Helsingborg.",
    "Bra fråga! Vi är mitt i samma arbete och följer tråden med intresse.",
    "Vi provade först att lösa det själva, men köpte till slut stöd via ett befintligt "
    "ramavtal. Det blev både snabbare och billigare än vi trodde.",
    "Ett tips är att börja smått med en förvaltning och utvärdera efter ett halvår innan "
    "ni inför det överallt.",
    "Vi har en mall som juristerna har granskat. Den är inte perfekt men sparar mycket tid.",
    "Jag tar gärna upp det på nästa nätverksträff så att fler kommuner kan berätta.",
    "Vi har inget skriftligt, men i praktiken gör vi som {name} beskriver ovan.",
    "Det beror lite på hur er organisation ser ut. Hos oss i {municipality} är det "
    "respektive chef som beslutar, med stöd från oss centralt.",
    "Vi ändrade vår rutin i våras efter en revision. Revisorerna ville ha tydligare "
    "dokumentation, så det kan vara värt att tänka på från början.",
    "Tack, det här var precis vad jag behövde!",
]
