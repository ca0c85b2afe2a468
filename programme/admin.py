from django.contrib import admin

from exercises.admin import RoutineItemInline

from .models import Level


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["programme", "number", "title", "unlocks_at", "announced_at"]
    inlines = [RoutineItemInline]
