"""State-transition tables: which action moves a record from which states to which.

A view checks an action against its table before changing anything, and
the templates draw their action buttons from the same table
(:func:`available_actions`), so a button exists exactly when the action is
allowed.
"""

from dataclasses import dataclass

from flask import abort


@dataclass(frozen=True)
class Transition:
    to: str
    allowed_from: tuple
    label: str  # the button's text (a lazy translation)
    decision: str | None = None  # what the review log records, where there is one


def allowed_transition(transitions, action, state, refusal):
    """The transition `action` from `state`; a 400 with the `refusal` text when it is not allowed."""
    transition = transitions[action]
    if state not in transition.allowed_from:
        abort(400, description=refusal)
    return transition


def available_actions(transitions, state):
    """[(action, label), ...] of the transitions allowed from `state`, in table order."""
    return [(action, t.label) for action, t in transitions.items() if state in t.allowed_from]
