"""The one NinjaAPI, versioned under /api/v1, with each app's router mounted."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from metroscope.accountability.api import router as accountability_router
from metroscope.awards.api import router as awards_router
from metroscope.community.api import router as community_router
from metroscope.events.api import router as events_router
from metroscope.exchange.api import router as exchange_router
from metroscope.exchange.attachment_api import router as attachment_router
from metroscope.exchange.needs_api import router as needs_router
from metroscope.listening.api import router as listening_router
from metroscope.members.api import router as members_router
from metroscope.observatory.api import router as observatory_router
from metroscope.plan.api import router as plan_router

api = NinjaAPI(
    title="Metroscope API",
    version="1",
    description=(
        "Open data of the Metropolis network: members, countries, regions, the Strategic "
        "Action Plan and the Observatory's indicators, metros and values. "
        "Choose the language with `?lang=en|fr|es` or `Accept-Language`."
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


@api.exception_handler(ValueError)
def value_error(request: HttpRequest, exc: ValueError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A query parameter out of its bounds or of the wrong type is a bad request (400) with
    what is wrong; a body that fails its schema stays 422 with the details."""
    if exc.errors and all(e.get("loc", ("",))[0] in ("query", "path") for e in exc.errors):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:])}: {e.get('msg', '')}" for e in exc.errors
        )
        return api.create_response(request, {"detail": problems, "errors": exc.errors}, status=400)
    return api.create_response(request, {"detail": exc.errors}, status=422)
