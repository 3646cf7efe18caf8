"""The API under /api/. Ids are named <model>_id, as everywhere (tests/test_access_walk.py fills
them). DRF authenticates each request itself (token or session), so every view is exempt from
LoginRequiredMiddleware's redirect to the sign-in page: an API caller gets a 401, never a page."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from casework.api import views
from casework.api.schema import GeneratedOnce


def _api(view_class, **initkwargs):
    return login_not_required(view_class.as_view(**initkwargs))


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
