"""API shapes for teams and caseloads. The figures come from selectors.py."""

from rest_framework import serializers


class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    agency = serializers.CharField(source="agency.name")
    agency_kind = serializers.CharField(source="agency.kind")
    manager = serializers.IntegerField(source="manager_id", allow_null=True)
    manager_name = serializers.CharField(source="manager.display_name", default=None)


class WorkerCaseloadSerializer(serializers.Serializer):
    """One worker's caseload: distinct children open to them, by status, and overdue deadlines."""

    id = serializers.IntegerField(source="worker.pk")
    name = serializers.CharField(source="worker.display_name")
    job_title = serializers.CharField(source="worker.job_title")
    children = serializers.IntegerField()
    cin = serializers.IntegerField(help_text="Child in need (not on a child protection plan)")
    cp = serializers.IntegerField(help_text="On a child protection plan")
    cla = serializers.IntegerField(help_text="Looked after")
    youth_justice = serializers.IntegerField(help_text="Youth justice court order, remand or custody")
    prevention = serializers.IntegerField(help_text="Youth justice prevention or diversion, or early help")
    overdue = serializers.IntegerField(help_text="Open deadlines past their due moment that the worker holds")
