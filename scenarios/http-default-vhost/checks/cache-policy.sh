# Runs on web (the origin). Publishes a throw-away page, reads it through the edge, changes it and
# measures how long the edge keeps serving the old version; also checks what browsers are told.
dir=/var/www/{{site}}
probe=$dir/fl-cache-probe.html
url="http://{{site}}.{{domain}}/fl-cache-probe.html"
limit={{fresh_s}}
trap 'rm -f "$probe"' EXIT
echo "probe-a-$$-$RANDOM" > "$probe"
curl -s --max-time 4 -o /dev/null "$url"
headers=$(curl -s --max-time 4 -D - -o /dev/null "$url" | tr -d '\r')
verdict=$(printf '%s\n' "$headers" | python3 -c '
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
' "$limit")
if [ "$verdict" != "ok" ]; then
  echo "pages are cached too long for the ${limit} s rule: $verdict"
  exit 1
fi
new="probe-b-$$-$RANDOM"
echo "$new" > "$probe"
start=$(date +%s)
while [ $(( $(date +%s) - start )) -le $(( limit + 3 )) ]; do
  if [ "$(curl -s --max-time 4 "$url")" = "$new" ]; then
    echo "a changed page shows through the edge after $(( $(date +%s) - start )) s (rule: ${limit} s), and browsers may keep it at most ${limit} s"
    exit 0
  fi
  sleep 1
done
echo "a changed page still shows its old version through the edge after $(( limit + 3 )) s (rule: ${limit} s)"
exit 1
