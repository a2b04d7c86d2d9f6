"""Who a youth justice service asks or tells about a child, and how old the child was: shared by the
custody, court, orders, prevention and HSB services."""

from datetime import date

from dateutil.relativedelta import relativedelta


def age_on(child, day: date) -> int | None:
    """Whole years on `day` (somerset-vs-lancashire §6.1: age on the date of the event)."""
    if child.date_of_birth is None or day is None:
        return None
    return relativedelta(day, child.date_of_birth).years


def csc_people_to_tell(involvements) -> list:
    """The allocated CSC workers (or, where none is allocated, the team manager), each once."""
    people, seen = [], set()
    for inv in involvements:
        person = inv.allocated_worker or (inv.team.manager if inv.team_id else None)
        if person is not None and person.is_active and person.pk not in seen:
            seen.add(person.pk)
            people.append(person)
    return people


def names_text(people) -> str:
    """People's names as a sentence says them: "A", "A and B", "A, B and C"."""
    names = [person.display_name for person in people]
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else (names[0] if names else "")
