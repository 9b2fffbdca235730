from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Programs and facilities"

    def ready(self) -> None:
        from programs.curators import ensure_curators_group

        # Permissions only exist after migrate has run, so the group is (re)built afterwards.
        post_migrate.connect(ensure_curators_group, sender=self)
