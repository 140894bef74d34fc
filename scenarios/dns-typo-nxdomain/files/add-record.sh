# Yesterday's change: add the new service's record. How it went wrong depends on the seed.
z=/etc/bind/zones/db.{{domain}}
name={{svc}}
case "{{typo_kind}}" in
  swap)   lines=("${name:0:1}${name:2:1}${name:1:1}${name:3}    IN A    {{hosts.app.ip}}") ;;
  nodot)  lines=("{{svc}}.{{domain}}    IN A    {{hosts.app.ip}}") ;;
  origin) lines=('$ORIGIN oob.{{domain}}.' 'app-bmc    IN A    {{env.prefix}}.{{bmc_octet}}' "{{svc}}    IN A    {{hosts.app.ip}}") ;;
esac
printf '%s\n' '; change CHG-1: new service {{svc}} (added by the platform team)' "${lines[@]}" >> $z
sed -i -E 's/^( *)20[0-9]{8}( *; serial)/\12024031501\2/' $z
named-checkzone {{domain}} $z
rndc reload {{domain}}
for i in $(seq 1 20); do dig +short @127.0.0.1 "$name.{{domain}}" A | grep -q . || break; sleep 0.2; done
