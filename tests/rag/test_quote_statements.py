"""How quotes are shown in answers: a quote split by its cue runs together as the article
runs it ("“A,” she said. “B.”"); a quote whose speaker is unknown is shown in its sentence;
"Who said ...?" names the speaker in full even where the sentence gives only a surname; a
question of fact about a person is not answered with their quotes first; a quoted fragment
inside a sentence is shown in that sentence."""

from __future__ import annotations

from pathlib import Path

from index.config import Config
from rag import QuoteBot
from rag.candidates import Corpus
from rag.respond import said_together
from rag.verify import violations

ARTICLE = (
    "Riverside council approves bridge repairs\n\n"
    "The Riverside council voted on Tuesday to repair the Elm Street bridge.\n\n"
    "Maria Delgado, the council's engineer, inspected the bridge in March. "
    "“The steel under the deck is badly corroded,” Delgado said. “Without repairs the bridge "
    "will have to close to trucks by winter.”\n\n"
    "Tom Ruiz, a resident, said the detour adds twenty minutes to his commute. "
    "“It is a nuisance,” Ruiz said. Mayor Ellen Park called the vote overdue. "
    "“We should have done this years ago,” Park said.\n"
)


def _bot(tmp_path: Path, text: str = ARTICLE) -> QuoteBot:
    """A hashing-embedder bot over one article with ``text``."""
    source = tmp_path / "article.txt"
    source.write_text(text, encoding="utf-8")
    bot = QuoteBot.create(tmp_path / "idx", Config(embedder="hashing"))
    bot.add(source)
    return bot


def test_the_halves_of_a_split_quote_run_together(tmp_path: Path) -> None:
    bot = _bot(tmp_path)
    corpus = Corpus(bot.store)
    first = next(q for q in bot.quotes(speaker="Delgado") if q.text.startswith("The steel"))
    run = said_together(corpus, first)
    assert run is not None
    assert run.text == (
        "“The steel under the deck is badly corroded,” Delgado said. “Without repairs the "
        "bridge will have to close to trucks by winter.”"
    )
    assert bot.document(run.doc_id).text[run.start : run.end] == run.text


def test_quotes_with_narrative_or_another_speaker_between_stay_apart(tmp_path: Path) -> None:
    bot = _bot(tmp_path)
    corpus = Corpus(bot.store)
    for speaker in ("Ruiz", "Park"):
        quote = next(iter(bot.quotes(speaker=speaker)))
        assert said_together(corpus, quote) is None


def test_an_answer_about_the_speaker_gives_both_halves(tmp_path: Path) -> None:
    bot = _bot(tmp_path)
    answer = bot.ask("What did Maria Delgado say about the bridge?")
    assert not answer.abstained
    # one statement, one citation, as the article runs it
    assert any("badly corroded" in c.text and "close to trucks" in c.text for c in answer.citations)
    assert violations(bot, answer) == []


def test_a_quote_whose_speaker_is_unknown_is_shown_in_its_sentence(tmp_path: Path) -> None:
    bot = _bot(
        tmp_path,
        "State court strikes down voting law\n\n"
        "The state supreme court struck down the voting law on Friday.\n\n"
        "The ruling drew an angry response. The court's “four activist judges ignored the "
        "voters and the legislature” was the message on billboards across the state.\n",
    )
    assert [q.speaker for q in bot.quotes()] == [None]
    answer = bot.ask("What did the billboards say about the judges?")
    assert not answer.abstained
    assert "unnamed source" not in answer.text  # not known is not "unnamed"
    assert "was the message on billboards across the state." in answer.text
    assert violations(bot, answer) == []


def test_who_said_names_the_speaker_in_full(tmp_path: Path) -> None:
    # the full name stands only where the parser sees no subject: the speaker is "Okafor"
    bot = _bot(
        tmp_path,
        "Growers rally for water rights\n\n"
        "Standing alongside labor leader and activist Dolores Okafor, who founded the growers "
        "union, Mayor Tim Ash accused the state of neglect.\n\n"
        "Okafor praised the governor’s plan.\n\n"
        "“What the valley needs is water it can count on,” Okafor said.\n",
    )
    answer = bot.ask("Who said the valley needs water it can count on?")
    assert not answer.abstained
    assert "Dolores Okafor" in answer.text  # the sentence itself says only "Okafor said"
    assert violations(bot, answer) == []


def test_a_question_of_fact_about_a_person_is_not_answered_with_their_quotes(
    tmp_path: Path,
) -> None:
    bot = _bot(
        tmp_path,
        "Tenney wins the primary\n\n"
        "Assemblywoman Clara Tenney won the Republican primary on Tuesday with 41 percent of "
        "the vote, ahead of Martin Wells with 33 percent.\n\n"
        "“I am not afraid to stand up to the establishment in both parties,” Tenney said.\n\n"
        "“The money spent against me will be well over a million dollars,” Tenney said.\n\n"
        "“Voters here want someone who listens to them,” Tenney said.\n",
    )
    answer = bot.ask("What share of the vote did Clara Tenney win in the primary?")
    assert not answer.abstained
    assert "41 percent of the vote" in answer.text.split("[1]")[0]  # the fact comes first
    assert violations(bot, answer) == []


def test_a_quoted_fragment_is_shown_in_the_sentence_that_goes_on_after_it(
    tmp_path: Path,
) -> None:
    bot = _bot(
        tmp_path,
        "Wildfire season starts early\n\n"
        "Fire crews were sent to the hills on Monday.\n\n"
        "Governor Anna Lee said “local volunteers” must lead the fight against the fires.\n",
    )
    answer = bot.ask("What did Anna Lee say about local volunteers?")
    assert not answer.abstained
    assert "must lead the fight against the fires" in answer.text  # not “local volunteers” alone
    assert violations(bot, answer) == []


def test_a_partial_quote_is_shown_with_the_quote_that_runs_on_from_it(tmp_path: Path) -> None:
    bot = _bot(
        tmp_path,
        "Teachers weigh the race\n\n"
        "The union endorsed a candidate early this year.\n\n"
        "Teachers are “looking to see who is on the other side of the ticket,” union president "
        "Lena Ortiz said. “That’s got to scare an educator.”\n\n"
        "The union has two million members.\n",
    )
    answer = bot.ask("What did Lena Ortiz say about teachers and the other side of the ticket?")
    assert not answer.abstained
    assert "That’s got to scare an educator." in answer.text  # not only the partial's sentence
    assert violations(bot, answer) == []
