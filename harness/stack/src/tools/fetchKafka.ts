import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall } from './aptInstall.ts';
import { runOrThrow, which } from './runCommand.ts';
import { ToolError } from './ToolError.ts';
import { versions } from './versions.ts';

const pom = (libs: string) => `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.flux-gate</groupId><artifactId>kafka-broker</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${versions.kafka}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>${versions.log4jSlf4jBinding}</version></dependency>
  </dependencies>
  <build><directory>${libs}/.build</directory></build>
</project>
`;

/** The folder of the Kafka broker's jars, fetched from Maven Central once (again when the pom changes: a new log binding). */
export async function fetchKafka(cache: string, log: (line: string) => void): Promise<{ libs: string; cached: boolean }> {
  const home = join(cache, `kafka-${versions.kafka}`);
  const libs = join(home, 'libs');
  const done = join(home, '.complete');
  const wanted = pom(libs);
  if (existsSync(done) && readFileSync(done, 'utf8') === wanted) return { libs, cached: true };

  let mvn = await which('mvn');
  if (!mvn) {
    await aptInstall('maven', ['maven'], log);
    mvn = await which('mvn');
    if (!mvn) throw new ToolError('maven', 'still missing after apt-get', 'apt-get install -y maven');
  }
  rmSync(home, { recursive: true, force: true });
  mkdirSync(libs, { recursive: true });
  const work = mkdtempSync(join(cache, 'kafka-pom-'));
  try {
    writeFileSync(join(work, 'pom.xml'), wanted);
    log(`mvn dependency:copy-dependencies org.apache.kafka:kafka_2.13:${versions.kafka}`);
    await runOrThrow(mvn, ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'], {
      cwd: work,
    }).catch((err: Error) => {
      throw new ToolError('kafka', `could not fetch the broker jars: ${err.message}`, `cd ${work} && mvn dependency:copy-dependencies`);
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(join(libs, '.build'), { recursive: true, force: true });
  }
  writeFileSync(done, wanted);
  return { libs, cached: false };
}
