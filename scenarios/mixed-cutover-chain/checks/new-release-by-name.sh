# Runs on ns, not the candidate's workstation. The name is resolved by asking the authoritative
# server (a hosts-file entry anywhere cannot pass), and the certificate must verify against the
# {{org}} ROOT only: no -k, no intermediate on the client side, no system store.
root=/etc/ssl/lab/root.crt
name={{site}}.{{domain}}
for attempt in 1 2 3; do
  addr=$(dig +short +time=2 +tries=1 @127.0.0.1 "$name" A | grep -E '^[0-9.]+$' | tail -n1)
  if [ -n "$addr" ]; then
    out=$(curl -q -sS --max-time 5 --cacert "$root" --capath /nonexistent --resolve "$name:443:$addr" "https://$name/" 2>&1)
    if grep -q '"release": {{release}}1' <<<"$out"; then
      echo "https://$name/ ($addr) serves release {{release}}1 and its chain verifies against the {{org}} root"
      exit 0
    fi
  fi
  sleep 1
done
if [ -z "$addr" ]; then echo "$name does not resolve on ns"; exit 1; fi
if grep -q '"release"' <<<"$out"; then
  echo "https://$name/ resolves to $addr and answers, but with the OLD release ($(grep -o '"server": "[a-z0-9]*"' <<<"$out"))"
else
  echo "https://$name/ ($addr) fails: $(grep -m1 'curl:' <<<"$out" || echo 'no answer')"
fi
exit 1
