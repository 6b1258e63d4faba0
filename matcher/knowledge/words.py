"""Word lists of data/reference that several layers read: the vertical businesses that are not chain targets, the
venues a keyword can name (人工智能【产业园】), the goods words among the verticals and the boundary words that hold a
keyword read across two ordinary words. Each is validated on load; an error names the file and the field."""

from __future__ import annotations

from ..errors import DataFileError
from .chains import read_yaml
from .settings import REFERENCE_DIR

_COUNT_WORDS = {2: "两", 3: "三"}


def _reference_words(file: str, key: str, shortest: int) -> tuple[str, ...]:
    """The word list `key` of data/reference/`file`, each word at least `shortest` characters; an error names
    the file and the field."""
    path = REFERENCE_DIR / file
    words = (read_yaml(path) or {}).get(key)
    if not isinstance(words, list) or not all(isinstance(w, str) and len(w.strip()) >= shortest for w in words):
        raise DataFileError(path, key, f"应为至少{_COUNT_WORDS.get(shortest, shortest)}个字符的词语列表")
    return tuple(w.strip() for w in words)


def boundary_words() -> tuple[str, ...]:
    """Words that hold a keyword read across two ordinary words (其中药 in 其中药品); matched as words of their
    own, they keep that keyword from being read there (data/reference/boundary_words.yaml)."""
    return _reference_words("boundary_words.yaml", "words", 3)


def vertical_words() -> tuple[str, ...]:
    """Business types that are not chain targets (data/reference/verticals.yaml)."""
    return _reference_words("verticals.yaml", "verticals", 2)


def _optional_vertical_list(key: str) -> tuple[str, ...]:
    """An optional word list of data/reference/verticals.yaml (none when the file does not have it)."""
    if key not in (read_yaml(REFERENCE_DIR / "verticals.yaml") or {}):
        return ()
    return _reference_words("verticals.yaml", key, 2)


def venue_words() -> tuple[str, ...]:
    """Words after which a keyword names a park, fair, fund or association, not a product (人工智能【产业园】):
    data/reference/verticals.yaml, `venues`."""
    return _optional_vertical_list("venues")


def institution_words() -> tuple[str, ...]:
    """Keywords that name a place serving people (诊所, 医院): a vertical word right before one says what kind of
    place it is (美容诊所, 宠物医院), not whose it is (data/reference/verticals.yaml, `institutions`)."""
    return _optional_vertical_list("institutions")


def goods_words() -> tuple[str, ...]:
    """The vertical words that describe the goods, not their users (二手 in 二手工程机械): before a product they
    still say what the business is (data/reference/verticals.yaml, `goods`; each one of the verticals)."""
    words = _optional_vertical_list("goods")
    stray = sorted(set(words) - set(vertical_words()))
    if stray:
        raise DataFileError(REFERENCE_DIR / "verticals.yaml", "goods", f"“{stray[0]}”不在 verticals 中")
    return words
