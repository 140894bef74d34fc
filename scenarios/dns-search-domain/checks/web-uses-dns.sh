# The proxy must follow DNS: no /etc/hosts entry may shadow the API's names, and the system
# resolver (files, then dns, as nginx uses it) must give production's address.
fail=0
for name in {{api}} {{api}}.{{domain}}; do
  pinned=$(getent -s files hosts "$name" | head -n1)
  got=$(timeout 8 getent hosts "$name" | head -n1)
  if [ -n "$pinned" ]; then
    fail=1; bad="$bad /etc/hosts pins $name to ${pinned%% *};"
  elif [ "${got%% *}" != "{{hosts.app.ip}}" ]; then
    fail=1; bad="$bad $name -> ${got%% *} (expected {{hosts.app.ip}});"
  fi
done
if [ $fail -eq 0 ]; then echo "web resolves {{api}} and {{api}}.{{domain}} through DNS only, to {{hosts.app.ip}}"; exit 0; fi
echo "web does not use DNS for the API:$bad"
exit 1
