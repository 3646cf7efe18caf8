"""The API under /api/. Ids are named <model>_id, as everywhere (tests/test_access_walk.py fills
them). DRF authenticates each request itself (token or session), so every view is exempt from
LoginRequiredMiddleware's redirect to the sign-in page: an API caller gets a 401, never a page."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.urls import Resolver404, URLResolver, path
from django.urls.resolvers import ResolverMatch, RoutePattern

from casework.api import errors, views
from casework.api.schema import GeneratedOnce


def _api(view_class, **initkwargs):
    return login_not_required(view_class.as_view(**initkwargs))


class AnyOtherPath(URLResolver):
    """Matches every path under ``prefix`` that none of ``endpoints`` matched, and answers the API's
    404 in its error shape (``errors.unmatched_path``), with DEBUG on as well as off (with DEBUG on,
    Django answers an unmatched path with its HTML debug page, not the URLconf's 404 handler). A path
    missing only its final slash is left unmatched, so Django still redirects it to the endpoint
    (APPEND_SLASH). It sits after the API in the project's URLconf and holds no patterns of its own,
    so walks of the URLconf (tests/test_access_walk.py) do not take it for a page."""

    def __init__(self, prefix: str, endpoints):
        super().__init__(RoutePattern(prefix), [])
        self.endpoints = endpoints

    def resolve(self, path):
        match = self.pattern.match(str(path))
        if not match:
            raise Resolver404({"path": path})
        rest = match[0]
        if settings.APPEND_SLASH and not rest.endswith("/") and self._is_endpoint(rest + "/"):
            raise Resolver404({"path": path})
        return ResolverMatch(
            errors.unmatched_path, (), {}, url_name="api_unmatched_path", route="", captured_kwargs={}, extra_kwargs={}
        )

    def _is_endpoint(self, path: str) -> bool:
        for endpoint in self.endpoints:
            try:
                if endpoint.resolve(path):  # a pattern answers None when it does not match
                    return True
            except Resolver404:  # an included URLconf raises instead
                continue
        return False


urlpatterns = [
    path("schema/", _api(views.Schema, generator_class=GeneratedOnce), name="api_schema"),
    path("people/", _api(views.PersonList), name="api_person_list"),
    path("people/<int:person_id>/", _api(views.PersonDetail), name="api_person_detail"),
    path("registrations/", _api(views.RegistrationList), name="api_registration_list"),
    path("registrations/<int:registration_id>/", _api(views.RegistrationDetail), name="api_registration_detail"),
    path("cases/", _api(views.CaseList), name="api_case_list"),
    path("cases/<int:case_id>/", _api(views.CaseDetail), name="api_case_detail"),
    path("allocations/", _api(views.AllocationList), name="api_allocation_list"),
    path("allocations/<int:allocation_id>/", _api(views.AllocationDetail), name="api_allocation_detail"),
    path("case-notes/", _api(views.CaseNoteList), name="api_case_note_list"),
    path("case-notes/<int:note_id>/", _api(views.CaseNoteDetail), name="api_case_note_detail"),
    path("looked-after-children/", _api(views.LookedAfterChildList), name="api_looked_after_child_list"),
    path(
        "looked-after-children/<int:looked_after_child_id>/",
        _api(views.LookedAfterChildDetail),
        name="api_looked_after_child_detail",
    ),
    path(
        "looked-after-children/<int:looked_after_child_id>/episodes/",
        _api(views.EpisodeList),
        name="api_episode_list",
    ),
    path("contracts/", _api(views.ContractList), name="api_contract_list"),
    path("contracts/<int:contract_id>/", _api(views.ContractDetail), name="api_contract_detail"),
    path("contracts/<int:contract_id>/report/", _api(views.ContractReport), name="api_contract_report"),
]
