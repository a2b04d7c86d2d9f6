"""Youth justice order pages and the child's youth justice summary. Rules live in services.py.

Every page read is logged by `open_child` / `open_child_record` (a user who can see the child but
not the orders section gets 403, logged as denied); every write by the service.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Agency

from ..joint import services as joint_services
from ..justice.people import names_text
from ..justice.sharing import Section, may_read_section, may_write_youth_justice, protocol_for
from ..models import YouthJusticeOrder
from ..pages import attempt, open_child, open_child_record
from ..permissions import may_record_social_care_work
from ..who_works_with import acting_agency, is_known
from . import selectors, services
from .forms import (
    EndOrderForm,
    OrderEditForm,
    OrderForm,
    ReleaseInformationForm,
    ResettlementPlanForm,
    VirtualSchoolForm,
)

STALE = " Open the order again to see their changes, then make yours."


def _reader(user, child):
    return may_read_section(user, Section.ORDERS)


def _writer(user, child):
    return may_write_youth_justice(user)


def _summary_reader(user, child):
    return bool(selectors.readable_summary_sections(user))


def _attempt(form, call):
    return attempt(form, call, stale=STALE)


def _order_query():
    return YouthJusticeOrder.objects.select_related("child", "agency__authority", "appearance", "created_by")


# --- The summary -----------------------------------------------------------------------------------------


@login_required
def youth_justice_summary(request, pk):
    """Custody, court, remands and orders, each only for a viewer who may read it (one query a section)."""
    child, decision, refusal = open_child(request, pk, what="page:youth-justice-summary", allowed_if=_summary_reader)
    if refusal:
        return refusal
    user = request.user
    summary = selectors.youth_justice_summary(child=child, viewer=user)
    cyjs_writes = may_write_youth_justice(user)
    csc_writes = may_record_social_care_work(user)
    return render(
        request,
        "casework/orders/summary.html",
        {
            "child": child,
            "summary": summary,
            "may_write": cyjs_writes,
            # Who records what in the newer sections: CYJS prevention (000 ¶13–14); CSC requests the
            # HSB hub (part B PH1); CYJS or CSC a serious incident (000 ¶7.2–7.3); managers of either
            # the lead agency and disagreements (000 ¶21.1, PE).
            "may_refer_prevention": cyjs_writes,
            "may_request_hsb": csc_writes,
            "may_record_incident": cyjs_writes or csc_writes,
            "sees_incident_report": user.is_manager and (cyjs_writes or csc_writes),
            "may_decide_lead": joint_services.may_decide_lead_agency(user),
            "may_raise_disagreement": joint_services.may_see_disagreements(user)
            and joint_services.may_raise_disagreement(user),
            "disagreements_on_record": summary.disagreements is not None
            and protocol_for(user.authority).disagreements_on_record,
        },
    )


# --- Recording an order --------------------------------------------------------------------------------------


@login_required
def order_new(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:order-new", allowed_if=_writer)
    if refusal:
        return refusal
    appearances = services.appearances_for_order(child)
    sentenced = appearances.filter(outcome="sentenced").first()
    initial = {
        "kind": request.GET.get("kind") if request.GET.get("kind") in YouthJusticeOrder.Kind.values else None,
        "appearance": sentenced,
        "made_on": timezone.localdate(sentenced.hearing_at) if sentenced else None,
        "csc_significantly_involved": "yes" if services.open_to_csc(child) else None,
    }
    form = OrderForm(request.POST or None, initial=initial, appearances=appearances)
    if request.method == "POST" and form.is_valid():
        order = _attempt(form, lambda: services.record_order(child=child, by=request.user, **form.service_kwargs()))
        if order:
            note = ""
            if order.told.csc_workers:
                note += f" {names_text(order.told.csc_workers)} (children's social care) {'was' if len(order.told.csc_workers) == 1 else 'were'} told in the app."
            if order.told.cyjs_worker is not None:
                note += " Remember to tell the virtual school."
            messages.success(request, f"{order.get_kind_display()} recorded.{note}")
            return redirect("order-detail", pk=order.pk)
    cyjs = acting_agency(Agency.Kind.CYJS, child=child, by=request.user)
    known = cyjs is not None and is_known(Agency.Kind.CSC, child, authority=cyjs.authority)
    protocol = protocol_for(request.user.authority)
    return render(
        request,
        "casework/orders/new.html",
        {
            "child": child,
            "form": form,
            "known_to_csc": known,
            "open_to_csc": services.open_to_csc(child),
            "protocol": protocol,
            "csc_stays_open_for": services.csc_stays_open_for(protocol),
        },
    )


# --- Reading an order -----------------------------------------------------------------------------------------


def looked_after_text(order, protocol) -> str:
    """The looked-after / s23ZA status of a custodial order, with the reason and the legal basis it
    follows from (000 ¶20.2–20.4; 003 L152–158)."""
    status = services.looked_after_outcome(order.child, order.made_on, protocol)
    if order.section_20_ended:
        return status.reason if status.ends else "No longer looked after: the looked-after status ended on the sentence"
    if status.looked_after_before and not status.ends:
        return status.reason
    return "Not looked after by children's social care when sentenced"


@login_required
def order_detail(request, pk):
    order, child, decision, refusal = open_child_record(
        request, YouthJusticeOrder, pk, what="page:order", queryset=_order_query(), allowed_if=_reader
    )
    if refusal:
        return refusal
    protocol = protocol_for(order.agency.authority)
    context = {
        "order": order,
        "child": child,
        "clocks": selectors.clocks_of(order),
        "may_write": may_write_youth_justice(request.user),
        "csc_people": services.csc_people_to_tell(services.open_to_csc(child)),
        "protocol": protocol,
        "resettlement_applies": order.is_custodial and services.countdown_applies(services.RESETTLEMENT, order),
        # The care in youth detention page (000 ¶19–20; 003 L162–167), where that section is shared with the reader.
        "custody_care_readable": order.is_custodial and may_read_section(request.user, Section.CUSTODY_CARE),
    }
    if order.is_custodial:
        context["looked_after"] = looked_after_text(order, protocol)
    if services.release_information_applies(order, protocol):
        context["release_rows"] = release_information_rows(order)
        context["release_outstanding"] = len(services.release_items_outstanding(order))
    return render(request, "casework/orders/detail.html", context)


# --- Changing an order ------------------------------------------------------------------------------------------


def _open_for_write(request, pk, what):
    return open_child_record(request, YouthJusticeOrder, pk, what=what, queryset=_order_query(), allowed_if=_writer)


@login_required
def order_edit(request, pk):
    order, child, decision, refusal = _open_for_write(request, pk, "page:order-edit")
    if refusal:
        return refusal
    if order.ended_on and request.method == "GET":
        messages.info(request, "This order has ended and cannot be changed")
        return redirect("order-detail", pk=order.pk)
    initial = {"version": order.version, **{name: getattr(order, name) for name in services.EDITABLE}}
    form = OrderEditForm(request.POST or None, initial=initial, order=order)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.update_order(
                order=order, by=request.user, expected_version=form.cleaned_data["version"], data=form.service_data()
            ),
        )
        if done:
            messages.success(request, "Order saved")
            return redirect("order-detail", pk=order.pk)
    return render(
        request,
        "casework/orders/edit.html",
        {"order": order, "child": child, "form": form, "title": f"Change the {order.get_kind_display().lower()}"},
    )


@login_required
def order_resettlement_plan(request, pk):
    order, child, decision, refusal = _open_for_write(request, pk, "page:order-resettlement-plan")
    if refusal:
        return refusal
    form = ResettlementPlanForm(
        request.POST or None,
        initial={"completed_on": timezone.localdate(), "post_release_accommodation": order.post_release_accommodation},
    )
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form, lambda: services.record_resettlement_plan(order=order, by=request.user, **form.cleaned_data)
        )
        if done:
            messages.success(request, "Resettlement plan recorded")
            return redirect("order-detail", pk=order.pk)
    return render(
        request,
        "casework/orders/resettlement.html",
        {"order": order, "child": child, "form": form, "clock": selectors.open_clock(order, services.RESETTLEMENT)},
    )


def release_information_rows(order):
    """The nine release items (003 L190–198), each with when and by whom the child was told, if yet."""
    told = services.release_items_told(order)
    rows = []
    for code, label in services.RELEASE_ITEMS:
        entry = told.get(code)
        rows.append(
            {
                "label": label,
                "told_on": date.fromisoformat(entry["told_on"]) if entry else None,
                "told_by": entry["told_by"] if entry else "",
            }
        )
    return rows


@login_required
def order_release_information(request, pk):
    """Record what the child has been told about release (Somerset, 003 L189–199). Partial saves allowed."""
    order, child, decision, refusal = _open_for_write(request, pk, "page:order-release-information")
    if refusal:
        return refusal
    if not (services.release_information_applies(order, protocol_for(order.agency.authority)) and not order.ended_on):
        messages.info(request, "Release information is not recorded for this order")
        return redirect("order-detail", pk=order.pk)
    outstanding = services.release_items_outstanding(order)
    form = ReleaseInformationForm(
        request.POST or None,
        initial={"version": order.version, "told_on": timezone.localdate()},
        outstanding=outstanding,
    )
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form, lambda: services.record_release_information(order=order, by=request.user, **form.service_kwargs())
        )
        if done:
            left = len(services.release_items_outstanding(done))
            messages.success(
                request, "All nine release items recorded" if not left else f"Saved. {left} still to tell the child"
            )
            return redirect("order-detail", pk=order.pk)
    return render(
        request,
        "casework/orders/release_information.html",
        {
            "order": order,
            "child": child,
            "form": form,
            "rows": release_information_rows(order),
            "outstanding": outstanding,
            "clock": selectors.open_clock(order, services.RELEASE_INFORMATION),
            "title": "Record what the child has been told about release",
        },
    )


@login_required
def order_virtual_school(request, pk):
    order, child, decision, refusal = _open_for_write(request, pk, "page:order-virtual-school")
    if refusal:
        return refusal
    form = VirtualSchoolForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form, lambda: services.record_virtual_school_told(order=order, by=request.user, on=form.cleaned_data["on"])
        )
        if done:
            messages.success(request, "Recorded that the virtual school was told")
            return redirect("order-detail", pk=order.pk)
    return render(request, "casework/orders/virtual_school.html", {"order": order, "child": child, "form": form})


@login_required
def order_end(request, pk):
    order, child, decision, refusal = _open_for_write(request, pk, "page:order-end")
    if refusal:
        return refusal
    form = EndOrderForm(
        request.POST or None,
        initial={
            "version": order.version,
            "ended_on": min(order.ends_on or timezone.localdate(), timezone.localdate()),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            form,
            lambda: services.end_order(
                order=order, by=request.user, expected_version=data["version"], ended_on=data["ended_on"]
            ),
        )
        if done:
            messages.success(request, "Order ended")
            return redirect("order-detail", pk=order.pk)
    return render(
        request,
        "casework/orders/end.html",
        {
            "order": order,
            "child": child,
            "form": form,
            "clock": selectors.open_clock(order, services.RESETTLEMENT),
            "title": f"End the {order.get_kind_display().lower()}",
        },
    )
