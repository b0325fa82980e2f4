"""Where a common word's first page (newest first) spends its time on a SQLite customers file,
in raw SQL, statement by statement: the FTS5 count up to DENSE, the NEWEST-th hit by rowid, the
walk with and without the newest-hits membership, the rare path for scale; and the layout that
decides it (rows, FTS5 segments, how many walked rows are below the membership's rowid).

    python -m bench.text_anatomy /tmp/crm-bench-sqlite-…/customers.db [word]

Used on a `bench.run --keep` database (bench/FINDINGS.md, fifth session). Read-only.
"""
import sqlite3
import sys
import time

from services.customers.queries.search_filters import DENSE, NEWEST

PAGE = 26                   # bench/lists.py's page of 25 and the one more that says "next"


def main(path, word="logistics"):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    phrase, like = f'"{word}"', f"%{word}%"

    def one(sql, *args):
        return db.execute(sql, args).fetchone()

    def timed(label, sql, *args, n=7):
        cpu, wall = [], []
        for _ in range(n):
            started, cpu_started = time.perf_counter(), time.process_time()
            db.execute(sql, args).fetchall()
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        cpu.sort()
        wall.sort()
        print(f"  {label}: cpu median {cpu[n // 2]:.2f} ms (least {cpu[0]:.2f}), "
              f"wall median {wall[n // 2]:.2f}")

    print("rows, max rowid", one("SELECT count(*), max(rowid) FROM customer"))
    print("FTS5 hits, min/max rowid", one(
        "SELECT count(*), min(rowid), max(rowid) FROM customer_fts WHERE customer_fts MATCH ?", phrase))
    print("FTS5 segments", one("SELECT count(DISTINCT segid) FROM customer_fts_idx")[0],
          "| _data rows, bytes", one("SELECT count(*), sum(length(block)) FROM customer_fts_data"))
    print("pages of", one("PRAGMA page_size")[0], "bytes:", one("PRAGMA page_count")[0])
    found = one("SELECT rowid FROM customer_fts WHERE customer_fts MATCH ? ORDER BY rowid DESC "
                "LIMIT 1 OFFSET ?", phrase, NEWEST - 1)
    if found is None:
        sys.exit(f"fewer than NEWEST = {NEWEST} hits")
    newest = found[0]
    walked = below = hits = 0
    for rowid, text in db.execute("SELECT rowid, search_text FROM customer INDEXED BY "
                                  "ix_customer_created_sort WHERE merged_into IS NULL "
                                  "ORDER BY created_at DESC, id DESC"):
        walked, below = walked + 1, below + (rowid < newest)
        hits += word in text
        if hits == PAGE:
            break
    print(f"R (the NEWEST-th hit by rowid) {newest}; the walk reads {walked} rows for {PAGE} "
          f"matches, {below} of them below R (read from the table whatever the path)")
    membership = ("SELECT * FROM customer WHERE merged_into IS NULL AND (rowid < ? OR rowid IN "
                  "(SELECT rowid FROM customer_fts WHERE customer_fts MATCH ? AND rowid >= ?)) AND "
                  "search_text LIKE ? ORDER BY created_at DESC, id DESC LIMIT ?")
    for (_, _, _, detail) in db.execute("EXPLAIN QUERY PLAN " + membership,
                                        (newest, phrase, newest, like, PAGE)):
        print("  plan:", detail)
    timed(f"count up to DENSE ({DENSE})", "SELECT count(*) FROM (SELECT rowid FROM customer_fts "
          "WHERE customer_fts MATCH ? LIMIT ?)", phrase, DENSE)
    timed("the NEWEST-th hit", "SELECT rowid FROM customer_fts WHERE customer_fts MATCH ? "
          "ORDER BY rowid DESC LIMIT 1 OFFSET ?", phrase, NEWEST - 1)
    timed("walk with the membership", membership, newest, phrase, newest, like, PAGE)
    timed("walk, plain", "SELECT * FROM customer WHERE merged_into IS NULL AND search_text LIKE ? "
          "ORDER BY created_at DESC, id DESC LIMIT ?", like, PAGE)
    timed("every hit, sorted (the rare path)", "SELECT * FROM customer WHERE merged_into IS NULL "
          "AND rowid IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?) AND search_text "
          "LIKE ? ORDER BY created_at DESC, id DESC LIMIT ?", phrase, like, PAGE, n=3)


if __name__ == "__main__":
    main(*sys.argv[1:])
