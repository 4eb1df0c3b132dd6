import { FIXED_THUMBPRINT } from "./aws";
import { schemaOf } from "./schema-types";
import { TLS_SCHEMAS } from "./schemas-tls";
import type { ProviderDefinition } from "./server";

/** A fixed chain, root first as the tls provider lists it: what any URL answers here. */
const CHAIN = [
  {
    cert_pem: "-----BEGIN CERTIFICATE-----\nTEST ROOT\n-----END CERTIFICATE-----\n",
    is_ca: true,
    issuer:
      "CN=Starfield Services Root Certificate Authority - G2,O=Starfield Technologies\\, Inc.,L=Scottsdale,ST=Arizona,C=US",
    not_after: "2037-12-31T01:00:00Z",
    not_before: "2015-05-25T12:00:00Z",
    public_key_algorithm: "RSA",
    serial_number: "144918191876577076464031512351042010504348870",
    sha1_fingerprint: FIXED_THUMBPRINT,
    signature_algorithm: "SHA256-RSA",
    subject: "CN=Amazon Root CA 1,O=Amazon,C=US",
    version: 3,
  },
  {
    cert_pem: "-----BEGIN CERTIFICATE-----\nTEST LEAF\n-----END CERTIFICATE-----\n",
    is_ca: false,
    issuer: "CN=Amazon RSA 2048 M02,O=Amazon,C=US",
    not_after: "2027-01-01T00:00:00Z",
    not_before: "2026-01-01T00:00:00Z",
    public_key_algorithm: "RSA",
    serial_number: "1",
    sha1_fingerprint: "0000000000000000000000000000000000000001",
    signature_algorithm: "SHA256-RSA",
    subject: "CN=*.terraform.io",
    version: 3,
  },
];

export const tlsProvider: ProviderDefinition<null> = {
  schema: TLS_SCHEMAS.provider,
  configure: () => null,
  resources: {},
  dataSources: {
    tls_certificate: {
      schema: schemaOf(TLS_SCHEMAS, "dataSources", "tls_certificate"),
      read: (_ctx, config) => ({
        ...config,
        id: String(config.url ?? "content"),
        certificates: CHAIN,
      }),
    },
  },
};
