"""CSV and JSON exports: one row (object) per business function.

Both read the stored result of each function, never the live catalogue, so an
export says what the report says. The CSV is written by ``safe_csv``: every
cell quoted, no piece of a cell that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from decisions.models import Assessment, FunctionAssessment
from decisions.presentation import AssessmentView, FunctionView
from decisions.reports import safe_csv
from decisions.reports.common import export_filename

ANSWER_FIELDS = ("option_code", "option_label", "note")


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
    )
    return record


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
        ]
        buffer = io.StringIO()
        writer = safe_csv.writer(buffer)
        writer.writerow(header)
        for record in records:
            answers = record["answers"]
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
