"""CSV and JSON exports: one row (object) per business function.

Besides the recommendation, each function carries its business case (the JSON: today's
cost, the terms and every model's estimate; the CSV: the chosen model's figures) and its
rated risks. Amounts are exact decimal strings in the business case's currency.

Both read the stored result of each function, never the live catalogue, so an
export says what the report says. The CSV is written by ``safe_csv``: every
cell quoted, no piece of a cell that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from decisions.models import Assessment, FunctionAssessment
from decisions.presentation import AssessmentView, FunctionView, ModelEstimate
from decisions.reports import safe_csv
from decisions.reports.common import export_filename

ANSWER_FIELDS = ("option_code", "option_label", "note")
RISK_FIELDS = ("likelihood", "impact", "level", "owner")
# The chosen model's business case in the CSV (the JSON has every model's).
CASE_FIELDS = (
    "currency",
    "baseline",
    "model",
    "source",
    "annual_run_cost",
    "saving_low",
    "saving_expected",
    "saving_high",
    "transition_cost",
    "payback_months",
    "net_value",
)


def _money(value: Decimal) -> str:
    """An exact amount in cents, as a string ("1234.50")."""
    return str(value.quantize(Decimal("0.01")))


def _estimate_record(row: ModelEstimate) -> dict[str, Any]:
    estimate = row.estimate
    record: dict[str, Any] = {
        "model": row.slug,
        "model_name": row.abbreviation,
        "recommended": row.recommended,
        "source": row.source or None,
        "provider": row.provider or None,
        "sample_assumption": row.is_sample,
        "savings_not_assured": row.caveat,
        "problem": str(row.problem) or None,
        "annual_run_cost": None,
        "saving_low": None,
        "saving_expected": None,
        "saving_high": None,
        "transition_cost": None,
        "payback_months": None,
        "net_value": None,
    }
    if estimate is not None:
        record.update(
            annual_run_cost=_money(estimate.expected.annual_run_cost),
            saving_low=_money(estimate.low.annual_saving),
            saving_expected=_money(estimate.expected.annual_saving),
            saving_high=_money(estimate.high.annual_saving),
            transition_cost=_money(estimate.transition_cost),
            payback_months=estimate.expected.payback_months,
            net_value=_money(estimate.expected.net_value),
        )
    return record


def business_case_record(view: FunctionView) -> dict[str, Any] | None:
    """The function's business case: the baseline, the terms and each model's estimate.

    Amounts are exact decimal strings (cents) in ``currency``; ``chosen_model`` is the
    final decision's model where one is recorded, else the recommended one.
    """
    case = view.business_case
    if case is None:
        return None
    chosen = case.chosen
    return {
        "currency": case.currency,
        "baseline": _money(case.baseline.annual),
        "ftes": str(case.case.ftes) if case.case.ftes is not None else None,
        "cost_per_fte": str(case.case.cost_per_fte) if case.case.cost_per_fte is not None else None,
        "yearly_volume": case.case.yearly_volume,
        "term_months": case.terms.months,
        "discount_rate": str(case.terms.discount_rate),
        "chosen_model": chosen.slug if chosen is not None else None,
        "estimates": [_estimate_record(row) for row in case.estimates],
    }


def risk_records(view: FunctionView) -> list[dict[str, Any]]:
    """The rated risks, most serious first."""
    return [
        {
            "risk": line.slug,
            "risk_name": line.name,
            "likelihood": line.likelihood,
            "impact": line.impact,
            "score": line.score,
            "level": line.level.value,
            "owner": line.owner,
            "mitigation": line.mitigation,
        }
        for line in view.risks
    ]


def group_record(view: FunctionView) -> dict[str, Any] | None:
    """Who answered, how much they agree and what the owner settled (None: one respondent)."""
    group = view.group if view.has_result else None
    if group is None:
        return None
    return {
        "rule": group.rule,
        "respondents": group.respondents,
        "consensus_points": group.consensus_points,
        "consensus_words": group.consensus_words,
        "open_disagreements": group.open_disagreements,
        "settled": [
            {
                "criterion": s.criterion,
                "option_label": s.option_label,
                "note": s.note,
                "by": s.by,
                "at": s.at.isoformat(),
            }
            for s in group.settled
        ],
        "individual": [
            {"respondent": name, "recommends": model} for name, model in group.individual
        ],
        "criteria": [
            {
                "criterion": row.slug,
                "criterion_name": row.name,
                "answers": [
                    {"respondent": st.name, "option_label": st.option_label} for st in row.stances
                ],
                "spread": row.spread,
                "split": row.split,
                "settled": row.settled is not None,
            }
            for row in group.criteria
        ],
    }


# The CSV's columns of deciding together (the JSON has the full record).
GROUP_FIELDS = (
    "respondents",
    "consensus_points",
    "consensus_words",
    "open_disagreements",
    "settled",
    "individual",
)


def _group_cells(record: dict[str, Any]) -> dict[str, Any]:
    group = record.get("group")
    if not group:
        return {}
    return {
        "respondents": "; ".join(group["respondents"]),
        "consensus_points": group["consensus_points"],
        "consensus_words": group["consensus_words"],
        "open_disagreements": "; ".join(group["open_disagreements"]),
        "settled": "; ".join(
            f"{s['criterion']}: {s['option_label']} ({s['by']})" for s in group["settled"]
        ),
        "individual": "; ".join(
            f"{i['respondent']}: {i['recommends']}" for i in group["individual"]
        ),
    }


def function_record(view: FunctionView) -> dict[str, Any]:
    """The export record of one function, in the units and names the pages show.

    Scores and confidence are points out of 100; every model, status and
    answer keeps its stable code beside the name a reader sees.
    """
    function = view.function
    record: dict[str, Any] = {
        "number": view.number,
        "id": function.pk,
        "name": function.name,
        "activity": function.activity.slug if function.activity else None,
        "activity_name": function.activity.name if function.activity else None,
        "status": function.status,
        "status_name": function.get_status_display(),
        "recommended_model": None,
        "recommended_model_name": None,
        "scores": {},
        "confidence_points": None,
        "confidence_band": None,
        "borderline": None,
        "final_decision": function.final_model.slug if function.final_model else None,
        "final_decision_name": function.final_model.abbreviation if function.final_model else None,
        "final_reason": function.final_reason,
        "criteria_version": None,
        "computed_at": None,
        "answers": {},
        "business_case": None,
        "risks": risk_records(view),
        "high_risk_count": len(view.high_risks),
        "unsure": [],
        "group": None,
    }
    if not view.has_result:
        return record
    record.update(
        recommended_model=view.recommended.slug,
        recommended_model_name=view.recommended.abbreviation,
        scores={line.slug: line.points for line in view.ranking},
        confidence_points=view.margin_points,
        confidence_band=str(view.band.label),
        borderline=view.borderline,
        criteria_version=view.criteria_version,
        computed_at=view.computed_at.isoformat() if view.computed_at else None,
        answers={
            answer.criterion: {
                "criterion_name": answer.criterion_name,
                "question": answer.question,
                "option_code": answer.option_code,
                "option_label": answer.option_label,
                "note": answer.note,
            }
            for answer in view.answers
        },
        business_case=business_case_record(view),
        unsure=view.unsure_names,
        group=group_record(view),
    )
    return record


def _case_cells(record: dict[str, Any]) -> dict[str, Any]:
    """The CSV's business-case cells: the chosen model's estimate."""
    case = record["business_case"]
    if case is None:
        return {}
    chosen: dict[str, Any] = next(
        (e for e in case["estimates"] if e["model"] == case["chosen_model"]), {}
    )
    return {
        "currency": case["currency"],
        "baseline": case["baseline"],
        **{name: chosen.get(name) for name in CASE_FIELDS[2:] if name != "model"},
        "model": case["chosen_model"],
    }


def _ordered_union(lists: Sequence[Sequence[str]]) -> list[str]:
    seen: dict[str, None] = {}
    for items in lists:
        for item in items:
            seen.setdefault(item, None)
    return list(seen)


def _cell(value: Any) -> str | float | int:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, int):
        return value
    return str(value)


class CSVExport:
    """One CSV row per function: UTF-8 with a BOM so Excel reads the accents right."""

    identifier = "csv"
    content_type = "text/csv; charset=utf-8"

    def render(
        self, assessment: Assessment, functions: Sequence[FunctionAssessment]
    ) -> tuple[str, str, bytes]:
        records = [
            function_record(view) for view in AssessmentView(assessment, functions).functions
        ]
        models = _ordered_union([list(r["scores"]) for r in records])
        criteria = _ordered_union([list(r["answers"]) for r in records])
        risk_types = _ordered_union([[risk["risk"] for risk in r["risks"]] for r in records])
        header = [
            "number",
            "id",
            "function",
            "activity",
            "activity_name",
            "status",
            "status_name",
            "recommended_model",
            "recommended_model_name",
            *(f"score.{m}" for m in models),
            "confidence_points",
            "confidence_band",
            "borderline",
            "final_decision",
            "final_decision_name",
            "final_reason",
            "criteria_version",
            "computed_at",
            *(f"{c}.{field}" for c in criteria for field in ANSWER_FIELDS),
            *(f"business_case.{field}" for field in CASE_FIELDS),
            "high_risk_count",
            *(f"risk.{r}.{field}" for r in risk_types for field in RISK_FIELDS),
            "unsure",
            *(f"group.{field}" for field in GROUP_FIELDS),
        ]
        buffer = io.StringIO()
        writer = safe_csv.writer(buffer)
        writer.writerow(header)
        for record in records:
            answers = record["answers"]
            case = _case_cells(record)
            risks = {risk["risk"]: risk for risk in record["risks"]}
            group = _group_cells(record)
            row = [
                record["number"],
                record["id"],
                record["name"],
                record["activity"],
                record["activity_name"],
                record["status"],
                record["status_name"],
                record["recommended_model"],
                record["recommended_model_name"],
                *(record["scores"].get(m) for m in models),
                record["confidence_points"],
                record["confidence_band"],
                record["borderline"],
                record["final_decision"],
                record["final_decision_name"],
                record["final_reason"],
                record["criteria_version"],
                record["computed_at"],
                *(answers.get(c, {}).get(field) for c in criteria for field in ANSWER_FIELDS),
                *(case.get(field) for field in CASE_FIELDS),
                record["high_risk_count"],
                *(risks.get(r, {}).get(field) for r in risk_types for field in RISK_FIELDS),
                "; ".join(record["unsure"]),
                *(group.get(field) for field in GROUP_FIELDS),
            ]
            writer.writerow([_cell(value) for value in row])
        content = buffer.getvalue().encode("utf-8-sig")
        return export_filename(assessment, "csv"), self.content_type, content


class JSONExport:
    """The assessment and one object per function, answers keyed by criterion slug."""

    identifier = "json"
    content_type = "application/json"

    def render(
        self, assessment: Assessment, functions: Sequence[FunctionAssessment]
    ) -> tuple[str, str, bytes]:
        owner = assessment.owner
        payload = {
            "assessment": {
                "id": assessment.pk,
                "title": assessment.title,
                "organization": assessment.organization.name,
                "author": (owner.get_full_name() or owner.get_username()) if owner else None,
                "status": assessment.status,
                "created_at": assessment.created_at.isoformat(),
                "exported_at": timezone.now().isoformat(),
            },
            "functions": [
                function_record(view) for view in AssessmentView(assessment, functions).functions
            ],
        }
        content = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
        return export_filename(assessment, "json"), self.content_type, content
