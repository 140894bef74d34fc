# Runs on lb against its own service address: the site must answer, and from both backends.
seen=""
fails=0
for i in $(seq 1 8); do
  out=$(curl -sS --max-time 3 -w '\n%{http_code}' "http://{{hosts.lb.ip}}/" 2>&1)
  code=${out##*$'\n'}
  if [ "$code" = "200" ]; then
    name=$(printf '%s' "$out" | grep -o '"app": "[^"]*"' | cut -d'"' -f4)
    case " $seen " in *" $name "*) ;; *) seen="$seen $name" ;; esac
  else
    fails=$((fails + 1)); last=$code
  fi
  sleep 0.2
done
n=$(echo $seen | wc -w)
if [ "$fails" -eq 0 ] && [ "$n" -ge 2 ]; then
  echo "the load balancer answers 200 and spreads requests over both backends:$seen"
  exit 0
fi
if [ "$fails" -gt 0 ]; then
  echo "the load balancer failed $fails of 8 requests (last HTTP status: ${last:-none})"
else
  echo "the load balancer answers, but only from:${seen:- nothing}; both backends must serve traffic"
fi
exit 1
