/** What the results must record to be comparable: the machine, its load, and every version involved. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO } from './service.js';

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function git(...args: string[]): string {
  const result = spawnSync('git', args, { cwd: REPO, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : 'unknown';
}

export function machine(): Record<string, unknown> {
  const list = cpus();
  return {
    cpuModel: list[0]?.model ?? 'unknown',
    cpus: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    platform: `${process.platform}-${process.arch}`,
    loadAverageAtStart: loadavg(),
  };
}

export function versions(stack: { kafka: string; milvusLite: string }): Record<string, unknown> {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
  const dirty = git('status', '--porcelain', '--', 'src').length > 0;
  return {
    service: pkg.version,
    gitCommit: git('rev-parse', '--short', 'HEAD'),
    srcDirty: dirty,
    node: process.version,
    kafka: stack.kafka,
    milvusLite: stack.milvusLite,
    kafkajs: packageVersion('kafkajs'),
    milvusSdk: packageVersion('@zilliz/milvus2-sdk-node'),
    autocannon: packageVersion('autocannon'),
  };
}
