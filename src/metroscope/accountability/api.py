"""Accountability's API v1: each domain's router, mounted as one."""

from __future__ import annotations

from ninja import Router

from metroscope.accountability.activities.api import router as activities_router
from metroscope.accountability.carbon.api import router as carbon_router
from metroscope.accountability.ledger.api import router as ledger_router
from metroscope.accountability.people.api import router as people_router

router = Router()
router.add_router("", activities_router)
router.add_router("", ledger_router)
router.add_router("", carbon_router)
router.add_router("", people_router)
