from __future__ import annotations

from django.urls import path

from metroscope.awards import staff_views, views

app_name = "awards"
urlpatterns = [
    path("", views.edition_list, name="editions"),
    path("<int:year>/", views.edition_detail, name="edition"),
    path("<int:year>/submit/", views.submit, name="submit"),
    path("<int:year>/jury/conflicts/", views.conflicts, name="conflicts"),
    path("<int:year>/ranking/", staff_views.ranking, name="ranking"),
    path("<int:year>/rubric/", staff_views.rubric, name="rubric"),
    path("jury/", views.assignments, name="assignments"),
    path("submissions/<int:pk>/score/", views.score, name="score"),
    path("documents/<int:pk>/", views.document, name="document"),
]
