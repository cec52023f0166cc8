"""Question analysis on spaCy's parse: the person asked about, answer types, language."""

from __future__ import annotations

import pytest

from index.types import Speaker
from rag.understand import analyse, is_english, names_whose_words

SPEAKERS = [
    Speaker("Hillary Clinton", "Democratic nominee", ("Clinton", "Mrs. Clinton"), 4),
    Speaker("Bill Clinton", "former president", ("Clinton",), 2),
    Speaker("Janet Yellen", "chair of the Federal Reserve", ("Yellen",), 3),
    Speaker("Robert Gates", "former defence secretary", ("Gates",), 1),
]


def test_the_subject_is_the_person_asked_about_not_a_possessive() -> None:
    a = analyse("What did Robert Gates say about Hillary Clinton's Syria policy?", SPEAKERS)
    assert a.person is not None and a.person.name == "Robert Gates"
    assert a.kind == "speaker"


def test_the_owner_of_a_reaction_is_the_person_asked_about() -> None:
    a = analyse(
        "What was Janet Yellen's reaction to Robert Gates saying the budget was in ruins?",
        SPEAKERS,
    )
    assert a.person is not None and a.person.name == "Janet Yellen"


@pytest.mark.parametrize(
    "question",
    ["What share of the vote did Hillary Clinton win?", "How many votes did Janet Yellen get?"],
)
def test_a_question_of_fact_about_a_named_person_does_not_ask_for_their_words(
    question: str,
) -> None:
    a = analyse(question, SPEAKERS)
    assert a.person is not None and a.person.name in question
    assert a.kind in {"fact", "open"}


@pytest.mark.parametrize(
    "question",
    [
        "What did Robert Gates say about Janet Yellen's warning?",
        "How did Robert Gates respond to Janet Yellen's remarks on rates?",
        "How did Robert Gates describe Janet Yellen's position?",
        "Does Robert Gates think Janet Yellen's forecast is costing her support?",
    ],
)
def test_words_that_are_only_the_topic_do_not_make_their_owner_the_person_asked_about(
    question: str,
) -> None:
    a = analyse(question, SPEAKERS)
    assert a.person is not None and a.person.name == "Robert Gates"


def test_words_named_as_the_source_make_their_owner_the_person_asked_about() -> None:
    a = analyse("What would it take, in Janet Yellen's view, for Robert Gates to agree?", SPEAKERS)
    assert a.person is not None and a.person.name == "Janet Yellen"


def test_a_name_elsewhere_in_a_question_of_saying_is_not_whose_words_are_asked_for() -> None:
    assert analyse("What do critics say about Janet Yellen?", SPEAKERS).kind != "speaker"


def test_a_possessive_alone_is_not_whose_words_are_asked_for() -> None:
    assert analyse("What is Hillary Clinton's Syria policy?", SPEAKERS).kind != "speaker"


def test_asking_who_someones_associate_is_is_not_asking_who_they_are() -> None:
    assert analyse("Who is Hillary Clinton's lawyer?", SPEAKERS).kind != "identity"
    assert analyse("Who is Hillary Clinton?", SPEAKERS).kind == "identity"


def test_a_person_named_in_an_according_to_lead_in_is_the_person_asked_about() -> None:
    a = analyse(
        "According to former defence secretary Robert Gates, what does the memo show about "
        "whether Clinton knew?",
        SPEAKERS,
    )
    assert a.person is not None and a.person.name == "Robert Gates"


@pytest.mark.parametrize(
    "question",
    [
        "Which Democratic lawmakers were quoted pushing back against the contempt vote?",
        "Which Republicans criticized the new tariff plan?",
        "Which candidates weighed in on raising the minimum wage?",
    ],
)
def test_a_plural_which_phrase_saying_something_asks_for_people(question: str) -> None:
    assert analyse(question, SPEAKERS).kind == "people"


@pytest.mark.parametrize(
    "question",
    ["Which states had election offices hacked?", "Which groups did the strikes target?"],
)
def test_a_plural_which_phrase_about_things_is_not_a_list_of_people(question: str) -> None:
    assert analyse(question, SPEAKERS).kind != "people"


def test_a_which_phrase_saying_something_asks_who_said_it_not_about_the_person_named() -> None:
    a = analyse(
        "Which Florida activist claimed the Clinton campaign was panicking about turnout?",
        SPEAKERS,
    )
    assert a.kind == "who_said" and a.person is None
    assert a.target == "the Clinton campaign was panicking about turnout"


@pytest.mark.parametrize(
    "question",
    ["Who wrote this article?", "Who is the author?", "Who wrote the column about the Fed?"],
)
def test_who_wrote_the_article_asks_for_its_author(question: str) -> None:
    assert analyse(question, SPEAKERS).kind == "author"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who wrote that the Fed had waited too long to raise rates?", "who_said"),
        ("What did Janet Yellen tell the author's father about interest rates?", "speaker"),
    ],
)
def test_who_wrote_a_claim_or_the_authors_kin_is_not_about_the_author(
    question: str, kind: str
) -> None:
    assert analyse(question, SPEAKERS).kind == kind


def test_full_name_before_surname() -> None:
    a = analyse("What did Bill Clinton say about the economy?", SPEAKERS)
    assert a.person is not None and a.person.name == "Bill Clinton"


def test_a_surname_finds_the_speaker() -> None:
    a = analyse("How did Yellen describe inflation?", SPEAKERS)
    assert a.person is not None and a.person.name == "Janet Yellen"
    assert "inflation" in a.lemmas


def test_a_person_no_article_quotes_is_named_as_unknown() -> None:
    a = analyse("What did Angela Merkel say about the refugees?", SPEAKERS)
    assert a.person is None
    assert a.unknown_person == "Angela Merkel"


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("When did the Senate vote on the bill?", "DATE"),
        ("How many people attended the rally?", "CARDINAL"),
        ("How much did the campaign raise in August?", "MONEY"),
        ("Which country hosted the summit?", "GPE"),
        ("Where was the debate held?", "GPE"),
    ],
)
def test_answer_type_comes_from_the_wh_phrase(question: str, label: str) -> None:
    assert label in analyse(question, SPEAKERS).answer_labels


def test_an_open_question_wants_no_particular_type() -> None:
    assert analyse("Why did the markets fall?", SPEAKERS).answer_labels == frozenset()


@pytest.mark.parametrize(
    "question",
    [
        "Was hat Janet Yellen über die Zinsen gesagt?",
        "Qu'est-ce que Hillary Clinton a dit sur la Syrie ?",
        "¿Cuánto dinero recaudó la campaña de Clinton?",
    ],
)
def test_other_languages_are_recognised(question: str) -> None:
    assert not is_english(question)
    assert not analyse(question, SPEAKERS).english


def test_english_questions_stay_english() -> None:
    for q in ("What did Yellen say about rates?", "Who is quoted?", "Why now?"):
        assert is_english(q)


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Does he think Janet Yellen's warning was right?", False),
        ("What did she say about Robert Gates?", False),
        ("What did Robert Gates say about her?", True),
        ("What was Janet Yellen's reaction?", True),
    ],
)
def test_a_question_names_whose_words_it_asks_for_or_points_back(
    question: str, names: bool
) -> None:
    assert names_whose_words(question, SPEAKERS) is names


@pytest.mark.parametrize(
    ("question", "attribute"),
    [
        ("What is the population of Balochistan?", "population"),
        ("What was the name of the village the missiles hit?", "name"),
        ("What is Clinton's margin over Sanders in Delaware?", "margin"),
        # their words are asked for: a verdict is given, not named
        ("What was Janet Yellen's verdict on the budget?", ""),
        ("What did Robert Gates say about the budget?", ""),
        ("What is happening in Syria?", ""),
    ],
)
def test_a_what_is_the_n_of_question_asks_for_the_value_of_n(question: str, attribute: str) -> None:
    assert analyse(question, SPEAKERS).attribute == attribute
