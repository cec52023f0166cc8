"""The writer of an opinion piece or a signed letter can be asked about like anyone quoted:
their sentences are their words (real model)."""

from __future__ import annotations

from pathlib import Path

from real_bots import bot_over

from eval.operating import answering_every_question
from rag.verify import violations

OPINION_PIECE = """The library is worth its cost.

Every Sunday for ten years I have watched the same families come through our doors, because the branch is the only quiet and free place they have.

The council says closing the library on Sundays saves money. It does not: the parking garage it approved last spring cost more than a decade of Sunday hours.

Closing on Sundays would save the city money on paper and cost it far more in lost homework, lost job applications and lost company for the lonely.

Margaret Ellison is the head librarian of the Dayton Public Library.
"""

NEWS = """Council votes on library hours

The city council voted 5-2 on Tuesday to close the main library branch on Sundays.

“We had to find savings somewhere, and the library's Sunday hours were the least used,” said council member Tom Avery.
"""


def test_an_opinion_pieces_author_is_answered_from_their_piece(tmp_path: Path) -> None:
    # every question answered (threshold 0): what is tested is whose words rank and lead,
    # not where the fitted threshold falls on a two-article index
    with answering_every_question(tmp_path / "threshold-0.json"):
        bot = bot_over(tmp_path, {"oped.txt": OPINION_PIECE, "news.txt": NEWS})
        try:
            answer = bot.ask("What does Margaret Ellison think about closing the library?")
            oped = next(d for d in bot.documents() if "head librarian" in d.text)
            assert violations(bot, answer) == []
        finally:
            bot.close()
    assert not answer.abstained, answer.text
    first = answer.text.split("\n")[0]
    assert first.startswith("**Margaret Ellison**") and "Tom Avery" not in first
    assert answer.citations[0].doc_id == oped.doc_id
    assert answer.citations[0].paragraph < len(oped.paragraphs)  # her piece, not her bio line
