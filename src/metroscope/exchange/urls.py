from __future__ import annotations

from django.urls import path  # noqa: F401 (helpers append their routes)

from metroscope.exchange import need_views, search_views, views, workflow_views

app_name = "exchange"
# Route names the exchange's pages share (each view module adds its own):
#   home, search, solution <slug>, collection <code>, feed <code>, submit, edit <slug>,
#   review (staff queue), mine (an officer's solutions).
urlpatterns: list = []

# The public reading side (views.py).
urlpatterns += [
    path("", views.home, name="home"),
    path("solutions/<slug:slug>/", views.solution_page, name="solution"),
    path("solutions/<slug:slug>/files/<int:pk>/", views.attachment_file, name="attachment"),
    path("collections/<slug:code>/", views.collection_page, name="collection"),
    path("collections/<slug:code>/feed/<slug:kind>/", views.feed, name="feed"),
    path("feed/<slug:kind>/", views.feed_all, name="feed_all"),
]

# Members' needs, suggestions and introductions (need_views.py).
urlpatterns += [
    path("needs/", need_views.need_list, name="needs"),
    path("needs/new/", need_views.need_edit, name="need_new"),
    path("needs/<int:pk>/", need_views.need_detail, name="need"),
    path("needs/<int:pk>/edit/", need_views.need_edit, name="need_edit"),
    path("solutions/<slug:slug>/introduce/", need_views.introduce, name="introduce"),
    path("introductions/", need_views.introductions, name="introductions"),
]

# Writing and reviewing solutions (workflow_views.py).
urlpatterns += [
    path("submit/", workflow_views.solution_new, name="submit"),
    path("mine/", workflow_views.mine, name="mine"),
    path("review/", workflow_views.review_queue, name="review"),
    path("solutions/<slug:slug>/edit/", workflow_views.solution_edit, name="edit"),
    path("solutions/<slug:slug>/status/", workflow_views.solution_status, name="status"),
    path(
        "solutions/<slug:slug>/files/<int:pk>/remove/",
        workflow_views.attachment_remove,
        name="attachment_remove",
    ),
] + [
    path(
        f"solutions/<slug:slug>/{action.replace('_', '-')}/",
        workflow_views.transition,
        {"action": action},
        name=name,
    )
    for action, name in (
        ("submit", "submit_solution"),
        ("publish", "publish"),
        ("request_changes", "request_changes"),
        ("reject", "reject"),
        ("archive", "archive"),
    )
]

# Search (search_views.py).
urlpatterns += [
    path("search/", search_views.search_page, name="search"),
]
