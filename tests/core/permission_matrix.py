"""The permission matrix: for every URL pattern of the site and every operation of the API,
what each persona gets. tests/core/test_permission_matrix.py requests every row as every
persona (in the world of tests/core/permission_world.py) and fails when an answer differs,
when a pattern or an operation has no row, or when a row names one that no longer exists.

The columns are the personas, always in this order:

    anonymous · officer of A · officer of B · coordinator (no role) · board · secretariat ·
    administrator

A row's path is filled from the world: A's and B's own objects (`{draft_a}` is A's draft
solution, `{group}` the coordinator's private group…). A row named `name#variant` is a second
case of the same pattern. `write` is a state-changing request (POST, PUT, PATCH, DELETE) made
by every persona; whenever the answer expected is a refusal (or bad input), nothing in the
database may change.

Outcomes: a status code, or LOGIN (a redirect to a sign-in page). A reason is given wherever
the outcome is not what the rule's name suggests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"  # a redirect (302) to the site's or the back office's sign-in page
# A refusal that sends the person back with a message instead of an error status; as with
# every refusal, nothing in the database may change.
SENT_BACK = "302 refused"
Outcome = int | str
Expect = tuple[Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome]

# Outcomes every persona shares, named once.
PUBLIC: Expect = (200, 200, 200, 200, 200, 200, 200)
SIGNED_IN: Expect = (LOGIN, 200, 200, 200, 200, 200, 200)
STAFF: Expect = (LOGIN, 403, 403, 403, 403, 200, 200)  # the Secretariat (and superusers)
BOARD_STAFF: Expect = (LOGIN, 403, 403, 403, 200, 200, 200)
OFFICERS_STAFF: Expect = (LOGIN, 200, 200, 403, 403, 200, 200)
A_ONLY: Expect = (LOGIN, 200, 403, 403, 403, 200, 200)  # A's officers and the Secretariat
A_HIDDEN: Expect = (LOGIN, 200, 404, 404, 404, 200, 200)  # …and others are told nothing
POST_ONLY: Expect = (LOGIN, 405, 405, 405, 405, 405, 405)  # login_required, then require_POST
POST_ONLY_ALL: Expect = (405, 405, 405, 405, 405, 405, 405)  # require_POST first
STAFF_SAVED: Expect = (LOGIN, 403, 403, 403, 403, 302, 302)  # the Secretariat's write done
A_SAVED: Expect = (LOGIN, 302, 403, 403, 403, 302, 302)  # A's officers' or the Secretariat's
MOVED: Expect = (301, 301, 301, 301, 301, 301, 301)

API_PUBLIC = PUBLIC
API_SIGNED_IN: Expect = (401, 200, 200, 200, 200, 200, 200)
API_STAFF: Expect = (401, 403, 403, 403, 403, 200, 200)
API_A_HIDDEN: Expect = (401, 200, 404, 404, 404, 200, 200)


@dataclass(frozen=True)
class Write:
    """A state-changing request: `data` is a form (pages) and `json` a JSON body (the API);
    either may be a function of the world's values. `files` are uploads by field name."""

    method: str
    expect: Expect
    data: Mapping[str, Any] | Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    json: Any = None
    files: Mapping[str, tuple[str, bytes, str]] = field(default_factory=dict)
    path: str = ""  # when it differs from the row's


@dataclass(frozen=True)
class Row:
    path: str
    get: Expect | None  # None: the row is an API write, requested only as `write`
    write: Write | None = None
    why: str = ""
    shows: tuple[str, ...] = ()  # markers of LEAKS this page shows by design (see why)


def post(expect: Expect, data: Any = None, **kwargs: Any) -> Write:
    return Write("post", expect, data=data, **kwargs)


def api(method: str, expect: Expect, json: Any = None, **kwargs: Any) -> Write:
    return Write(method, expect, json=json, **kwargs)


PDF_FILE = ("evidence.pdf", b"", "application/pdf")  # filled with a real PDF by the test


CONTACT = {
    "given_name": "New",
    "family_name": "Contact",
    "role_category": "technical",
    "gender": "female",
    "language": "es",
}


def _answers(values: Mapping[str, Any]) -> dict[str, Any]:
    return {"member": values["member_a"], "answers": values["survey_answers"]}


def _score(values: Mapping[str, Any]) -> dict[str, Any]:
    return {"submission": values["submission_a"], "scores": values["award_scores"]}


# fmt: off
# --- pages -------------------------------------------------------------------------------------
#                                              anon  offA  offB  coord board secr  admin
PAGES: dict[str, Row] = {
    # The site's own, outside the language prefix.
    "set_language": Row(
        "/i18n/setlang/", (302,) * 7,
        post((302,) * 7, {"language": "fr", "next": "/"}),
        why="public: the language choice is kept in a cookie; GET goes back to the page",
    ),
    "choose_language": Row("/i18n/choose/fr/?next=/", (302,) * 7),
    "favicon": Row("/favicon.ico", (302,) * 7, why="a redirect to the static SVG"),
    "health": Row("/health/", PUBLIC, why="for load balancers: checks, no data"),
    "admin/programs/^(?P<rest>.*)\\Z": Row("/admin/programs/event/", MOVED,
                                           why="moved to /admin/events/ (issue 16)"),
    "admin/plan/^(?P<model>activity|budgetline|emissionfactor|expense|fundingsource|"
    "membershipfee|panel|participant|participantcount|policyacknowledgement|policydocument|"
    "policyversion|resultindicator|resultperiod|risk|speaker|trip|workplan)/(?P<rest>.*)\\Z":
        Row("/admin/plan/activity/", MOVED, why="moved to /admin/accountability/ (issue 16)"),
    "admin:index": Row(
        "/admin/", (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
        why="the back office lets in staff-flagged users: the Secretariat's role sets the flag",
    ),
    # Portal and accounts.
    "home": Row("/", PUBLIC),
    "about": Row("/about/", PUBLIC),
    "search": Row("/search/?q=water", PUBLIC),
    "me": Row("/me/", SIGNED_IN),
    "notifications": Row("/me/notifications/", SIGNED_IN),
    "jobs": Row("/jobs/", SIGNED_IN, why="one's own jobs; the Secretariat's: every job"),
    "job": Row("/jobs/{job_a}/", A_HIDDEN, why="a private job: its starter and the Secretariat"),
    "job_file": Row(
        "/jobs/{job_a}/file/", (LOGIN, 404, 404, 404, 404, 404, 404),
        why="a failed job has no file; another's job is not found",
    ),
    "job_retry": Row(
        "/jobs/{job_a}/retry/", POST_ONLY_ALL,
        post((LOGIN, 302, 404, 404, 404, 302, 302)),
        why="its starter or the Secretariat runs a failed job again; others are told nothing",
    ),
    "notification_read": Row(
        "/me/notifications/{notification_a}/read/", POST_ONLY_ALL,
        post((LOGIN, 302, 404, 404, 404, 404, 404)),
        why="one's own notification only: anyone else's is not found",
    ),
    "notifications_read_all": Row(
        "/me/notifications/read/", POST_ONLY_ALL,
        post((LOGIN, 302, 302, 302, 302, 302, 302)),
        why="marks the signed-in person's own notifications only",
    ),
    "api_tokens": Row("/accounts/tokens/", SIGNED_IN,
                      post((LOGIN, 200, 200, 200, 200, 200, 200), {"name": "x", "days": 30})),
    "api_token_revoke": Row(
        "/accounts/tokens/{token_a}/revoke/", POST_ONLY,
        post((LOGIN, 302, 404, 404, 404, 404, 404)),
        why="one's own token only: anyone else's is not found, the Secretariat's included",
    ),
    "history": Row("/history/members/member/{member_a_pk}/", STAFF),
    "login": Row("/accounts/login/", PUBLIC),
    "logout": Row("/accounts/logout/", POST_ONLY_ALL, post((302,) * 7),
                  why="Django's LogoutView signs out on POST only"),
    "password_change": Row(
        "/accounts/password/change/", SIGNED_IN,
        post(SIGNED_IN, {"old_password": "wrong", "new_password1": "x", "new_password2": "x"}),
        why="one's own password, the old one given (wrong here: the form says so)",
    ),
    "password_change_done": Row("/accounts/password/change/done/", SIGNED_IN),
    "password_reset": Row("/accounts/password/reset/", PUBLIC),
    "password_reset_done": Row("/accounts/password/reset/sent/", PUBLIC),
    "password_reset_confirm": Row(
        "/accounts/password/reset/{uidb64}/{reset_token}/", (302,) * 7,
        why="a valid link hides its token behind a redirect, whoever opens it",
    ),
    "password_reset_complete": Row("/accounts/password/reset/done/", PUBLIC),
    # Members.
    "members:directory": Row("/members/", PUBLIC),
    "members:download": Row("/members/download/csv/", PUBLIC),
    "members:detail": Row("/members/{member_a}/", PUBLIC,
                          why="contacts shown to A's officers and the Secretariat only (LEAKS)"),
    "members:edit": Row(
        "/members/{member_a}/edit/", A_ONLY,
        post((LOGIN, 302, 403, 403, 403, 200, 200), {"description_en": "Changed by the matrix"}),
        why="the Secretariat's form is the whole registry: this body leaves its fields empty",
    ),
    "members:contact_add": Row("/members/{member_a}/contacts/add/", A_ONLY,
                               post(A_SAVED, CONTACT)),
    "members:contact_edit": Row("/members/{member_a}/contacts/{contact_a}/edit/", A_ONLY,
                                post(A_SAVED, CONTACT)),
    "bodies": Row("/bodies/", PUBLIC),
    # The plan and its accountability.
    "plan:tree": Row("/plan/", PUBLIC),
    "accountability:people": Row("/plan/people/", PUBLIC),
    "accountability:participant_count_record": Row(
        "/plan/people/record/", STAFF,
        post(STAFF_SAVED, {"activity": "{activity}", "gender": "female",
                           "role_category": "technical", "count": 3}),
    ),
    "accountability:participant_record": Row(
        "/plan/people/participant/", STAFF,
        post(STAFF_SAVED, {"activity": "{activity}", "gender": "female",
                           "role_category": "technical"}),
    ),
    "accountability:speaker_record": Row(
        "/plan/people/speaker/", STAFF,
        post(STAFF_SAVED, {"activity": "{activity}", "name": "S", "gender": "female",
                           "role_category": "technical"}),
    ),
    "accountability:panel_record": Row(
        "/plan/people/panel/", STAFF,
        post(STAFF_SAVED, {"activity": "{activity}", "title": "Panel"}),
    ),
    "accountability:risks": Row(
        "/plan/risks/", (403, 403, 403, 403, 200, 200, 200),
        why="the Board and the Secretariat; anonymous visitors are refused, not sent to sign in",
    ),
    "accountability:risk_record": Row(
        "/plan/risks/record/", STAFF,
        post(STAFF_SAVED, {"title": "R", "category": "financial", "likelihood": 2,
                           "impact": 3, "owner": "O", "status": "open"}),
    ),
    "accountability:policy_acknowledge": Row(
        "/plan/risks/acknowledge/", POST_ONLY_ALL,
        post((LOGIN, 403, 403, 403, SENT_BACK, SENT_BACK, SENT_BACK), {"version": 0}),
        why="the readers of the policies (the Board and the Secretariat) acknowledge them",
    ),
    "accountability:progress": Row("/plan/progress/", PUBLIC),
    "accountability:work_plans": Row("/plan/work-plans/", PUBLIC),
    "accountability:work_plan": Row("/plan/work-plans/{year}/", PUBLIC),
    "accountability:activities": Row("/plan/activities/", PUBLIC),
    "accountability:iati": Row("/plan/activities/iati.xml", PUBLIC),
    "accountability:activity_create": Row("/plan/activities/new/", STAFF,
                                          post(STAFF, {"title": "New"})),
    "accountability:activity": Row("/plan/activities/{activity}/", PUBLIC,
                                   why="expense lines (suppliers) for the Secretariat only"),
    "accountability:activity_edit": Row("/plan/activities/{activity}/edit/", STAFF,
                                        post(STAFF, {"title": "Changed"})),
    "accountability:budget_line_add": Row(
        "/plan/activities/{activity}/budget/", STAFF,
        post(STAFF_SAVED, {"year": "{activity_year}", "category": "travel", "amount_eur": "5"}),
    ),
    "accountability:expense_add": Row(
        "/plan/activities/{activity}/expense/", STAFF,
        post(STAFF_SAVED, {"date": "{today}", "amount": "5", "currency": "EUR",
                           "category": "travel"}),
    ),
    "accountability:trip_add": Row(
        "/plan/activities/{activity}/trip/", STAFF,
        post(STAFF, {"origin": "Paris", "destination": "Lyon", "mode": "rail"}),
    ),
    "accountability:budget_edit": Row(
        "/plan/activities/{activity}/budget/{budget}/edit/", STAFF,
        post(STAFF_SAVED, {"year": "{activity_year}", "category": "venue", "amount_eur": "7"}),
    ),
    "accountability:budget_delete": Row(
        "/plan/activities/{activity}/budget/{budget}/delete/", STAFF, post(STAFF_SAVED),
    ),
    "accountability:expense_edit": Row(
        "/plan/activities/{activity}/expense/{expense}/edit/", STAFF,
        post(STAFF, {"amount": "7"}),
    ),
    "accountability:expense_delete": Row(
        "/plan/activities/{activity}/expense/{expense}/delete/", STAFF, post(STAFF_SAVED),
    ),
    "accountability:trip_edit": Row(
        "/plan/activities/{activity}/trip/{trip}/edit/", STAFF, post(STAFF, {"passengers": 2}),
    ),
    "accountability:trip_delete": Row(
        "/plan/activities/{activity}/trip/{trip}/delete/", STAFF, post(STAFF_SAVED),
    ),
    "accountability:money": Row("/plan/money/", PUBLIC,
                                why="fees by member for the Board and the Secretariat only"),
    "accountability:carbon": Row("/plan/carbon/", PUBLIC),
    "accountability:matrix": Row("/plan/matrix/", PUBLIC),
    "accountability:engagement": Row("/plan/engagement/", PUBLIC),
    "accountability:report": Row("/plan/report/", BOARD_STAFF),
    "accountability:report_pdf": Row(
        "/plan/report/board-report.pdf", (LOGIN, 403, 403, 403, 400, 400, 400),
        why="the Board and the Secretariat; asked for no year, it answers 400 once the access "
            "check has passed, so the matrix renders no PDF (test_board_report.py does)",
    ),
    "accountability:accounts_export": Row(
        "/plan/accounts-export/expenses.csv", STAFF,
        why="suppliers and document references: the Secretariat only",
    ),
    # The Observatory.
    "observatory:catalogue": Row("/observatory/", PUBLIC),
    "observatory:indicator": Row("/observatory/indicators/{indicator}/", PUBLIC),
    "observatory:embed": Row("/observatory/embed/indicators/{indicator}/table/", PUBLIC),
    "observatory:metros": Row("/observatory/metros/", PUBLIC),
    "observatory:metro": Row("/observatory/metros/{metro_a}/", PUBLIC),
    # (Public pages whose work does not depend on the reader are asked for their lightest
    # answer: resolving metro names costs most of a second a request.)
    "observatory:compare": Row("/observatory/compare/", PUBLIC),
    "observatory:compare_download": Row(
        "/observatory/compare/download/csv/?metros=barcelona,seoul", PUBLIC),
    "observatory:metro_suggest": Row("/observatory/suggest/metros/?q=barc", PUBLIC),
    "observatory:groups": Row("/observatory/groups/", SIGNED_IN),
    "observatory:group_new": Row(
        "/observatory/groups/new/", SIGNED_IN,
        post(SIGNED_IN, {"name": "", "metros": "barcelona\nseoul", "visibility": "private"}),
        why="anyone signed in keeps their own peer groups (a nameless one is refused by the "
            "form, before the metros are resolved: the saving is tested in test_groups.py)",
    ),
    "observatory:group": Row(
        "/observatory/groups/{peer_group}/", (404, 200, 404, 404, 404, 404, 404),
        why="a private peer group is its owner's alone, the Secretariat's not excepted",
    ),
    "observatory:group_edit": Row(
        "/observatory/groups/{peer_group}/edit/", (LOGIN, 200, 404, 404, 404, 404, 404),
        post((LOGIN, 302, 404, 404, 404, 404, 404),
             {"name": "Changed", "metros": "barcelona\nseoul", "visibility": "link"}),
        why="its owner only",
    ),
    "observatory:group_delete": Row(
        "/observatory/groups/{peer_group}/delete/", POST_ONLY,
        post((LOGIN, 302, 404, 404, 404, 404, 404)), why="its owner only",
    ),
    "observatory:gender": Row("/observatory/gender/", PUBLIC),
    "observatory:gender_download": Row("/observatory/gender/download/csv/", PUBLIC),
    "observatory:coverage": Row("/observatory/coverage/", PUBLIC),
    "observatory:download": Row(
        "/observatory/download/csv/?metro=barcelona&indicator={indicator}", PUBLIC),
    "observatory:download#unpublished": Row(
        "/observatory/download/csv/?metro=barcelona&status=provisional", PUBLIC,
        why="unpublished values for the Secretariat only; others get the published ones",
    ),
    "observatory:enter": Row(
        "/observatory/enter/", OFFICERS_STAFF,
        post((LOGIN, 200, 200, 403, 403, 200, 200),
             {"metro": "barcelona", "indicator": "{indicator}", "year": 2020, "value": 1}),
        why="officers enter the values of their own members' metros; B's is refused in the form",
    ),
    "observatory:import": Row("/observatory/import/", OFFICERS_STAFF,
                              post((LOGIN, 200, 200, 403, 403, 200, 200))),
    "observatory:import_job": Row(
        "/observatory/import/{import_a}/", (LOGIN, 200, 404, 403, 403, 200, 200),
        post((LOGIN, 302, 404, 403, 403, 302, 302), {"action": "confirm"}),
        why="A's officer's import: she and the Secretariat follow and confirm it; another "
            "officer is told nothing",
    ),
    "observatory:review": Row(
        "/observatory/review/", STAFF,
        post((LOGIN, 403, 403, 403, 403, 400, 400), {"ids": "{observation}"}),
        why="the Secretariat passes and this body, choosing no decision, is refused as bad input",
    ),
    "observatory:value_history": Row("/observatory/values/{observation}/history/", STAFF),
    # The Exchange.
    "exchange:home": Row("/exchange/", PUBLIC),
    "exchange:solution": Row("/exchange/solutions/{published_solution}/", PUBLIC),
    "exchange:solution#draft": Row(
        "/exchange/solutions/{draft_a}/", (404, 200, 404, 404, 404, 200, 200),
        why="a draft exists only for its author, its members' officers and the Secretariat",
    ),
    "exchange:attachment": Row("/exchange/solutions/{draft_a}/files/{attachment_a}/",
                               (404, 200, 404, 404, 404, 200, 200), why="as the draft"),
    "exchange:collection": Row("/exchange/collections/use/", PUBLIC),
    "exchange:feed": Row("/exchange/collections/use/feed/rss/", PUBLIC),
    "exchange:feed_all": Row("/exchange/feed/atom/", PUBLIC),
    "exchange:search": Row("/exchange/search/?q=water", PUBLIC),
    "exchange:needs": Row("/exchange/needs/", SIGNED_IN),
    "exchange:need_new": Row(
        "/exchange/needs/new/", OFFICERS_STAFF,
        post((LOGIN, 302, 200, 403, 403, 302, 302),
             {"member": "{member_a}", "title": "A new need", "status": "open",
              "themes": "{theme}"}),
        why="an officer records needs for their own member: B's form refuses A",
    ),
    "exchange:need": Row("/exchange/needs/{need_a}/", A_HIDDEN,
                         why="a need that is not open: its member's officers and the Secretariat"),
    "exchange:need_edit": Row(
        "/exchange/needs/{need_a}/edit/", (LOGIN, 200, 404, 403, 403, 200, 200),
        post((LOGIN, 302, 404, 403, 403, 302, 302),
             {"member": "{member_a}", "title": "Changed need", "status": "open",
              "themes": "{theme}"}),
        why="403 for those who record no need at all; B's officer is not told A's exists",
    ),
    "exchange:introduce": Row(
        "/exchange/solutions/{published_solution}/introduce/", POST_ONLY,
        post((LOGIN, 302, 404, 404, 404, 302, 302), {"from_member": "{member_a}",
                                                     "message": "Hello", "need": "{need_a}"}),
        why="citing a need one may see (A's is not open: its officers' and the Secretariat's)",
    ),
    "exchange:introduce#on-behalf": Row(
        "/exchange/solutions/{published_solution}/introduce/", POST_ONLY,
        post((LOGIN, 302, SENT_BACK, SENT_BACK, SENT_BACK, 302, 302),
             {"from_member": "{member_a}", "message": "Hello"}),
        why="on behalf of one's own member only (the Secretariat: any): others are sent back "
            "to the solution with the form's message",
    ),
    "exchange:introductions": Row("/exchange/introductions/", SIGNED_IN),
    "exchange:submit": Row("/exchange/submit/", OFFICERS_STAFF,
                           post((LOGIN, 200, 200, 403, 403, 200, 200), {"title": ""})),
    "exchange:mine": Row("/exchange/mine/", SIGNED_IN),
    "exchange:review": Row("/exchange/review/", STAFF),
    "exchange:edit": Row("/exchange/solutions/{draft_a}/edit/", A_HIDDEN,
                         post(A_HIDDEN, {"title": ""}), why="those who work on the draft"),
    "exchange:status": Row("/exchange/solutions/{draft_a}/status/", A_HIDDEN),
    "exchange:attachment_remove": Row(
        "/exchange/solutions/{draft_a}/files/{attachment_a}/remove/", POST_ONLY,
        post((LOGIN, 302, 404, 404, 404, 302, 302)),
    ),
    "exchange:submit_solution": Row("/exchange/solutions/{draft_a}/submit/", POST_ONLY,
                                    post((LOGIN, 302, 404, 404, 404, 302, 302))),
    "exchange:publish": Row("/exchange/solutions/{draft_a}/publish/", POST_ONLY,
                            post((LOGIN, SENT_BACK, 404, 404, 404, 302, 302)),
                            why="the Secretariat reviews; the author is sent back with a message"),
    "exchange:request_changes": Row("/exchange/solutions/{draft_a}/request-changes/", POST_ONLY,
                                    post((LOGIN, SENT_BACK, 404, 404, 404, 302, 302),
                                         {"comment": "x"}), why="as publish"),
    "exchange:reject": Row("/exchange/solutions/{draft_a}/reject/", POST_ONLY,
                           post((LOGIN, SENT_BACK, 404, 404, 404, 302, 302), {"comment": "x"}),
                           why="as publish"),
    "exchange:archive": Row("/exchange/solutions/{draft_a}/archive/", POST_ONLY,
                            post((LOGIN, SENT_BACK, 404, 404, 404, 302, 302)), why="as publish"),
    # Listening.
    "listening:home": Row("/listening/", SIGNED_IN),
    "listening:requests": Row("/listening/requests/", OFFICERS_STAFF),
    "listening:request_new": Row(
        "/listening/requests/new/", (LOGIN, 200, 200, 403, 403, 403, 403),
        post((LOGIN, 200, 200, 403, 403, 403, 403), {"member": "{member_a}", "subject": "S"}),
        why="an officer asks for their member; the Secretariat answers, it does not ask",
    ),
    "listening:dashboard": Row("/listening/requests/dashboard/", STAFF),
    "listening:request": Row("/listening/requests/{request_a}/", A_HIDDEN),
    "listening:request_reply": Row("/listening/requests/{request_a}/reply/", POST_ONLY,
                                   post((LOGIN, 302, 404, 404, 404, 302, 302), {"body": "x"})),
    "listening:request_assign": Row("/listening/requests/{request_a}/assign/", POST_ONLY,
                                    post((LOGIN, 403, 403, 403, 403, 302, 302))),
    "listening:request_close": Row("/listening/requests/{request_a}/close/", POST_ONLY,
                                   post((LOGIN, 403, 403, 403, 403, 302, 302))),
    "listening:surveys": Row("/listening/surveys/", OFFICERS_STAFF),
    "listening:survey": Row(
        "/listening/surveys/{survey}/?member={member_a}", (LOGIN, 200, 403, 403, 403, 302, 302),
        post((LOGIN, 200, 403, 403, 403, SENT_BACK, SENT_BACK), {"member": "{member_a}"}),
        why="an officer answers for their own member (A has answered: the form shows it); "
            "the Secretariat is sent to the results",
    ),
    "listening:survey_invited": Row(
        "/listening/surveys/{per_contact_survey}/invited/{invitation}/", PUBLIC,
        why="the invitation's token is the only key: no sign-in; whoever holds it is greeted "
            "as the contact invited (A's)",
        shows=("a",),
    ),
    "listening:survey_results": Row("/listening/surveys/{survey}/results/", STAFF),
    "listening:survey_csv": Row("/listening/surveys/{survey}/answers.csv", STAFF),
    "listening:survey_csv_excel": Row("/listening/surveys/{survey}/answers-excel.csv", STAFF),
    "listening:survey_xlsx": Row("/listening/surveys/{survey}/answers.xlsx", STAFF),
    "listening:survey_send": Row("/listening/surveys/{per_contact_survey}/send/", POST_ONLY,
                                 post(STAFF_SAVED,
                                      {"kind": "invitation"})),
    "listening:survey_publish": Row("/listening/surveys/{survey}/publish/", POST_ONLY,
                                    post(STAFF_SAVED)),
    "listening:survey_texts": Row("/listening/surveys/{survey}/texts/", STAFF),
    "listening:answer_tag#bad-input": Row(
        "/listening/surveys/{survey}/texts/{text_answer}/tag/", POST_ONLY,
        post((LOGIN, 403, 403, 403, 403, SENT_BACK, SENT_BACK), {"themes": "T-SUS"}),
        why="a theme is named by its id: anything else is refused with a message (was a 500)",
    ),
    "listening:answer_tag": Row("/listening/surveys/{survey}/texts/{text_answer}/tag/",
                                POST_ONLY, post(STAFF_SAVED, {"themes": "{theme}"})),
    "listening:answer_need": Row("/listening/surveys/{survey}/texts/{text_answer}/need/",
                                 POST_ONLY, post(STAFF_SAVED, {"title": "A need from an answer"})),
    "listening:published": Row("/listening/results/", PUBLIC),
    "listening:published_results": Row("/listening/results/{published_survey}/", PUBLIC),
    # Events.
    "events:events": Row("/events/", PUBLIC),
    "events:events_ics": Row("/events/calendar.ics", PUBLIC),
    "events:event": Row("/events/{event}/", PUBLIC,
                        why="meeting links and one's own registrations only to those concerned"),
    "events:event_ics": Row("/events/{event}/calendar.ics", PUBLIC),
    "events:register": Row(
        "/events/{other_event}/register/", POST_ONLY,
        post((LOGIN, 302, SENT_BACK, SENT_BACK, SENT_BACK, SENT_BACK, SENT_BACK),
             {"contact": "{contact_a}", "language": "en"}),
        why="a member's contact is registered by its officers: anyone else is sent back to the "
            "event with the form's message (the Secretariat registers in the back office)",
    ),
    "events:registrations": Row("/events/{event}/registrations/", STAFF,
                                post(STAFF_SAVED, {"attended": "{registration_a}"}),
                                why="the Secretariat marks attendance"),
    "events:my_registrations": Row("/events/registrations/", SIGNED_IN),
    "events:cancel": Row("/events/registrations/{registration_a}/cancel/", POST_ONLY,
                         post((LOGIN, 302, 404, 404, 404, 302, 302))),
    "events:feedback": Row(
        "/events/registrations/{registration_a}/feedback/", POST_ONLY,
        post((LOGIN, 302, 404, 404, 404, SENT_BACK, SENT_BACK), {"rating": 5}),
        why="from those registered; the Secretariat reads it and is sent back if it tries",
    ),
    "events:certificate": Row(
        "/events/registrations/{registration_a}/certificate.pdf",
        (LOGIN, 302, 404, 404, 404, 302, 302),
        why="to the person registered or who registered them, and the Secretariat; before the "
            "event there is no certificate yet: they are sent back to it with a message",
    ),
    "programs/^events/(?P<rest>.*)\\Z": Row("/programs/events/{event}/", MOVED,
                                            why="moved to /events/ (issue 16)"),
    "programs/^(?P<rest>.*)\\Z": Row("/programs/registrations/", MOVED,
                                     why="moved to /events/ (issue 16)"),
    # Community.
    "community:groups": Row("/community/groups/", PUBLIC,
                            why="a private group is listed only to its members and staff"),
    "community:group_new": Row("/community/groups/new/", STAFF,
                               post(STAFF_SAVED, {"name_en": "New group", "kind": "working_group",
                                            "visibility": "public"})),
    "community:group": Row(
        "/community/groups/{group}/", (404, 404, 404, 200, 404, 200, 200),
        why="a private group exists only for its members and the Secretariat",
    ),
    "community:group_edit": Row("/community/groups/{group}/edit/", STAFF,
                                post(STAFF_SAVED, {"name_en": "Renamed", "kind": "working_group",
                                             "visibility": "private"})),
    "community:post": Row("/community/groups/{group}/posts/", POST_ONLY,
                          post((LOGIN, 404, 404, 302, 404, 302, 302), {"body": "Hello"})),
    "community:document_upload": Row(
        "/community/groups/{group}/documents/", POST_ONLY,
        post((LOGIN, 404, 404, 302, 404, 302, 302), files={"file": PDF_FILE}),
    ),
    "community:document": Row("/community/groups/{group}/documents/{group_document}/",
                              (404, 404, 404, 200, 404, 200, 200)),
    "community:document_remove": Row(
        "/community/groups/{group}/documents/{group_document}/remove/", POST_ONLY,
        post((LOGIN, 404, 404, 302, 404, 302, 302)),
    ),
    "community:member_add": Row(
        "/community/groups/{group}/members/", POST_ONLY,
        post((LOGIN, 404, 404, 400, 404, 302, 302),
             {"contact": "{contact_a}", "role": "member"}),
        why="the coordinator may add only her own members' contacts: A's is not offered",
    ),
    "community:member_remove": Row("/community/groups/{group}/members/{membership}/remove/",
                                   POST_ONLY, post((LOGIN, 404, 404, 302, 404, 302, 302))),
    "community:meeting_add": Row("/community/groups/{group}/meetings/", POST_ONLY,
                                 post((LOGIN, 404, 404, 302, 404, 302, 302),
                                      {"event": "{other_event}"})),
    "community:meeting_remove": Row("/community/groups/{group}/meetings/{meeting}/remove/",
                                    POST_ONLY, post((LOGIN, 404, 404, 302, 404, 302, 302))),
    "community:experts": Row("/community/experts/", SIGNED_IN),
    "community:my_expert": Row(
        "/community/experts/me/", SIGNED_IN,
        post((LOGIN, 302, 302, 302, 302, 302, 302),
             {"name": "Me", "languages": "en", "consent": "on"}),
        why="anyone signed in keeps their own expert profile",
    ),
    "community:withdraw_expert": Row("/community/experts/me/withdraw/", POST_ONLY,
                                     post((LOGIN, 404, 404, 404, 404, 404, 404)),
                                     why="one's own profile; no persona has one"),
    "community:network_engagement": Row("/community/engagement/", STAFF),
    "community:member_engagement": Row("/community/engagement/{member_a}/", A_ONLY),
    # The award.
    "awards:editions": Row("/awards/", PUBLIC),
    "awards:edition": Row("/awards/{edition}/", PUBLIC),
    "awards:submit": Row(
        "/awards/{edition}/submit/", (LOGIN, 200, 200, 403, 403, 403, 403),
        post((LOGIN, 200, 200, 403, 403, 403, 403), {"member": "{member_a}", "title": "T"}),
        why="officers submit for their own members (A has: the form says so), nobody else",
    ),
    "awards:conflicts": Row("/awards/{edition}/jury/conflicts/",
                            (LOGIN, 404, 404, 404, 404, 404, 404),
                            post((LOGIN, 404, 404, 404, 404, 404, 404),
                                 {"submission": "{submission_a}", "reason": "x"}),
                            why="the edition's jurors only; no persona sits on its jury"),
    "awards:ranking": Row("/awards/{edition}/ranking/", STAFF,
                          post(STAFF_SAVED, {"finalists": "{submission_a}"})),
    "awards:rubric": Row("/awards/{edition}/rubric/", STAFF,
                         post((LOGIN, 403, 403, 403, 403, 200, 200), {"criteria-TOTAL_FORMS": 0}),
                         why="the Secretariat; this body is not a whole formset: the form "
                             "comes back"),
    "awards:assignments": Row("/awards/jury/", SIGNED_IN, why="one's own seats (none)"),
    "awards:score": Row("/awards/submissions/{submission_a}/score/",
                        (LOGIN, 404, 404, 404, 404, 404, 404),
                        post((LOGIN, 404, 404, 404, 404, 404, 404), {"score": 3}),
                        why="the edition's jurors only; no persona sits on its jury"),
    "awards:document": Row("/awards/documents/{award_document_a}/", A_HIDDEN),
}

# --- the API (operations as the OpenAPI schema names them) ---------------------------------------
#                                                         anon  offA  offB  coord board secr  admin
OPERATIONS: dict[str, Row] = {
    "GET /api/v1/members": Row("/api/v1/members", API_PUBLIC),
    "GET /api/v1/members/{code}": Row("/api/v1/members/{member_a}", API_PUBLIC),
    "GET /api/v1/countries": Row("/api/v1/countries", API_PUBLIC),
    "GET /api/v1/regions": Row("/api/v1/regions", API_PUBLIC),
    "GET /api/v1/plan": Row("/api/v1/plan", API_PUBLIC),
    "GET /api/v1/plan/themes": Row("/api/v1/plan/themes", API_PUBLIC),
    "GET /api/v1/plan/challenges": Row("/api/v1/plan/challenges", API_PUBLIC),
    "GET /api/v1/plan/action-lines": Row("/api/v1/plan/action-lines", API_PUBLIC),
    "GET /api/v1/plan/outcomes": Row("/api/v1/plan/outcomes", API_PUBLIC),
    "GET /api/v1/plan/programs": Row("/api/v1/plan/programs", API_PUBLIC),
    "GET /api/v1/plan/milestones": Row("/api/v1/plan/milestones", API_PUBLIC),
    "GET /api/v1/plan/headline-averages": Row("/api/v1/plan/headline-averages", API_PUBLIC),
    "GET /api/v1/workplans": Row("/api/v1/workplans", API_PUBLIC),
    "GET /api/v1/activities": Row("/api/v1/activities", API_PUBLIC),
    "GET /api/v1/activities/{activity_id}": Row("/api/v1/activities/{activity}", API_PUBLIC),
    "GET /api/v1/plan/money": Row("/api/v1/plan/money", API_PUBLIC),
    "GET /api/v1/plan/carbon": Row("/api/v1/plan/carbon", API_PUBLIC),
    "GET /api/v1/plan/people": Row("/api/v1/plan/people", API_PUBLIC,
                                   why="participation by member for the Board, the Secretariat "
                                       "and a member's own officers"),
    "POST /api/v1/plan/participant-counts": Row(
        "/api/v1/plan/participant-counts", None,
        api("post", (401, 403, 403, 403, 403, 201, 201),
            {"activity_id": "{activity}", "gender": "female", "role_category": "technical",
             "count": 3}),
    ),
    "POST /api/v1/plan/participants": Row(
        "/api/v1/plan/participants", None,
        api("post", (401, 403, 403, 403, 403, 201, 201),
            {"activity_id": "{activity}", "gender": "female", "role_category": "technical"}),
    ),
    "POST /api/v1/plan/speakers": Row(
        "/api/v1/plan/speakers", None,
        api("post", (401, 403, 403, 403, 403, 201, 201),
            {"activity_id": "{activity}", "gender": "male", "role_category": "expert"}),
    ),
    "POST /api/v1/plan/panels": Row(
        "/api/v1/plan/panels", None,
        api("post", (401, 403, 403, 403, 403, 201, 201),
            {"activity_id": "{activity}", "title": "A panel"}),
    ),
    "GET /api/v1/plan/risks": Row("/api/v1/plan/risks", (401, 403, 403, 403, 200, 200, 200)),
    "POST /api/v1/plan/risks": Row(
        "/api/v1/plan/risks", None,
        api("post", (401, 403, 403, 403, 403, 201, 201),
            {"title": "A risk", "category": "financial", "likelihood": 2, "impact": 3,
             "owner": "Someone"}),
    ),
    "GET /api/v1/indicators": Row("/api/v1/indicators", API_PUBLIC),
    "GET /api/v1/indicators/{code}": Row("/api/v1/indicators/{indicator}", API_PUBLIC),
    "GET /api/v1/metros": Row("/api/v1/metros", API_PUBLIC),
    "GET /api/v1/metros/{code}": Row("/api/v1/metros/{metro_a}", API_PUBLIC),
    "GET /api/v1/observations": Row(
        "/api/v1/observations?metro=barcelona&indicator={indicator}", API_PUBLIC),
    "POST /api/v1/observations": Row(
        "/api/v1/observations", None,
        api("post", (401, 200, 422, 403, 403, 200, 200),
            [{"metro": "barcelona", "indicator": "{indicator}", "year": 2021, "value": 1.5,
              "source": "{source}"}]),
        why="officers write their own members' metros: B's officer is told, row by row, that "
            "Barcelona's is not one of them (422)",
    ),
    "POST /api/v1/observations/review": Row(
        "/api/v1/observations/review", None,
        api("post", (401, 403, 403, 403, 403, 200, 200),
            {"ids": ["{observation}"], "status": "validated"}),
    ),
    "GET /api/v1/observations/proposals": Row("/api/v1/observations/proposals", API_STAFF),
    "GET /api/v1/observations/proposals#metro": Row(
        "/api/v1/observations/proposals?metro={metro_a}", (401, 200, 403, 403, 403, 200, 200),
        why="a metro's proposed changes: its members' officers and the Secretariat",
    ),
    "POST /api/v1/observations/proposals/decide": Row(
        "/api/v1/observations/proposals/decide", None,
        api("post", (401, 403, 403, 403, 403, 200, 200), {"ids": [1], "decision": "reject"}),
    ),
    "GET /api/v1/benchmarks": Row(
        "/api/v1/benchmarks?indicator={indicator}&year=2015", API_PUBLIC),
    "GET /api/v1/metros/{code}/profile": Row("/api/v1/metros/{metro_a}/profile", API_PUBLIC),
    "GET /api/v1/metros/{code}/similar": Row("/api/v1/metros/{metro_a}/similar", API_PUBLIC),
    "GET /api/v1/solutions/{slug}": Row("/api/v1/solutions/{published_solution}", API_PUBLIC),
    "GET /api/v1/solutions/{slug}#draft": Row(
        "/api/v1/solutions/{draft_a}", (404,) * 7,
        why="the API serves published solutions only, a draft to nobody",
    ),
    "PATCH /api/v1/solutions/{slug}": Row(
        "/api/v1/solutions/{draft_a}", None,
        api("patch", API_A_HIDDEN, {"summary": "Changed by the matrix"}),
    ),
    "GET /api/v1/collections": Row("/api/v1/collections", API_PUBLIC),
    "GET /api/v1/solutions": Row("/api/v1/solutions?q=water", API_PUBLIC),
    "POST /api/v1/solutions": Row(
        "/api/v1/solutions", None,
        api("post", (401, 201, 403, 403, 403, 201, 201),
            {"title": "New", "summary": "S", "collection": "use", "city": "Barcelona",
             "country_iso3": "ESP", "members": ["{member_a}"]}),
        why="officers draft for their own members (B's may not name A); the Secretariat for any",
    ),
    "POST /api/v1/solutions/{slug}/submit": Row(
        "/api/v1/solutions/{draft_a}/submit", None, api("post", API_A_HIDDEN, {}),
    ),
    "POST /api/v1/solutions/{slug}/review": Row(
        "/api/v1/solutions/{draft_a}/review", None,
        api("post", (401, 403, 404, 404, 404, 400, 400), {"action": "reject", "comment": "x"}),
        why="the Secretariat reviews, its author may not; a draft is not yet submitted, so the "
            "Secretariat passes the access check and meets the workflow's (400)",
    ),
    "GET /api/v1/solutions/{slug}/attachments": Row(
        "/api/v1/solutions/{draft_a}/attachments", API_A_HIDDEN),
    "POST /api/v1/solutions/{slug}/attachments": Row(
        "/api/v1/solutions/{draft_a}/attachments", None,
        api("post", (401, 201, 404, 404, 404, 201, 201), files={"file": PDF_FILE}),
    ),
    "DELETE /api/v1/solutions/{slug}/attachments/{attachment_id}": Row(
        "/api/v1/solutions/{draft_a}/attachments/{attachment_a}", None,
        api("delete", (401, 204, 404, 404, 404, 204, 204)),
    ),
    "GET /api/v1/needs": Row("/api/v1/needs", API_SIGNED_IN),
    "POST /api/v1/needs": Row(
        "/api/v1/needs", None,
        api("post", (401, 201, 403, 403, 403, 201, 201),
            {"member": "{member_a}", "title": "A need of A", "themes": ["T-SUS"]}),
    ),
    "GET /api/v1/needs/{need_id}/suggestions": Row("/api/v1/needs/{need_a}/suggestions",
                                                   API_A_HIDDEN),
    "GET /api/v1/requests": Row("/api/v1/requests", API_SIGNED_IN),
    "POST /api/v1/requests": Row(
        "/api/v1/requests", None,
        api("post", (401, 201, 403, 403, 403, 403, 403),
            {"member": "{member_a}", "subject": "S", "body": "B"}),
        why="an officer asks for their own member only",
    ),
    "GET /api/v1/requests/{request_id}": Row("/api/v1/requests/{request_a}", API_A_HIDDEN),
    "POST /api/v1/requests/{request_id}/messages": Row(
        "/api/v1/requests/{request_a}/messages", None,
        api("post", (401, 201, 404, 404, 404, 201, 201), {"body": "More"}),
    ),
    "POST /api/v1/requests/{request_id}/assign": Row(
        "/api/v1/requests/{request_a}/assign", None,
        api("post", (401, 403, 404, 404, 404, 200, 200), {"assignee": None}),
        why="the Secretariat only; those who may not read the request are not told it exists",
    ),
    "POST /api/v1/requests/{request_id}/close": Row(
        "/api/v1/requests/{request_a}/close", None,
        api("post", (401, 403, 404, 404, 404, 200, 200), {}),
        why="the Secretariat only; those who may not read the request are not told it exists",
    ),
    "GET /api/v1/surveys": Row("/api/v1/surveys", API_SIGNED_IN),
    "POST /api/v1/surveys/{survey_id}/answers": Row(
        "/api/v1/surveys/{survey}/answers", None,
        api("post", (401, 409, 403, 403, 403, 403, 403), _answers),
        why="an officer answers for their own member, once (A has answered)",
    ),
    "GET /api/v1/events": Row("/api/v1/events", API_PUBLIC),
    "GET /api/v1/events/{event_id}": Row("/api/v1/events/{event}", API_PUBLIC),
    "GET /api/v1/registrations": Row("/api/v1/registrations", API_SIGNED_IN),
    "POST /api/v1/events/{event_id}/registrations": Row(
        "/api/v1/events/{other_event}/registrations", None,
        api("post", (401, 201, 403, 403, 403, 403, 403), {"contact": "{contact_a}"}),
        why="a member's contacts are registered by its officers (the Secretariat registers "
            "people in the back office)",
    ),
    "POST /api/v1/registrations/{registration_id}/cancel": Row(
        "/api/v1/registrations/{registration_a}/cancel", None,
        api("post", API_A_HIDDEN, {}),
    ),
    "POST /api/v1/registrations/{registration_id}/feedback": Row(
        "/api/v1/registrations/{registration_a}/feedback", None,
        api("post", (401, 201, 404, 404, 404, 403, 403), {"rating": 4}),
        why="feedback comes from those registered; the Secretariat sees it but gives none",
    ),
    "GET /api/v1/registrations/{registration_id}/certificate": Row(
        "/api/v1/registrations/{registration_a}/certificate", (401, 400, 404, 404, 404, 400, 400),
        why="to those registered and the Secretariat; before the event there is none yet (400)",
    ),
    "GET /api/v1/awards/editions": Row("/api/v1/awards/editions", API_PUBLIC),
    "GET /api/v1/awards/assignments": Row("/api/v1/awards/assignments", API_SIGNED_IN),
    "POST /api/v1/awards/scores": Row(
        "/api/v1/awards/scores", None,
        api("post", (401, 403, 403, 403, 403, 403, 403), _score),
        why="jurors only; no persona sits on the jury",
    ),
    "GET /api/v1/awards/submissions": Row("/api/v1/awards/submissions", API_SIGNED_IN),
    "POST /api/v1/awards/submissions": Row(
        "/api/v1/awards/submissions", None,
        api("post", (401, 400, 403, 403, 403, 403, 403),
            {"edition": "{edition}", "member": "{member_a}", "title": "T", "description": "D",
             "impact": "I"}),
        why="officers submit for their own member, once per edition (A has)",
    ),
    "GET /api/v1/awards/submissions/{submission_id}/documents": Row(
        "/api/v1/awards/submissions/{submission_a}/documents", API_A_HIDDEN),
    "POST /api/v1/awards/submissions/{submission_id}/documents": Row(
        "/api/v1/awards/submissions/{submission_a}/documents", None,
        api("post", (401, 201, 404, 404, 404, 403, 403), files={"documents": PDF_FILE}),
        why="its member's officers add documents; the Secretariat reads them",
    ),
    "GET /api/v1/awards/documents/{document_id}": Row(
        "/api/v1/awards/documents/{award_document_a}", API_A_HIDDEN),
    "GET /api/v1/community/experts": Row("/api/v1/community/experts", API_SIGNED_IN),
    "GET /api/v1/community/experts/me": Row("/api/v1/community/experts/me",
                                            (401, 404, 404, 404, 404, 404, 404),
                                            why="one's own profile; no persona has one"),
    "PUT /api/v1/community/experts/me": Row(
        "/api/v1/community/experts/me", None,
        api("put", API_SIGNED_IN, {"name": "Me", "languages": ["en"], "consent": True}),
        why="anyone signed in keeps their own profile",
    ),
    "DELETE /api/v1/community/experts/me": Row(
        "/api/v1/community/experts/me", None,
        api("delete", (401, 404, 404, 404, 404, 404, 404)),
        why="one's own profile; no persona has one",
    ),
    "GET /api/v1/needs/{need_id}/experts": Row("/api/v1/needs/{need_a}/experts", API_A_HIDDEN),
    "GET /api/v1/community/groups": Row("/api/v1/community/groups", API_PUBLIC),
    "GET /api/v1/community/groups/{group_id}/posts": Row(
        "/api/v1/community/groups/{group}/posts", (401, 404, 404, 200, 404, 200, 200)),
    "POST /api/v1/community/groups/{group_id}/posts": Row(
        "/api/v1/community/groups/{group}/posts", None,
        api("post", (401, 404, 404, 201, 404, 201, 201), {"body": "Hello"}),
    ),
}

# The API's own pages, beside its operations.
API_PAGES: dict[str, Row] = {
    "api-v1:openapi-json": Row("/api/v1/openapi.json", API_PUBLIC),
    "api-v1:openapi-view": Row("/api/v1/docs", API_PUBLIC),
    "api-v1:api-root": Row("/api/v1/", (404,) * 7, why="nothing is served at the root"),
}
# fmt: on

# Namespaces whose patterns the matrix does not request, each with its reason. (Static and
# media files are not URL patterns: WhiteNoise serves the static ones, and uploads are served
# only through the views above, never from MEDIA_URL.)
SKIPPED_NAMESPACES = {
    "admin": "Django's admin checks is_staff and its model permissions itself, with its own "
    "tests; the row admin:index checks who is let in",
}

# Who may be shown each marker of the world (tests/core/permission_world.py): anyone else
# seeing one in a page or an API answer is a leak.
LEAKS = {
    "a": {"officer_a", "secretariat", "administrator"},
    "b": {"officer_b", "secretariat", "administrator"},
    "group": {"coordinator", "secretariat", "administrator"},
    "staff": {"secretariat", "administrator"},
    "owner": {"officer_a"},
    "network": {"officer_a", "officer_b", "secretariat", "administrator"},
    "board": {"board", "secretariat", "administrator"},
}
