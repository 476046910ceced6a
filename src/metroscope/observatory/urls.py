from __future__ import annotations

from django.urls import path

from metroscope.observatory import group_views, import_views, indicator_views, views

app_name = "observatory"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("indicators/<slug:code>/", views.indicator_page, name="indicator"),
    path(
        "embed/indicators/<slug:code>/<slug:chart>/",
        indicator_views.indicator_embed,
        name="embed",
    ),
    path("metros/", views.metro_directory, name="metros"),
    path("metros/<slug:code>/", views.metro_page, name="metro"),
    path("compare/", views.compare_page, name="compare"),
    path("compare/download/<str:fmt>/", views.compare_download, name="compare_download"),
    path("suggest/metros/", views.metro_suggest, name="metro_suggest"),
    path("groups/", group_views.group_list, name="groups"),
    path("groups/new/", group_views.group_edit, name="group_new"),
    path("groups/<slug:uid>/", group_views.group_detail, name="group"),
    path("groups/<slug:uid>/edit/", group_views.group_edit, name="group_edit"),
    path("groups/<slug:uid>/delete/", group_views.group_delete, name="group_delete"),
    path("gender/", views.gender_page, name="gender"),
    path("gender/download/<str:fmt>/", views.gender_download, name="gender_download"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("download/<str:fmt>/", views.download, name="download"),
    path("enter/", views.enter_value, name="enter"),
    path("import/", import_views.import_page, name="import"),
    path("import/<uuid:pk>/", import_views.import_job_page, name="import_job"),
    path("review/", views.review_page, name="review"),
    path("values/<int:pk>/history/", views.value_history, name="value_history"),
]
