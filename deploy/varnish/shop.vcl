# Varnish in front of the shop: the shop's Cache-Control decides what is stored (public pages,
# photos and content-hashed files; never a private page), and the shop's purge task bans changed
# pages with `BAN` + `X-Ban-Url: <regex over paths>` (app/src/platform/purge.rs). The tests start it
# with scripts/lib/proxy.sh, which points the backend at the test server.
vcl 4.1;

backend shop {
    .host = "127.0.0.1";
    .port = "3000";
}

# Only the shop itself (on this host) may ban.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (!req.http.x-ban-url) {
            return (synth(400, "X-Ban-Url is needed"));
        }
        # Against the stored URL (a header on the object), so the ban lurker can clear objects in
        # the background instead of each lookup testing them.
        ban("obj.http.x-url ~ " + req.http.x-ban-url);
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # A request with cookies may still be answered from the cache: the shop renders public pages
    # without cookies (they are the same for everyone) and marks every other page no-store, which
    # Varnish never stores. (The built-in rule would pass every request that has a cookie.)
    return (hash);
}

sub vcl_backend_response {
    set beresp.http.x-url = bereq.url;
}

sub vcl_deliver {
    unset resp.http.x-url;
    # For the tests' hit ratios: HIT (from the cache), MISS (fetched and stored), PASS (not storable).
    if (obj.uncacheable) {
        set resp.http.x-cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.x-cache = "HIT";
    } else {
        set resp.http.x-cache = "MISS";
    }
}
