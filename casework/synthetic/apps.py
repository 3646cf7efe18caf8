from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "casework.synthetic"
    label = "synthetic"
