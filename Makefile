# For people used to the original: `make ssl_certs` writes rootCA.key, rootCA.pem, server.pem
# and client.pem (key, then certificate) into this folder, with the API of the system's OpenSSL.
ssl_certs:
	swift run pychat certs --out .

.PHONY: ssl_certs
