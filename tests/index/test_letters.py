"""Signed letters: each letter's paragraphs are its writer's; signatures, towns and section
headings are no statements; a name standing above the text about them is a subhead."""

from __future__ import annotations

from index.letters import Letters, find_letters
from index.nlp import parse
from index.pipeline import make_document
from index.quotes import extract
from index.types import Document
from rag.respond import fact_statement

LETTERS_PAGE = """Keep the library open on Sundays.

LETTERS.

Closing the branch on Sundays hurts the families who can least afford it. My children do their homework there every weekend because we have no quiet room at home.

The council found money for a new parking garage last spring. Surely it can find a few thousand dollars for librarians.

Margaret Ellison.

Dayton, Ohio.

FACEBOOK.

The library is the only place in town where anyone can sit for free. Cutting its hours is a false economy.

Daniel Okafor.

Nobody I know has been inside a library in ten years. Spend the money on roads instead.

@roadsfirst77.
"""

PROFILE_WITH_SUBHEADS = """Where the candidates stand on transit.

Voters in the city will choose a new mayor in November, and transit is the issue they raise most often at forums across every ward.

THE FIELD.

The two leading candidates have spent the summer at bus stops and rail platforms, each with a plan.

Maria Lopez.

Lopez has promised to double bus service within two years and to pay for it with a new tax on downtown parking spaces.

Daniel Okafor.

Okafor wants to extend the light rail line to the airport and says the federal government should cover most of the cost.

Either plan would need the state legislature's approval before any construction could begin.
"""


def _letters(text: str) -> tuple[Document, Letters]:
    document = make_document(text, "page.txt")
    return document, find_letters(document.paragraphs, lambda p: parse(p.text))


def test_each_letter_is_signed_by_the_name_below_it() -> None:
    document, letters = _letters(LETTERS_PAGE)
    by_text = {p.text[:20]: letters.signer.get(p.number) for p in document.paragraphs}
    assert by_text["Closing the branch o"] == "Margaret Ellison"
    assert by_text["The council found mo"] == "Margaret Ellison"
    assert by_text["The library is the o"] == "Daniel Okafor"
    assert by_text["Nobody I know has be"] == "@roadsfirst77"
    assert by_text["Keep the library ope"] is None  # the title is the paper's


def test_signatures_towns_and_headings_are_furniture() -> None:
    document, letters = _letters(LETTERS_PAGE)
    furniture = {p.text for p in document.paragraphs if p.number in letters.furniture}
    assert {"Margaret Ellison.", "Dayton, Ohio.", "LETTERS.", "FACEBOOK."} <= furniture
    assert not any(len(text.split()) > 3 for text in furniture)


def test_a_name_above_the_text_about_them_is_a_subhead_not_a_signature() -> None:
    _, letters = _letters(PROFILE_WITH_SUBHEADS)
    assert letters.signer == {}


def test_a_name_followed_by_prose_and_no_further_signature_signs_nothing() -> None:
    # a subhead whose section does not name them ("Gender Equality." read as a person)
    text = PROFILE_WITH_SUBHEADS.replace("Lopez has promised", "The plan promises")
    text = text.replace("Okafor wants", "The rival plan wants")
    _, letters = _letters(text)
    assert letters.signer == {}


def test_a_letters_facts_carry_their_writer_and_signatures_are_no_facts() -> None:
    document = make_document(LETTERS_PAGE, "page.txt")
    facts = extract(document.doc_id, document.text, document.paragraphs).facts
    sources = {f.text: f.source for f in facts}
    assert sources["Surely it can find a few thousand dollars for librarians."] == (
        "Margaret Ellison"
    )
    assert not any(text.startswith(("Margaret Ellison", "Dayton", "LETTERS")) for text in sources)
    for fact in facts:
        if fact.source:
            line = fact_statement(fact)
            assert line.lead == f"**{fact.source}**: " and line.body == fact.text


OPINION_PIECE = """The library is worth its cost.

Every Sunday for ten years I have watched the same families come through our doors, because the branch is the only quiet and free place they have.

The council says the savings are small but necessary. They are neither: the parking garage it approved last spring cost more than a decade of Sunday hours.

Closing on Sundays would save the city money on paper and cost it far more in lost homework, lost job applications and lost company for the lonely.

Margaret Ellison is the head librarian of the Dayton Public Library.
"""

NEWS_STORY_ENDING_ON_A_PERSON = """Council votes to close the library on Sundays.

The city council voted 5-2 on Tuesday to close the main library branch on Sundays, a cut Mayor Margaret Ellison had proposed in her budget.

Ellison said the savings were needed to balance the budget without raising property taxes.

Opponents, including several librarians, said the decision would hurt families who rely on the branch.

Margaret Ellison is in her second term as mayor.
"""


def test_an_opinion_piece_is_signed_by_the_author_its_closing_line_names() -> None:
    document, letters = _letters(OPINION_PIECE)
    body = document.paragraphs[1:-1]
    assert {letters.signer.get(p.number) for p in body} == {"Margaret Ellison"}
    assert document.paragraphs[-1].number not in letters.signer  # the line names her
    facts = extract(document.doc_id, document.text, document.paragraphs).facts
    assert any(f.source == "Margaret Ellison" and "parking garage" in f.text for f in facts)


def test_a_story_about_the_person_its_last_line_names_is_not_theirs() -> None:
    _, letters = _letters(NEWS_STORY_ENDING_ON_A_PERSON)
    assert letters.signer == {}
