"""The one NinjaAPI, versioned under /api/v1, with each app's router mounted."""

from __future__ import annotations

from metroscope.accountability.api import router as accountability_router
from metroscope.awards.api import router as awards_router
from metroscope.community.api import router as community_router
from metroscope.core.api_errors import ErrorShapedAPI
from metroscope.events.api import router as events_router
from metroscope.exchange.api import router as exchange_router
from metroscope.exchange.attachment_api import router as attachment_router
from metroscope.exchange.needs_api import router as needs_router
from metroscope.listening.api import router as listening_router
from metroscope.members.api import router as members_router
from metroscope.observatory.api import router as observatory_router
from metroscope.plan.api import router as plan_router

api = ErrorShapedAPI(
    title="Metroscope API",
    version="1",
    description=(
        "Open data of the Metropolis network: members, countries, regions, the Strategic "
        "Action Plan and the Observatory's indicators, metros and values. "
        "Choose the language with `?lang=en|fr|es` or `Accept-Language`. "
        'Every error answers one JSON shape, `ApiError`: `{"detail": "what is wrong", '
        '"errors": {"field": ["what is wrong with it"]}}` (a few operations add fields '
        "to it, e.g. `problems`); each operation lists the errors it may answer. A method an "
        "address does not take answers 405 and an unknown address under /api/v1/ 404, in "
        "the same shape."
    ),
    urls_namespace="api-v1",
)
api.add_router("", members_router)
api.add_router("", plan_router)
api.add_router("", accountability_router)
api.add_router("", observatory_router)
api.add_router("", exchange_router)
api.add_router("", attachment_router)
api.add_router("", needs_router)
api.add_router("", listening_router)
api.add_router("", events_router)
api.add_router("", awards_router)
api.add_router("", community_router)
