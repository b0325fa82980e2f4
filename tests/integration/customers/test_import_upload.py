"""The streamed import upload over the real broker: parts cut anywhere read as the whole file,
a retried part ignored, a broken upload failed and never claimed, and the rows report paged."""
import pytest
from sqlalchemy import select

from services.chassis.errors import Invalid
from services.customers.models import ImportRow
from tests.helpers import wait_until
from tests.integration.customers.support import ADMIN, REPS, proxy, publish_reps, rpc

pytestmark = pytest.mark.dialect_sensitive("the upload's row locks and bulk inserts")

CSV = ('name,email,address,region\r\n'
       'Acme,acme@x.example,"Line one\r\nLine two, ""quoted""\r\nLine three",EU\r\n'
       '\r\n'
       'Acme again,ACME@x.example,,EU\r\n'
       'Short row\r\n'
       '東京商事,,"多行\n地址",EU\r\n'
       'Last,last@x.example,,EU')      # no line break at the end


def upload(customers, parts):
    job = customers.open_import()
    assert job["status"] == "uploading"
    for number, text in enumerate(parts, start=1):
        customers.append_import(job["id"], number, text)
    return job["id"]


def stored_rows(databases, job_id):
    with databases["customers"].connect() as connection:
        return connection.execute(select(ImportRow.row, ImportRow.data).where(
            ImportRow.job_id == job_id).order_by(ImportRow.row)).all()


def test_parts_cut_inside_cells_and_line_breaks_read_as_the_whole_file(services, databases,
                                                                       rabbit_config):
    cuts = [CSV.index("Line two") - 3,          # between \r and \n inside the quoted cell
            CSV.index('""quoted') + 1,          # between the two quotes of an escaped quote
            CSV.index("Acme again") - 1,        # between \r and \n of a blank row
            CSV.index("地址"), len(CSV) - 2]
    with proxy(rabbit_config, ADMIN) as customers:
        whole = customers.start_import(CSV)["id"]
        parts = [CSV[start:end] for start, end in zip([0] + cuts, cuts + [len(CSV)])]
        streamed = upload(customers, parts)
        closed = customers.close_import(streamed)
        assert closed["status"] == "pending" and closed["total_rows"] == 5 == \
            customers.get_import(whole)["total_rows"]
    rows = stored_rows(databases, streamed)
    assert rows == stored_rows(databases, whole)
    assert [row for row, _ in rows] == [2, 4, 5, 6, 7]      # header 1; the blank row 3 counted
    assert '"Line one\\r\\nLine two, \\"quoted\\"\\r\\nLine three"' in rows[0].data


def test_a_retried_part_is_ignored_and_a_gap_refused(services, databases, rabbit_config):
    with proxy(rabbit_config, ADMIN) as customers:
        job_id = upload(customers, ["name,region\nOne,EU\nTw", "o,EU\n"])
        customers.append_import(job_id, 2, "o,EU\n")            # the retry: already taken
        with pytest.raises(Invalid):
            customers.append_import(job_id, 4, "Four,EU\n")     # part 3 is missing
        assert customers.close_import(job_id)["total_rows"] == 2
        with pytest.raises(Invalid):
            customers.append_import(job_id, 3, "Late,EU\n")     # closed: no more parts
    assert [row.data for row in stored_rows(databases, job_id)] == [
        '{"name": "One", "region": "EU"}', '{"name": "Two", "region": "EU"}']


def test_an_upload_broken_midway_is_failed_with_the_reason_and_never_claimed(
        services, databases, rabbit_config):
    publish_reps(services, databases)
    with proxy(rabbit_config, REPS[0]) as customers:
        job_id = upload(customers, ["name,region\nKept?,EU\n"])
        with pytest.raises(Invalid) as refused:
            customers.append_import(job_id, 2, "Bad\x00Row,EU\n")
        assert refused.value.details == {"csv": ["Line 3: Control character U+0000 is not "
                                                 "allowed in a CSV file."]}
        customers.abort_import(job_id, "csv: Line 3: Control character U+0000 …")
        rpc(services["customers"], "process_imports", ADMIN)
        job = customers.get_import(job_id)
        assert (job["status"], job["error"], job["processed_rows"]) == (
            "failed", "csv: Line 3: Control character U+0000 …", 0)
        assert stored_rows(databases, job_id) == []
        with pytest.raises(Invalid):
            customers.close_import(job_id)
        assert customers.list_customers({})["items"] == []


def test_the_rows_report_pages_each_status(services, databases, rabbit_config):
    publish_reps(services, databases)
    text = "name,email,region\n" + "".join(
        f"Firm {n},{'bad' if n % 3 == 0 else f'f{n}@x.example'},EU\n" for n in range(1, 8))
    with proxy(rabbit_config, ADMIN) as customers:
        job_id = customers.start_import(text)["id"]
        rpc(services["customers"], "process_imports", ADMIN)
        wait_until(lambda: customers.get_import(job_id)["status"] == "done", timeout=30,
                   message="the import to finish")

        def every(status):
            seen, cursor = [], None
            while True:
                page = customers.list_import_rows(job_id, {"status": status, "limit": 2,
                                                           **({"cursor": cursor} if cursor else {})})
                seen += page["items"]
                cursor = page["next_cursor"]
                if cursor is None:
                    return seen
        failed = every("failed")
        assert [item["row"] for item in failed] == [4, 7]
        assert failed[0]["cells"]["email"] == "bad" and failed[0]["errors"][0]["field"] == "email"
        created = every("created")
        assert [item["row"] for item in created] == [2, 3, 5, 6, 8]
        assert all(item["customer_id"] for item in created)
        with pytest.raises(Invalid):
            customers.list_import_rows(job_id, {"status": "lost"})
    with proxy(rabbit_config, REPS[1]) as customers:
        with pytest.raises(Exception) as hidden:
            customers.list_import_rows(job_id, {"status": "failed"})
        assert type(hidden.value).__name__ == "NotFound"
