#!/usr/bin/env python3
"""Fills a migrated cwc-gateway database with broadcast subscribers for bench/broadcast.sh.

Usage: broadcast_generator.py CONFIG.json DB [COUNT] [SEED]

COUNT people (default 100,000) who subscribed by SMS: each to the config's first topic and, for
a third of them, to another one; a region for 80 % (the rest never said); 85 % in the default
language, the rest in the others; 2 % opted out since (STOP: no topics left, like the gateway
leaves them), and a consent_log row per change as the gateway writes it. Numbers are
+519xxxxxxxx, pseudonyms an HMAC like the gateway's (with a bench key).
"""
import hashlib
import hmac
import json
import random
import sqlite3
import sys
import time


def main():
    config_path, db_path = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 20261124)
    cfg = json.load(open(config_path))
    topics = [t["id"] for t in cfg["topics"]]
    regions = [r["id"] for r in cfg["regions"]]
    languages = [lang["code"] for lang in cfg["languages"]]
    default = cfg["deployment"]["default_language"]
    others = [lang for lang in languages if lang != default] or [default]
    channel = cfg["channels"][0]["id"]
    key = b"bench-pseudonym-key"
    now = int(time.time() * 1000)

    db = sqlite3.connect(db_path)
    db.execute("PRAGMA synchronous = OFF")
    t0 = time.time()
    db.execute("BEGIN")
    base = db.execute("SELECT COALESCE(MAX(id), 0) FROM contacts").fetchone()[0]
    contacts, subscribers, subscriptions, log = [], [], [], []
    opted_out = subscribed = 0
    for i in range(count):
        cid = base + i + 1
        address = "+519%08d" % (20_000_000 + i)
        pseudonym = "p_" + hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]
        # "" = never chose: the default language applies.
        language = rng.choice(["", default]) if rng.random() < 0.85 else rng.choice(others)
        since = now - rng.randrange(1, 90) * 86_400_000
        stop = rng.random() < 0.02
        contacts.append((cid, address, pseudonym, language, int(stop), since, since))
        region = rng.choice(regions) if rng.random() < 0.8 else ""
        subscribers.append((cid, channel, region, since))
        mine = [topics[0]]
        if len(topics) > 1 and rng.random() < 0.33:
            mine.append(rng.choice(topics[1:]))
        for t in mine:
            log.append((cid, since, "subscribed", t, "", channel, "menu"))
        if region:
            log.append((cid, since, "region_set", "", region, channel, "menu"))
        if stop:
            opted_out += 1
            log.append((cid, since + 1000, "opted_out", "", "", channel, "stop"))
        else:
            subscribed += 1
            subscriptions.extend((cid, t, since) for t in mine)
    db.executemany("INSERT INTO contacts (id, address, pseudonym, language, opted_out, "
                   "last_inbound_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", contacts)
    db.executemany("INSERT INTO subscribers (contact_id, channel_id, region, updated_at) "
                   "VALUES (?, ?, ?, ?)", subscribers)
    db.executemany("INSERT INTO subscriptions (contact_id, topic, since) VALUES (?, ?, ?)",
                   subscriptions)
    db.executemany("INSERT INTO consent_log (contact_id, at, action, topic, region, channel_id, "
                   "source) VALUES (?, ?, ?, ?, ?, ?, ?)", log)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print("generated %d people (%d subscribed to %s, %d opted out since) in %.1f s" %
          (count, subscribed, topics[0], opted_out, time.time() - t0))


if __name__ == "__main__":
    main()
