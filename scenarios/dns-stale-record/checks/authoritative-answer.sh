# Asks the authoritative server directly: a hosts-file entry on the workstation cannot pass this.
got=$(dig +short +time=2 +tries=1 @127.0.0.1 {{site}}.{{domain}} A | tail -n1)
if [ "$got" = "{{hosts.web.ip}}" ]; then
  echo "{{site}}.{{domain}} -> $got (the web server)"
  exit 0
fi
echo "{{site}}.{{domain}} resolves to '${got:-nothing}', not the web server"
exit 1
