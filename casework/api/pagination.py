from rest_framework.pagination import PageNumberPagination

from casework.api import params


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    # every page is read in a fixed number of queries; the cap keeps one response small
    max_page_size = 100
    last_page_strings = ()

    def get_page_number(self, request, paginator):
        return params.positive_int(request, self.page_query_param) or 1

    def get_page_size(self, request):
        size = params.positive_int(request, self.page_size_query_param)
        if size is None:
            return self.page_size
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "The page, from 1 (a page past the last is a 404)",
                "schema": {"type": "integer", "minimum": 1, "maximum": params.MAX_ID},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page: {self.page_size} unless asked, at most {self.max_page_size}",
                "schema": {"type": "integer", "minimum": 1, "maximum": params.MAX_ID},
            },
        ]
