"""This part's chronology sources, registered with casework.chronology.selectors.register_source.

Orders are CYJS records (seed 000 ¶15, ¶16, ¶20): the source is in Section.ORDERS, so a viewer
sees its entries only where the joint working protocol lets them read orders.
"""

from accounts.models import Agency
from casework.text import day_text

from ..chronology.selectors import Entry, Source, register_source
from ..justice.sharing import Section
from ..models import YouthJusticeOrder

CYJS = Agency.Kind.CYJS
EVENT = "youth_justice_order"
LABEL = "Youth justice orders"


def order_entries(child, agency_kinds):
    """An order made, its resettlement plan completed and its ending: one query."""
    for order in YouthJusticeOrder.objects.filter(child=child).select_related("agency"):
        name = order.agency.name
        kind = order.get_kind_display()
        if order.is_custodial:
            summary = f"Expected release {day_text(order.expected_release_on)}"
            if order.section_20_ended:
                summary += ". No longer looked after: duty to visit (section 23ZA)"
        else:
            summary = f"Ends {day_text(order.ends_on)}" if order.ends_on else ""
        yield Entry(order.made_on, EVENT, LABEL, CYJS, name, f"{kind} made", summary, "order-detail", order.pk)
        if order.resettlement_plan_completed_on:
            yield Entry(
                order.resettlement_plan_completed_on,
                EVENT,
                LABEL,
                CYJS,
                name,
                "Resettlement plan completed",
                f"Living after release: {order.post_release_accommodation}",
                "order-detail",
                order.pk,
            )
        if order.ended_on:
            yield Entry(order.ended_on, EVENT, LABEL, CYJS, name, f"{kind} ended", "", "order-detail", order.pk)


register_source(Source(EVENT, LABEL, order_entries, frozenset({CYJS}), section=Section.ORDERS))
