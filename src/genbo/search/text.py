"""Swedish text handling shared by both search backends: words, stems, folding, highlights.

Both backends match the Snowball stems that this module makes: SQLite indexes them
directly, and PostgreSQL's `swedish` configuration makes the same Snowball stems on its
side, so a query built here matches the same documents on both.
"""

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass, field

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from genbo.core.names import without_bidi_controls

# Letters and digits; everything else, FTS syntax characters included, separates words.
WORD_PATTERN = re.compile(r"[^\W_]+")

# Folding maps the Swedish letters, and a few letters from names, to plain a-z, so
# that a query typed on a keyboard without å, ä and ö still finds the word.
UNFOLDED_LETTERS = "åäöæøéèêëüáàâíïóôú"
FOLDED_LETTERS = "aaoaoeeeeuaaaiioou"
FOLDING = str.maketrans(UNFOLDED_LETTERS, FOLDED_LETTERS)

# Maximum length of a query in characters. The rest of the text is ignored, and so is
# a word that the limit would cut.
MAX_QUERY_LENGTH = 200
# Maximum number of words of a query that take part in the search.
MAX_QUERY_TERMS = 8
# Words shorter than this match only whole stems, so that "a" does not match everything.
MIN_PREFIX_LENGTH = 3

# The @ of an e-mail address and the domain after it, which a query leaves out.
ADDRESS_DOMAIN_PATTERN = re.compile(r"@\S*")

# Function words that carry no subject, so they are left out of queries. The list is
# short on purpose, because a word missing here still works and only narrows the search.
STOP_WORDS = frozenset(
    """
    alla allt andra att av bara blev bli blir de dem den denna deras dess det detta dig din
    dina ditt du där då efter ej eller en er era ert ett från för ha hade han hans har hon
    honom hur här i icke ingen inom inte jag kan kunde man med mellan men mig min mina mitt
    mot mycket ni nu när någon något några och om oss på samma sedan sig sin sina sitta själv
    skulle som så sådan till under upp ut utan vad var vara varför varit varje vars vem vi
    vid vilka vilken vilket vår våra vårt än är åt över
    """.split()
)

# A snowballstemmer stemmer keeps the word it works on in its own attributes, so two
# threads sharing one garble each other's words (and can raise IndexError). Django runs
# views in a thread pool under ASGI, so each thread gets its own stemmer.
_stemmers = threading.local()


def _stemmer():
    stemmer = getattr(_stemmers, "swedish", None)
    if stemmer is None:
        stemmer = _stemmers.swedish = snowballstemmer.stemmer("swedish")
    return stemmer


def words(text: str) -> list[str]:
    """Split `text` into case-folded words in Unicode NFC."""
    return WORD_PATTERN.findall(unicodedata.normalize("NFC", text or "").casefold())


def fold(word: str) -> str:
    return word.translate(FOLDING)


# Stems of this many distinct words are kept, because highlighting the hits of a page
# stems every word of their titles and snippets, and most words recur.
STEM_CACHE_SIZE = 50_000


@functools.lru_cache(maxsize=STEM_CACHE_SIZE)
def stem(word: str) -> str:
    """Return the Snowball stem of a case-folded `word`, without a definite "-an" or "-et".

    Snowball keeps "förskolan" and "nätverket" whole while "förskola" becomes "förskol";
    removing the ending from long stems lets the definite form find the others.
    PostgreSQL keeps the ending, which does no harm because queries match stems as
    prefixes.
    """
    stemmed = _stemmer().stemWord(word)
    if len(stemmed) >= 7 and stemmed.endswith("an"):
        stemmed = stemmed[:-2]
    elif len(stemmed) >= 8 and stemmed.endswith("et"):
        stemmed = stemmed[:-2]
    return stemmed


def query_stem(word: str) -> str:
    """Return the stem that a query word matches as a prefix.

    Snowball removes a final "s" from "skolskjuts" but not from "skolskjutsen", so the
    query drops that "s" as well: "skolskjut" is a prefix of both stems.
    """
    stemmed = stem(word)
    if len(stemmed) >= 6 and stemmed.endswith("s") and len(word) >= MIN_PREFIX_LENGTH:
        stemmed = stemmed[:-1]
    return stemmed


def index_text(text: str) -> tuple[str, str]:
    """Return the stems of `text` and the stems of its folded words, each joined by spaces."""
    found = words(text)
    exact = " ".join(stem(word) for word in found)
    folded = " ".join(stem(fold(word)) for word in found)
    return exact, folded


@dataclass(frozen=True)
class Term:
    """One word of a query with the stems it matches."""

    word: str
    stem: str
    folded: str

    @property
    def prefix(self) -> bool:
        return len(self.word) >= MIN_PREFIX_LENGTH

    def matches(self, word: str) -> bool:
        """Tell whether the case-folded `word` of a document matches this term."""
        candidates = (stem(word), stem(fold(word)))
        if self.prefix:
            return candidates[0].startswith(self.stem) or candidates[1].startswith(self.folded)
        return candidates[0] == self.stem or candidates[1] == self.folded


@dataclass
class Query:
    """A query as the backends use it, with what was left out and why."""

    text: str
    terms: list[Term] = field(default_factory=list)
    only_stop_words: bool = False
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def typo_words(self) -> list[str]:
        """Folded words long enough for the forgiving match on names."""
        return [fold(term.word) for term in self.terms if len(term.word) >= 4]


def _cut_query(text: str) -> str:
    """Return `text` cut to MAX_QUERY_LENGTH characters, without a partial last word.

    The fragment of a cut word would become a required term of its own and narrow the
    search to almost nothing: "förskola förskola … fö".
    """
    if len(text) <= MAX_QUERY_LENGTH:
        return text
    kept = text[:MAX_QUERY_LENGTH]
    if WORD_PATTERN.match(kept[-1]) and WORD_PATTERN.match(text[MAX_QUERY_LENGTH]):
        # The limit falls inside a word. A query of one word that long keeps nothing.
        kept = re.sub(r"[^\W_]+$", "", kept)
    return kept.rstrip()


def parse_query(raw: str, *, still_typing: bool = False) -> Query:
    """Turn what was typed into terms; syntax characters and SQL have no effect.

    With `still_typing`, as in the header's suggestions, the last word is kept even when it
    is a stop word, because it may be the start of a longer word ("för" in "förskola").
    """
    # NFC before cutting, so that the limit cannot separate a letter from its accent.
    text = unicodedata.normalize("NFC", " ".join((raw or "").split()))
    truncated = len(text) > MAX_QUERY_LENGTH
    text = _cut_query(text)
    # Only the part before the @ of an e-mail address is searched, because people's
    # documents contain only that part. Every employee of a municipality shares the
    # domain, so its words would match thousands of people.
    typed = words(ADDRESS_DOMAIN_PATTERN.sub(" ", text))
    kept = [
        word
        for position, word in enumerate(typed)
        if word not in STOP_WORDS or (still_typing and position == len(typed) - 1)
    ]
    unique: list[str] = []
    for word in kept:
        if word not in unique:
            unique.append(word)
    if len(unique) > MAX_QUERY_TERMS:
        truncated = True
        unique = unique[:MAX_QUERY_TERMS]
    terms = [
        Term(word=word, stem=query_stem(word), folded=query_stem(fold(word))) for word in unique
    ]
    return Query(
        text=text,
        terms=terms,
        only_stop_words=bool(typed) and not kept,
        truncated=truncated,
    )


def plain_text(markdown: str) -> str:
    """Return the readable words of Markdown `markdown`, without its markup.

    A cheap approximation that keeps link texts and mention names. It produces no HTML,
    and whatever it leaves is escaped when shown.
    """
    text = re.sub(r"@\[([^\[\]\n]{1,160})\]\(user:[0-9]{1,12}\)", r"\1", markdown or "")
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[`*_#>~|]+", " ", text)
    return " ".join(text.split())


def highlight(text: str, terms: list[Term]) -> SafeString:
    """Escape `text` and then wrap the words that match `terms` in <mark>.

    Bidirectional controls are removed first, because an unclosed override in a stored
    title or text would reverse the rest of the results page.
    """
    text = without_bidi_controls(text)
    parts: list[str] = []
    position = 0
    for match in WORD_PATTERN.finditer(text):
        word = match.group()
        if any(term.matches(word.casefold()) for term in terms):
            parts.append(escape(text[position : match.start()]))
            parts.append(f"<mark>{escape(word)}</mark>")
            position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))


def snippet(text: str, terms: list[Term], *, length: int = 220) -> SafeString:
    """Return about `length` characters of `text` around its first match, highlighted."""
    text = without_bidi_controls(text)
    start = 0
    for match in WORD_PATTERN.finditer(text):
        if any(term.matches(match.group().casefold()) for term in terms):
            start = max(0, match.start() - length // 3)
            break
    if start:
        # Begin at a word boundary, not inside a word.
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    piece = text[start : start + length]
    if start + length < len(text):
        cut = piece.rfind(" ")
        piece = piece[:cut] if cut > length // 2 else piece
    shown = highlight(piece, terms)
    before = "… " if start else ""
    after = " …" if start + len(piece) < len(text) else ""
    return mark_safe(f"{before}{shown}{after}")


def edit_distance(first: str, second: str, limit: int) -> int:
    """Return the Levenshtein distance, or `limit + 1` as soon as it must exceed `limit`."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous = list(range(len(second) + 1))
    for row, first_char in enumerate(first, start=1):
        current = [row]
        for column, second_char in enumerate(second, start=1):
            cost = 0 if first_char == second_char else 1
            current.append(
                min(previous[column] + 1, current[column - 1] + 1, previous[column - 1] + cost)
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def typo_limit(word: str) -> int:
    """Return how many typing errors a word of this length may contain and still match."""
    return 1 if len(word) < 8 else 2


def near_miss(query_word: str, name: str) -> bool:
    """Tell whether the folded `query_word` is a small typo of a word, or a word's start, in
    `name`."""
    limit = typo_limit(query_word)
    for word in words(fold(name)):
        lengths = range(max(1, len(query_word) - limit), len(query_word) + limit + 1)
        for length in lengths:
            if edit_distance(query_word, word[:length], limit) <= limit:
                return True
    return False
