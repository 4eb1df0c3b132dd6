import type { ProviderSchemas } from "./schema-types";

/**
 * The schemas of hashicorp/tls 4.1.0 that the test provider serves: the provider
 * configuration and every resource and data source type the app's synth writes. Names, types,
 * required/optional/computed-only and nested blocks are those of the cdktf bindings
 * (`@cdktf/provider-tls`), which schemas.test.ts compares them with; which optional attributes are
 * also computed (and which are sensitive or write-only) comes from the provider's Go source.
 */
export const TLS_SCHEMAS: ProviderSchemas = {
  provider: {
    attributes: {},
    blocks: {
      proxy: {
        nesting: "list",
        block: {
          attributes: {
            from_env: { type: "bool", optional: true },
            password: { type: "string", optional: true },
            url: { type: "string", optional: true },
            username: { type: "string", optional: true },
          },
        },
      },
    },
  },
  resources: {},
  dataSources: {
    tls_certificate: {
      attributes: {
        certificates: {
          type: [
            "list",
            [
              "object",
              {
                cert_pem: "string",
                is_ca: "bool",
                issuer: "string",
                not_after: "string",
                not_before: "string",
                public_key_algorithm: "string",
                serial_number: "string",
                sha1_fingerprint: "string",
                signature_algorithm: "string",
                subject: "string",
                version: "number",
              },
            ],
          ],
          computed: true,
        },
        content: { type: "string", optional: true },
        id: { type: "string", computed: true },
        url: { type: "string", optional: true },
        verify_chain: { type: "bool", optional: true },
      },
    },
  },
};
