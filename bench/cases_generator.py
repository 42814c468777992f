#!/usr/bin/env python3
"""Fills a migrated cwc-gateway database with realistic cases for bench/cases.sh.

Usage: cases_generator.py CONFIG.json DB [COUNT] [SEED]

The database must exist with the current schema (bench/cases.sh has the gateway create it).
Cases follow the config's case types, categories, regions, languages, organisations, sex and
age-group options: six months of feedback, about 2 % sensitive, demographics only where "given",
statuses with their times (acknowledged within hours, answered within days, some late, some
reopened), one 'opened' event per case plus one per move, satisfaction on some closed cases,
and descriptions in Spanish or English, a few with a phone number or a formula planted in them.
"""
import hashlib
import hmac
import json
import random
import sqlite3
import sys
import time

HOUR = 3_600_000
DAY = 24 * HOUR


def main():
    config_path, db_path = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 20261124)
    cfg = json.load(open(config_path))

    types = {t["id"]: t for t in cfg["case_types"]}
    by_type = {}
    for c in cfg["categories"]:
        by_type.setdefault(c["type"], []).append(c)
    type_weights = {"complaint": 40, "question": 30, "request": 10, "suggestion": 7,
                    "rumour": 8, "praise": 5}
    type_ids = [t for t in types if t in type_weights]
    weights = [type_weights[t] for t in type_ids]
    regions = [r["id"] for r in cfg["regions"]]
    region_weights = [max(1, 40 // (i + 1)) for i in range(len(regions))]
    languages = [lang["code"] for lang in cfg["languages"]]
    language_weights = [85] + [15 // max(1, len(languages) - 1)] * (len(languages) - 1)
    organisations = [o["id"] for o in cfg["organisations"]]
    org_weights = [70] + [30 // max(1, len(organisations) - 1)] * (len(organisations) - 1)
    channels = [c["id"] for c in cfg["channels"]]
    # Configs without the optional questions still get the example's answer ids.
    sexes = [s["id"] for s in cfg.get("sex_options", [])] or ["female", "male", "other"]
    ages = [a["id"] for a in cfg.get("age_groups", [])] or ["0-17", "18-24", "25-59", "60-plus"]

    words = {
        "es": ("no me dieron la cita en migraciones y ya pasaron tres semanas, nadie responde "
               "en la oficina de documentación y necesito el carné para trabajar").split(),
        "en": ("the clinic refused to see my daughter without papers and the helpline did not "
               "answer, we waited all day at the centre and nobody explained why").split(),
    }
    plants = ["llamar al +51 987 654 321", "mi carné 001234567", "=HYPERLINK(\"http://x\")",
              "call me on 0770 123 4567"]

    db = sqlite3.connect(db_path)
    db.execute("PRAGMA synchronous = OFF")
    key = b"bench-pseudonym-key"
    now = int(time.time() * 1000)
    start = now - 180 * DAY
    people = max(1, count * 35 // 100)

    t0 = time.time()
    db.execute("BEGIN")
    contact_base = db.execute("SELECT COALESCE(MAX(id), 0) FROM contacts").fetchone()[0]
    contacts = []
    for i in range(people):
        address = "+519%08d" % (10_000_000 + i)
        pseudonym = "p_" + hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]
        contacts.append((contact_base + i + 1, address, pseudonym, start))
    db.executemany("INSERT INTO contacts (id, address, pseudonym, created_at) VALUES (?, ?, ?, ?)",
                   contacts)
    del contacts

    case_base = db.execute("SELECT COALESCE(MAX(id), 0) FROM cases").fetchone()[0]
    cases, events = [], []
    statuses = {}
    for n in range(count):
        cid = case_base + n + 1
        # More feedback in recent weeks: the square root skews opening times towards now.
        opened = start + int((180 * DAY) * (rng.random() ** 0.7))
        ctype = rng.choices(type_ids, weights)[0]
        pool = by_type.get(ctype) or by_type["complaint"]
        category = rng.choice([c for c in pool if not c.get("sensitive")] or pool)
        sensitive = 0
        if ctype == "complaint" and rng.random() < 0.05:
            sens = [c for c in pool if c.get("sensitive")]
            if sens:
                category, sensitive = rng.choice(sens), 1
        t = types[ctype]
        ack_due = opened + t.get("acknowledge_hours", 24) * HOUR
        due = opened + t.get("response_days", 7) * DAY
        language = rng.choices(languages, language_weights)[0]
        text = " ".join(rng.choice(words.get(language, words["es"]))
                        for _ in range(rng.randint(8, 45)))
        if rng.random() < 0.03:
            text += " " + rng.choice(plants)
        acknowledged = responded = closed = 0
        satisfaction = 0
        status = "new"
        age_hours = (now - opened) / HOUR
        moves = []
        if age_hours > 1 and rng.random() < 0.93:
            acknowledged = opened + int(rng.lognormvariate(1.8, 1.0) * HOUR)
            if acknowledged < now:
                status = "acknowledged"
                moves.append((acknowledged, "new", "acknowledged"))
                if rng.random() < 0.8:
                    responded = acknowledged + int(rng.lognormvariate(0.9, 0.8) * DAY)
                    if responded < now:
                        if rng.random() < 0.15:
                            moves.append((responded - HOUR, status, "referred"))
                            status = "referred"
                        moves.append((responded, status, "responded"))
                        status = "responded"
                        if rng.random() < 0.7:
                            closed = responded + int(rng.random() * 3 * DAY)
                            if closed < now:
                                moves.append((closed, "responded", "closed"))
                                status = "closed"
                                if rng.random() < 0.3:
                                    satisfaction = rng.choices([1, 2, 3, 4, 5], [5, 8, 20, 37, 30])[0]
                                if rng.random() < 0.03:
                                    moves.append((closed + DAY, "closed", "reopened"))
                                    status, closed = "reopened", 0
                            else:
                                closed = 0
                    else:
                        responded = 0
            else:
                acknowledged = 0
        statuses[status] = statuses.get(status, 0) + 1
        sex = rng.choice(sexes) if sexes and rng.random() < 0.6 else ""
        age = rng.choice(ages) if ages and rng.random() < 0.55 else ""
        cases.append((cid, "B%07X" % cid, contact_base + 1 + rng.randrange(people), 0,
                      rng.choice(channels), ctype, category["id"],
                      rng.choices(regions, region_weights)[0] if rng.random() < 0.9 else "",
                      language, text, sensitive, status, opened, due,
                      rng.choices(organisations, org_weights)[0], "", sex, age, ack_due,
                      acknowledged, responded, closed, satisfaction))
        events.append((cid, opened, "system", "opened", "", "new"))
        for at, frm, to in moves:
            events.append((cid, at, "officer:bench", "status", frm, to))
        if len(cases) >= 50_000:
            flush(db, cases, events)
    flush(db, cases, events)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print("generated %d cases, %d contacts in %.1f s; statuses %s" %
          (count, people, time.time() - t0, dict(sorted(statuses.items()))))


def flush(db, cases, events):
    db.executemany(
        "INSERT INTO cases (id, reference, contact_id, inbound_id, channel_id, type, category, "
        "region, language, description, sensitive, status, opened_at, due_at, organisation, codes, "
        "sex, age_group, acknowledge_due_at, acknowledged_at, responded_at, closed_at, "
        "satisfaction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        cases)
    db.executemany(
        "INSERT INTO case_events (case_id, at, actor, action, from_status, to_status) "
        "VALUES (?, ?, ?, ?, ?, ?)", events)
    cases.clear()
    events.clear()


if __name__ == "__main__":
    main()
