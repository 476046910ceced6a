"""Django finds an app's models through this module; each domain keeps its own."""

from __future__ import annotations

from metroscope.accountability.activities.models import (
    Activity,
    ResultIndicator,
    ResultPeriod,
    WorkPlan,
)
from metroscope.accountability.carbon.models import EmissionFactor, Trip
from metroscope.accountability.ledger.models import (
    BudgetLine,
    Expense,
    FundingSource,
    MembershipFee,
)
from metroscope.accountability.people.models import Panel, Participant, ParticipantCount, Speaker
from metroscope.accountability.risks.models import (
    PolicyAcknowledgement,
    PolicyDocument,
    PolicyVersion,
    Risk,
)
from metroscope.accountability.version import LedgerVersion

__all__ = [
    "Activity",
    "BudgetLine",
    "EmissionFactor",
    "Expense",
    "FundingSource",
    "LedgerVersion",
    "MembershipFee",
    "Panel",
    "Participant",
    "ParticipantCount",
    "PolicyAcknowledgement",
    "PolicyDocument",
    "PolicyVersion",
    "ResultIndicator",
    "ResultPeriod",
    "Risk",
    "Speaker",
    "Trip",
    "WorkPlan",
]
