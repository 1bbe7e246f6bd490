#!/usr/bin/env python3
"""Limited-drop test driver: BUYERS shoppers wait for a game's launch, then all at once add it to
their cart, check out and pay. The pool holds KEYS license keys. Afterwards exactly KEYS orders
must be paid, each with its own key, and every other shopper must have been told "sold out"
before paying (at the cart or at checkout); nobody may see an error.

Usage: drop.py BASE_URL DATABASE_URL VARIANT_ID KEYS BUYERS LAUNCH_UNIX   Standard library only."""
import sys, threading, time, urllib.error, urllib.parse, urllib.request, uuid
import shopclient

BASE, DB, VARIANT, KEYS, BUYERS, LAUNCH = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
lock = threading.Lock()
outcomes = {}  # buyer -> paid | sold_out_cart | sold_out_checkout | error: ...
latency = {"add": [], "checkout": [], "pay": []}
early = [0]  # "not on sale yet" answers before the launch


def sql(q):
    return shopclient.sql(DB, q)


def post(opener, path, fields, kind):
    """Returns (status, Location, body); records the latency of the request under `kind`."""
    req = urllib.request.Request(BASE + path, data=urllib.parse.urlencode(fields).encode(), method="POST")
    t = time.perf_counter()
    try:
        with opener.open(req, timeout=60) as r:
            res = r.status, r.headers.get("location", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        res = e.code, e.headers.get("location", ""), e.read().decode()
    with lock:
        latency[kind].append(time.perf_counter() - t)
    return res


def buyer(i, start):
    o = shopclient.client()
    start.wait()
    try:
        while True:
            status, _, body = post(o, "/api/cart/add-in-place", {"variant_id": VARIANT, "quantity": 1}, "add")
            if status == 200:
                break
            if "not on sale" in body.lower():
                with lock:
                    early[0] += 1
                time.sleep(0.05)
                continue
            outcomes[i] = "sold_out_cart" if "sold out" in body.lower() else f"error: add {status} {body[:120]}"
            return
        fields = {"checkout_key": str(uuid.uuid4()), "email": f"drop-{i}@example.com"}
        status, loc, body = post(o, "/api/checkout/place", fields, "checkout")
        if "/pay/" not in loc:
            outcomes[i] = "sold_out_checkout" if status == 409 and "sold out" in body.lower() else f"error: checkout {status} {body[:120]}"
            return
        order = loc.rsplit("/", 1)[1]
        status, loc, body = post(o, "/api/pay/card", {"order_id": order, "card_number": "4242424242424242"}, "pay")
        outcomes[i] = "paid" if f"/order/{order}" in loc else f"error: pay {status} {loc} {body[:120]}"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
        outcomes[i] = f"error: {e}"


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))] * 1000 if xs else 0.0


def main():
    start = threading.Event()
    threads = [threading.Thread(target=buyer, args=(i, start)) for i in range(BUYERS)]
    for t in threads:
        t.start()
    # Everyone presses the button a little before the launch, as a crowd does.
    time.sleep(max(0.0, LAUNCH - time.time() - 0.3))
    t0 = time.time()
    start.set()
    for t in threads:
        t.join()
    elapsed = time.time() - t0
    # The worker assigns keys after payment; wait for it.
    for _ in range(120):
        if sql(f"SELECT count(*) FROM jobs WHERE status = 'queued' AND kind = 'keys.assign'")[0][0] == "0":
            break
        time.sleep(0.5)

    failures = []
    def check(ok, what):
        if not ok:
            failures.append(what)
    count = {k: sum(1 for v in outcomes.values() if v == k) for k in ("paid", "sold_out_cart", "sold_out_checkout")}
    errors = [v for v in outcomes.values() if v.startswith("error")]
    check(len(outcomes) == BUYERS, f"{BUYERS - len(outcomes)} buyers without an outcome")
    check(not errors, f"{len(errors)} buyers saw an error, e.g. {errors[:3]}")
    check(count["paid"] == KEYS, f"{count['paid']} buyers were told they paid, the pool held {KEYS}")
    paid = sql(f"""SELECT o.id, (SELECT count(*) FROM license_keys k WHERE k.order_id = o.id)
        FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.variant_id = {VARIANT} AND o.status = 'paid'""")
    check(len(paid) == KEYS, f"{len(paid)} paid orders in the database, the pool held {KEYS}")
    check(all(n == "1" for _, n in paid), "a paid order without exactly one key")
    distinct = sql(f"SELECT count(DISTINCT id), count(DISTINCT order_id) FROM license_keys WHERE variant_id = {VARIANT} AND status = 'assigned'")[0]
    check(distinct == [str(KEYS), str(KEYS)], f"assigned keys / orders: {distinct}, expected {KEYS} each")
    left = sql(f"SELECT count(*) FILTER (WHERE status = 'available'), (SELECT stock FROM variants WHERE id = {VARIANT}) FROM license_keys WHERE variant_id = {VARIANT}")[0]
    check(left == ["0", "0"], f"keys available / stock after the drop: {left}")
    unpaid = sql(f"SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.variant_id = {VARIANT} AND o.status <> 'paid'")[0][0]
    check(unpaid == "0", f"{unpaid} orders of the drop left unpaid (someone was let past 'sold out')")
    check(early[0] > 0 or LAUNCH < t0, "no buyer was turned away before the launch (the gate was not tested)")
    n = sum(len(v) for v in latency.values())
    print(f"drop: {KEYS} keys, {BUYERS} buyers, {elapsed:.2f} s from launch to the last answer; "
          f"{count['paid']} paid, {count['sold_out_cart']} told sold out at the cart, "
          f"{count['sold_out_checkout']} at checkout, {len(errors)} errors, {early[0]} early tries refused")
    print(f"drop: {n} requests, {n / elapsed:.0f} req/s; p50/p99 ms: " + ", ".join(
        f"{k} {pct(v, 0.5):.0f}/{pct(v, 0.99):.0f}" for k, v in latency.items()))
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("drop: exactly the pool was sold, every key to one order, everyone else told 'sold out' before paying")


main()
