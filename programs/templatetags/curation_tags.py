"""The work queue's counts for the admin index (templates/admin/index.html)."""

from django import template

from programs.curation import queue

register = template.Library()


@register.simple_tag
def queue_counts() -> list[tuple]:
    numbers = queue.counts()
    return [(reason, numbers[reason.key]) for reason in queue.REASONS]
