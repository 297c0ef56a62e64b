"""What people read instead of codes: recipients by their organisation's name, indicators by a
label (pure: plain mappings in, text out).

Stored runs and indicator datasets keep recipient codes and indicator keys (they are what the
formula and the files use, and what the exports keep in their own columns); pages translate them
here, at the edge.

>>> names = RecipientNames({"bristol": "Bristol City Council", "hub": "VRP Hub"})
>>> names["bristol"], names["hub (top slice)"], names["nowhere"]
('Bristol City Council', 'hub (top slice)', 'nowhere')
>>> names.top_slice("hub")
'VRP Hub (top slice)'
>>> indicator_label("serious_violence_offences")
'Serious violence offences'
>>> indicator_label("imd_rank")
'IMD rank'
"""

from __future__ import annotations

from collections.abc import Mapping

# Words in indicator keys that are initials, not words
_INITIALS = frozenset({"imd", "uc", "sv", "ons", "nte", "cce", "ae", "yef", "vru", "svd"})


class RecipientNames(dict[str, str]):
    """Organisation names by code; a code without an organisation reads as itself."""

    def __missing__(self, code: str) -> str:
        return code

    def top_slice(self, code: str) -> str:
        return f"{self[code]} (top slice)"


def indicator_label(key: str, labels: Mapping[str, str] | None = None) -> str:
    """The indicator's label where one is defined, else its key made readable."""
    if labels and key in labels:
        return labels[key]
    words = [word.upper() if word in _INITIALS else word for word in key.split("_") if word]
    if not words:
        return key
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])
