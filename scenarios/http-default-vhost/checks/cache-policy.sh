# Publishes a throw-away page on the origin through its publishing endpoint, reads it through the
# edge, changes it and measures how long the edge keeps serving the old version; also checks what
# browsers are told to keep.
publish="http://{{hosts.web.ip}}:8080/campaigns/$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n').html"
url="http://{{site}}.{{domain}}/campaigns/${publish##*/}"
limit={{fresh_s}}
put() { curl -q -sS --max-time 4 -f -o /dev/null -X PUT --data-binary "$1" "$publish"; }
trap 'curl -q -s --max-time 4 -o /dev/null -X DELETE "$publish"' EXIT
put "probe-a-$RANDOM" || fl_fail "could not publish a test page on the origin ($publish)"
curl -q -s --max-time 4 -o /dev/null "$url"
headers=$(curl -q -s --max-time 4 -D - -o /dev/null "$url" | tr -d '\r')
verdict=$(python3 -c '
import sys, email.utils, re
limit = int(sys.argv[1])
h = {}
for line in sys.stdin:
    if ":" in line:
        k, v = line.split(":", 1)
        h.setdefault(k.strip().lower(), v.strip())
cc = h.get("cache-control", "").lower()
if any(d in cc for d in ("no-store", "no-cache")):
    print("ok"); sys.exit()
m = re.search(r"(?<!-)max-age=(\d+)", cc)
if m:
    print("ok" if int(m.group(1)) <= limit else "browsers are told max-age=%s" % m.group(1)); sys.exit()
if "expires" in h and "date" in h:
    try:
        ttl = (email.utils.parsedate_to_datetime(h["expires"]) - email.utils.parsedate_to_datetime(h["date"])).total_seconds()
    except (TypeError, ValueError):
        ttl = 0
    print("ok" if ttl <= limit else "browsers are told Expires = Date + %d s" % ttl); sys.exit()
print("ok")
' "$limit" <<<"$headers")
[ "$verdict" = "ok" ] || fl_fail "pages are cached too long for the ${limit} s rule: $verdict"
new="probe-b-$RANDOM$RANDOM"
put "$new" || fl_fail "could not change the test page on the origin ($publish)"
start=$(date +%s)
while [ $(( $(date +%s) - start )) -le $(( limit + 3 )) ]; do
  [ "$(curl -q -s --max-time 4 "$url")" = "$new" ] &&
    fl_pass "a changed page shows through the edge after $(( $(date +%s) - start )) s (rule: ${limit} s), and browsers may keep it at most ${limit} s"
  sleep 1
done
fl_fail "a changed page still shows its old version through the edge after $(( limit + 3 )) s (rule: ${limit} s)"
