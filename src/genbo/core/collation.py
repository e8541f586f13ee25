"""Swedish alphabetical order where the database cannot give it (SQLite sorts by code point)."""

# In Swedish, å, ä and ö are letters of their own after z, in that order. The three
# characters that follow "z" in ASCII keep that order.
_AFTER_Z = str.maketrans({"å": "{", "ä": "|", "ö": "}"})


def swedish_sort_key(text: str) -> str:
    """Return a key that sorts `text` as a Swedish dictionary does, ignoring case."""
    return text.casefold().translate(_AFTER_Z)
