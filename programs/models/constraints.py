"""Database constraints that explain themselves next to the field they are about.

Every constraint in the app's models carries its own plain ``violation_error_message``. A model
built on ``ConstraintsNextToFields`` puts that message on the one field the constraint is about
(the form shows it beside that field) instead of the form's top. A constraint over one field is
about that field; a constraint over several names its field in the model's
``constraint_fields`` (constraint name -> field name), declared next to ``Meta.constraints``.
"""

from django.core.exceptions import ValidationError
from django.db import models, router


def referenced_fields(constraint) -> set[str]:
    if isinstance(constraint, models.UniqueConstraint):
        return set(constraint.fields)
    return set(constraint.condition.referenced_base_fields)


def constraint_field(model, constraint) -> str:
    """The field whose form row shows this constraint's message; ValueError when unknown."""
    chosen = getattr(model, "constraint_fields", {}).get(constraint.name)
    if chosen is None:
        fields = referenced_fields(constraint)
        if len(fields) != 1:
            raise ValueError(
                f"{model.__name__}.constraint_fields does not say which of {sorted(fields)} "
                f"shows {constraint.name}'s message"
            )
        (chosen,) = fields
    return model._meta.get_field(chosen).name


class ConstraintsNextToFields(models.Model):
    """A model whose constraint messages land on their field (see the module docstring)."""

    constraint_fields: dict[str, str] = {}

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None) -> None:
        using = router.db_for_write(self.__class__, instance=self)
        errors: dict[str, list] = {}
        for model_class, model_constraints in self.get_constraints():
            for constraint in model_constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    field = constraint_field(model_class, constraint)
                    errors.setdefault(field, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)
