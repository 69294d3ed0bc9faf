"""A support person's phone: told that a child's stretches aren't done, they tap "Done
together" on the notification, and the child's day says who did it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from backend.care.models import CareRelation
from backend.care.services import dependent_create
from backend.plans.services import stretch_routine_save
from backend.reminders.models import Occurrence
from backend.reminders.services import device_subscribe
from backend.reminders.tasks import dispatch_pass
from tests.conftest import PASSWORD
from tests.reminders.test_dispatch import CALF
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP_DONE_TOGETHER = """
async () => {
  // What Chrome runs when the support person taps "Done together" on a locked phone.
  const shown = await self.registration.getNotifications();
  const notification = shown.find((n) => n.tag.startsWith("escalation-"));
  await handleNotificationClick(notification, "together");
}
"""


def test_a_support_person_taps_done_together_and_the_childs_day_says_who_did_it(
    live_server, phone, receiver, celery_worker, make_person, client
):
    parent = make_person("parent@example.com", name="Sam", time_zone="UTC")
    ana = make_person("ana@example.com", name="Ana", time_zone="UTC")
    leo = dependent_create(caregiver=parent, name="Leo", time_zone="UTC", escalate_after=30)
    CareRelation.objects.create(caregiver=ana, person=leo)
    due = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=35)
    stretch_routine_save(
        person=leo, times=[due.time()], stretches=[CALF], now=due - timedelta(minutes=1)
    )
    # Ana's phone has reminders on.
    subscription = receiver.new_subscription()
    phone.fake_push_subscription(subscription.as_dict())
    device_subscribe(
        user=ana,
        endpoint=subscription.endpoint,
        p256dh=subscription.p256dh,
        auth=subscription.auth,
    )
    phone.log_in(ana.email, PASSWORD)
    phone.wait_for_service_worker_control()

    # Leo's reminder went out 35 minutes ago; nobody did it within the 30 minutes.
    dispatch_pass(now=timezone.now())
    receiver.wait_for(1, timeout=30)
    dispatch_pass(now=timezone.now())
    [_reminder, message] = receiver.wait_for(2, timeout=30)

    shown = phone.receive_push(message.payload.decode())
    assert [(n["title"], n["body"]) for n in shown] == [
        ("Leo's stretches aren't done yet", "Do them together, or remind Leo again.")
    ]
    worker = next(w for w in phone.context.service_workers if w.url.startswith(phone.origin))
    worker.evaluate(TAP_DONE_TOGETHER)
    wait_until(lambda: Occurrence.objects.get().status == "done", what="Done together")
    assert Occurrence.objects.get().done_by == ana

    # Leo's day, as the parent sees it.
    client.force_login(parent)
    client.post(f"/care/switch/{leo.id}/")
    assert "Done by Ana" in client.get("/").content.decode()
    phone.screenshot("done-together")
