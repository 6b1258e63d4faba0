"""The word lists of data/reference read by several layers (matcher.knowledge.words)."""

import pytest

from matcher.knowledge import words


def test_the_shipped_venue_and_goods_lists():
    """The venues of verticals.yaml (after which a keyword names a park, fair or fund) and its goods (vertical words
    that never name users), each of them one of the verticals."""
    assert {"产业园", "展览会", "基金"} <= set(words.venue_words())
    assert "二手" in words.goods_words() and set(words.goods_words()) <= set(words.vertical_words())
    assert {"诊所", "医院"} <= set(words.institution_words())  # 美容诊所: a vertical word says what kind of place


@pytest.mark.parametrize(
    "loader, key, bad",
    [
        ("venue_words", "venues", "verticals: [酒店]\nvenues: [园]\n"),  # a word of one character
        ("goods_words", "goods", "verticals: [酒店]\ngoods: [二手]\n"),  # not one of the verticals
        ("institution_words", "institutions", "verticals: [酒店]\ninstitutions: [院]\n"),
    ],
)
def test_an_optional_vertical_list(tmp_path, monkeypatch, loader, key, bad):
    """venues, goods and institutions are optional lists of verticals.yaml: a file without one has none, a broken one is an error
    naming the file and the field."""
    from matcher.errors import DataFileError

    read = getattr(words, loader)
    monkeypatch.setattr(words, "REFERENCE_DIR", tmp_path)
    (tmp_path / "verticals.yaml").write_text("verticals: [二手, 酒店]\n", encoding="utf-8")
    assert read() == ()
    (tmp_path / "verticals.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(DataFileError, match="verticals.yaml") as err:
        read()
    assert key in str(err.value)


def test_every_boundary_word_holds_a_chain_word():
    """A boundary word that holds no keyword (strong or weak), core word, leader or vertical word keeps nothing from
    being read."""
    import matcher

    strong = set(words.vertical_words())
    for chain in matcher.load_chains().values():
        strong |= {w for s in chain.segments for w in (*s.keywords, *s.weak_keywords, *s.leaders)}
        strong |= {w for w, _ in chain.core_keywords}
    assert [w for w in words.boundary_words() if not any(k in w for k in strong)] == []


def test_a_broken_boundary_list_names_the_file(tmp_path, monkeypatch):
    from matcher.errors import DataFileError

    (tmp_path / "boundary_words.yaml").write_text("words: [其中药, 药]\n", encoding="utf-8")
    monkeypatch.setattr(words, "REFERENCE_DIR", tmp_path)
    with pytest.raises(DataFileError, match="boundary_words.yaml"):
        words.boundary_words()
