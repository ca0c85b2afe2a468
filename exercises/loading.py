"""Puts the plain-data catalogue (``exercises.catalogue``) into the database.

The model classes are passed in, so the data migration hands over its historical models
(``apps.get_model``) and ``seed_demo`` and tests the current ones: one loader for both.
"""

from . import catalogue


def catalogue_ensure(*, equipment_model, exercise_model):
    """Create the catalogue's equipment, exercises and progressions that are missing.

    Safe to run again. Rows that already exist are left as they are, so nothing staff
    changed in the admin is overwritten (not even a progression they removed): only an
    exercise created here gets its progression, and only when its harder variant has no
    easier one yet. Returns the number of exercises created.
    """
    equipment = {}
    for slug, name in catalogue.EQUIPMENT.items():
        equipment[slug], _ = equipment_model.objects.get_or_create(
            slug=slug, defaults={"name": name}
        )

    slugs = [entry.slug for entry in catalogue.EXERCISES]
    existing = set(exercise_model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    created = set()
    for entry in catalogue.EXERCISES:
        if entry.slug in existing:
            continue
        exercise = exercise_model.objects.create(
            slug=entry.slug,
            name=entry.name,
            family=entry.family,
            summary=entry.summary,
            cues="\n".join(entry.cues),
            benefits=entry.benefits,
            cautions=entry.cautions,
            sets=entry.sets,
            reps=entry.reps,
            hold_s=entry.hold_s,
            per_foot=entry.per_foot,
            rest_s=entry.rest_s,
        )
        exercise.equipment.set([equipment[slug] for slug in entry.equipment])
        created.add(entry.slug)

    by_slug = {
        exercise.slug: exercise for exercise in exercise_model.objects.filter(slug__in=slugs)
    }
    has_predecessor = set(
        exercise_model.objects.filter(progresses_to__isnull=False).values_list(
            "progresses_to_id", flat=True
        )
    )
    for entry in catalogue.EXERCISES:
        if entry.progresses_to is None or entry.slug not in created:
            continue
        easier, harder = by_slug[entry.slug], by_slug[entry.progresses_to]
        if harder.pk not in has_predecessor:
            easier.progresses_to = harder
            easier.save(update_fields=["progresses_to"])
            has_predecessor.add(harder.pk)
    return len(created)


def illustrations_describe(*, exercise_model):
    """Give the catalogue's exercises that have no picture description the standard one.

    A description staff wrote is kept. Returns the number of exercises described.
    """
    described = 0
    for slug, text in catalogue.ILLUSTRATION_ALTS.items():
        described += exercise_model.objects.filter(slug=slug, illustration_alt="").update(
            illustration_alt=text
        )
    return described


def catalogue_remove_unused(*, equipment_model, exercise_model, session_exercise_model):
    """Undo ``catalogue_ensure`` as far as it is safe: remove the catalogue's exercises that
    no routine or logged session uses, then equipment no exercise needs any more."""
    slugs = [entry.slug for entry in catalogue.EXERCISES]
    logged = session_exercise_model.objects.values_list("exercise_id", flat=True)
    exercise_model.objects.filter(slug__in=slugs, routine_items__isnull=True).exclude(
        pk__in=logged
    ).delete()
    equipment_model.objects.filter(slug__in=catalogue.EQUIPMENT, exercises__isnull=True).delete()
