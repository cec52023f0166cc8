"""A speaker quoted by surname is shown by the full name the article gives elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.paragraphs import build_paragraphs
from index.types import Document, Speaker
from rag.candidates import _full_name
from rag.respond import honorific_gender_of, surname_of
from tests.real_bots import bot_over


def _document(text: str) -> Document:
    return Document("d1", text, "t", "s.txt", build_paragraphs(text))


ARTICLE = (
    "Senators met on Tuesday.\n\n"
    "Sen. Cruz spoke first, and President Obama replied later.\n\n"
    "Texas Senator Ted Cruz said the bill would fail.\n\n"
    "“It will not pass,” Cruz said. Maria Lopez, an aide, agreed.\n"
)


def test_the_full_name_ending_in_the_surname_is_taken() -> None:
    document = _document(ARTICLE)
    assert _full_name(document, "Cruz") == "Ted Cruz"  # not "Sen. Cruz", not a title
    assert _full_name(document, "Lopez") == "Maria Lopez"


def test_a_full_name_written_only_as_an_owner_is_taken() -> None:
    document = _document("Senators met.\n\nDonald Trump’s lead grew.\n\n“Wrong,” Trump said.\n")
    assert _full_name(document, "Trump") == "Donald Trump"


def test_a_surname_two_people_share_stays_as_it_is() -> None:
    document = _document(
        "Michelle Obama spoke first.\n\n"
        "“Our progress is on the ballot,” President Obama said.\n\n"
        "Barack Obama was introduced by the first lady.\n"
    )
    assert _full_name(document, "Obama") == "Obama"  # not the first one written, Michelle


def test_a_function_word_the_recogniser_took_for_a_given_name_is_not_a_person() -> None:
    document = _document(
        "Beyond Trump, the other candidates have released their returns.\n\n"
        "Donald Trump spoke on Monday.\n\n“Wrong,” Trump said.\n"
    )
    assert _full_name(document, "Trump") == "Donald Trump"


def test_two_forms_of_one_full_name_are_one_person() -> None:
    document = _document(
        "Donald J. Trump arrived.\n\nDonald Trump spoke.\n\nDonald Trump left.\n\n"
        "“Wrong,” Trump said.\n"
    )
    assert _full_name(document, "Trump") == "Donald Trump"  # the form written most


def test_a_surname_never_written_in_full_stays_as_it_is() -> None:
    document = _document(ARTICLE)
    assert _full_name(document, "Obama") == "Obama"  # only "President Obama"
    assert _full_name(document, "Smith") == "Smith"


def test_a_paragraph_without_a_possible_given_name_is_not_read() -> None:
    from rag.candidates import _people

    _people.cache_clear()
    _full_name(_document(ARTICLE), "Obama")
    assert _people.cache_info().misses == 0  # only "President Obama": no entity recogniser
    _full_name(_document(ARTICLE), "Cruz")
    assert _people.cache_info().misses >= 1


def test_the_only_full_name_of_the_other_gender_is_not_the_speakers() -> None:
    document = _document(
        "Michelle Obama spoke first.\n\n“Our progress is on the ballot,” Mr. Obama said.\n"
    )
    assert _full_name(document, "Obama", "m") == "Obama"  # Mr. Obama is not Michelle
    assert _full_name(document, "Obama", "f") == "Michelle Obama"
    assert _full_name(document, "Obama") == "Michelle Obama"  # no honorific: no telling


def test_the_answer_reads_the_speakers_gender_from_their_honorifics() -> None:
    assert honorific_gender_of(Speaker("Obama", None, ("Mr. Obama", "President Obama"), 3)) == "m"
    assert honorific_gender_of(Speaker("Clinton", None, ("Mrs. Clinton", "Mr. Clinton"), 3)) is None
    assert honorific_gender_of(Speaker("Obama", None, ("President Obama",), 1)) is None


def test_a_name_written_with_either_apostrophe_is_one_name() -> None:
    document = _document(
        "The blast went off, according to NYPD Commissioner James O’Neill.\n\n"
        "“The exact cause has not been determined,” said O'Neill.\n"
    )
    assert _full_name(document, "O'Neill") == "James O’Neill"  # as the article writes it
    assert _full_name(document, "O’Neill") == "James O’Neill"


SURNAME_OF_TWO_WORDS = (
    "Port talks stall\n\n"
    "When Rodrigo Salas Ibarra, the port authority's director, came to the harbour on "
    "Monday, he brought a plan for the new ferry terminal.\n\n"
    "Mr. Salas Ibarra argues there is no point in waiting for the council. ''We must not "
    "lose another winter,'' he said.\n\n"
    "Crews were unconvinced. ''The quay is ours at dawn,'' said Tom Reed, a trawler skipper.\n"
)


def test_a_surname_of_two_words_is_completed_from_the_article() -> None:
    document = _document(SURNAME_OF_TWO_WORDS)
    assert _full_name(document, "Salas Ibarra", "m") == "Rodrigo Salas Ibarra"


def test_a_name_of_several_words_is_a_surname_only_behind_an_honorific() -> None:
    behind = Speaker("Salas Ibarra", None, ("Mr. Salas Ibarra",), 2)
    assert surname_of(behind, "Salas Ibarra") == "Salas Ibarra"
    full = Speaker("Tom Reed", None, ("Reed",), 1)
    assert surname_of(full, "Tom Reed") is None  # already a full name
    titled = Speaker("Salas Ibarra", None, ("Director Salas Ibarra",), 1)
    assert surname_of(titled, "Salas Ibarra") is None  # "Director" may open a given name
    assert surname_of(None, "Reed") == "Reed"
    assert surname_of(None, "Tom Reed") is None


@pytest.mark.model
def test_an_answer_names_a_surname_of_two_words_by_the_full_name(tmp_path: Path) -> None:
    with bot_over(tmp_path, {"port.txt": SURNAME_OF_TWO_WORDS}) as bot:
        answer = bot.ask("What did Salas Ibarra say about the winter?")
    assert not answer.abstained
    assert "**Rodrigo Salas Ibarra**" in answer.text
    assert "Mr. Salas Ibarra**" not in answer.text
