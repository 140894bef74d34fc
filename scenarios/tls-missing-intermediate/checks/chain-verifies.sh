# The chain the server sends must verify against the {{org}} ROOT only (the checker's own copy,
# taken at start): no intermediate on the client side, no -k, no system store.
name={{site}}.{{domain}}
fl_retry 3 1 fl_tls "$name" -showcerts && fl_pass "$name sends a chain of $(grep -c 'BEGIN CERTIFICATE' <<<"$FL_TLS") certificate(s) that verifies against the {{org}} root"
n=$(grep -c 'BEGIN CERTIFICATE' <<<"$FL_TLS")
fl_fail "$name does not verify against the {{org}} root (${FL_TLS_WHY:-handshake failed}; server sent $n certificate(s))"
