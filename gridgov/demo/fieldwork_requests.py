"""Residents' requests of the demo year through their loop, and the convenience
services the workers did.

A request is recorded on a visit, from a diary item, on the phone or when a resident
walks in; it is passed on (to a department, a named person, or as a case: the
residents' cases of the case demo that began as a request), answered and the requester
told — each step at its time, stopping where "now" falls, so the recent ones are
still open. A few take far longer than the rest: open for weeks, the overdue ones.
"""

import datetime as dt

from django.utils import timezone

from gridgov.cases.choices import Source
from gridgov.demo.fieldwork_text import (
    ANSWERS,
    PASSED_TO,
    REQUEST_TOPICS,
    SERVICE_KINDS,
    SERVICES,
    TOLD,
)
from gridgov.demo.fieldwork_world import Writer
from gridgov.demo.names import weighted
from gridgov.fieldwork.choices import RequestChannel, RequestStatus
from gridgov.fieldwork.models import ConvenienceService, Request, RequestEvent

TO_DEPARTMENT = 0.45  # of requests not passed on as a case
ANSWER_DAYS = ((1, 7, 80), (7, 20, 15), (20, 60, 5))  # (from, to, share)
NEVER_TOLD = 0.03
FROM_RESIDENT_CASES = 0.35  # residents' cases that began as a request to the worker
OTHER_REQUESTS = 0.08  # a phone call or a walk-in, a day at work
FOCUS = {"elderly_alone", "disabled", "elderly_80", "low_income", "special_hardship"}


class RequestBook:
    """Collects the year's requests and writes each with its timeline."""

    def __init__(self, world):
        self.world = world
        self.requests = Writer(Request)
        self.events = Writer(RequestEvent)

    def add(self, grid, at, channel, home, content, *, visit=None, diary_item=None, case=None):
        """Record one request at `at` and play its loop up to now; returns its id."""
        world, rng = self.world, self.world.rng
        pk = self.requests.reserve()
        row = {
            **grid.place,
            "requester_id": home.head_id if home else None,
            "requester_name": (home.head if home else "") or "居民",
            "household_id": home.id if home else None,
            "content": content,
            "channel": channel,
            "recorded_by_id": grid.worker_id,
            "recorded_at": at,
            "visit_id": visit,
            "diary_item_id": diary_item,
            "client_id": world.client_id(),
        }
        steps = [("record", at, content[:200])]
        if case is not None:
            row["case_id"] = case["id"]
            world.link_case(case, "request", pk)
            steps.append(("pass_on", max(case["reported_at"], at), f"转为案件 {case['number']}"))
            done = case["handled_at"]
            if done is not None:
                answer = rng.choice(ANSWERS)
                answered = done + dt.timedelta(hours=rng.uniform(0.5, 20))
                steps.append(("answer", answered, answer))
                row["answer"] = answer
                told = case["followed_up_at"] or answered + dt.timedelta(days=rng.uniform(0.2, 2))
                steps.append(("tell", max(told, answered), rng.choice(TOLD)))
        else:
            passed = at + dt.timedelta(hours=rng.uniform(0.3, 30))
            if rng.random() < TO_DEPARTMENT and world.departments:
                row["department_id"], name = rng.choice(world.departments)
            else:
                name = row["passed_to"] = rng.choice(PASSED_TO)
            steps.append(("pass_on", passed, f"转给 {name}"))
            low, high, _share = weighted_range(rng, ANSWER_DAYS)
            answered = passed + dt.timedelta(days=rng.uniform(low, high))
            answer = rng.choice(ANSWERS)
            row["answer"] = answer
            steps.append(("answer", answered, answer))
            if rng.random() >= NEVER_TOLD:
                told = answered + dt.timedelta(days=rng.uniform(0.1, 3))
                steps.append(("tell", told, rng.choice(TOLD)))
        status = RequestStatus.RECORDED
        stamps = {"pass_on": "passed_on_at", "answer": "answered_at", "tell": "told_at"}
        targets = {
            "record": RequestStatus.RECORDED,
            "pass_on": RequestStatus.PASSED_ON,
            "answer": RequestStatus.ANSWERED,
            "tell": RequestStatus.TOLD,
        }
        for action, moment, note in steps:
            if moment > world.now:
                break
            self.events.add(
                {
                    "request_id": pk,
                    "action": action,
                    "from_status": "" if action == "record" else status,
                    "to_status": targets[action],
                    "actor_id": grid.worker_id,
                    "note": note,
                    "at": moment,
                }
            )
            status = targets[action]
            if action in stamps:
                row[stamps[action]] = moment
        if status in (RequestStatus.RECORDED, RequestStatus.PASSED_ON):
            row.pop("answer", None)
        if status == RequestStatus.RECORDED:
            row.pop("department_id", None)
            row.pop("passed_to", None)
            row.pop("case_id", None)
        row["status"] = status
        self.requests.add(row, pk)
        return pk

    def write(self) -> dict:
        return {"requests": self.requests.finish(), "request_events": self.events.finish()}


def weighted_range(rng, ranges):
    """One of (from, to, share) ranges, picked by share."""
    total = sum(r[2] for r in ranges)
    pick = rng.uniform(0, total)
    for entry in ranges:
        pick -= entry[2]
        if pick <= 0:
            return entry
    return ranges[-1]


def phone_and_walk_in(world, book: RequestBook) -> None:
    """Requests that reached the worker by phone or in person: those behind some of the
    residents' cases (passed on as that case), and others passed on or answered."""
    rng = world.rng
    for grid in world.grids:
        if not grid.homes:
            continue
        for case in world.cases.get(grid.id, ()):
            if case["source"] != Source.RESIDENT or case.get("linked"):
                continue
            if rng.random() >= FROM_RESIDENT_CASES:
                continue
            homes = grid.by_building.get(grid.by_address.get(case["address"])) or grid.homes
            at = case["reported_at"] - dt.timedelta(hours=rng.uniform(0.2, 3))
            if timezone.localdate(at) < world.first:
                continue
            channel = RequestChannel.PHONE if rng.random() < 0.6 else RequestChannel.WALK_IN
            content = f"反映{case['category__name']}问题，希望尽快处理。"
            book.add(grid, at, channel, rng.choice(homes), content, case=case)
        for day in grid.days.values():
            if day.present and rng.random() < OTHER_REQUESTS:
                at = world.at(day.day, rng.uniform(8.6, 17.4))
                channel = RequestChannel.PHONE if rng.random() < 0.6 else RequestChannel.WALK_IN
                book.add(grid, at, channel, rng.choice(grid.homes), rng.choice(REQUEST_TOPICS))


def write_services(world) -> dict:
    """Convenience services: on about half the days at work, mostly for the households
    of the focus groups."""
    rng = world.rng
    writer = Writer(ConvenienceService)
    for grid in world.grids:
        if not grid.homes:
            continue
        focus = [h for h in grid.homes if h.groups & FOCUS] or grid.homes
        for day in grid.days.values():
            if not day.present:
                continue
            roll = rng.random()
            for _ in range(2 if roll < 0.1 else 1 if roll < 0.5 else 0):
                kind = weighted(rng, SERVICE_KINDS)
                note, low, high = rng.choice(SERVICES[kind])
                home = rng.choice(focus if rng.random() < 0.65 else grid.homes)
                writer.add(
                    {
                        **grid.place,
                        "household_id": home.id,
                        "kind": kind,
                        "worker_id": grid.worker_id,
                        "day": day.day,
                        "minutes": max(5, round(rng.uniform(low, high) / 5) * 5),
                        "note": note,
                        "client_id": world.client_id(),
                        "created_at": world.at(day.day, rng.uniform(10, 17.5)),
                    }
                )
    return {"services": writer.finish()}
