"""The API's views: parse the query, call one selector or service, serialize. Nothing else.

Object views find the object in the caller's scope before anything else, even for a method the
URL does not allow, so a record outside the scope is a 404 whatever is asked of it.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api import params, reports, selectors, serializers
from casework.audit.middleware import note_listed
from casework.cases import services as case_services
from casework.cases.models import Allocation, Case, CaseNote
from casework.contracts.models import Contract
from casework.core import access
from casework.core.codes import ServiceType
from casework.looked_after.models import Episode, LookedAfterChild
from casework.people.models import Person
from casework.registration.models import Registration


class PathIdsInRange:
    """A path id beyond the 64-bit range names nothing: 404, before any query."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if any(name.endswith("_id") and value > params.MAX_ID for name, value in kwargs.items()):
            raise Http404("Not found")


class ObjectView(PathIdsInRange, generics.RetrieveAPIView):
    """A record found through its selector (404 outside the caller's scope)."""

    model: type

    def get_queryset(self):
        # only for the schema generator, which asks what model the path's id belongs to
        return self.model._default_manager.none()

    def find(self):
        raise NotImplementedError

    def get_object(self):
        return self.find()

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.find()
        return super().http_method_not_allowed(request, *args, **kwargs)


class ScopedListView(PathIdsInRange, generics.ListAPIView):
    model: type

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        return self.rows()

    def rows(self):
        raise NotImplementedError

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # the rows answered with go to the audit log (ids only) once the answer is served
        note_listed(queryset if page is None else page)
        return page


# People


class PersonContextMixin:
    def get_serializer_context(self):
        return {**super().get_serializer_context(), "on_our_list": self.on_our_list}

    on_our_list: set[int] = frozenset()


@extend_schema(
    parameters=[
        params.text_param("name", 200, "Tolerant name search, as the search page (misspellings found)"),
        OpenApiParameter("date_of_birth", OpenApiTypes.DATE),
        params.text_param("nhs_number", 20),
    ]
)
class PersonList(PersonContextMixin, ScopedListView):
    """People your practice may see: on its list now or before, or recorded by it. With a search
    parameter, the matches best first; otherwise by family name."""

    model = Person
    serializer_class = serializers.PersonSerializer

    def rows(self):
        return selectors.people(
            actor=self.request.user,
            name=params.text(self.request, "name", 200),
            date_of_birth=params.iso_date(self.request, "date_of_birth"),
            nhs_number=params.text(self.request, "nhs_number", 20),
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.on_our_list = selectors.on_our_list(actor=self.request.user, person_ids=[p.pk for p in page])
        return page


class PersonDetail(PersonContextMixin, ObjectView):
    """A person in your scope (logged as a view, as the person's page is)."""

    model = Person
    serializer_class = serializers.PersonSerializer

    def find(self):
        return selectors.person_get(actor=self.request.user, person_id=self.kwargs["person_id"])

    def retrieve(self, request, *args, **kwargs):
        person = self.find()
        self.on_our_list = selectors.on_our_list(actor=request.user, person_ids=[person.pk])
        return Response(self.get_serializer(person).data)


# Registrations


@extend_schema(
    parameters=[
        params.id_param("person", "Only this person's registrations"),
        params.bool_param("current", "true: on the list now; false: ended"),
    ]
)
class RegistrationList(ScopedListView):
    """Your practice's registrations (its list, now and before), newest first."""

    model = Registration
    serializer_class = serializers.RegistrationSerializer

    def rows(self):
        return selectors.registrations(
            actor=self.request.user,
            person_id=params.positive_int(self.request, "person"),
            current=params.boolean(self.request, "current"),
        )


class RegistrationDetail(ObjectView):
    """One of your practice's registrations."""

    model = Registration
    serializer_class = serializers.RegistrationSerializer

    def find(self):
        return selectors.registration_get(actor=self.request.user, registration_id=self.kwargs["registration_id"])


# Cases and allocations


@extend_schema(
    parameters=[
        params.id_param("person", "Only this person's cases"),
        OpenApiParameter("status", str, enum=["open", "closed"]),
        OpenApiParameter("service_type", str, enum=ServiceType.values),
    ]
)
class CaseList(ScopedListView):
    """Your practice's cases, newest first, each with the worker allocated now."""

    model = Case
    serializer_class = serializers.CaseSerializer

    def rows(self):
        return selectors.cases(
            actor=self.request.user,
            person_id=params.positive_int(self.request, "person"),
            status=params.choice(self.request, "status", ["open", "closed"]),
            service_type=params.choice(self.request, "service_type", ServiceType.values),
        )


class CaseDetail(ObjectView):
    """One of your practice's cases, with the worker allocated now."""

    model = Case
    serializer_class = serializers.CaseSerializer

    def find(self):
        return selectors.case_get(actor=self.request.user, case_id=self.kwargs["case_id"])


@extend_schema(
    parameters=[
        params.id_param("case", "Only this case's allocations"),
        params.id_param("worker", "Only this worker's allocations"),
        params.bool_param("current", "true: held now; false: ended"),
    ]
)
class AllocationList(ScopedListView):
    """Workers allocated to your practice's cases, each case's in date order."""

    model = Allocation
    serializer_class = serializers.AllocationSerializer

    def rows(self):
        return selectors.allocations(
            actor=self.request.user,
            case_id=params.positive_int(self.request, "case"),
            worker_id=params.positive_int(self.request, "worker"),
            current=params.boolean(self.request, "current"),
        )


class AllocationDetail(ObjectView):
    """One allocation of a worker to one of your practice's cases."""

    model = Allocation
    serializer_class = serializers.AllocationSerializer

    def find(self):
        return selectors.allocation_get(actor=self.request.user, allocation_id=self.kwargs["allocation_id"])


# Case notes


@extend_schema(
    parameters=[
        params.id_param("person", "Only notes about this person"),
        params.id_param("case", "Only notes on this case"),
    ]
)
class CaseNoteList(ScopedListView):
    """Your practice's case notes, newest first; POST adds one (as the person's page does)."""

    model = CaseNote
    serializer_class = serializers.CaseNoteSerializer

    def rows(self):
        return selectors.case_notes(
            actor=self.request.user,
            person_id=params.positive_int(self.request, "person"),
            case_id=params.positive_int(self.request, "case"),
        )

    @extend_schema(request=serializers.CaseNoteCreateSerializer, responses={201: serializers.CaseNoteSerializer})
    def post(self, request, *args, **kwargs):
        access.require(request.user, "note.add")
        data = serializers.CaseNoteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        person = _referenced(
            lambda: selectors.person_get(actor=request.user, person_id=fields["person"]),
            "person",
            "No person with that id that you can see",
        )
        case = None
        if fields.get("case") is not None:
            case = _referenced(
                lambda: selectors.case_get(actor=request.user, case_id=fields["case"]),
                "case",
                "No case with that id that you can see",
            )
        note = case_services.case_note_add(
            actor=request.user,
            person=person,
            case=case,
            note_type=fields["note_type"],
            occurred_on=fields["occurred_on"],
            summary=fields["summary"],
            text=fields["text"],
        )
        return Response(serializers.CaseNoteSerializer(note).data, status=status.HTTP_201_CREATED)


def _referenced(find, field: str, message: str):
    """A record named in a request body: one outside the caller's scope is a field error (400),
    worded the same as for one that does not exist."""
    try:
        return find()
    except Http404:
        raise ValidationError({field: message}) from None


class CaseNoteDetail(ObjectView):
    """One of your practice's case notes."""

    model = CaseNote
    serializer_class = serializers.CaseNoteSerializer

    def find(self):
        return selectors.case_note_get(actor=self.request.user, note_id=self.kwargs["note_id"])


# Looked-after children


@extend_schema(parameters=[params.id_param("person", "Only this person's records")])
class LookedAfterChildList(ScopedListView):
    """Looked-after children your practice records (one per child and responsible authority)."""

    model = LookedAfterChild
    serializer_class = serializers.LookedAfterChildSerializer

    def rows(self):
        return selectors.looked_after_children(
            actor=self.request.user, person_id=params.positive_int(self.request, "person")
        )


class LookedAfterChildDetail(ObjectView):
    """A looked-after child your practice records (logged as a view, as the child's page is)."""

    model = LookedAfterChild
    serializer_class = serializers.LookedAfterChildSerializer

    def find(self):
        return selectors.looked_after_child_get(
            actor=self.request.user, looked_after_child_id=self.kwargs["looked_after_child_id"]
        )


class EpisodeList(ScopedListView):
    """The child's episodes of care, oldest first (each a legal status and a placement)."""

    model = Episode
    serializer_class = serializers.EpisodeSerializer

    def rows(self):
        child = selectors.looked_after_child_get(
            actor=self.request.user, looked_after_child_id=self.kwargs["looked_after_child_id"]
        )
        return selectors.episodes(actor=self.request.user, child=child)

    def http_method_not_allowed(self, request, *args, **kwargs):
        selectors.looked_after_child_get(actor=request.user, looked_after_child_id=kwargs["looked_after_child_id"])
        return super().http_method_not_allowed(request, *args, **kwargs)


# Contracts


class ContractList(ScopedListView):
    """Contracts your organisation let (commissioners) or holds (practice managers and team managers)."""

    model = Contract
    serializer_class = serializers.ContractSerializer

    def rows(self):
        return selectors.contracts(actor=self.request.user)


class ContractDetail(ObjectView):
    """A contract with its years and each year's outcome measures."""

    model = Contract
    serializer_class = serializers.ContractSerializer

    def find(self):
        return selectors.contract_get(actor=self.request.user, contract_id=self.kwargs["contract_id"])


class ContractReport(PathIdsInRange, APIView):
    """The contract monitoring report for a contract year, or the year to the end of a quarter:
    each selected measure's value, interval, target, RAG status, benchmark, payment and trend.
    Counts under 5 are withheld from anyone outside the practice holding the contract."""

    def find(self):
        return selectors.contract_get(actor=self.request.user, contract_id=self.kwargs["contract_id"])

    @extend_schema(
        parameters=[
            params.id_param("year", "A contract year's id (the contract lists them); default the year running today"),
            OpenApiParameter("quarter", int, enum=[1, 2, 3, 4], description="The year to the end of this quarter"),
        ],
        responses={200: serializers.ContractReportSerializer},
    )
    def get(self, request, contract_id):
        contract = self.find()
        quarter = params.choice(request, "quarter", ["1", "2", "3", "4"])
        data = reports.contract_report(
            actor=request.user,
            contract=contract,
            year_id=params.positive_int(request, "year"),
            quarter=int(quarter) if quarter else None,
        )
        return Response(serializers.ContractReportSerializer(data).data)

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.find()
        return super().http_method_not_allowed(request, *args, **kwargs)


class Schema(SpectacularAPIView):
    """The OpenAPI schema (YAML, or JSON with ?format=json); its errors in the API's JSON shape,
    not in the schema's own media type."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400:
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response
