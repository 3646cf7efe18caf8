from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "casework.contracts"
    label = "contracts"
