#!/bin/sh
# Regenerates the openssl-* fixtures that CertificateLoaderTests reads from the class path, as the openssl CLI
# (3.0) writes them. They are test material only: every encrypted key uses the password "fixture-password".
# Run from this directory: sh generate-openssl-fixtures.sh
set -e
PASS=pass:fixture-password
DAYS=36500

# RSA: a plain PKCS#1 key, the same key as legacy-encrypted PKCS#1 (Proc-Type/DEK-Info), as PBES2 PKCS#8
# (openssl's default) and as PKCS#12 PBE-SHA1-3DES PKCS#8 (the pre-1.1 default), with a self-signed certificate.
openssl genrsa -traditional -out openssl-rsa-pkcs1.key 2048
openssl rsa -traditional -in openssl-rsa-pkcs1.key -aes256 -passout "$PASS" -out openssl-rsa-pkcs1-encrypted.key
openssl pkcs8 -topk8 -in openssl-rsa-pkcs1.key -passout "$PASS" -out openssl-rsa-pkcs8-encrypted.key
openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES -in openssl-rsa-pkcs1.key -passout "$PASS" -out openssl-rsa-pkcs8-3des.key
openssl req -x509 -key openssl-rsa-pkcs1.key -subj "/O=managed-tls/CN=openssl-rsa" -set_serial 0x1001 \
    -addext "subjectAltName=DNS:rsa.example.test,IP:127.0.0.1" -days $DAYS -out openssl-rsa.crt

# EC P-256: SEC1 with the EC PARAMETERS block that ecparam writes first, legacy-encrypted SEC1, a DER PKCS#8 key,
# a certificate in PEM, DER and "TRUSTED CERTIFICATE" form, and a PKCS#12 store with alias "server".
openssl ecparam -name prime256v1 -genkey -out openssl-ec-sec1.key
openssl ec -in openssl-ec-sec1.key -aes256 -passout "$PASS" -out openssl-ec-sec1-encrypted.key
openssl pkcs8 -topk8 -nocrypt -in openssl-ec-sec1.key -outform DER -out openssl-ec-pkcs8.der
openssl req -x509 -key openssl-ec-sec1.key -subj "/CN=openssl-ec" -set_serial 0x2002 \
    -addext "subjectAltName=DNS:ec.example.test" -days $DAYS -out openssl-ec.crt
openssl x509 -in openssl-ec.crt -outform DER -out openssl-ec.der
openssl x509 -in openssl-ec.crt -trustout -addtrust serverAuth -out openssl-ec-trusted.crt
openssl pkcs12 -export -inkey openssl-ec-sec1.key -in openssl-ec.crt -name server -passout "$PASS" \
    -out openssl-ec.p12

# Ed25519 plain and as PBES2/AES-256-CBC PKCS#8; Ed448 plain.
openssl genpkey -algorithm ed25519 -out openssl-ed25519.key
openssl pkcs8 -topk8 -v2 aes-256-cbc -in openssl-ed25519.key -passout "$PASS" -out openssl-ed25519-encrypted.key
openssl req -x509 -key openssl-ed25519.key -subj "/CN=openssl-ed25519" -set_serial 0x3003 -days $DAYS \
    -out openssl-ed25519.crt
openssl genpkey -algorithm ed448 -out openssl-ed448.key
openssl req -x509 -key openssl-ed448.key -subj "/CN=openssl-ed448" -set_serial 0x4004 -days $DAYS \
    -out openssl-ed448.crt

# Keys that managed-tls rejects: DSA, X25519 (key agreement only), EC on secp256k1 (the JDK cannot sign with it).
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out dsa-parameters.tmp
openssl genpkey -paramfile dsa-parameters.tmp -out openssl-dsa.key
rm dsa-parameters.tmp
openssl genpkey -algorithm x25519 -out openssl-x25519.key
openssl ecparam -name secp256k1 -genkey -noout -out openssl-secp256k1.key

# A PKCS#12 trust store as 'openssl pkcs12 -export -nokeys' writes it before OpenSSL 3.2's -jdktrust: the JDK does
# not see its certificate as trusted.
openssl pkcs12 -export -nokeys -in openssl-ec.crt -passout pass: -out openssl-nokeys.p12
