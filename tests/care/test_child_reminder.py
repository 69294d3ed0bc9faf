import pytest
from django.core.management import call_command

from backend.care.services import dependent_create
from backend.plans.models import Schedule
from backend.reminders.services import device_subscribe
from tests.support.plans import stretch_routine


@pytest.mark.django_db(transaction=True)
def test_a_childs_reminder_arrives_on_the_caregivers_phone_with_the_childs_name(
    api_as, person, receiver, celery_worker
):
    child = dependent_create(caregiver=person, name="Emily", time_zone="Europe/London")
    phone = receiver.new_subscription()
    device_subscribe(user=person, endpoint=phone.endpoint, p256dh=phone.p256dh, auth=phone.auth)
    api_as.credentials(HTTP_X_TONUS_PERSON=str(child.id))
    api_as.put("/api/v1/plans/stretches/", stretch_routine(times=["08:00"]), format="json")

    due = Schedule.objects.get(person=child).next_due_at
    call_command("dispatch_reminders", "--at", due.isoformat())

    [message] = receiver.wait_for(1, timeout=30)
    assert message.json()["title"] == "Emily's stretches"
    assert message.json()["body"] == "Calf stretch, 3 × 30 s, Hamstring stretch, 2 × 30 s"
