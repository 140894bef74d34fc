# Friday's maintenance on web: a resolv.conf "borrowed" from elsewhere, and the proxy's upstream.
case "{{fault_kind}}" in
  order)
    upstream={{api}}
    printf '%s\n' '# copied from the {{stage}} proxy during maintenance' 'search {{stage}}.{{domain}} {{domain}}' 'nameserver {{hosts.ns.ip}}' 'options timeout:2 attempts:2' > /etc/resolv.conf ;;
  ndots)
    upstream={{api}}.{{domain}}
    printf '%s\n' '# resolver settings from the platform template (same as our k8s pods)' 'search {{domain}} {{stage}}.{{domain}}' 'nameserver {{hosts.ns.ip}}' 'options ndots:5 timeout:2 attempts:2' > /etc/resolv.conf ;;
esac
sed -i "s/UPSTREAM_HOST/$upstream/" /etc/nginx/conf.d/site.conf
nginx -t
svc stop || true
svc start
for i in $(seq 1 20); do svc status >/dev/null && break; sleep 0.2; done
svc status
