#!/usr/bin/env python3
"""Crash test driver: shoppers check out and pay (good, declined and slow cards) and a payment
provider replays signed webhooks, while the server is killed with SIGKILL at random moments and
restarted. Afterwards the worker and the hold release run, and the database must show that no paid
order is missing, none is paid twice, no hold leaks and every ledger balances.

Usage: crash.py BASE_URL DATABASE_URL KILLS   (the server is (re)started by ./restart-server)
Standard library only."""
import hashlib, hmac, json, os, random, subprocess, sys, threading, time, urllib.error
import urllib.parse, urllib.request, uuid
from shopclient import client
import shopclient

BASE, DB, KILLS = sys.argv[1], sys.argv[2], int(sys.argv[3])
RESTART = os.environ["CRASH_RESTART"]  # a command that kills and restarts the server, waiting until ready
SECRET = "whsec_builtin_development_only"
lock = threading.Lock()
seen = {}  # order id -> what the client was told: paid | delayed | declined | webhook-paid
stats = {"checkouts": 0, "sold_out": 0, "errors": 0, "webhooks": 0}
stop = threading.Event()


def sql(q):
    return shopclient.sql(DB, q)


def post(opener, path, fields, headers=None, body=None):
    data = body if body is not None else urllib.parse.urlencode(fields).encode()
    req = urllib.request.Request(BASE + path, data=data, method="POST", headers=headers or {})
    try:
        with opener.open(req, timeout=15) as r:
            return r.status, r.headers.get("location", "")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("location", "")


def shopper(variants):
    while not stop.is_set():
        o = client()
        try:
            variant = random.choice(variants)
            post(o, "/api/cart/add", {"variant_id": variant, "quantity": 1})
            email = f"crash-{uuid.uuid4().hex[:10]}@example.com"
            fields = {"checkout_key": str(uuid.uuid4()), "email": email}
            if variant == variants[0]:  # the ring ships
                fields.update(shipping_method="standard", name="Ada", line1="1 Way", line2="", city="London",
                              postal_code="N1", country="GB")
            status, loc = post(o, "/api/checkout/place", fields)
            if "/pay/" not in loc:
                with lock:
                    stats["sold_out" if status in (302, 303, 409) else "errors"] += 1
                continue
            order = loc.rsplit("/", 1)[1]
            with lock:
                stats["checkouts"] += 1
            card, told = random.choice([("4242424242424242", "paid")] * 6 + [("4000000000003220", "delayed")] * 2
                                       + [("4000000000000002", "declined")] + [(None, "webhook")])
            if card is None:
                webhook(order, variant)
                continue
            status, loc = post(o, "/api/pay/card", {"order_id": order, "card_number": card})
            # A declined card answers 400 to a client that is not a browser form (a browser is sent back to /pay).
            if f"/order/{order}" in loc or (told == "declined" and (status == 400 or f"/pay/{order}" in loc)):
                with lock:
                    seen[order] = told
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            with lock:
                stats["errors"] += 1
            time.sleep(0.2)


def webhook(order, variant):
    """A provider delivering one success event until it gets a 200, plus two replays."""
    total = sql(f"SELECT total_minor FROM orders WHERE id = '{order}'")[0][0]
    event = {"id": "evt_" + uuid.uuid4().hex, "type": "payment.succeeded",
             "data": {"order_id": order, "amount_minor": int(total), "currency": "EUR", "charge": "ch_" + uuid.uuid4().hex}}
    body = json.dumps(event).encode()
    acked, deadline = 0, time.time() + 60
    while acked < 3 and time.time() < deadline:
        t = int(time.time())
        sig = hmac.new(SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        try:
            status, _ = post(client(), "/webhooks/builtin", None, {"stripe-signature": f"t={t},v1={sig}"}, body)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.3)
            continue
        if status == 200:
            acked += 1
            with lock:
                seen[order] = "webhook"
                stats["webhooks"] += 1


def main():
    variants = [row[0] for row in sql("SELECT id FROM variants WHERE sku LIKE 'CRASH-%' ORDER BY id")]
    initial = {v: int(s) for v, s in sql("SELECT id, stock FROM variants WHERE sku LIKE 'CRASH-%'")}
    threads = [threading.Thread(target=shopper, args=(variants,), daemon=True) for _ in range(8)]
    for t in threads:
        t.start()
    for k in range(KILLS):
        time.sleep(random.uniform(0.5, 3.0))
        subprocess.run(RESTART, shell=True, check=True)
        print(f"  kill {k + 1}/{KILLS}: server killed and restarted", flush=True)
    time.sleep(2)
    stop.set()
    for t in threads:
        t.join(timeout=90)

    # Let the worker finish (late confirmations, e-mails), then expire every remaining hold.
    for _ in range(120):
        if sql("SELECT count(*) FROM jobs WHERE status = 'queued'")[0][0] == "0":
            break
        time.sleep(1)
    sql("UPDATE stock_holds SET expires_at = now() - interval '1 second' WHERE status = 'active'")
    for _ in range(60):
        if sql("SELECT count(*) FROM stock_holds WHERE status = 'active'")[0][0] == "0":
            break
        time.sleep(1)

    failures = []
    def check(ok, what):
        if not ok:
            failures.append(what)
    status = dict(sql("SELECT id, status FROM orders"))
    missing = [o for o, told in seen.items() if told != "declined" and status.get(o) != "paid"]
    check(not missing, f"orders the shopper was told were paid but are not: {missing[:5]}")
    declined_paid = [o for o, told in seen.items() if told == "declined" and status.get(o) == "paid"]
    check(not declined_paid, f"declined orders that were paid: {declined_paid[:5]}")
    twice = sql("SELECT order_id FROM payments WHERE status = 'succeeded' GROUP BY order_id HAVING count(*) > 1")
    check(not twice, f"orders paid twice: {twice[:5]}")
    paid = int(sql("SELECT count(*) FROM orders WHERE status = 'paid'")[0][0])
    succeeded = int(sql("SELECT count(*) FROM payments WHERE status = 'succeeded'")[0][0])
    check(paid == succeeded, f"{paid} paid orders but {succeeded} successful payments")
    check(sql("SELECT count(*) FROM stock_holds WHERE status = 'active'")[0][0] == "0", "holds still active after expiry")
    check(sql("SELECT count(*) FROM orders WHERE status = 'pending_payment'")[0][0] == "0", "unpaid orders not cancelled")
    for v, start in initial.items():
        stock, ledger, sold = map(int, sql(f"""SELECT v.stock,
            (SELECT coalesce(sum(delta), 0) FROM stock_ledger WHERE variant_id = v.id),
            (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id
              WHERE l.variant_id = v.id AND o.status = 'paid')
            FROM variants v WHERE v.id = {v}""")[0])
        check(stock >= 0, f"variant {v}: stock {stock} below zero")
        check(start + ledger == stock, f"variant {v}: ledger {start}+{ledger} != stock {stock}")
        check(start - sold == stock, f"variant {v}: {start} - {sold} sold != stock {stock}")
    mails = int(sql("""SELECT count(*) FROM orders o WHERE o.status = 'paid' AND 2 <> (SELECT count(*) FROM jobs j
        WHERE j.dedupe_key IN ('email.order_confirmation:' || o.id, 'email.payment_received:' || o.id) AND j.status = 'done')""")[0][0])
    check(mails == 0, f"{mails} paid orders without both e-mails delivered")
    check(sql("SELECT count(*) FROM jobs WHERE status <> 'done'")[0][0] == "0", "jobs not done (queued or dead)")
    told = {k: sum(1 for v in seen.values() if v == k) for k in ("paid", "delayed", "declined", "webhook")}
    print(f"crash test: {KILLS} kills, {stats['checkouts']} orders placed, {paid} paid "
          f"(told: {told}), {stats['sold_out']} refused, {stats['errors']} requests cut by a kill, "
          f"{stats['webhooks']} webhook deliveries acknowledged")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("crash test: every invariant holds (no paid order missing, none paid twice, no hold leaked, ledgers balance)")


main()
