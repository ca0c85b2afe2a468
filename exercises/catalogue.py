"""Foot-strength exercise catalogue and the six weekly routines.

Plain standard-library data only: no Django imports and no gettext. The Django
side loads (and translates) this data separately.

Contents:

* ``FAMILIES`` - the five exercise families, in display order.
* ``EQUIPMENT`` - equipment slug -> display name.
* ``EXERCISES`` - every exercise, with a default prescription. Progressions are
  linked easier -> harder through ``progresses_to``.
* ``ROUTINES`` - level number (1..6) -> ordered list of routine items.
* ``LEVELS`` - level number (1..6) -> title, focus and description.

Every exercise has exactly one of ``reps`` or ``hold_s`` set; the other is None.
Routine items follow the same rule and use the same measure as their exercise.
"""

from __future__ import annotations

from dataclasses import dataclass

# Upper bounds shared by the catalogue and the routines.
MAX_SETS = 20
MAX_REPS = 200
MAX_HOLD_S = 600


@dataclass(frozen=True, slots=True)
class Family:
    slug: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class Exercise:
    slug: str
    name: str
    family: str
    summary: str
    cues: list[str]
    benefits: str
    equipment: list[str]
    sets: int
    per_foot: bool
    rest_s: int
    cautions: str
    reps: int | None = None
    hold_s: int | None = None
    progresses_to: str | None = None


FAMILIES: list[Family] = [
    Family(
        slug="stretch-and-roll",
        name="Stretch and roll",
        description=(
            "Loosen the sole and the front of the foot by rolling them over a roller or ball, "
            "much as you would foam-roll your legs."
        ),
    ),
    Family(
        slug="activate-and-engage",
        name="Activate and engage",
        description=(
            "Small, controlled toe and arch movements that switch on the muscles holding up "
            "your arch."
        ),
    ),
    Family(
        slug="mobilisation",
        name="Mobilisation",
        description=(
            "Gentle movements that restore range to stiff ankles and a tight big-toe joint."
        ),
    ),
    Family(
        slug="active-stretching",
        name="Active stretching",
        description=(
            "Lengthen and load the calves, Achilles and foot tendons by moving through a full "
            "range under your own body weight."
        ),
    ),
    Family(
        slug="strengthen",
        name="Strengthen",
        description=(
            "Light resistance work for the ankle and toe muscles; a little resistance done "
            "often is all it takes."
        ),
    ),
]

EQUIPMENT: dict[str, str] = {
    "none": "No equipment",
    "towel": "Towel",
    "small-ball": "Small ball",
    "roller": "Foot roller",
    "hockey-ball": "Hockey ball",
    "resistance-band": "Resistance band",
    "weighted-vest": "Weighted vest",
    "medicine-ball": "Medicine ball",
    "wall": "Wall",
    "chair": "Chair",
}


EXERCISES: list[Exercise] = [
    # ------------------------------------------------------------------ stretch and roll
    Exercise(
        slug="sole-roller-roll",
        name="Sole roll with a foot roller",
        family="stretch-and-roll",
        summary="Roll the whole underside of your foot slowly back and forth over a foot roller.",
        cues=[
            "Sit or stand with the roller on the floor under the middle of one foot.",
            "Press down lightly and roll from your heel to the base of your toes.",
            "Pause on any tight spots and breathe out while you wait for them to ease.",
            "Keep the pressure comfortable, then swap feet.",
        ],
        benefits=(
            "Eases tension in the sole and the plantar fascia, leaving the foot ready to move."
        ),
        equipment=["roller"],
        sets=1,
        hold_s=60,
        per_foot=True,
        rest_s=15,
        cautions="Use firm but comfortable pressure and avoid rolling directly over a bruise.",
        progresses_to="cross-fibre-ball-roll",
    ),
    Exercise(
        slug="cross-fibre-ball-roll",
        name="Cross-fibre ball roll",
        family="stretch-and-roll",
        summary="Roll a small ball from side to side under your sole to work across the fibres.",
        cues=[
            "Place a small ball under the arch of one foot.",
            "Roll it from the inside edge of your foot to the outside edge and back.",
            "Work in small steps from the heel towards the toes.",
            "Lean in a little more where it feels tight, staying comfortable.",
        ],
        benefits=(
            "Reaches deeper into the sole than a roller and frees up tissue that has "
            "tightened lengthways."
        ),
        equipment=["small-ball"],
        sets=1,
        hold_s=60,
        per_foot=True,
        rest_s=15,
        cautions="It may feel intense but should never be sharp; ease off if it is.",
        progresses_to=None,
    ),
    Exercise(
        slug="forefoot-ball-release",
        name="Forefoot ball release",
        family="stretch-and-roll",
        summary="Use a small ball to loosen the big-toe joint and the other knuckles at the ball of the foot.",
        cues=[
            "Stand or sit with a small ball under the ball of one foot.",
            "Rest the big-toe joint on the ball and make slow, small circles.",
            "Move the ball along under each of the other toe knuckles in turn.",
            "Spend a few seconds on each one, then swap feet.",
        ],
        benefits=(
            "Mobilises the big-toe joint and the metatarsal heads, which often stiffen up "
            "in runners."
        ),
        equipment=["small-ball"],
        sets=1,
        hold_s=60,
        per_foot=True,
        rest_s=15,
        cautions="Keep the pressure gentle over the joints and stop if you feel a sharp pain.",
        progresses_to="hockey-ball-big-toe-roll",
    ),
    # --------------------------------------------------------------- activate and engage
    Exercise(
        slug="towel-scrunch",
        name="Towel scrunch",
        family="activate-and-engage",
        summary="Pull a towel towards you by curling your toes.",
        cues=[
            "Sit on a chair with a towel flat on the floor under one foot.",
            "Keep your heel down and spread your toes wide.",
            "Curl your toes to gather the towel in under your foot.",
            "Relax, spread the toes again and repeat until the towel is bunched up.",
        ],
        benefits="A simple first step for waking up the small muscles that curl the toes.",
        equipment=["towel", "chair"],
        sets=2,
        reps=10,
        per_foot=True,
        rest_s=30,
        cautions="Stop if your foot starts to cramp, then rest and try again more gently.",
        progresses_to="towel-push-away",
    ),
    Exercise(
        slug="towel-push-away",
        name="Towel push-away",
        family="activate-and-engage",
        summary="Smooth a bunched-up towel back out by pushing it away with your toes.",
        cues=[
            "Sit on a chair with a gathered towel under the front of one foot.",
            "Keep your heel planted on the floor.",
            "Press your toes down and push the towel forwards, away from you.",
            "Lift and reset your toes, then push again until the towel is flat.",
        ],
        benefits=(
            "Adds control in the opposite direction to the scrunch, so the toes learn to "
            "press and spread as well as curl."
        ),
        equipment=["towel", "chair"],
        sets=2,
        reps=10,
        per_foot=True,
        rest_s=30,
        cautions="Keep the movement small and smooth, and rest if your foot cramps.",
        progresses_to="toe-ball-grab",
    ),
    Exercise(
        slug="short-foot",
        name="Arch lift and relax (short foot)",
        family="activate-and-engage",
        summary="Raise your arch by drawing the ball of your foot towards your heel, then let it relax.",
        cues=[
            "Sit or stand with your foot flat and your toes relaxed.",
            "Without curling your toes, slide the ball of your foot a little towards your heel.",
            "Feel the arch rise while your heel and big-toe joint stay on the floor.",
            "Hold for a moment, then relax the arch completely.",
        ],
        benefits=(
            "Teaches you to lift and hold your arch, the base position for all the toe-lift "
            "exercises."
        ),
        equipment=["none"],
        sets=2,
        reps=10,
        per_foot=True,
        rest_s=30,
        cautions="Keep your toes long and relaxed; if they grip, make the lift smaller.",
        progresses_to="big-toe-lift",
    ),
    Exercise(
        slug="big-toe-lift",
        name="Big toe lift",
        family="activate-and-engage",
        summary="Raise your big toe on its own while the four smaller toes stay on the floor.",
        cues=[
            "Stand with your feet flat and lift your arch slightly.",
            "Press the four small toes gently into the floor.",
            "Raise only the big toe as high as you can.",
            "Lower it slowly without letting the arch collapse.",
        ],
        benefits=(
            "Builds control of the big toe and helps support the arch and the plantar fascia."
        ),
        equipment=["none"],
        sets=2,
        reps=10,
        per_foot=True,
        rest_s=30,
        cautions="Keep the arch lifted throughout; if your foot rolls inwards, slow down.",
        progresses_to="small-toes-lift",
    ),
    Exercise(
        slug="small-toes-lift",
        name="Four small toes lift",
        family="activate-and-engage",
        summary="Keep your big toe down and raise the four smaller toes together.",
        cues=[
            "Stand with your feet flat and your arch gently lifted.",
            "Press the big toe firmly into the floor.",
            "Lift the four small toes together as one.",
            "Lower them with control, keeping the arch up the whole time.",
        ],
        benefits=(
            "Strengthens the arch and helps support the tibialis posterior tendon, a common "
            "trouble spot for runners."
        ),
        equipment=["none"],
        sets=2,
        reps=10,
        per_foot=True,
        rest_s=30,
        cautions="Do not let the foot flatten to cheat the lift; a smaller lift is fine.",
        progresses_to="single-toe-lifts",
    ),
    Exercise(
        slug="single-toe-lifts",
        name="Each toe alone",
        family="activate-and-engage",
        summary="Lift each toe on its own, one at a time, while the others stay down.",
        cues=[
            "Stand with your feet flat and your arch lifted.",
            "Start by lifting the big toe alone, then lower it.",
            "Try to lift the second toe alone, then each of the others in turn.",
            "Keep the arch up and move slowly; one pass along all five toes is one rep.",
        ],
        benefits=(
            "The hardest toe-control drill, sharpening coordination and arch strength for "
            "every toe."
        ),
        equipment=["none"],
        sets=2,
        reps=5,
        per_foot=True,
        rest_s=30,
        cautions="Expect some toes to barely move at first; never force them with your hands.",
        progresses_to=None,
    ),
    # --------------------------------------------------------------------- mobilisation
    Exercise(
        slug="ankle-rotations-assisted",
        name="Hand-assisted ankle rotations",
        family="mobilisation",
        summary="Use your hands to guide your ankle through slow, wide circles.",
        cues=[
            "Sit on a chair and rest one ankle across the opposite knee.",
            "Hold your shin with one hand and the front of your foot with the other.",
            "Guide the foot round in slow, wide circles.",
            "Complete the reps in one direction, then reverse.",
        ],
        benefits=(
            "Lets your hands take the ankle a little further than it would go on its own, "
            "easing stiffness."
        ),
        equipment=["chair"],
        sets=2,
        reps=10,
        per_foot=True,
        rest_s=20,
        cautions="Move gently and do not push into pain at the end of the range.",
        progresses_to="ankle-rotations-active",
    ),
    Exercise(
        slug="ankle-rotations-active",
        name="Active ankle rotations",
        family="mobilisation",
        summary="Draw large, slow circles with your foot using only your own leg muscles.",
        cues=[
            "Sit or stand with one foot lifted just off the floor.",
            "Keep your knee still and point your toes.",
            "Trace the biggest circle you can with your toes.",
            "Complete the reps in one direction, then reverse.",
        ],
        benefits=("Keeps the ankle moving freely and builds control through its full range."),
        equipment=["none"],
        sets=2,
        reps=10,
        per_foot=True,
        rest_s=20,
        cautions="Hold on to a wall or chair if you are standing and your balance wobbles.",
        progresses_to=None,
    ),
    Exercise(
        slug="good-toes-bad-toes",
        name="Good toes, bad toes",
        family="mobilisation",
        summary="Point your foot away, then pull it back towards you, like a dancer.",
        cues=[
            "Sit with your legs out straight in front of you.",
            "Point your foot and toes away from you as far as they will go.",
            "Now pull the foot and toes back towards your shin.",
            "Move slowly between the two positions without moving your knee.",
        ],
        benefits=(
            "Moves the ankle through its full up-and-down range and warms up the front and "
            "back of the lower leg."
        ),
        equipment=["none"],
        sets=2,
        reps=12,
        per_foot=False,
        rest_s=20,
        cautions="If your calf cramps when pointing, ease off and point less hard.",
        progresses_to="band-dorsiflexion",
    ),
    Exercise(
        slug="knee-over-toes-lunge",
        name="Knee-over-toes lunge",
        family="mobilisation",
        summary="From a short lunge, rock your front knee forwards over your toes to free the ankle.",
        cues=[
            "Face a wall in a short lunge with your front foot a hand's length away.",
            "Keep the front heel firmly on the floor.",
            "Rock the front knee forwards over your toes towards the wall.",
            "Come back and repeat, moving the foot further away as it gets easier.",
        ],
        benefits=("Unlocks a stiff ankle joint so the shin can move forwards freely when you run."),
        equipment=["wall"],
        sets=2,
        reps=10,
        per_foot=True,
        rest_s=20,
        cautions="Stop if you feel pinching at the front of the ankle, and keep the heel down.",
        progresses_to=None,
    ),
    Exercise(
        slug="hockey-ball-big-toe-roll",
        name="Hockey-ball big-toe roll",
        family="mobilisation",
        summary="Roll a hard hockey ball under the big-toe joint to loosen it.",
        cues=[
            "Sit or stand with a hockey ball under the base of your big toe.",
            "Let a little body weight rest on the ball.",
            "Roll slowly forwards, backwards and in small circles around the joint.",
            "Keep breathing and let the joint soften, then swap feet.",
        ],
        benefits=("A firmer tool for a stiff big-toe joint, which you need to push off well."),
        equipment=["hockey-ball"],
        sets=1,
        hold_s=60,
        per_foot=True,
        rest_s=15,
        cautions="The ball is hard, so start with light pressure and stop if it hurts.",
        progresses_to=None,
    ),
    Exercise(
        slug="big-toe-hand-mobilisation",
        name="Hand-guided big-toe mobilisation",
        family="mobilisation",
        summary="Steady the big-toe joint with one hand and move the toe up and down with the other.",
        cues=[
            "Sit and rest one foot across the opposite knee.",
            "Hold the foot just behind the big-toe joint to keep it still.",
            "With the other hand, take the big toe and bend it gently up.",
            "Then bend it gently down, moving slowly through a comfortable range.",
        ],
        benefits="A very effective way to restore movement to a stiff big-toe joint.",
        equipment=["chair"],
        sets=2,
        reps=10,
        per_foot=True,
        rest_s=20,
        cautions="This should not hurt; stop if it is painful and use a smaller range.",
        progresses_to=None,
    ),
    # ---------------------------------------------------------------- active stretching
    Exercise(
        slug="bear-foot-calf-raise",
        name="Bear-foot calf raises",
        family="active-stretching",
        summary="Slow calf raises with bare feet, rising high onto the balls of your feet.",
        cues=[
            "Take your shoes off and stand with feet hip-width apart, near a wall.",
            "Rise slowly as high as you can onto the balls of your feet.",
            "Keep your weight over the big toe and second toe, not rolling outwards.",
            "Lower slowly until your heels touch the floor again.",
        ],
        benefits=(
            "Strengthens the feet along with the tibialis posterior and Achilles tendons; "
            "a good habit before every run."
        ),
        equipment=["none"],
        sets=2,
        reps=10,
        per_foot=False,
        rest_s=30,
        cautions="Stop and rest if you feel pain in the Achilles rather than working effort.",
        # The source article says "bear foot (as in the animal)"; read here as calf
        # raises done barefoot.
        progresses_to="high-heel-toe-walk",
    ),
    Exercise(
        slug="high-heel-toe-walk",
        name="High-heel toe walk",
        family="active-stretching",
        summary="Walk tall on the balls of your feet with your heels held high.",
        cues=[
            "Rise high onto the balls of your feet as if wearing high heels.",
            "Stand tall with your hips level and your core braced.",
            "Walk forwards with short, quiet steps, keeping the heels up.",
            "Lower your heels gently at the end of each set.",
        ],
        benefits=("Builds endurance in the calves and the muscles supporting the arch."),
        equipment=["none"],
        sets=2,
        reps=20,
        per_foot=False,
        rest_s=45,
        cautions="If your heels start to drop, the set is over; rest before the next one.",
        progresses_to="high-heel-toe-walk-vest",
    ),
    Exercise(
        slug="high-heel-toe-walk-vest",
        name="High-heel toe walk with a weighted vest",
        family="active-stretching",
        summary="Do the high-heel toe walk while wearing a weighted vest.",
        cues=[
            "Put on a weighted vest and fasten it snugly.",
            "Rise high onto the balls of your feet.",
            "Walk forwards with short, controlled steps, keeping the heels high.",
            "Lower your heels gently at the end of each set.",
        ],
        benefits=("The extra load makes the feet and calves work harder, building more strength."),
        equipment=["weighted-vest"],
        sets=3,
        reps=20,
        per_foot=False,
        rest_s=60,
        cautions="Begin with a light vest and go back to body weight if your ankles wobble.",
        progresses_to="high-heel-toe-walk-medicine-ball",
    ),
    Exercise(
        slug="high-heel-toe-walk-medicine-ball",
        name="High-heel toe walk with a medicine ball",
        family="active-stretching",
        summary="Do the high-heel toe walk while holding a medicine ball at your chest.",
        cues=[
            "Hold a medicine ball close to your chest with both hands.",
            "Rise high onto the balls of your feet and stand tall.",
            "Walk forwards with short, steady steps, keeping the heels up.",
            "Lower your heels gently at the end of each set.",
        ],
        benefits=(
            "Adds load and a balance challenge, since your arms can no longer help you "
            "steady yourself."
        ),
        equipment=["medicine-ball"],
        sets=3,
        reps=20,
        per_foot=False,
        rest_s=60,
        cautions="Choose a light ball and walk on a clear, flat floor with nothing to trip on.",
        progresses_to=None,
    ),
    # ----------------------------------------------------------------------- strengthen
    Exercise(
        slug="band-dorsiflexion",
        name="Resistance-band dorsiflexion",
        family="strengthen",
        summary="Pull your foot up towards your shin against a resistance band.",
        cues=[
            "Sit with your legs out straight and tie the band to something low in front of you.",
            "Loop the band over the top of one foot.",
            "Pull the foot and toes back towards your shin against the band.",
            "Return slowly to the start.",
        ],
        benefits="Strengthens the muscles at the front of the shin that lift the foot.",
        equipment=["resistance-band"],
        sets=2,
        reps=12,
        per_foot=True,
        rest_s=30,
        cautions="A light band is enough; stop if the front of your ankle hurts.",
        progresses_to=None,
    ),
    Exercise(
        slug="band-plantar-flexion",
        name="Resistance-band plantar flexion",
        family="strengthen",
        summary="Point your foot away from you against a resistance band.",
        cues=[
            "Sit with your legs out straight.",
            "Loop the band round the ball of one foot and hold the ends in your hands.",
            "Point your foot away from you, pressing into the band.",
            "Return slowly to the start.",
        ],
        benefits="Strengthens the calf and the muscles that push you off the ground.",
        equipment=["resistance-band"],
        sets=2,
        reps=12,
        per_foot=True,
        rest_s=30,
        cautions="Keep the movement slow; ease off if your calf or foot cramps.",
        progresses_to=None,
    ),
    Exercise(
        slug="band-inversion",
        name="Resistance-band inversion",
        family="strengthen",
        summary="Turn the sole of your foot inwards against a resistance band.",
        cues=[
            "Sit with the band tied to something to the outside of your foot.",
            "Loop it round the front of the foot.",
            "Keeping your knee still, turn the sole of the foot inwards.",
            "Return slowly to the start.",
        ],
        benefits=(
            "Strengthens the muscles on the inside of the ankle, including the tibialis "
            "posterior, which helps hold up the arch."
        ),
        equipment=["resistance-band"],
        sets=2,
        reps=12,
        per_foot=True,
        rest_s=30,
        cautions="Move only at the ankle and keep the band light enough to stay in control.",
        progresses_to=None,
    ),
    Exercise(
        slug="band-eversion",
        name="Resistance-band eversion",
        family="strengthen",
        summary="Turn the sole of your foot outwards against a resistance band.",
        cues=[
            "Sit with the band tied to something to the inside of your foot.",
            "Loop it round the front of the foot.",
            "Keeping your knee still, turn the sole of the foot outwards.",
            "Return slowly to the start.",
        ],
        benefits=(
            "Strengthens the muscles on the outside of the ankle, which help protect it "
            "from rolling over."
        ),
        equipment=["resistance-band"],
        sets=2,
        reps=12,
        per_foot=True,
        rest_s=30,
        cautions="Move only at the ankle and keep the band light enough to stay in control.",
        progresses_to=None,
    ),
    Exercise(
        slug="toe-ball-grab",
        name="Toe ball grab and lift",
        family="strengthen",
        summary="Grip a small soft ball with your toes and lift it off the floor.",
        cues=[
            "Sit on a chair with a small soft ball in front of one foot.",
            "Curl your toes round the ball to grip it.",
            "Lift the ball a few centimetres off the floor and hold briefly.",
            "Lower it under control and let go.",
        ],
        benefits=("Strengthens the toe flexors; it is tricky at first but works very well."),
        equipment=["small-ball", "chair"],
        sets=2,
        reps=8,
        per_foot=True,
        rest_s=30,
        cautions="Rest if your foot cramps; a softer ball is easier to hold.",
        progresses_to=None,
    ),
]

EXERCISES_BY_SLUG: dict[str, Exercise] = {exercise.slug: exercise for exercise in EXERCISES}


def _item(
    exercise: str,
    sets: int,
    *,
    reps: int | None = None,
    hold_s: int | None = None,
    rest_s: int = 30,
) -> dict:
    return {"exercise": exercise, "sets": sets, "reps": reps, "hold_s": hold_s, "rest_s": rest_s}


ROUTINES: dict[int, list[dict]] = {
    1: [
        _item("sole-roller-roll", 1, hold_s=60, rest_s=15),
        _item("short-foot", 2, reps=8),
        _item("big-toe-lift", 2, reps=8),
        _item("towel-scrunch", 2, reps=8),
        _item("ankle-rotations-assisted", 2, reps=8, rest_s=20),
        _item("good-toes-bad-toes", 2, reps=10, rest_s=20),
        _item("bear-foot-calf-raise", 2, reps=10),
    ],
    2: [
        _item("cross-fibre-ball-roll", 1, hold_s=60, rest_s=15),
        _item("short-foot", 2, reps=10),
        _item("small-toes-lift", 2, reps=10),
        _item("towel-push-away", 2, reps=10),
        _item("ankle-rotations-active", 2, reps=10, rest_s=20),
        _item("knee-over-toes-lunge", 2, reps=10, rest_s=20),
        _item("bear-foot-calf-raise", 2, reps=12),
    ],
    3: [
        _item("forefoot-ball-release", 1, hold_s=60, rest_s=15),
        _item("hockey-ball-big-toe-roll", 1, hold_s=60, rest_s=15),
        _item("big-toe-hand-mobilisation", 2, reps=10, rest_s=20),
        _item("small-toes-lift", 3, reps=10),
        _item("knee-over-toes-lunge", 2, reps=12, rest_s=20),
        _item("band-dorsiflexion", 2, reps=12),
        _item("bear-foot-calf-raise", 3, reps=12),
        _item("high-heel-toe-walk", 2, reps=20, rest_s=45),
    ],
    4: [
        _item("cross-fibre-ball-roll", 1, hold_s=90, rest_s=15),
        _item("single-toe-lifts", 2, reps=5),
        _item("toe-ball-grab", 2, reps=8),
        _item("band-dorsiflexion", 3, reps=12),
        _item("band-plantar-flexion", 3, reps=12),
        _item("band-inversion", 2, reps=12),
        _item("band-eversion", 2, reps=12),
        _item("high-heel-toe-walk", 3, reps=20, rest_s=45),
    ],
    5: [
        _item("hockey-ball-big-toe-roll", 1, hold_s=90, rest_s=15),
        _item("single-toe-lifts", 3, reps=5),
        _item("toe-ball-grab", 3, reps=10),
        _item("band-inversion", 3, reps=15),
        _item("band-eversion", 3, reps=15),
        _item("bear-foot-calf-raise", 3, reps=15),
        _item("high-heel-toe-walk-vest", 3, reps=20, rest_s=60),
    ],
    6: [
        _item("cross-fibre-ball-roll", 1, hold_s=90, rest_s=15),
        _item("single-toe-lifts", 3, reps=6),
        _item("toe-ball-grab", 3, reps=12),
        _item("band-dorsiflexion", 3, reps=15),
        _item("band-plantar-flexion", 3, reps=15),
        _item("ankle-rotations-active", 2, reps=12, rest_s=20),
        _item("bear-foot-calf-raise", 3, reps=20),
        _item("high-heel-toe-walk-medicine-ball", 3, reps=20, rest_s=60),
    ],
}


LEVELS: dict[int, dict[str, str]] = {
    1: {
        "title": "Wake up your feet",
        "focus": "Rolling and first activation",
        "description": (
            "This week is about getting to know your feet again. Loosen the sole with a "
            "roller, then practise lifting your arch and your big toe on their own. Keep "
            "everything slow and easy."
        ),
    },
    2: {
        "title": "Find your arch",
        "focus": "Arch control and ankle circles",
        "description": (
            "Now you can hold your arch, ask a little more of it. You will lift the small "
            "toes while the big toe stays down and start moving your ankles on their own."
        ),
    },
    3: {
        "title": "Free the joints",
        "focus": "Big toe and ankle mobility",
        "description": (
            "Stiff big toes and ankles hold back your stride. This week you will loosen them "
            "with a hockey ball and your hands, try your first band exercise and start "
            "walking tall on your toes."
        ),
    },
    4: {
        "title": "Add resistance",
        "focus": "Band work and toe grip",
        "description": (
            "Time to pick up the resistance band and work the ankle in every direction. "
            "You will also try lifting each toe alone and grabbing a ball with your toes. "
            "A light band is plenty."
        ),
    },
    5: {
        "title": "Load it up",
        "focus": "Weighted toe walks",
        "description": (
            "Your feet are ready for more load. Add a weighted vest to your toe walks and "
            "build up the sets on your band and toe work. Keep the quality high and rest "
            "when you need to."
        ),
    },
    6: {
        "title": "Race-ready feet",
        "focus": "Strength and balance under load",
        "description": (
            "The final week brings everything together. Carry a medicine ball on your toe "
            "walks and finish the programme with the strongest feet you have had in years. "
            "Keep the calf raises going before every run."
        ),
    },
}

# Text alternatives for the line drawings in static/exercises/illustrations/<slug>.svg: what
# the picture shows, for anyone who cannot see it.
ILLUSTRATION_ALTS: dict[str, str] = {
    "sole-roller-roll": "A foot resting on a roller, with arrows showing it rolling heel to toe.",
    "cross-fibre-ball-roll": (
        "A foot seen from above on a small ball, with arrows showing it rolling side to side."
    ),
    "forefoot-ball-release": (
        "A foot with a small ball under its ball, with an arrow circling the big-toe joint."
    ),
    "towel-scrunch": "A foot with curled toes pulling a towel towards the heel.",
    "towel-push-away": "A foot pushing a bunched towel forwards with its toes.",
    "short-foot": (
        "A foot with a raised arch, arrows showing the arch lifting and the forefoot drawing back."
    ),
    "big-toe-lift": (
        "A foot seen from above with the big toe highlighted and an arrow showing it lift."
    ),
    "small-toes-lift": (
        "A foot seen from above with the four small toes highlighted and an arrow showing them lift."
    ),
    "single-toe-lifts": (
        "A foot seen from above with one toe highlighted and an arrow moving across the toes."
    ),
    "ankle-rotations-assisted": (
        "A lower leg with the foot held by a hand and a circular arrow around the toes."
    ),
    "ankle-rotations-active": "A lower leg with a circular arrow showing the foot drawing circles.",
    "good-toes-bad-toes": (
        "A lower leg with the foot pointed away and, dashed, pulled back, with an arrow between."
    ),
    "knee-over-toes-lunge": "A short lunge with an arrow showing the front knee moving over the toes.",
    "hockey-ball-big-toe-roll": (
        "A foot on a hockey ball under the big-toe joint, with arrows showing it rolling."
    ),
    "big-toe-hand-mobilisation": (
        "A foot with a hand at the big-toe joint and the big toe bending up, with an arrow."
    ),
    "bear-foot-calf-raise": (
        "A bare foot rising onto its ball from flat, dashed, with an upward arrow."
    ),
    "high-heel-toe-walk": "A foot high on its ball with arrows showing walking forwards.",
    "high-heel-toe-walk-vest": (
        "A foot high on its ball under a weighted vest, with arrows showing walking forwards."
    ),
    "high-heel-toe-walk-medicine-ball": (
        "A foot high on its ball with a medicine ball held above, and arrows showing walking forwards."
    ),
    "band-dorsiflexion": (
        "A lower leg with a band pulling the forefoot away while an arrow shows the foot pulling up."
    ),
    "band-plantar-flexion": (
        "A lower leg with a band around the forefoot and an arrow showing the foot pointing away."
    ),
    "band-inversion": (
        "A foot seen from above with a band to the outside and an arrow turning the sole inwards."
    ),
    "band-eversion": (
        "A foot seen from above with a band to the inside and an arrow turning the sole outwards."
    ),
    "toe-ball-grab": "A foot gripping a small ball with its toes, with an arrow showing it lift.",
}
