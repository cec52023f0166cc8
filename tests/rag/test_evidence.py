"""Lexical evidence: countries by any name, acronyms the articles define, word families,
and which capitalised words count as names the articles lack."""

from __future__ import annotations

from rag import QuoteBot
from rag.evidence import acronyms
from rag.places import place_forms, place_key
from rag.question import answer_type, asks_wording, focus_terms


def test_a_country_is_one_place_by_name_capital_or_demonym() -> None:
    assert place_key("Tehran") == place_key("Iranians") == place_key("iran") == "iran"
    assert place_key("Islamabad") == place_key("Pakistani’s") == "pakistan"
    assert {"damascus", "syria", "syrian"} <= place_forms("Damascus")
    assert place_key("American") == "united states"  # the most populous claimant
    assert place_key("strike") is None and place_forms("Parsi") == frozenset()


def test_acronyms_are_read_from_their_definitions() -> None:
    found = acronyms(
        [
            "the Shanghai Cooperation Organisation (SCO)’s leaders; the Islamic Revolutionary "
            "Guard Corps (IRGC); the Islamic State (IS) claimed it; a (NOTE) aside"
        ]
    )
    assert found["sco"] == "Shanghai Cooperation Organisation"
    assert found["irgc"] == "Islamic Revolutionary Guard Corps"
    assert "is" not in found, "an acronym that reads as a word would match everywhere"
    assert "note" not in found, "capitals that do not spell it are no definition"


def test_coverage_matches_places_acronyms_and_families(hash_bot: QuoteBot) -> None:
    evidence = hash_bot.answerer.evidence
    assert evidence.coverage(["tehran"], "Iran’s missiles") == 1.0
    assert evidence.coverage(["shanghai", "cooperation"], "Both are SCO members.") == 1.0
    assert evidence.coverage(["die"], "Seven people lost their lives.") == 1.0
    assert evidence.coverage(["die"], "Seven people were arrested.") == 0.0
    # a word found nowhere in the articles counts as missing only when asked to
    assert evidence.coverage(["football", "last"], "last year") == 1.0
    assert evidence.coverage(["football", "last"], "last year", strict=True) < 0.5


def test_unknown_names_are_only_real_names(hash_bot: QuoteBot) -> None:
    unknown = hash_bot.answerer.evidence.unknown_entities
    assert unknown("What did Imran Khan say about the strikes?") == ["Imran Khan"]
    assert unknown("Who did Israel kill near Damascus?") == []  # "the Syrian capital"
    assert unknown("Explain why Pakistan retaliated.") == []
    assert unknown("Apart from Pakistan, where did Iran strike?") == []
    assert unknown("Who was killed around Christmas?") == []
    assert unknown("Which Eurasian bloc do both belong to?") == []
    assert unknown("Modi’s view on the strikes?") == ["Modi"]


def test_question_shapes() -> None:
    assert asks_wording("How did Vaez characterise the attack?")
    assert asks_wording("What word did Parsi use?")
    assert not asks_wording("How did the strike go in terms of damage?")
    when = answer_type("When is the foreign minister due?")
    assert when is not None and when("will visit Pakistan on 29 January")
    assert not when("Iran’s image will take a blow")
    count = answer_type("According to officials, how many people died?")
    assert count is not None and count("Seven people who were not Iranian")
    powers = answer_type("Which two big powers have sway over Tehran and Islamabad?")
    assert powers is not None and powers("China and Russia have leverage over Iran")
    assert not powers("Iran and Pakistan deter foreign powers")  # only the countries asked of
    assert answer_type("Why did Iran strike?") is None
    assert focus_terms("How many non-Iranians were killed?") == ["iranians", "killed"]


def test_keyword_search_takes_the_question_words_as_written(hash_bot: QuoteBot) -> None:
    # no hand-written synonym lists: "misjudge" is searched as written (similar wording
    # is the embedder's job), and a country word the index lacks searches its other forms
    keywords = hash_bot.retriever._keywords
    assert "underestimated" not in keywords("Did Iran misjudge Pakistan?")
    assert "misjudge" in keywords("Did Iran misjudge Pakistan?")
    assert "counterattack" not in keywords("Which groups did the retaliatory strikes target?")


def test_unit_similarity_is_each_units_best_view(hash_bot: QuoteBot) -> None:
    evidence = hash_bot.answerer.evidence
    store = hash_bot.store
    query = "What did the experts say about border security?"
    scores = store.view_vectors() @ hash_bot.retriever.embed_query(query)
    expected: dict[str, float] = {}
    for unit, score in zip(store.units, scores.tolist(), strict=True):
        expected[unit.unit_id] = max(expected.get(unit.unit_id, -2.0), score)
    found = evidence.unit_similarity(query)
    assert dict(found) == expected
    assert found.highest() == max(expected.values())
    assert found.get("no such unit", 0.0) == 0.0
    assert len({u.unit_id for u in store.units}) < len(store.units)  # some share a view
