"""URLs for youth justice orders and the child's youth justice summary."""

from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:pk>/orders/new/", views.order_new, name="order-new"),
    path("orders/<int:pk>/", views.order_detail, name="order-detail"),
    path("orders/<int:pk>/edit/", views.order_edit, name="order-edit"),
    path("orders/<int:pk>/resettlement-plan/", views.order_resettlement_plan, name="order-resettlement-plan"),
    path("orders/<int:pk>/release-information/", views.order_release_information, name="order-release-information"),
    path("orders/<int:pk>/virtual-school/", views.order_virtual_school, name="order-virtual-school"),
    path("orders/<int:pk>/end/", views.order_end, name="order-end"),
    path("children/<int:pk>/youth-justice/", views.youth_justice_summary, name="youth-justice-summary"),
]
