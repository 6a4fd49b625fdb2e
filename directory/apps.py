from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("directory")

    def ready(self):
        from directory import search_documents

        search_documents.connect()
