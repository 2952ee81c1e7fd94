"""The staff REST API, under /api/ (schema at /api/schema/, docs at /api/docs/)."""

from django.urls import path

from . import api
from . import urls as _web_urls  # noqa: F401  registers the "ref" path converter (VC-12345-26)

app_name = "api"
urlpatterns = [
    path("", api.ApiRootApi.as_view(), name="root"),
    path("token/", api.TokenObtainApi.as_view(), name="token"),
    path("crimes/", api.CrimeListCreateApi.as_view(), name="crimes"),
    path("crimes/<ref:ref>/", api.CrimeDetailApi.as_view(), name="crime-detail"),
    path("crimes/<ref:ref>/events/", api.CrimeEventsApi.as_view(), name="crime-events"),
    path("victims/", api.VictimListApi.as_view(), name="victims"),
    path("victims/<int:pk>/", api.VictimDetailApi.as_view(), name="victim-detail"),
]
