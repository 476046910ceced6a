from __future__ import annotations

from django.urls import path

from metroscope.observatory import views

app_name = "observatory"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("indicators/<slug:code>/", views.indicator_page, name="indicator"),
    path("metros/", views.metro_directory, name="metros"),
    path("metros/<slug:code>/", views.metro_page, name="metro"),
    path("compare/", views.compare_page, name="compare"),
    path("gender/", views.gender_page, name="gender"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("download/<str:fmt>/", views.download, name="download"),
    path("enter/", views.enter_value, name="enter"),
    path("import/", views.import_page, name="import"),
    path("review/", views.review_page, name="review"),
    path("values/<int:pk>/history/", views.value_history, name="value_history"),
]
