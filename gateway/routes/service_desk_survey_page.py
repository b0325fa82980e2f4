"""The satisfaction survey as the customer meets it: the page the resolution mail links to
(public: the signed token in the path is the proof, as for the survey's JSON twin in
service_desk.py). GET shows the ticket's subject and a form — 1 to 5 stars, a comment — or,
once answered, the answer; POST (the form, or the same fields as JSON) answers it through the
same `answer_survey` as the API, so the first answer wins and the same answer again changes
nothing. Forged: 404, expired: 410, another answer after one: 409, no stars: 422 — problems
like the API's; the form's `required` star keeps a browser from sending none."""
from gateway import pages
from gateway.routes.service_desk import SURVEYS, TAG_SURVEYS
from gateway.routing import Route

PAGE = f"{SURVEYS}/{{token}}/page"
STARS = ((1, "Very unhappy"), (2, "Unhappy"), (3, "Neither"), (4, "Happy"), (5, "Delighted"))
MAX_COMMENT = 2000          # services/service_desk/surveys/schemas.py


def _form():
    choices = "".join(
        f'<label><input type="radio" name="stars" value="{n}" required> '
        f'{"★" * n}{"☆" * (5 - n)} {pages.escape(text)}</label>' for n, text in STARS)
    return ('<form method="post"><fieldset><legend>How happy are you with how we handled it?'
            f'</legend>{choices}</fieldset><label for="comment">Anything to add? (optional)'
            f'</label><textarea id="comment" name="comment" rows="5" maxlength="{MAX_COMMENT}">'
            '</textarea><button type="submit">Send</button></form>')


def _answered(survey):
    rating = (f"{'★' * survey['stars']}{'☆' * (5 - survey['stars'])}"
              if survey.get("stars") is not None else f"{survey['score']} / 100")
    comment = pages.paragraph(f"“{survey['comment']}”") if survey.get("comment") else ""
    return pages.page("Thank you", pages.paragraph(
        f"Your answer about “{survey['ticket_subject']}”: {rating}") + comment)


def show(gateway, request, call):
    survey = gateway.services.call("service_desk", "get_survey", call.path["token"])
    if survey["status"] == "answered":
        return 200, _answered(survey)
    return 200, pages.page("How did we do?", pages.paragraph(
        f"Your request: “{survey['ticket_subject']}”") + _form())


def _stars(value):
    """A form posts "4"; JSON may send 4. Anything else goes to the service as it is, whose
    validation answers it (422)."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 1:
        return int(value.strip())
    return value


def answer(gateway, request, call):
    body = call.body
    data = {"stars": _stars(body.get("stars")), "comment": body.get("comment")}
    survey = gateway.services.call("service_desk", "answer_survey", call.path["token"], data)
    return 200, _answered(survey)


ROUTES = [
    Route("GET", PAGE, "service_desk", handler=show, public=True, produces="html",
          tag=TAG_SURVEYS, errors=(404, 410),
          summary="The survey page the resolution mail links to: the ticket's subject and a "
                  "form (1–5 stars, a comment), or the answer once given"),
    Route("POST", PAGE, "service_desk", handler=answer, body="form", public=True,
          produces="html", tag=TAG_SURVEYS, errors=(404, 409, 410),
          request_schema="service_desk:SurveyPageAnswer",
          summary="Answer from the page: `stars` 1–5 and an optional `comment` (an HTML form, "
                  "or the same fields as JSON); the first answer wins, the same again changes "
                  "nothing, another is a 409"),
]
