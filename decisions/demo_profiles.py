"""Business functions answered the way the source documents describe them.

Pure data (no Django import). Each archetype maps every criterion slug of the
shipped catalogue (``fixtures/catalogue.json``) to the code of the answer
option a manager would honestly pick for that function, plus:

- ``activity``: the catalogue activity the function belongs to;
- ``expected``: the model the advisor should recommend (``lpo`` means the
  engine picks ``kpo`` and the app names LPO because the activity's typical
  model specialises KPO);
- ``borderline`` (only on :data:`MIXED`): the call is deliberately close.

The demo data (``decisions/demo.py``) uses the keys as function names, and
``tests/test_catalogue.py`` checks each outcome against the shipped scores.
"""

from __future__ import annotations

from typing import Any

from decisions.vocabulary import (
    BPO,
    DELIVERY_LOCATION_CRITERION,
    IN_HOUSE,
    KPO,
    LPO,
    OFFICE_CRITERION,
)

# Reused answer sets, so each archetype below reads as "what differs".
_ROUTINE_PROCESS: dict[str, str] = {
    "task-definition": "written-procedure",
    "complexity": "repetitive",
    "expertise": "process-know-how",
    "skill-level": "basic-skills",
    "driver": "volume-sla",
    "arbitrage": "lower-cost",
    "coordination": "hand-off",
    "value-addition": "cost-efficiency",
    "decision-authority": "follow-procedure",
    "business-criticality": "peripheral",
    "data-sensitivity": "routine",
}
_KNOWLEDGE_WORK: dict[str, str] = {
    "task-definition": "needs-business-study",
    "complexity": "analytical",
    "expertise": "domain-expert",
    "skill-level": "qualified-professionals",
    "driver": "insight-quality",
    "arbitrage": "cost-and-expertise",
    "coordination": "close-collaboration",
    "value-addition": "insight",
    "decision-authority": "low-level-decisions",
    "business-criticality": "knowledge-heavy",
    "data-sensitivity": "confidential",
}

MIXED = "Monthly management reporting"

ARCHETYPES: dict[str, dict[str, Any]] = {
    "Payroll processing": {
        **_ROUTINE_PROCESS,
        # Salaries and bank details, under a processor's ordinary data-protection terms.
        "data-sensitivity": "personal-data",
        DELIVERY_LOCATION_CRITERION: "onshore",
        OFFICE_CRITERION: "back",
        "activity": "payroll",
        "expected": BPO,
    },
    "Customer help desk": {
        **_ROUTINE_PROCESS,
        "task-definition": "mostly-rules",
        "decision-authority": "routine-calls",
        "business-criticality": "important-support",
        "data-sensitivity": "personal-data",
        DELIVERY_LOCATION_CRITERION: "onshore",
        OFFICE_CRITERION: "front",
        "activity": "customer-care",
        "expected": BPO,
    },
    "Technical support": {
        **_ROUTINE_PROCESS,
        "task-definition": "mostly-rules",
        "complexity": "standard-with-exceptions",
        "skill-level": "trained-staff",
        "decision-authority": "routine-calls",
        DELIVERY_LOCATION_CRITERION: "offshore",
        OFFICE_CRITERION: "front",
        "activity": "technical-support",
        "expected": BPO,
    },
    "Data entry": {
        **_ROUTINE_PROCESS,
        DELIVERY_LOCATION_CRITERION: "offshore",
        OFFICE_CRITERION: "back",
        "activity": "data-entry",
        "expected": BPO,
    },
    "Market research": {
        **_KNOWLEDGE_WORK,
        "task-definition": "judgment-guided",
        DELIVERY_LOCATION_CRITERION: "no-preference",
        OFFICE_CRITERION: "back",
        "activity": "market-research",
        "expected": KPO,
    },
    "Data analytics": {
        **_KNOWLEDGE_WORK,
        "task-definition": "judgment-guided",
        "arbitrage": "expertise-access",
        "coordination": "periodic-reviews",
        "data-sensitivity": "personal-data",
        DELIVERY_LOCATION_CRITERION: "nearshore",
        OFFICE_CRITERION: "back",
        "activity": "data-analytics",
        "expected": KPO,
    },
    "Investment research": {
        **_KNOWLEDGE_WORK,
        DELIVERY_LOCATION_CRITERION: "offshore",
        OFFICE_CRITERION: "back",
        "activity": "investment-research",
        "expected": KPO,
    },
    "Contract review and legal research": {
        **_KNOWLEDGE_WORK,
        "task-definition": "judgment-guided",
        "arbitrage": "expertise-access",
        DELIVERY_LOCATION_CRITERION: "onshore",
        OFFICE_CRITERION: "back",
        "activity": "legal-services",
        "expected": LPO,
    },
    "Product research and development": {
        # The firm's own R&D, which is why customers buy from it: the documents
        # call R&D knowledge work, but this one is the competitive edge.
        "task-definition": "tacit-know-how",
        "complexity": "novel-problems",
        "expertise": "unique-firm-expertise",
        "skill-level": "qualified-professionals",
        "driver": "strategic-results",
        "arbitrage": "no-compelling-case",
        "coordination": "embedded-daily",
        "value-addition": "differentiation",
        "decision-authority": "strategic-own",
        "business-criticality": "competitive-edge",
        "data-sensitivity": "confidential",
        DELIVERY_LOCATION_CRITERION: "no-preference",
        OFFICE_CRITERION: "back",
        "activity": "research-development",
        "expected": IN_HOUSE,
    },
    # Consolidating the month's figures is routine (BPO-like); the commentary on
    # them is analysis (KPO-like). Honest answers land in the middle.
    MIXED: {
        "task-definition": "judgment-guided",
        "complexity": "standard-with-exceptions",
        "expertise": "experienced-practitioner",
        "skill-level": "trained-staff",
        "driver": "volume-and-quality",
        "arbitrage": "cost-and-expertise",
        "coordination": "periodic-reviews",
        "value-addition": "efficiency-and-reporting",
        "decision-authority": "routine-calls",
        "business-criticality": "important-support",
        "data-sensitivity": "personal-data",
        DELIVERY_LOCATION_CRITERION: "nearshore",
        OFFICE_CRITERION: "back",
        "activity": "finance-accounting",
        "expected": BPO,
        "borderline": True,
    },
}
