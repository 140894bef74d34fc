# The proxy must follow DNS: no line of web's /etc/hosts (the engine's copy; glibc reads it before
# DNS) may name the API. That DNS itself gives production's address is web-resolves-api's part.
hosts=$(fl_state web /etc/hosts)
[ -f "$hosts" ] || fl_pass "web has no /etc/hosts: nothing overrides DNS for {{api}}"
# glibc: an address, then names matched without case; anything after # is a comment.
pins=$(awk '{ sub(/#.*/, "") } NF >= 2 { for (i = 2; i <= NF; i++) if (tolower($i) == "{{api}}" || tolower($i) == "{{api}}.{{domain}}") printf " %s -> %s;", $i, $1 }' "$hosts")
[ -z "$pins" ] || fl_fail "web's /etc/hosts overrides DNS for the API:$pins"
fl_pass "no /etc/hosts entry on web names {{api}} or {{api}}.{{domain}}: the proxy follows DNS"
