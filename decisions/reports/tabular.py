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
from decisions.reports import safe_csv
from decisions.reports.common import export_filename, has_recommendation

ANSWER_FIELDS = ("option_code", "option_label", "note")


def function_record(function: FunctionAssessment) -> dict[str, Any]:
    """The export record of one function, from its stored result."""
    recommended = has_recommendation(function)
    result: dict[str, Any] = function.result if recommended else {}  # type: ignore[assignment]
    answers = {
        answer["criterion"]: {
            "criterion_name": answer["criterion_name"],
            "question": answer["question"],
            "option_code": answer["option_code"],
            "option_label": answer["option_label"],
            "note": answer["note"],
        }
        for answer in result.get("answers", [])
    }
    return {
        "id": function.pk,
        "name": function.name,
        "activity": function.activity.slug if function.activity else None,
        "activity_name": function.activity.name if function.activity else None,
        "status": function.status,
        "recommended_model": result.get("recommended"),
        "scores": dict(result.get("scores", {})),
        "confidence": function.confidence if recommended else None,
        "borderline": function.borderline if recommended else None,
        "final_decision": function.final_model.slug if function.final_model else None,
        "final_reason": function.final_reason,
        "criteria_version": function.criteria_version if recommended else None,
        "computed_at": (
            function.computed_at.isoformat() if recommended and function.computed_at else None
        ),
        "answers": answers,
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
        records = [function_record(f) for f in functions]
        models = _ordered_union([list(r["scores"]) for r in records])
        criteria = _ordered_union([list(r["answers"]) for r in records])
        header = [
            "id",
            "function",
            "activity",
            "activity_name",
            "status",
            "recommended_model",
            *(f"score.{m}" for m in models),
            "confidence",
            "borderline",
            "final_decision",
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
                record["id"],
                record["name"],
                record["activity"],
                record["activity_name"],
                record["status"],
                record["recommended_model"],
                *(record["scores"].get(m) for m in models),
                record["confidence"],
                record["borderline"],
                record["final_decision"],
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
            "functions": [function_record(f) for f in functions],
        }
        content = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
        return export_filename(assessment, "json"), self.content_type, content
