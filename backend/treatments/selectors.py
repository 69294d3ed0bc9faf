from django.db.models import QuerySet

from backend.accounts.models import User
from backend.treatments.models import TreatmentEvent


def treatments_for_person(*, person: User) -> QuerySet[TreatmentEvent]:
    return TreatmentEvent.objects.filter(person=person)


def injections_for_person(*, person: User) -> QuerySet[TreatmentEvent]:
    return treatments_for_person(person=person).filter(kind=TreatmentEvent.Kind.BOTULINUM_TOXIN)
