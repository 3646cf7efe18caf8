from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "casework.organisations"
    label = "organisations"
