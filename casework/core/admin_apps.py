from django.contrib.admin.apps import AdminConfig


class CaseworkAdminConfig(AdminConfig):
    default_site = "casework.core.admin_site.CaseworkAdminSite"
