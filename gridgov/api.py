"""The JSON API: django-ninja at /api/v1/, OpenAPI at /api/openapi.json.

Pages use the session (with CSRF on writes); machines use a bearer token. Every error
is a JSON body {"detail": …} — never an HTML page (the shapes are in `core/api.py`).
This module only builds the API and adds the apps' routers.
"""

from ninja import NinjaAPI
from ninja.security import SessionAuth

from gridgov.accounts.api_auth import TokenAuth
from gridgov.cases.api import router as cases_router
from gridgov.command.api import router as command_router
from gridgov.command.map_api import router as map_router
from gridgov.core.api import Parser, add_error_handlers
from gridgov.fieldwork.api import router as field_router
from gridgov.hall.catalogue_api import router as hall_router
from gridgov.people.api import router as people_router
from gridgov.places.api import router as areas_router

api = NinjaAPI(
    title="gridgov API",
    version="1",
    description="社区网格化服务管理平台接口。会话或 Bearer 令牌认证；所有错误都以 JSON 返回。",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
    auth=[TokenAuth(), SessionAuth()],
    parser=Parser(),
)
add_error_handlers(api)

api.add_router("/v1/areas", areas_router)
api.add_router("/v1/people", people_router)
api.add_router("/v1/cases", cases_router)
api.add_router("/v1", command_router)
api.add_router("/v1/map", map_router)
api.add_router("/v1/hall", hall_router)
api.add_router("/v1/field", field_router)
