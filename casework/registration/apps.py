from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "casework.registration"
    label = "registration"
