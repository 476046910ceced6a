from __future__ import annotations

from django.urls import path

from metroscope.listening import results_views, survey_staff_views, survey_views, views

app_name = "listening"
urlpatterns = [
    path("", views.home, name="home"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/dashboard/", views.dashboard, name="dashboard"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/reply/", views.request_reply, name="request_reply"),
    path("requests/<int:pk>/assign/", views.request_assign, name="request_assign"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("surveys/", survey_views.survey_list, name="surveys"),
    path("surveys/<int:pk>/", survey_views.survey_answer, name="survey"),
    path(
        "surveys/<int:pk>/invited/<str:token>/", survey_views.survey_invited, name="survey_invited"
    ),
    path("surveys/<int:pk>/results/", results_views.survey_results, name="survey_results"),
    path("surveys/<int:pk>/answers.csv", results_views.survey_csv, name="survey_csv"),
    path(
        "surveys/<int:pk>/answers-excel.csv",
        results_views.survey_csv_excel,
        name="survey_csv_excel",
    ),
    path("surveys/<int:pk>/answers.xlsx", results_views.survey_xlsx, name="survey_xlsx"),
    path("surveys/<int:pk>/send/", survey_staff_views.survey_send, name="survey_send"),
    path("surveys/<int:pk>/publish/", survey_staff_views.survey_publish, name="survey_publish"),
    path("surveys/<int:pk>/texts/", survey_staff_views.survey_texts, name="survey_texts"),
    path(
        "surveys/<int:pk>/texts/<int:answer_id>/tag/",
        survey_staff_views.answer_tag,
        name="answer_tag",
    ),
    path(
        "surveys/<int:pk>/texts/<int:answer_id>/need/",
        survey_staff_views.answer_need,
        name="answer_need",
    ),
    path("results/", results_views.published_list, name="published"),
    path("results/<int:pk>/", results_views.published_results, name="published_results"),
]
