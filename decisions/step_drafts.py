"""What a questionnaire step keeps in the session when it cannot save an answer yet.

Two kinds of draft, both plain strings in the signed-in (or about to sign in)
user's own session, never in the database:

- **A note without an answer.** "Back" or "Save and exit" with a note typed but
  no option chosen has nothing to save as an answer; the note is kept per
  function and question until an answer is saved, and shown again on the step.
- **A step submitted after the session expired.** The POST reaches the server
  without a signed-in user, so ``login_required`` would drop it. The option and
  note are kept with the step's path and the time, and the manager is sent to
  sign in. After signing in, the step shows them *prefilled, not saved*: the
  manager saves them by submitting the form again. The draft is used only by
  the first sign-in after it was stored (``last_login`` is later than the
  draft), only on the step it was submitted from and only once, and the step
  opens only for members of the function's organisation. So nobody can plant an
  answer: a draft is at most a suggestion shown to the person who signs in in
  that browser, on a page they may open anyway, and nothing is saved until they
  submit it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from decisions.models.assessments import NOTE_MAX

NOTES_KEY = "step_note_drafts"
EXPIRED_KEY = "step_expired_post"
OPTION_MAX_CHARS = 20  # an option id; anything longer is not one


def _note_key(function_id: int, question_id: int) -> str:
    return f"{function_id}:{question_id}"


def keep_note(session: SessionBase, *, function_id: int, question_id: int, note: str) -> None:
    notes = dict(session.get(NOTES_KEY, {}))
    notes[_note_key(function_id, question_id)] = note[:NOTE_MAX]
    session[NOTES_KEY] = notes


def kept_note(session: SessionBase, *, function_id: int, question_id: int) -> str | None:
    note = session.get(NOTES_KEY, {}).get(_note_key(function_id, question_id))
    return note if isinstance(note, str) else None


def drop_note(session: SessionBase, *, function_id: int, question_id: int) -> None:
    notes = dict(session.get(NOTES_KEY, {}))
    if notes.pop(_note_key(function_id, question_id), None) is not None:
        session[NOTES_KEY] = notes


@dataclass(frozen=True)
class ExpiredPost:
    option: str
    note: str


def keep_expired_post(session: SessionBase, *, path: str, option: str, note: str) -> None:
    session[EXPIRED_KEY] = {
        "path": path,
        "option": option[:OPTION_MAX_CHARS],
        "note": note[:NOTE_MAX],
        "at": timezone.now().isoformat(),
    }


def take_expired_post(session: SessionBase, *, path: str, user: User) -> ExpiredPost | None:
    """The step's expired submission, once, for the first sign-in after it was kept."""
    kept = session.get(EXPIRED_KEY)
    if not isinstance(kept, dict) or kept.get("path") != path:
        return None
    del session[EXPIRED_KEY]
    try:
        kept_at = datetime.fromisoformat(str(kept.get("at")))
    except ValueError:
        return None
    if user.last_login is None or user.last_login < kept_at:
        return None
    return ExpiredPost(option=str(kept.get("option", "")), note=str(kept.get("note", "")))
