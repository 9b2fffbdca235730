"""The "Curators" group: the people who keep listings right through the admin.

Curators get every permission on this app's models and nothing else: in particular no user,
group or permission management. The group is rebuilt after every migrate so that new models'
permissions reach it without a hand-written migration.
"""

from django.contrib.auth.models import Group, Permission

CURATORS_GROUP = "Curators"


def ensure_curators_group(**kwargs) -> Group:
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label="programs"))
    return group
