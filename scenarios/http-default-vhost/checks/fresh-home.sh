# Runs on web (the origin): what the edge serves for the home page must be what the origin has now.
url="http://{{site}}.{{domain}}/"
want=$(cat /var/www/{{site}}/index.html)
for i in 1 2 3 4; do
  got=$(curl -sS --max-time 4 "$url" 2>&1)
  if [ "$got" = "$want" ]; then
    echo "$url serves the current home page ($(printf '%s' "$got" | grep -o 'Flash sale: [^<]*'))"
    exit 0
  fi
  sleep 1
done
echo "$url serves an outdated home page: '$(printf '%s' "$got" | grep -o 'Flash sale: [^<]*' || echo "$got" | head -n1)', the origin has '$(printf '%s' "$want" | grep -o 'Flash sale: [^<]*')'"
exit 1
