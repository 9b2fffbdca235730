from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Programs and facilities"

    def ready(self) -> None:
        # Both import the models, which need the app registry that calls ready().
        from programs.curators import ensure_curators_group  # noqa: PLC0415
        from programs.models.loading import check_lookup_orderings  # noqa: PLC0415

        checks.register(check_lookup_orderings)

        # Permissions only exist after migrate has run, so the group is (re)built afterwards.
        post_migrate.connect(ensure_curators_group, sender=self)
