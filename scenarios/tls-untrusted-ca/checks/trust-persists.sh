# Runs on ws: rebuild the CA bundle exactly as update-ca-certificates does (the certificates enabled
# in /etc/ca-certificates.conf plus every *.crt under /usr/local/share/ca-certificates) into a
# scratch file and verify the site against it. A line appended by hand to ca-certificates.crt would
# vanish at the next package update; this check only passes for trust that survives a rebuild.
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
sed -e '/^#/d' -e '/^!/d' -e '/^$/d' /etc/ca-certificates.conf | while read -r c; do
  [ -f "/usr/share/ca-certificates/$c" ] && cat "/usr/share/ca-certificates/$c" && echo
done > "$tmp"
find -L /usr/local/share/ca-certificates -type f -name '*.crt' -exec sh -c 'cat "$1"; echo' _ {} \; >> "$tmp" 2>/dev/null
name={{site}}.{{domain}}
for i in 1 2 3; do
  out=$(timeout 8 openssl s_client -connect "$name:443" -servername "$name" -verify_hostname "$name" \
    -CAfile "$tmp" -no-CApath -no-CAstore -verify_return_error </dev/null 2>&1)
  if [ $? -eq 0 ] && grep -q 'Verify return code: 0 (ok)' <<<"$out"; then
    echo "The {{org}} root is installed in the trust-store sources; a rebuild keeps trusting $name"
    exit 0
  fi
  sleep 1
done
why=$(grep -m1 -E 'verify error|connect:|errno=|error:' <<<"$out" | sed -E 's/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*://; s/:[.][.]\/ssl\/[^ ]*$//')
echo "After an update-ca-certificates rebuild ws would not trust $name (${why:-handshake failed})"
exit 1
