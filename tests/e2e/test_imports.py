"""CSV import through the gateway: a file larger than one streamed part (gateway/imports.py),
its rows numbered across the parts, the rows report paged, a repeated Idempotency-Key, and a
file refused after its first part (the job failed with the reason)."""
import uuid

from gateway.imports import PART_BYTES
from tests.helpers import wait_until

CSV_HEADERS = {"Content-Type": "text/csv"}


def _file(tag):
    """Header, two rows, blank lines up to just before the first part's end, then a quoted
    address whose line breaks straddle it, a duplicate and a bad e-mail: (bytes, the rows)."""
    head = (f"name,email,address,region\r\nAlpha {tag},alpha-{tag}@x.example,,EU\r\n"
            f"Beta {tag},,,EU\r\n")
    blanks = (PART_BYTES - len(head.encode()) - 20) // 2
    tail = (f'Gamma {tag},,"Gamma Street 1\r\n12345 Town\r\n{"Ünïcode " * 8}",EU\r\n'
            f"Alpha {tag} again,ALPHA-{tag}@x.example,,EU\r\nDelta {tag},not-an-email,,EU\r\n")
    first = 4 + blanks                                 # Gamma's row: header 1, two rows, blanks
    return (head + "\r\n" * blanks + tail).encode(), first


def test_a_file_larger_than_one_part_imports_with_every_row_reported(admin):
    tag = uuid.uuid4().hex[:8]
    body, gamma = _file(tag)
    assert len(body) > PART_BYTES
    key = {"Idempotency-Key": f"import-{tag}"}
    response = admin.post("customers/imports", data=body, headers={**CSV_HEADERS, **key})
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["Location"].endswith(f"/customers/imports/{job['id']}")
    assert (job["status"], job["total_rows"]) == ("pending", 5)
    again = admin.post("customers/imports", data=iter([body[:1000], body[1000:]]),
                       headers={**CSV_HEADERS, **key})                 # chunked, the same bytes
    assert again.status_code == 202 and again.json()["id"] == job["id"]

    def finished():
        state = admin.ok("GET", f"customers/imports/{job['id']}")
        return state if state["status"] == "done" else None
    done = wait_until(finished, timeout=120, message="the import to finish")
    assert (done["created"], done["duplicates"], done["failed"]) == (3, 1, 1)
    assert [(error["row"], error["field"]) for error in done["errors"]] == [
        (gamma + 1, "email"), (gamma + 2, "email")]

    pages, cursor = [], None
    while True:
        page = admin.ok("GET", f"customers/imports/{job['id']}/rows", params={
            "status": "created", "limit": 2, **({"cursor": cursor} if cursor else {})})
        pages.append([item["row"] for item in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [[2, 3], [gamma]]
    customer = admin.ok("GET", f"customers?q=Gamma {tag}")["items"][0]
    assert customer["address"].startswith("Gamma Street 1\r\n12345 Town\r\nÜnïcode")
    duplicate = admin.ok("GET", f"customers/imports/{job['id']}/rows",
                         params={"status": "duplicate"})["items"]
    assert [item["row"] for item in duplicate] == [gamma + 1]
    assert admin.get(f"customers/imports/{job['id']}/rows",
                     params={"status": "lost"}).status_code == 422


def test_a_bad_character_after_the_first_part_is_422_and_the_job_failed(admin):
    tag = uuid.uuid4().hex[:8]
    body, gamma = _file(tag)
    body += f"Bad\x00{tag},,,EU\r\n".encode()
    response = admin.post("customers/imports", data=body, headers=CSV_HEADERS)
    assert response.status_code == 422, response.text
    line = body.count(b"\n")                       # the last line, counted across the parts
    assert response.json()["errors"] == {"csv": [f"Line {line}: Control character U+0000 is "
                                                 "not allowed in a CSV file."]}
    job = admin.ok("GET", f"customers/imports/{response.json()['import_id']}")   # the failed job
    assert job["status"] == "failed" and "Control character U+0000" in job["error"], job
    assert admin.ok("GET", f"customers?q=Alpha {tag}")["items"] == []
