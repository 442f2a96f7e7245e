import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishFolder, stagingFolderFor } from '../../tools/publishAtomically.ts';
import { runOrThrow } from '../../tools/runCommand.ts';
import { versions } from '../../tools/versions.ts';
import { brokerJvmOptions, kafkaLog4j2 } from '../../startKafka.ts';
import type { ImageRecipe } from './buildImage.ts';
import { sharedLibraries } from './sharedLibraries.ts';

const uid = 999;
const launcherSource = fileURLToPath(new URL('./KafkaEnvLauncher.java', import.meta.url));

/**
 * The JRE's modules. java.desktop is there for Log4j 2 (the broker's logging), whose LoggerContext
 * fails on java.beans.PropertyChangeEvent without it; the rest is what the broker, its metrics and
 * SASL reach.
 */
const modules = [
  'java.base', 'java.desktop', 'java.instrument', 'java.logging', 'java.management', 'java.management.rmi', 'java.naming',
  'java.net.http', 'java.rmi', 'java.scripting', 'java.security.jgss', 'java.security.sasl', 'java.sql', 'java.xml',
  'jdk.crypto.ec', 'jdk.management', 'jdk.unsupported', 'jdk.zipfs',
];
// Uncompressed and with a class-data-sharing archive: the broker's JVM then starts (and formats
// its storage) in about half the time, for some 50 MB more (docs/decisions.md).
const jlinkFlags = ['--strip-debug', '--no-man-pages', '--no-header-files', '--generate-cds-archive'];

/** A trimmed JRE made once with jlink from this machine's JDK, kept in the cache. */
async function ensureJre(javaHome: string, cache: string, log: (line: string) => void): Promise<string> {
  const key = createHash('sha256').update(readFileSync(join(javaHome, 'release'))).update(modules.join(',')).update(jlinkFlags.join(' ')).digest('hex').slice(0, 12);
  const jre = join(cache, 'images', `jre-${key}`);
  if (existsSync(join(jre, '.complete'))) return jre;
  if (existsSync(jre) && !existsSync(join(jre, '.complete'))) rmSync(jre, { recursive: true, force: true }); // left unfinished by an older layout
  mkdirSync(dirname(jre), { recursive: true });
  // jlink makes its own output folder: it goes inside a staging folder of this builder's own, which
  // is then renamed into place, so a second builder at the same time never sees a half-made JRE.
  const staging = stagingFolderFor(jre);
  try {
    log(`jlink a JRE from ${javaHome} (${modules.length} modules)`);
    await runOrThrow(join(javaHome, 'bin', 'jlink'), ['--add-modules', modules.join(','), ...jlinkFlags, '--output', join(staging, 'jre')]);
    writeFileSync(join(staging, 'jre', '.complete'), new Date().toISOString());
    publishFolder(join(staging, 'jre'), jre);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return jre;
}

/** The image's entry point with the broker's JVM options; a container overrides it with other options (the replicated shape's smaller heaps). */
export const kafkaEntrypoint = (jvmOptions: readonly string[]) => [
  '/opt/java/bin/java',
  ...jvmOptions,
  '-Djava.awt.headless=true',
  '-Dlog4j2.configurationFile=/opt/kafka/log4j2.properties',
  '-cp',
  '/opt/kafka/launcher:/opt/kafka/libs/*',
  'KafkaEnvLauncher',
];

/**
 * Kafka's cached jars on a jlink JRE and its shared libraries, FROM scratch, run by an unprivileged
 * user, configured by KAFKA_* variables as apache/kafka is (KafkaEnvLauncher.java).
 */
export async function kafkaImage(opts: { java: string; kafkaLibs: string; cache: string; log: (line: string) => void }): Promise<ImageRecipe> {
  const javaHome = dirname(dirname(realpathSync(opts.java)));
  const javac = join(javaHome, 'bin', 'javac');
  if (!existsSync(join(javaHome, 'jmods')) || !existsSync(javac)) {
    throw new Error(`the Kafka image needs a full JDK (jlink, javac and jmods) at ${javaHome}; run: apt-get install -y openjdk-17-jdk-headless`);
  }
  const jre = await ensureJre(javaHome, opts.cache, opts.log);
  const jreFiles = readdirSync(jre, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== '.complete')
    .map((e) => join(e.parentPath, e.name));
  const libs = await sharedLibraries([join(jre, 'bin', 'java'), ...jreFiles.filter((f) => f.endsWith('.so'))]);
  const jars = readdirSync(opts.kafkaLibs).filter((f) => f.endsWith('.jar'));
  return {
    part: 'kafka',
    version: versions.kafka,
    source: import.meta.url,
    inputs: readFileSync(join(javaHome, 'release'), 'utf8'),
    files: [
      ...jreFiles.map((from) => ({ from, to: `jre/${from.slice(jre.length + 1)}` })),
      ...libs.filter((lib) => !lib.startsWith(jre)).map((lib) => ({ from: lib, to: `rootfs${lib}` })),
      ...jars.map((jar) => ({ from: join(opts.kafkaLibs, jar), to: `libs/${jar}` })),
      { from: launcherSource, to: 'launcher-src/KafkaEnvLauncher.java' },
    ],
    generate: async (context) => {
      mkdirSync(join(context, 'rootfs/etc'), { recursive: true });
      writeFileSync(join(context, 'rootfs/etc/passwd'), `root:x:0:0:root:/root:/sbin/nologin\nkafka:x:${uid}:${uid}:Kafka:/var/lib/kafka:/sbin/nologin\n`);
      writeFileSync(join(context, 'rootfs/etc/group'), `root:x:0:\nkafka:x:${uid}:\n`);
      writeFileSync(join(context, 'log4j2.properties'), kafkaLog4j2);
      await runOrThrow(javac, ['-d', join(context, 'launcher'), '-cp', join(context, 'libs', '*'), join(context, 'launcher-src', 'KafkaEnvLauncher.java')]);
      mkdirSync(join(context, 'var', 'data'), { recursive: true });
      mkdirSync(join(context, 'tmp'));
    },
    dockerfile: [
      'FROM scratch',
      'COPY rootfs/ /',
      'COPY jre/ /opt/java/',
      'COPY libs/ /opt/kafka/libs/',
      'COPY launcher/ /opt/kafka/launcher/',
      'COPY log4j2.properties /opt/kafka/',
      `COPY --chown=${uid}:${uid} var/ /var/lib/kafka/`,
      `COPY --chown=${uid}:${uid} tmp/ /tmp/`,
      'ENV JAVA_HOME=/opt/java',
      `USER ${uid}:${uid}`,
      'EXPOSE 9092',
      `ENTRYPOINT ${JSON.stringify(kafkaEntrypoint(brokerJvmOptions))}`,
      '',
    ].join('\n'),
  };
}
