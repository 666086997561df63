# Sourced by the acceptance and benchmark scripts.
# make_test_pki DIR: a throwaway PKI made with openssl in DIR: ca.pem (the fleet's CA),
# agent.pem/agent.key (for 127.0.0.1 and localhost), dash.pem/dash.key (a client
# certificate), and rogue-ca.pem with rogue.pem/rogue.key (a CA nobody trusts). Keys are 0600.
make_test_pki() {
    local d=$1 name
    mkdir -p "$d"
    ( cd "$d" || exit 1
      for ca in ca rogue-ca; do
          openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$ca.key" -out "$ca.pem" \
              -days 2 -subj "/CN=anycast-dash test $ca" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
      done
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' >leaf.ext
      for name in agent:ca dash:ca rogue:rogue-ca; do
          openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "${name%%:*}.key" -out "${name%%:*}.csr" -subj "/CN=${name%%:*}"
          openssl x509 -req -in "${name%%:*}.csr" -CA "${name#*:}.pem" -CAkey "${name#*:}.key" -CAcreateserial \
              -out "${name%%:*}.pem" -days 2 -extfile leaf.ext
      done
      chmod 600 ./*.key ) >"$d/openssl.log" 2>&1
}
