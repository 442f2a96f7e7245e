/**
 * Every external version Flux-Gate downloads or builds, pinned in one place.
 * Bumping a version here makes `npm run setup` fetch or build it again into the cache.
 */
export const versions = {
  /**
   * Node.js LTS every command runs on (`harness/bin/withPinnedNode.mjs` reads this line): a machine whose
   * Node is older gets this one from the npm registry's node-linux-<arch> package, into the cache. The
   * system's images carry the Node the harness runs on.
   */
  node: '24.22.3',
  /** The next LTS line, on which CI runs `npm test` a second time (FLUXGATE_NODE=…). */
  nodeNext: '26.12.1',
  /**
   * Apache Kafka broker jars from Maven Central (org.apache.kafka:kafka_2.13), run in KRaft mode: the
   * newest patch of 4.2, the newest line @platformatic/kafka is tested against (its CI: Confluent 8.2.0).
   */
  kafka: '4.2.2',
  /**
   * log4j-slf4j-impl, the binding from the broker's SLF4J 1.7 API to Log4j 2: the version of the
   * log4j-core that kafka-server brings (see `mvn dependency:tree` in the cached pom).
   */
  log4jSlf4jBinding: '2.25.5',
  /** Toxiproxy server, built from its Go module. */
  toxiproxy: 'v2.12.0',
  /** oha, the constant-rate HTTP load generator of the benchmark's fixed-rate phase, built from its crate (crates.io). */
  oha: '1.16.0',
  /** Schemathesis, the API fuzzer the OpenAPI test runs against the API (PyPI, in a venv of its own; needs Python 3.11+). */
  schemathesis: '4.32.5',
  /** testcontainers-node, exactly (it needs Node 22.22 or newer). Pinned in @flux-gate/stack's package.json. */
  testcontainers: '12.2.0',
  /**
   * The official images `--stack containers` uses with FLUXGATE_IMAGES=official (Docker Desktop and
   * the like, where a registry answers); otherwise the images are built here (`npm run setup -- --containers`).
   */
  officialImages: {
    redis: 'redis:7.0.15',
    postgres: 'postgres:15.14',
    kafka: 'apache/kafka:4.2.2',
    toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
  },
} as const;
