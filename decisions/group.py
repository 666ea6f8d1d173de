"""The group computation's Django side: respondents' answers in, a :class:`GroupRecord` out.

The arithmetic is :mod:`decisions.consensus` (pure); this module turns the stored answers
and settlements into its inputs and its output into the typed record kept with a result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from decisions import consensus, records
from decisions.models import Criterion, FunctionAssessment, Respondent, Settlement
from decisions.questionnaire import Questionnaire

FORMER_MEMBER = gettext_lazy("former member")


def person_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """How a person is named on pages and in the record: full name, else username."""
    if user is None or not user.is_authenticated:
        return str(FORMER_MEMBER)
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def _choice(
    entry: records.AnswerEntry, option_scores: Mapping[int, Mapping[str, Decimal]]
) -> consensus.Choice | None:
    if entry.not_sure:
        return consensus.NOT_SURE
    return consensus.Choice(entry.option_code, option_scores[entry.option_id])


def merged_answers(
    walkthrough: Questionnaire,
    entries_of: Mapping[int, Sequence[records.AnswerEntry]],
    settlements: Sequence[Settlement],
) -> list[records.AnswerEntry]:
    """One answer per question to record with a group result.

    The settled answer where there is one; else the answer everybody gave; else the first
    respondent's (profile answers such as the delivery location need one), labelled as
    differing when the question is scored.
    """
    settled = {s.question_id: s for s in settlements}
    merged = []
    first = min(entries_of)
    for index, question in enumerate(walkthrough.questions):
        given = [entries[index] for _who, entries in sorted(entries_of.items())]
        entry = entries_of[first][index]
        settlement = settled.get(question.id)
        if settlement is not None:
            option = question.option(settlement.option_id) if settlement.option_id else None
            if option is not None:
                entry = records.AnswerEntry(
                    criterion=entry.criterion,
                    criterion_name=entry.criterion_name,
                    kind=entry.kind,
                    question_id=question.id,
                    question=question.text,
                    option_id=option.id,
                    option_code=option.code,
                    option_label=option.label,
                    note=settlement.note,
                )
            else:
                entry = replace(
                    entry, option_id=0, option_code="", option_label=_("Not sure"), not_sure=True
                )
        elif len({(g.option_id, g.not_sure) for g in given}) > 1 and question.criterion.is_scored:
            labels = sorted({g.option_label for g in given})
            entry = replace(entry, option_label=" / ".join(labels), note="")
        merged.append(entry)
    return merged


def assess(
    *,
    function: FunctionAssessment,
    snapshot: records.Snapshot,
    walkthrough: Questionnaire,
    entries_of: Mapping[int, Sequence[records.AnswerEntry]],
    settlements: Sequence[Settlement],
) -> records.GroupRecord:
    """The group engine on the submitted respondents' answers and the settled criteria.

    ``individual`` holds each respondent's own engine winner (the caller names a
    specialisation). Raises :class:`decisions.scoring.ScoringError` as the engine does.
    """
    option_scores = snapshot.option_scores()
    weights = {c.slug: c.weight for c in snapshot.criteria if c.kind == Criterion.Kind.SCORED}
    responses = [
        consensus.Response(
            respondent=str(who),
            answers={
                e.criterion: _choice(e, option_scores) for e in entries if e.criterion in weights
            },
        )
        for who, entries in entries_of.items()
    ]
    by_question = {q.id: q for q in walkthrough.questions}
    settled: dict[str, consensus.Choice | None] = {}
    settled_entries = []
    for settlement in settlements:
        question = by_question.get(settlement.question_id)
        if question is None or not question.criterion.is_scored:
            continue
        option = question.option(settlement.option_id) if settlement.option_id else None
        slug = question.criterion.slug
        settled[slug] = (
            consensus.Choice(option.code, option_scores[option.id])
            if option
            else consensus.NOT_SURE
        )
        settled_entries.append(
            records.SettledEntry(
                criterion=slug,
                criterion_name=question.criterion.name,
                option_code=option.code if option else None,
                option_label=option.label if option else _("Not sure"),
                note=settlement.note,
                by=person_name(settlement.settled_by),
                at=settlement.settled_at,
            )
        )
    outcome = consensus.assess(weights, responses, snapshot.scored_models, settled=settled)
    people = {
        r.pk: person_name(r.user)
        for r in Respondent.objects.filter(pk__in=list(entries_of)).select_related("user")
    }
    return records.GroupRecord(
        respondents=tuple(
            records.RespondentEntry(id=str(who), name=people.get(who, str(who)))
            for who in sorted(entries_of)
        ),
        outcome=outcome,
        settled=tuple(settled_entries),
        individual={i.respondent: i.winner for i in outcome.individuals},
    )
