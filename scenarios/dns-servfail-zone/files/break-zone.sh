# Last week's change, and this morning's restart.
z=/etc/bind/zones/db.{{domain}}
mkdir -p /var/log/named
chown bind:bind /var/log/named
chown root:bind $z
case "{{break_kind}}" in
  syntax) sed -i -E 's/^({{newrec}}[[:space:]]+IN[[:space:]]+A[[:space:]]+).*/\1{{hosts.web.ip}}0/' $z ;;
  soa)    sed -i -E 's/2024061401( *; serial)/20240614012\1/' $z ;;
  perms)  sed -i -E 's/2024061401( *; serial)/2024061402\1/' $z
          chmod 0600 $z
          chown root:root $z ;;
esac
svc stop >/dev/null 2>&1 || true
for i in $(seq 1 50); do pgrep -x named >/dev/null || break; sleep 0.2; done
svc start
for i in $(seq 1 25); do dig +time=1 +tries=1 @127.0.0.1 version.bind chaos txt >/dev/null && break; sleep 0.2; done
dig +time=1 +tries=1 @127.0.0.1 version.bind chaos txt >/dev/null
