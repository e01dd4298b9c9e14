from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "goodwill.clients"
    label = "clients"
    verbose_name = "Clients, customers and fit"
