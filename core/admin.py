"""Admin building blocks shared by every app."""

from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.utils.text import capfirst


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs carry their own accessible names.

    Django's tabular inline labels a column once, in its header, and leaves each row's inputs
    (the "Delete?" box included) without a label, which screen readers and axe's "label" rule
    reject. Each input gets its column's name as its aria-label.
    """

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for name, field in form.fields.items():
                    widget = field.widget
                    if isinstance(widget, RelatedFieldWidgetWrapper):
                        widget = widget.widget
                    widget.attrs.setdefault("aria-label", capfirst(field.label or name))

        return LabelledFormSet
