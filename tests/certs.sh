# certs.sh -- sourced by tests that need TLS: makes test certificates with
# openssl(1) at test time.
#
# make_test_certs DIR: writes into DIR
#   ca.pem, ca.key              a CA
#   other-ca.pem, other-ca.key  a second CA, which signed nothing (untrusted)
#   server.pem, server.key      a server certificate for IP 127.0.0.1,
#                               signed by the first CA
# and returns non-zero (openssl's messages in DIR/openssl.log) on failure.
make_test_ca() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -nodes -keyout "$1/$2.key" -out "$1/$2.pem" -days 2 \
        -subj "/CN=$3" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        >>"$1/openssl.log" 2>&1
}

make_test_certs() {
    command -v openssl >/dev/null 2>&1 || return 1
    make_test_ca "$1" ca "xsvswitch test CA" &&
    make_test_ca "$1" other-ca "untrusted CA" &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -nodes -keyout "$1/server.key" -out "$1/server.csr" \
        -subj "/CN=127.0.0.1" >>"$1/openssl.log" 2>&1 &&
    printf '%s\n' 'subjectAltName=IP:127.0.0.1' \
        'basicConstraints=CA:FALSE' 'extendedKeyUsage=serverAuth' \
        >"$1/server.ext" &&
    openssl x509 -req -in "$1/server.csr" -CA "$1/ca.pem" \
        -CAkey "$1/ca.key" -CAcreateserial -out "$1/server.pem" \
        -days 2 -extfile "$1/server.ext" >>"$1/openssl.log" 2>&1
}
