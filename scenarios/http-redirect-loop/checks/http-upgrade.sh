# Runs on ns: an old http:// bookmark must end on the same page over HTTPS.
url="http://{{site}}.{{domain}}/{{page}}"
for i in 1 2 3; do
  out=$(curl -sS -L --max-redirs 5 --max-time 5 -w '\n%{http_code} %{url_effective}' "$url" 2>&1)
  last=${out##*$'\n'}
  if [ "$last" = "200 https://{{site}}.{{domain}}/{{page}}" ] && printf '%s' "$out" | grep -q '{{site}}: {{page}}'; then
    echo "$url ends on https://{{site}}.{{domain}}/{{page}} with 200"
    exit 0
  fi
  sleep 1
done
reason=$(printf '%s' "$out" | grep -m1 -i 'curl:' || true)
echo "$url does not end on the HTTPS page: ${reason:-last: $last}"
exit 1
