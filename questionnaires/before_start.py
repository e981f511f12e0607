"""The lines a pupil reads on the opening page between its first paragraph and the Start button.

They sit above the button, so every pupil reads them, and the time on the opening page counts
them (``timing.py``). A questionnaire may give its own (``Page.before_start``): a check-in of two
or three questions needs no "saved as you go", and says where to sit in fewer words.
"""

from __future__ import annotations

from questionnaires.schema import Questionnaire

SAVED_AS_YOU_GO = "Each answer is saved as you go."


def answer_alone(still_there: bool) -> str:
    """Where to answer: staff of the place must not see the screen ("go" while they still do)."""
    go = "go" if still_there else "went"
    return (
        f"If you can, answer on your own. Sit where staff from the place you {go} to "
        "cannot see your screen."
    )


def before_start(questionnaire: Questionnaire, still_there: bool) -> list[str]:
    """The lines above the Start button, as the pupil reads them."""
    if questionnaire.opening.before_start is not None:
        return list(questionnaire.opening.before_start)
    return [SAVED_AS_YOU_GO, answer_alone(still_there)]
