"""Integer lookups that never send the database a number it cannot hold.

Django answers `filter(pk=n)` with an empty result when `n` is beyond the column's range (IntegerFieldOverflow), but not
`pk__in=[n]`, nor `foreign_key=n`: SQLite then raises OverflowError (any integer of 2**63 or more) and the request
is a 500. Such a number names no row: these lookups leave it out (an `in` list keeps the others; an `exact` on a
foreign key matches nothing), on every database; so does a value that is not an integer at all in an `in` list.
Registered once for the whole project (CoreConfig.ready).
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models.fields.related import ForeignObject
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


def _out_of_range(lookup, connection, value) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    field = lookup.lhs.output_field
    target = getattr(field, "target_field", field)  # a foreign key holds its target's values
    if not isinstance(target, models.IntegerField):
        return False
    low, high = connection.ops.integer_field_range(target.get_internal_type())
    return (low is not None and value < low) or (high is not None and value > high)


class _InRange:
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            kept = [value for value in self.rhs if not _out_of_range(self, connection, value)]
            if len(kept) != len(self.rhs):
                if not kept:
                    raise EmptyResultSet
                self.rhs = kept
        return super().process_rhs(compiler, connection)


class BoundedIntegerIn(_InRange, In):
    def get_prep_lookup(self):
        """A value that is not an integer at all names no row either (the admin's autocomplete widget, for one,
        filters with what was submitted)."""
        if self.rhs_is_direct_value() and not isinstance(self.rhs, str):
            self.rhs = [value for value in self.rhs if _is_integer_like(self.lhs.output_field, value)]
        return super().get_prep_lookup()


def _is_integer_like(field, value) -> bool:
    if hasattr(value, "resolve_expression"):
        return True
    try:
        field.get_prep_value(value)
    except (TypeError, ValueError):
        return False
    return True


class BoundedRelatedIn(_InRange, RelatedIn):
    pass


class BoundedRelatedExact(RelatedExact):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and _out_of_range(self, connection, self.rhs):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    models.IntegerField.register_lookup(BoundedIntegerIn)
    ForeignObject.register_lookup(BoundedRelatedIn)
    ForeignObject.register_lookup(BoundedRelatedExact)
