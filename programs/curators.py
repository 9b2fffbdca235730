"""The "Curators" group: the people who keep listings right through the admin.

Curators get every permission on this app's models and may read the admin sign-in log
(django-axes), and nothing else: in particular no user, group or permission management. The
group is rebuilt after every migrate so that new models' permissions reach it without a
hand-written migration.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

CURATORS_GROUP = "Curators"


def ensure_curators_group(**kwargs) -> Group:
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    # And the admin sign-in log (django-axes), to read, so curators can see a login flood.
    group.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label="programs")
            | Q(content_type__app_label="axes", codename__startswith="view_")
        )
    )
    return group
