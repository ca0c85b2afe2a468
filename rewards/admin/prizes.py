from django.contrib import admin

from ..models import Prize


@admin.register(Prize)
class PrizeAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "sponsor", "quantity", "needs_shoe_size"]
    list_filter = ["programme", "needs_shoe_size"]
    search_fields = ["name", "sponsor"]
