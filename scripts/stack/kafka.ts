import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { StackError } from './errors.js';
import type { RunPaths } from './paths.js';
import { HOST } from './ports.js';
import { logTail, ownedAlive, spawnDetached } from './processes.js';
import { isKafka3, type StackVersions } from './versions.js';

export interface KafkaPorts {
  broker: number;
  controller: number;
}

/** The flags `kafka-run-class.sh` uses, with a heap sized for tests rather than production. */
const JVM_OPTS = [
  '-Xms128m',
  '-Xmx512m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
];

/** Single-node KRaft (broker + controller) on loopback, tuned to start fast with one replica. */
function serverProperties(paths: RunPaths, ports: KafkaPorts): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    // A static quorum needs no --standalone at format time and works on 3.9 and 4.x alike.
    `controller.quorum.voters=1@${HOST}:${ports.controller}`,
    `listeners=PLAINTEXT://${HOST}:${ports.broker},CONTROLLER://${HOST}:${ports.controller}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${ports.broker}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${paths.kafkaData}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Tests join consumer groups constantly; the default 3 s delay would slow every one of them.
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'delete.topic.enable=true',
    'num.network.threads=2',
    'num.io.threads=2',
    'log.retention.check.interval.ms=300000',
    '',
  ].join('\n');
}

function log4jConfig(versions: StackVersions): { text: string; jvmFlag: (file: string) => string } {
  if (isKafka3(versions)) {
    return {
      text: [
        'log4j.rootLogger=WARN, stdout',
        'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
        'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
        'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
        'log4j.logger.kafka.server.KafkaRaftServer=INFO',
        '',
      ].join('\n'),
      jvmFlag: (file) => `-Dlog4j.configuration=file:${file}`,
    };
  }
  return {
    text: [
      'status = warn',
      'appender.out.type = Console',
      'appender.out.name = STDOUT',
      'appender.out.layout.type = PatternLayout',
      'appender.out.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = WARN',
      'rootLogger.appenderRef.out.ref = STDOUT',
      // "Kafka Server started" and shutdown lines, so the log shows the broker's lifecycle.
      'logger.krs.name = kafka.server.KafkaRaftServer',
      'logger.krs.level = INFO',
      '',
    ].join('\n'),
    jvmFlag: (file) => `-Dlog4j2.configurationFile=${file}`,
  };
}

/** Kafka's Uuid text form: 16 random bytes, base64url without padding. */
function clusterId(): string {
  // about one id in 64 starts with '-', which the storage tool's argument parser takes for an option
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Writes the config, formats fresh KRaft storage and starts the broker; returns its pid. */
export function startKafka(versions: StackVersions, kafkaLibs: string, paths: RunPaths, ports: KafkaPorts): number {
  const log4j = log4jConfig(versions);
  const log4jFile = paths.log4jConfig(isKafka3(versions));
  writeFileSync(paths.serverProperties, serverProperties(paths, ports));
  writeFileSync(log4jFile, log4j.text);
  const classpath = join(kafkaLibs, '*'); // expanded by the JVM, not the shell
  const format = spawnSync(
    'java',
    ['-Xmx256m', log4j.jvmFlag(log4jFile), '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', paths.serverProperties],
    { encoding: 'utf8', timeout: 120_000 },
  );
  writeFileSync(paths.kafkaFormatLog, `${format.stdout ?? ''}${format.stderr ?? ''}${format.error ? format.error.message : ''}`);
  if (format.status !== 0) {
    throw new StackError(
      `Formatting Kafka storage failed (exit ${format.status ?? format.signal}). ${paths.kafkaFormatLog}:\n${logTail(paths.kafkaFormatLog)}`,
    );
  }
  return spawnDetached(
    'java',
    [...JVM_OPTS, log4j.jvmFlag(log4jFile), `-Dkafka.logs.dir=${paths.logs}`, '-cp', classpath, 'kafka.Kafka', paths.serverProperties],
    { cwd: paths.root, env: process.env, logFile: paths.kafkaLog },
  );
}

/**
 * Ready means the broker answers a real request: a kafkajs `describeCluster` that succeeds.
 * An open port is not enough; the socket accepts before request handling is switched on.
 */
export async function waitForKafka(bootstrap: string, pid: number, paths: RunPaths, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const kafka = new Kafka({
    clientId: 'stack-readiness',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    retry: { retries: 0 },
  });
  let lastError = 'no attempt yet';
  while (Date.now() < deadline) {
    if (!ownedAlive(pid, paths.root)) {
      throw new StackError(`The Kafka broker (pid ${pid}) exited during startup. ${paths.kafkaLog}:\n${logTail(paths.kafkaLog)}`);
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return;
      lastError = 'no broker or controller in the metadata yet';
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await sleep(300);
  }
  throw new StackError(
    `Kafka at ${bootstrap} was not ready within ${timeoutMs / 1000} s (last error: ${lastError}). ${paths.kafkaLog}:\n${logTail(paths.kafkaLog)}`,
  );
}
