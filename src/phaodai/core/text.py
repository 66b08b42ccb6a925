"""Vietnamese text as people type it: with or without diacritics, any case, any Unicode form."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_text(value: str | None) -> str:
    """NFC-normalise and collapse whitespace. Excel files from wards often hold decomposed (NFD) names."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def fold(value: str | None) -> str:
    """Accent-free, lower-case search form: "Nguyễn Văn Đạt" → "nguyen van dat".

    đ/Đ are letters of their own (not a d with a combining mark), so they are mapped by hand.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFD", str(value).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text.lower()).strip()
