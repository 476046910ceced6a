from __future__ import annotations

from django.urls import path

from metroscope.plan import views

app_name = "plan"
urlpatterns = [
    path("", views.plan_tree, name="tree"),
]
