"""Visitors' reports, provider links and proposals; availability stored with its date.

An "accepting new clients" answer recorded before this migration had no date of its own. It is
dated with its facility's last verification, the day a person last checked the listing; an
answer on a facility no person ever checked cannot be dated honestly and goes back to "not
reported". The three new tables get the listings-stamp triggers like every table of the app.
"""

import importlib

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from programs.models.changes import install_triggers, remove_triggers

# SQLite rebuilds a table to add a check constraint, and the triggers on the program table (the
# listings stamp's and the full-text index's, 0007 and 0008) would not survive it: they are
# dropped first and put back once the program table has its new constraints.
FULL_TEXT_TRIGGERS = importlib.import_module("programs.migrations.0008_sqlite_full_text")
PROGRAM_TABLE = "programs_program"


def program_triggers_off(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in FULL_TEXT_TRIGGERS.DROP[:-1]:  # every trigger, not the index itself
            schema_editor.execute(statement)
        remove_triggers(schema_editor, [PROGRAM_TABLE])


def program_triggers_on(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in FULL_TEXT_TRIGGERS.CREATE[2:]:  # the triggers, not the index and its rows
            schema_editor.execute(statement)
        install_triggers(schema_editor, [PROGRAM_TABLE])

NEW_TABLES = ["programs_report", "programs_providerlink", "programs_providerproposal"]


def date_existing_answers(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    Facility = apps.get_model("programs", "Facility")
    answered = Program.objects.filter(accepting_new_clients__isnull=False)
    answered.filter(facility__last_verified__isnull=True).update(accepting_new_clients=None)
    answered.filter(facility__last_verified__isnull=False).update(
        accepting_confirmed_on=Subquery(
            Facility.objects.filter(pk=OuterRef("facility_id")).values("last_verified")[:1]
        )
    )


def forwards_triggers(apps, schema_editor):
    install_triggers(schema_editor, NEW_TABLES)


def backwards_triggers(apps, schema_editor):
    remove_triggers(schema_editor, NEW_TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0011_hsds_ids"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ProviderLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="ProviderProposal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("changes", models.JSONField(default=list)),
                (
                    "submitted_by",
                    models.CharField(
                        blank=True,
                        help_text="Name or role, as the provider typed it.",
                        max_length=200,
                        verbose_name="sent by",
                    ),
                ),
                ("submitted_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Waiting for a curator"),
                            ("applied", "Applied in full"),
                            ("partly", "Applied in part"),
                            ("rejected", "Rejected"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("applied_fields", models.JSONField(blank=True, default=list)),
                ("reviewed_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["submitted_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Report",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("closed", "The listing is closed (the program no longer runs)"),
                            ("phone", "The phone number is wrong"),
                            ("address", "The address is wrong"),
                            ("other", "Something else"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "details",
                    models.TextField(blank=True, max_length=2000, verbose_name="what is wrong"),
                ),
                (
                    "email",
                    models.EmailField(blank=True, max_length=254, verbose_name="email for a reply"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="reported at"
                    ),
                ),
                (
                    "resolution",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Open"),
                            ("fixed", "Fixed"),
                            ("unconfirmed", "Could not confirm"),
                            ("not_a_problem", "Not a problem"),
                        ],
                        default="",
                        max_length=15,
                    ),
                ),
                ("resolution_note", models.TextField(blank=True)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.AddField(
            model_name="program",
            name="accepting_confirmed_on",
            field=models.DateField(
                blank=True,
                help_text="The day someone confirmed the answer with the program. Required with an answer; leave both empty when not reported.",
                null=True,
                verbose_name="accepting new clients: confirmed on",
            ),
        ),
        migrations.AddField(
            model_name="program",
            name="typical_wait_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(365)],
                verbose_name="typical wait for a first appointment (days)",
            ),
        ),
        migrations.AddField(
            model_name="program",
            name="wait_confirmed_on",
            field=models.DateField(
                blank=True,
                help_text="Required with a typical wait; leave both empty when not reported.",
                null=True,
                verbose_name="typical wait: confirmed on",
            ),
        ),
        migrations.RunPython(date_existing_answers, migrations.RunPython.noop),
        migrations.RunPython(program_triggers_off, program_triggers_on),
        migrations.AddConstraint(
            model_name="program",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("accepting_confirmed_on__isnull", True),
                        ("accepting_new_clients__isnull", True),
                    ),
                    models.Q(
                        ("accepting_confirmed_on__isnull", False),
                        ("accepting_new_clients__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="program_accepting_has_its_date",
                violation_error_message=(
                    "An answer to accepting new clients needs the day it was confirmed (and a "
                    "date needs an answer); leave both empty when not reported."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="program",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("typical_wait_days__isnull", True), ("wait_confirmed_on__isnull", True)
                    ),
                    models.Q(
                        ("typical_wait_days__isnull", False),
                        ("typical_wait_days__lte", 365),
                        ("wait_confirmed_on__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="program_wait_has_its_date",
                violation_error_message=(
                    "A typical wait needs the day it was confirmed (and a date needs a wait); "
                    "leave both empty when not reported."
                ),
            ),
        ),
        migrations.RunPython(program_triggers_on, program_triggers_off),
        migrations.AddField(
            model_name="providerlink",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="providerlink",
            name="facility",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="provider_links",
                to="programs.facility",
            ),
        ),
        migrations.AddField(
            model_name="providerproposal",
            name="link",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="proposals",
                to="programs.providerlink",
            ),
        ),
        migrations.AddField(
            model_name="providerproposal",
            name="program",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="proposals",
                to="programs.program",
            ),
        ),
        migrations.AddField(
            model_name="providerproposal",
            name="reviewed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="facility",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reports",
                to="programs.facility",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="program",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reports",
                to="programs.program",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="resolved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="providerproposal",
            index=models.Index(
                fields=["status", "submitted_at"], name="programs_pr_status_c18353_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="providerproposal",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["open", "applied", "partly", "rejected"])),
                name="proposal_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="providerproposal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("reviewed_at__isnull", True), ("status", "open")),
                    models.Q(
                        models.Q(("status", "open"), _negated=True), ("reviewed_at__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="proposal_reviewed_has_its_time",
            ),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                fields=["resolution", "created_at"], name="programs_re_resolut_7415e7_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(("reason__in", ["closed", "phone", "address", "other"])),
                name="report_reason_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(("details", ""), ("reason", "other"), _negated=True),
                name="report_other_says_what",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("resolution__in", ["", "fixed", "unconfirmed", "not_a_problem"])
                ),
                name="report_resolution_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("resolution", ""), ("resolved_at__isnull", True)),
                    models.Q(
                        models.Q(("resolution", ""), _negated=True), ("resolved_at__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="report_resolved_has_its_time",
            ),
        ),
        migrations.RunPython(forwards_triggers, backwards_triggers),
    ]
