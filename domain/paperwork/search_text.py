"""Text as search compares it: the same words typed however staff type them.

Thai is written without spaces between words, so the register searches by
substring, not by word. Before comparing, both the indexed text and what
was typed are brought to one form: Thai digits as Arabic ones, lower case,
runs of whitespace as one space, and no space beside a ``/`` (letter numbers
are retyped as ``นร 0505 / ว 3407`` as often as ``นร ๐๕๐๕/ว ๓๔๐๗``). A query
that reads as a whole letter number is searched by the number's one spelling
(``letter_numbers.document_key``), which every indexed number is also given.
"""

from __future__ import annotations

from domain.errors import InvalidDocumentNumber, InvalidInput
from domain.paperwork.letter_numbers import document_key
from domain.paperwork.thai_dates import to_arabic_digits

SHORTEST_QUERY = 3
"""Characters a query needs (after normalising): the trigram indexes answer no fewer."""


def normalise_mapped(text: str) -> tuple[str, list[int]]:
    """The normalised text, and for each of its characters the index it came from."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(to_arabic_digits(text)):
        lowered = char.lower()
        if len(lowered) != 1:  # a letter whose lower case is longer keeps its place
            lowered = char
        if lowered.isspace():
            if not out or out[-1] in " /":
                continue
            lowered = " "
        elif lowered == "/" and out and out[-1] == " ":
            out.pop()
            origin.pop()
        out.append(lowered)
        origin.append(index)
    if out and out[-1] == " ":
        out.pop()
        origin.pop()
    return "".join(out), origin


def normalise(text: str) -> str:
    return normalise_mapped(text)[0]


def number_spelling(number: str) -> str:
    """A letter number's one spelling, normalised, or "" if it does not read as one."""
    try:
        return normalise(document_key(number))
    except InvalidDocumentNumber:
        return ""


def needle(query: str, *, field: str = "text") -> str:
    """What to look for: the query normalised, or the one spelling of the number it is."""
    typed = normalise(query)
    if len(typed) < SHORTEST_QUERY:
        raise InvalidInput(f"type at least {SHORTEST_QUERY} characters to search "
                           f"(got {len(typed)}: {query.strip()!r})", field=field)
    return number_spelling(query) or typed


def snippet(text: str, found: str, *, width: int = 80) -> str:
    """Up to ``width`` characters of ``text`` around where ``found`` (normalised) occurs."""
    normalised, origin = normalise_mapped(text)
    at = normalised.find(found)
    if at < 0 or len(text) <= width:
        return text if len(text) <= width else text[:width - 1] + "…"
    start = origin[at]
    end = origin[min(at + len(found), len(origin)) - 1] + 1
    spare = max(width - (end - start), 0)
    left = max(start - spare // 2, 0)
    right = min(max(end, left + width), len(text))
    left = max(min(left, right - width), 0)
    return ("…" if left > 0 else "") + text[left:right] + ("…" if right < len(text) else "")
