# The checker ({{checker.ip}}) sits in the office range {{env.prefix}}.128/25, so reports answers it
# through gw as it answers ws. Its view of the office path is (re)made on every run, not at setup:
# routes and rules are run-time state, lost if the checker is ever started again.
gw={{hosts.gw.ip}}
reports={{hosts.reports.ip}}
office={{hosts.ws.ip}}
# Requests go to reports through gw, as from ws.
ip route replace "$reports/32" via "$gw" && ip route replace "$office/32" via "$gw" ||
  fl_fail "the checker cannot route through gw"
# From reports, only packets forwarded by gw count: routing the office around gw is not a fix.
gwmac=$(ip neigh show "$gw" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
[ -n "$gwmac" ] || fl_fail "the checker does not know gw's link address"
# A chain of its own, rebuilt each run: gw's link address changes if gw is ever started again.
iptables -w -t raw -N around-gw 2>/dev/null
iptables -w -t raw -F around-gw
iptables -w -t raw -A around-gw -s "$reports" -m mac ! --mac-source "$gwmac" -j DROP
iptables -w -t raw -C PREROUTING -j around-gw 2>/dev/null || iptables -w -t raw -A PREROUTING -j around-gw

# The tunnel itself must be unchanged: a full-size packet with DF set towards the office must get
# gw's "fragmentation needed, mtu {{tunnel_mtu}}". (Counting packet sizes on arrival does not work
# here: the virtual links carry reports' segments as larger offload packets.)
tunnel=$(python3 - "$office" <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 3)  # IP_MTU_DISCOVER = IP_PMTUDISC_PROBE: DF, no cached path MTU
s.setsockopt(socket.IPPROTO_IP, 11, 1)  # IP_RECVERR: ICMP errors on the error queue
s.connect((sys.argv[1], 9))
s.send(b"\0" * 1472)
end = time.time() + 2
while time.time() < end:
    try:
        _, ancillary, _, _ = s.recvmsg(64, 256, socket.MSG_ERRQUEUE | socket.MSG_DONTWAIT)
    except BlockingIOError:
        time.sleep(0.05)
        continue
    for level, kind, data in ancillary:
        if level == socket.IPPROTO_IP and kind == 11:
            _, origin, icmp_type, code, _, info, _ = struct.unpack("=IBBBBII", data[:16])
            if origin == 2 and icmp_type == 3 and code == 4:  # ICMP fragmentation needed
                print(info)
                sys.exit(0)
print("none")
PY
)
[ "$tunnel" = "{{tunnel_mtu}}" ] ||
  fl_fail "the VPN tunnel on gw no longer limits packets to the office to {{tunnel_mtu}} bytes (a 1500-byte packet got: ${tunnel:-no answer} as next-hop MTU)"

# fail_if_around_gw: explain a failure by replies that bypassed gw, if any were dropped.
fail_if_around_gw() {
  [ "$(iptables -w -t raw -L around-gw -v -n -x | awk 'NR > 2 { n += $1 } END { print n + 0 }')" -gt 0 ] &&
    fl_fail "reports answers the office around gw, not through the VPN gateway"
}
base="http://reports:{{port}}"
if ! fl_app "$base/healthz" --max-time 3 >/dev/null; then
  fail_if_around_gw
  fl_fail "reports does not even answer a small request from the office ($base/healthz)"
fi
big() {
  got=$(fl_app "$base/big?kb=64" --max-time 4 -o /dev/null -w '%{size_download}') && [ "$got" = "65536" ]
}
fl_retry 3 1 big && fl_pass "a 64 KiB report downloads from the office through gw ($got bytes)"
fail_if_around_gw
fl_fail "small requests work, but a 64 KiB report from the office hangs (got $(tail -n1 <<<"$got") of 65536 bytes)"
