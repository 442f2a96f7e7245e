import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The entry point of the flux-gate/kafka image, configured as the apache/kafka image is: every
 * KAFKA_* variable is a broker setting (KAFKA_LOG_DIRS is log.dirs; '__' stands for '_', '___' for
 * '-'), CLUSTER_ID names the cluster. It formats the storage on the first start of a container
 * (kept on a restart of the same container), then runs the broker, in one JVM.
 */
public final class KafkaEnvLauncher {
  /** Variables apache/kafka reads for the JVM and the scripts, not for the broker. */
  private static final Set<String> notSettings = Set.of("KAFKA_VERSION", "KAFKA_HEAP_OPTS", "KAFKA_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS",
      "KAFKA_GC_LOG_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_JMX_OPTS", "KAFKA_JMX_PORT", "KAFKA_JMX_HOSTNAME", "KAFKA_LOG4J_ROOT_LOGLEVEL",
      "KAFKA_LOG4J_LOGGERS", "KAFKA_TOOLS_LOG4J_LOGLEVEL");

  static String settingName(String variable) {
    return variable.substring("KAFKA_".length()).replace("___", "-").replace("__", "\u0000").replace('_', '.').replace('\u0000', '_')
        .toLowerCase(Locale.ROOT);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> settings = new TreeMap<>();
    settings.put("log.dirs", "/var/lib/kafka/data");
    System.getenv().forEach((name, value) -> {
      if (name.startsWith("KAFKA_") && !notSettings.contains(name)) settings.put(settingName(name), value);
    });
    Path logDir = Path.of(settings.get("log.dirs").split(",")[0]);
    Path config = logDir.resolveSibling("server.properties");
    Properties properties = new Properties();
    properties.putAll(settings);
    try (OutputStream out = Files.newOutputStream(config)) {
      properties.store(out, "from the KAFKA_* variables");
    }
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      String clusterId = System.getenv().getOrDefault("CLUSTER_ID", "5L6g3nShT-eMCtK--X86sw");
      int code;
      try {
        code = kafka.tools.StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()}, System.out);
      } catch (RuntimeException e) {
        System.err.println("storage format failed: " + e.getMessage());
        code = 1;
      }
      if (code != 0) System.exit(code);
    }
    kafka.Kafka.main(new String[] {config.toString()});
  }

  private KafkaEnvLauncher() {}
}
