# Resolves both spellings of the API name on web through the resolver configuration only
# (getent -s dns: search list and ndots apply, /etc/hosts does not).
fail=0
for name in {{api}} {{api}}.{{domain}}; do
  got=""
  for i in 1 2 3; do
    got=$(timeout 8 getent -s dns hosts "$name" | head -n1)
    [ "${got%% *}" = "{{hosts.app.ip}}" ] && break
    sleep 0.3
  done
  if [ "${got%% *}" = "{{hosts.app.ip}}" ]; then
    msgs="$msgs $name -> {{hosts.app.ip}};"
  else
    fail=1
    bad="$bad $name -> ${got:-nothing} (expected {{hosts.app.ip}});"
  fi
done
if [ $fail -eq 0 ]; then echo "web resolves the API through DNS:$msgs"; exit 0; fi
echo "web resolves the API to the wrong place:$bad"
exit 1
