/**
 * Every external version Flux-Gate downloads or builds, pinned in one place.
 * Bumping a version here makes `npm run setup` fetch or build it again into the cache.
 */
export const versions = {
  /** Apache Kafka broker jars from Maven Central (org.apache.kafka:kafka_2.13), run in KRaft mode. */
  kafka: '3.9.1',
  /** SLF4J binding the broker logs through. */
  slf4jReload4j: '1.7.36',
  /** Toxiproxy server, built from its Go module. */
  toxiproxy: 'v2.12.0',
  /** oha, the constant-rate HTTP load generator of the benchmark's fixed-rate phase, built from its crate (crates.io). */
  oha: '1.16.0',
  /** Schemathesis, the API fuzzer the OpenAPI test runs against the API (PyPI, in a venv of its own; needs Python 3.11+). */
  schemathesis: '4.32.5',
  /** testcontainers-node, exactly: 12.0.2 and later need Node 22 and crash on import under Node 20. Pinned in @flux-gate/stack's package.json. */
  testcontainers: '12.0.1',
  /**
   * The official images `--stack containers` uses with FLUXGATE_IMAGES=official (Docker Desktop and
   * the like, where a registry answers); otherwise the images are built here (`npm run setup -- --containers`).
   */
  officialImages: {
    redis: 'redis:7.0.15',
    postgres: 'postgres:15.14',
    kafka: 'apache/kafka:3.9.1',
    toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
  },
} as const;
