"""Attribution shapes from real news that the rules alone missed (spaCy parse, real model)."""

from __future__ import annotations

import pytest

from rag.extraction import quotes_of_text

INTRO = "Jane Harlow, a lawyer in Denver, spoke first on Monday.\n\n"

SHAPES = [
    # (text, quote start, expected speaker)
    ("“We will win this state,” a smiling Clinton said at the rally.", "We will win", "Clinton"),
    (
        "“This is a serious matter for the committee,” Senator Charles E. Grassley, "
        "Republican of Iowa, said on Tuesday.",
        "This is a serious",
        "Charles E. Grassley",
    ),
    (
        "“We are not commenting on the polls today,” said Clinton’s communications "
        "director, Jennifer Palmieri.",
        "We are not commenting",
        "Jennifer Palmieri",
    ),
    (
        "“I have the best temperament of anybody running,” Trump, 70, told CNN’s Dana Bash.",
        "I have the best",
        "Trump",
    ),
    (
        "“I voted in every election since 1944,” Abraham, 92, said in an interview.",
        "I voted",
        "Abraham",
    ),
    (
        "“Go register,” Trump implored the crowd. “Make sure you go out and vote.”",
        "Make sure",
        "Trump",
    ),
    ("“Nobody asked for that plan,” Rubio interjected.", "Nobody asked", "Rubio"),
    ("“The debate was rigged from the start,” Trump tweeted on Sunday.", "The debate", "Trump"),
    (
        "“Have you seen the numbers this morning?” Sanders replied. “They are good for us.”",
        "Have you seen",
        "Sanders",
    ),
    (
        "“We have asked for the records twice,” Cummings and Conyers wrote in the letter.",
        "We have asked",
        "Cummings",
    ),
    (
        "Chris Cillizza, The Washington Post: “The race is closer than the polls suggest.”",
        "The race is closer",
        "Chris Cillizza",
    ),
    (
        "Senate Majority Leader Mitch McConnell delivered a blunt message to Trump: "
        "“It is time to get on message.”",
        "It is time",
        "Mitch McConnell",
    ),
]


@pytest.mark.parametrize("text,start,speaker", SHAPES, ids=[s[2] + ":" + s[1] for s in SHAPES])
def test_speaker_of_each_shape(text: str, start: str, speaker: str) -> None:
    quotes = quotes_of_text(INTRO + text)
    quote = next(q for q in quotes if q.text.startswith(start))
    assert quote.speaker is not None and speaker in quote.speaker


def test_a_round_up_names_its_source_after_a_lead_in() -> None:
    text = INTRO + "Pollsters agree - Carl Bialik: “Keep on contacting voters as late as possible.”"
    quote = next(q for q in quotes_of_text(text) if q.text.startswith("Keep on"))
    assert quote.speaker == "Carl Bialik"


def test_a_colon_introduces_the_next_paragraph() -> None:
    text = INTRO + "Cruz continued:\n\n“How about talking about the issues people care about?”"
    quote = next(q for q in quotes_of_text(text) if q.text.startswith("How about"))
    assert quote.speaker == "Cruz"


def test_a_headline_gives_its_quote_to_the_name_before_the_colon() -> None:
    text = "Reid: ‘Never Underestimate Trump’\n\nHarry Reid has advice for Democrats."
    quote = next(q for q in quotes_of_text(text) if q.text.startswith("Never"))
    assert quote.speaker is not None and "Reid" in quote.speaker


def test_a_possessive_owner_is_not_the_speaker() -> None:
    text = INTRO + "“That is false,” said Clinton’s top foreign policy aide Jake Sullivan."
    quote = next(q for q in quotes_of_text(text) if q.text.startswith("That is false"))
    assert quote.speaker is not None and "Sullivan" in quote.speaker
    assert "Clinton" not in quote.speaker


def test_a_scare_quote_beside_a_verb_of_thinking_is_not_attributed() -> None:
    text = INTRO + "Islamabad also felt its own need to “deter” foreign powers from attacking it."
    assert not [q for q in quotes_of_text(text) if q.text == "deter"]


def test_two_people_sharing_a_surname_stay_two_speakers() -> None:
    text = (
        "John Smith, the mayor, opened the meeting.\n\n"
        "“The budget is balanced,” John Smith said.\n\n"
        "Jane Smith, a council member, disagreed.\n\n"
        "“The budget hides a deficit,” Jane Smith said.\n\n"
        "“We will vote against it,” Smith added."
    )
    speakers = [q.speaker for q in quotes_of_text(text)]
    # a bare surname is the nearest preceding full name that carries it
    assert speakers == ["John Smith", "Jane Smith", "Jane Smith"]


def test_an_abbreviated_title_does_not_end_the_source() -> None:
    text = INTRO + "“We need the votes,” said Sen. Tom Carper of Delaware. The vote is Friday."
    quote = next(q for q in quotes_of_text(text) if q.text.startswith("We need"))
    assert quote.speaker == "Tom Carper"


def test_two_single_marks_quote_newspaper_style() -> None:
    text = INTRO + "''What does that mean?'' Mr. Trump asked, repeating a broadside."
    quote = next(q for q in quotes_of_text(text) if q.text.startswith("What does"))
    assert quote.speaker is not None and "Trump" in quote.speaker


def test_a_cue_the_parser_hangs_inside_the_quote_takes_the_main_clause_subject() -> None:
    text = INTRO + (
        "Clinton seemed to be ready to riff on the incident in Iowa, telling the crowd, "
        "“Some people get a little carried away, have you noticed that?”"
    )
    quote = next(q for q in quotes_of_text(text) if q.text.startswith("Some people"))
    assert quote.speaker == "Clinton"


def test_an_unnamed_source_is_attributed_as_described_never_to_a_guess() -> None:
    text = INTRO + (
        "“Anthony Weiner is on indefinite leave from the station,” a NY1 representative "
        "said in a statement."
    )
    quote = next(q for q in quotes_of_text(text) if q.text.startswith("Anthony Weiner"))
    assert quote.speaker == "a NY1 representative"
