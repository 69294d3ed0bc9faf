"""The built-in stretches and the muscles they work: names, steps and pictures, translated.

A stretch row keeps only the catalog key, so its words follow the language of whoever reads
it. Every place that shows a muscle calls muscle_display: plain words first, the anatomical
name second.
"""

from dataclasses import dataclass

from django.templatetags.static import static
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Muscle:
    plain: Promise
    anatomical: Promise

    @property
    def label(self) -> Promise:
        return format_lazy("{} ({})", self.plain, self.anatomical)


# Keyed by the names stored in plans (massage target muscles, stretch rows), in the order the
# pickers offer them; the first six are the common targets of the clinical material.
MUSCLES: dict[str, Muscle] = {
    "gastrocnemius": Muscle(_("Calf"), pgettext_lazy("muscle", "gastrocnemius")),
    "hamstrings": Muscle(_("Back of the thigh"), pgettext_lazy("muscle", "hamstrings")),
    "hip flexors": Muscle(_("Front of the hip"), pgettext_lazy("muscle", "hip flexors")),
    "biceps brachii": Muscle(
        _("Front of the upper arm"), pgettext_lazy("muscle", "biceps brachii")
    ),
    "wrist flexors": Muscle(_("Inner forearm"), pgettext_lazy("muscle", "wrist flexors")),
    "cervical muscles": Muscle(_("Neck"), pgettext_lazy("muscle", "cervical muscles")),
    "quadriceps": Muscle(_("Front of the thigh"), pgettext_lazy("muscle", "quadriceps")),
    "adductors": Muscle(_("Inner thigh"), pgettext_lazy("muscle", "adductors")),
    "pectorals": Muscle(_("Chest"), pgettext_lazy("muscle", "pectorals")),
    "finger flexors": Muscle(_("Fingers"), pgettext_lazy("muscle", "finger flexors")),
}


def muscle_display(value: str) -> str:
    """A stored muscle as people read it: "Calf (gastrocnemius)"; a typed one as typed."""
    muscle = MUSCLES.get(value.strip().lower())
    return str(muscle.label) if muscle else value


def muscles_display(values: list[str]) -> str:
    return ", ".join(muscle_display(value) for value in values)


# The clinical guidance: stretch to a safe end range; going too far can raise tone.
SAFE_END_RANGE = _(
    "Stop at a safe end range: a gentle pull, never pain. Hold still, no bouncing. Pushing "
    "further can raise tone."
)


@dataclass(frozen=True)
class BuiltInStretch:
    key: str
    name: Promise
    muscle: str  # a key of MUSCLES
    steps: tuple[Promise, ...]
    cue: Promise = SAFE_END_RANGE

    @property
    def muscle_label(self) -> str:
        return muscle_display(self.muscle)

    @property
    def picture(self) -> str:
        """The drawing's path under the static files."""
        return f"stretches/{self.key}.svg"

    @property
    def picture_url(self) -> str:
        return static(self.picture)

    @property
    def alt(self) -> str:
        return gettext("Drawing of the stretch: %(name)s") % {"name": self.name}


CATALOG: dict[str, BuiltInStretch] = {
    stretch.key: stretch
    for stretch in (
        BuiltInStretch(
            key="calf",
            name=_("Calf stretch"),
            muscle="gastrocnemius",
            steps=(
                _("Stand facing a wall, hands flat on it at shoulder height."),
                _("Step one foot back, toes pointing forward, heel on the floor."),
                _("Keep the back knee straight and slowly bend the front knee."),
                _("Hold, then change legs."),
            ),
        ),
        BuiltInStretch(
            key="hamstrings",
            name=_("Hamstring stretch"),
            muscle="hamstrings",
            steps=(
                _("Sit on the floor or a firm bed with one leg straight in front of you."),
                _("Bend the other knee and rest that foot against the straight leg."),
                _("Keep your back long and lean forward from the hips towards the straight foot."),
                _("Hold, then change legs."),
            ),
        ),
        BuiltInStretch(
            key="hip-flexors",
            name=_("Hip flexor stretch"),
            muscle="hip flexors",
            steps=(
                _("Kneel on one knee on a cushion, the other foot flat in front of you."),
                _("Hold a chair or a wall for balance."),
                _("Tuck your bottom under and shift your weight slowly forward."),
                _(
                    "Feel the stretch at the front of the hip of the kneeling leg, then change legs."
                ),
            ),
        ),
        BuiltInStretch(
            key="elbow-flexors",
            name=_("Elbow flexor stretch"),
            muscle="biceps brachii",
            steps=(
                _("Sit or stand tall with your arm by your side."),
                _("Straighten the elbow slowly, palm turned up."),
                _("Move the straight arm a little behind you."),
                _("Hold, then change arms. A helper can guide the arm gently."),
            ),
        ),
        BuiltInStretch(
            key="wrist-flexors",
            name=_("Wrist flexor stretch"),
            muscle="wrist flexors",
            steps=(
                _("Hold your arm out in front, elbow straight, palm facing away."),
                _("With the other hand, ease the fingers back towards you."),
                _("Keep the fingers straight and the shoulder relaxed."),
                _("Hold, then change hands."),
            ),
        ),
        BuiltInStretch(
            key="neck",
            name=_("Neck side stretch"),
            muscle="cervical muscles",
            steps=(
                _("Sit tall in a chair and hold the seat with one hand."),
                _("Slowly tilt your ear towards the other shoulder."),
                _("Keep your face forward and both shoulders down."),
                _("Hold, come back to the middle slowly, then change sides."),
            ),
        ),
        BuiltInStretch(
            key="quadriceps",
            name=_("Thigh stretch"),
            muscle="quadriceps",
            steps=(
                _("Lie on your side with your head resting on your arm."),
                _("Bend the top knee and hold that ankle with your hand or a strap."),
                _("Ease the foot towards your bottom, knees side by side."),
                _("Hold, then turn over and change legs."),
            ),
        ),
        BuiltInStretch(
            key="adductors",
            name=_("Inner thigh stretch"),
            muscle="adductors",
            steps=(
                _("Sit on the floor with the soles of your feet together."),
                _("Hold your ankles and let your knees fall out to the sides."),
                _("Sit tall; let gravity do the work."),
            ),
        ),
        BuiltInStretch(
            key="chest",
            name=_("Chest stretch"),
            muscle="pectorals",
            steps=(
                _(
                    "Stand in a doorway and rest one forearm on the frame, elbow at shoulder height."
                ),
                _("Step forward slowly with the foot on the same side."),
                _("Keep your shoulders down and turn your body a little away from the arm."),
                _("Hold, then change sides."),
            ),
        ),
        BuiltInStretch(
            key="fingers",
            name=_("Finger stretch"),
            muscle="finger flexors",
            steps=(
                _("Rest your hand palm down on a table."),
                _("With the other hand, gently flatten the fingers, one at a time or together."),
                _("Keep the wrist resting on the table."),
                _("Hold, then change hands."),
            ),
        ),
    )
}

# The starter plan's stretches.
STARTER_KEYS = ("calf", "hamstrings")


def built_in(key: str | None) -> BuiltInStretch | None:
    return CATALOG.get(key) if key else None


def catalog_choices() -> list[tuple[str, Promise]]:
    return [(stretch.key, stretch.name) for stretch in CATALOG.values()]
