import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext

from klearmind.booking.availability import (
    Place,
    ProviderPlan,
    Schedule,
    load_schedule,
)
from klearmind.booking.models import Closure, ProviderHours, TimeOff

from .factories import book, make_clinic, make_location, make_provider

LA = ZoneInfo("America/Los_Angeles")
UTC = datetime.UTC
SPRING_FORWARD = datetime.date(2027, 3, 14)  # 2:00 PST becomes 3:00 PDT
FALL_BACK = datetime.date(2026, 11, 1)  # 2:00 PDT becomes 1:00 PST
NOW = datetime.datetime(2026, 10, 1, 12, tzinfo=UTC)  # before every day used below


def schedule(
    *, opens="08:00", closes="18:00", provider_hours=None, length=60, before=0, after=0, chairs=1
):
    """A pure schedule: one provider, every day of the week."""
    hours = provider_hours or (opens, closes)
    times = tuple(datetime.time.fromisoformat(t) for t in hours)
    return Schedule(
        zone=LA,
        opening={
            day: (datetime.time.fromisoformat(opens), datetime.time.fromisoformat(closes))
            for day in range(7)
        },
        closures=[],
        providers=[ProviderPlan(1, {day: [times] for day in range(7)})],
        chairs=chairs,
        chair_busy={},
        before=before * 60,
        length=length * 60,
        after=after * 60,
    )


def local_times(slots) -> list[str]:
    return [f"{slot.starts_at.astimezone(LA):%H:%M}" for slot in slots]


class PureScheduleTests(SimpleTestCase):
    def test_slots_are_opening_hours_intersected_with_the_providers(self):
        slots = schedule(provider_hours=("09:00", "12:00")).slots_on(datetime.date(2026, 12, 1))
        assert local_times(slots)[0] == "09:00"
        assert local_times(slots)[-1] == "11:00"  # a 60-minute visit ends by 12:00
        assert len(slots) == 9

    def test_buffers_keep_the_first_and_last_slot_inside_the_hours(self):
        slots = schedule(provider_hours=("09:00", "12:00"), before=15, after=15).slots_on(
            datetime.date(2026, 12, 1)
        )
        assert local_times(slots)[0] == "09:15"
        assert local_times(slots)[-1] == "10:45"

    def test_a_closed_weekday_has_no_slots(self):
        plan = schedule()
        del plan.opening[6]
        assert plan.slots_on(datetime.date(2026, 12, 6)) == []  # a Sunday

    def test_on_the_march_change_day_a_9_am_slot_is_16_00_utc_and_the_day_before_17_00(self):
        plan = schedule()
        before = plan.slots_on(SPRING_FORWARD - datetime.timedelta(days=1))
        after = plan.slots_on(SPRING_FORWARD)
        nine_before = next(s for s in before if s.starts_at.astimezone(LA).hour == 9)
        nine_after = next(s for s in after if s.starts_at.astimezone(LA).hour == 9)
        assert nine_before.starts_at == datetime.datetime(2027, 3, 13, 17, tzinfo=UTC)
        assert nine_after.starts_at == datetime.datetime(2027, 3, 14, 16, tzinfo=UTC)
        assert local_times(after) == local_times(before)

    def test_on_the_november_change_day_a_9_am_slot_is_17_00_utc_and_the_day_before_16_00(self):
        plan = schedule()
        before = plan.slots_on(FALL_BACK - datetime.timedelta(days=1))
        after = plan.slots_on(FALL_BACK)
        assert before[4].starts_at == datetime.datetime(2026, 10, 31, 16, tzinfo=UTC)
        assert after[4].starts_at == datetime.datetime(2026, 11, 1, 17, tzinfo=UTC)
        assert local_times(after)[4] == local_times(before)[4] == "09:00"

    def test_hours_across_the_changed_hour_last_23_or_25_real_hours_a_day(self):
        night = schedule(opens="00:00", closes="04:00")  # four wall-clock hours
        ordinary = night.slots_on(datetime.date(2026, 11, 8))
        spring = night.slots_on(SPRING_FORWARD)
        autumn = night.slots_on(FALL_BACK)
        # A 60-minute visit every 15 minutes: 4 real hours give 13 starts, 3 give 9, 5 give 17.
        assert (len(ordinary), len(spring), len(autumn)) == (13, 9, 17)
        assert not any(t.startswith("02:") for t in local_times(spring))  # 2:xx never exists
        instants = [slot.starts_at for slot in autumn]
        assert len(set(instants)) == len(instants)  # the repeated hour is not offered twice

    def test_a_busy_chair_removes_the_overlapping_slots_with_their_buffers(self):
        plan = schedule(before=15, after=15)
        ten = datetime.datetime(2026, 12, 1, 10, tzinfo=LA)
        taken = (int(ten.timestamp()) - 900, int(ten.timestamp()) + 3600 + 900)
        plan.chair_busy = {1: [taken]}
        times = local_times(plan.slots_on(datetime.date(2026, 12, 1)))
        assert "08:30" in times and "11:30" in times
        for blocked in ("09:00", "10:00", "11:00", "08:45", "11:15"):
            assert blocked not in times

    def test_a_second_chair_keeps_the_time_free(self):
        plan = schedule(chairs=2)
        ten = datetime.datetime(2026, 12, 1, 10, tzinfo=LA)
        plan.chair_busy = {1: [(int(ten.timestamp()), int(ten.timestamp()) + 3600)]}
        slot = plan.slot_at(ten)
        assert slot is not None and slot.chair == 2

    def test_slots_before_not_before_are_not_offered(self):
        plan = schedule()
        noon = datetime.datetime(2026, 12, 1, 12, tzinfo=LA)
        times = local_times(plan.slots_on(noon.date(), not_before=int(noon.timestamp())))
        assert times[0] == "12:00"


@time_machine.travel(NOW, tick=False)
class LoadedScheduleTests(TestCase):
    def test_a_whole_day_closure_and_a_partial_one(self):
        clinic = make_clinic()
        day = datetime.date(2026, 12, 24)
        Closure.objects.create(location=clinic.location, starts_on=day, reason="Christmas Eve")
        Closure.objects.create(
            location=clinic.location,
            starts_on=day + datetime.timedelta(days=7),
            starts_at=datetime.time(12),
            ends_at=datetime.time(14),
            reason="Staff meeting",
        )
        plan = load_schedule(
            service=clinic.service, place=clinic.place, first=day, last=day + datetime.timedelta(7)
        )
        assert plan.slots_on(day) == []
        times = local_times(plan.slots_on(day + datetime.timedelta(days=7)))
        assert "11:00" in times and "14:00" in times
        assert not {"11:15", "12:00", "13:00", "13:45"} & set(times)

    def test_time_off_removes_the_providers_slots(self):
        clinic = make_clinic()
        day = datetime.date(2026, 12, 2)
        TimeOff.objects.create(
            provider=clinic.providers[0], starts_at=clinic.at(day, 8), ends_at=clinic.at(day, 13)
        )
        plan = load_schedule(service=clinic.service, place=clinic.place, first=day, last=day)
        assert local_times(plan.slots_on(day))[0] == "13:00"

    def test_a_provider_booked_at_another_location_is_not_free_here(self):
        clinic = make_clinic(chairs=4)
        uptown = make_location("uptown", chairs=4)
        clinic.service.locations.add(uptown)
        clinic.service.save()
        for day in range(7):
            ProviderHours.objects.create(
                provider=clinic.providers[0],
                location=uptown,
                weekday=day,
                starts="08:00",
                ends="18:00",
            )
        day = datetime.date(2026, 12, 2)
        book(clinic, clinic.at(day, 10), place=Place(uptown))
        plan = load_schedule(service=clinic.service, place=clinic.place, first=day, last=day)
        assert "10:00" not in local_times(plan.slots_on(day))
        assert "08:00" in local_times(plan.slots_on(day))

    def test_a_booking_stored_in_utc_blocks_the_right_local_slot_on_the_november_change(self):
        clinic = make_clinic(chairs=1)
        book(clinic, clinic.at(FALL_BACK, 9))
        appointment = clinic.location.appointments.get()
        assert appointment.starts_at == datetime.datetime(2026, 11, 1, 17, tzinfo=UTC)
        plan = load_schedule(
            service=clinic.service, place=clinic.place, first=FALL_BACK, last=FALL_BACK
        )
        times = local_times(plan.slots_on(FALL_BACK))
        assert "08:00" in times and "10:00" in times
        assert "09:00" not in times and "09:45" not in times and "08:15" not in times

    def test_home_visits_add_travel_and_need_no_chair(self):
        clinic = make_clinic(chairs=1, at_home=True)
        home = Place(clinic.location, at_home=True)
        day = datetime.date(2026, 12, 2)
        make_provider("Home nurse", [clinic.service], location=None, starts="09:00", ends="17:00")
        book(clinic, clinic.at(day, 9))  # the only chair, in the clinic
        plan = load_schedule(service=clinic.service, place=home, first=day, last=day)
        # 30 minutes of travel each way: the first home visit starts at 9:30.
        assert local_times(plan.slots_on(day))[0] == "09:30"

    def test_a_month_is_read_in_a_fixed_number_of_queries(self):
        clinic = make_clinic(chairs=2, providers=3)
        first, last = datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)
        for n in range(10):
            book(clinic, clinic.at(first + datetime.timedelta(days=n), 9))
        with CaptureQueriesContext(connection) as queries:
            plan = load_schedule(service=clinic.service, place=clinic.place, first=first, last=last)
            days = plan.days(first, last)
        assert len(queries) <= 7
        assert len(days) == 31 and all(days.values())
