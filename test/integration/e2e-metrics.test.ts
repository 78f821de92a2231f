/**
 * GET /metrics of the real service while records flow from Kafka into Milvus: the counters a dashboard
 * watches move with the records, under Kafka Connect's metric names.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitUntil, type ConnectProcess } from '../helpers/connect-process.js';
import { quickStartFields } from '../helpers/milvus-fixtures.js';
import {
  article,
  createConnector,
  produce,
  quickStartConfig,
  startService,
  topicAndCollection,
  uniqueName,
  waitForCount,
  waitForState,
} from './e2e-fixture.js';

async function scrape(service: ConnectProcess): Promise<string> {
  const res = await service.request<string>('GET', '/metrics');
  assert.equal(res.status, 200);
  assert.match(String(res.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
  return res.body;
}

/** The value of one series (`name{labels}` exactly as exposed), or undefined when absent. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('records read and written, commits, lag, task state and the Milvus counters move as records flow', async (t) => {
  const topic = uniqueName('metrics');
  const name = uniqueName('metrics_sink');
  await topicAndCollection(t, topic, { fields: quickStartFields() });
  const service = await startService(t);
  await createConnector(t, service, name, quickStartConfig(topic, topic));
  await waitForState(service, name, 'RUNNING', 'RUNNING');

  const task = `{connector="${name}",task="0"}`;
  const before = await scrape(service);
  assert.equal(sample(before, `kafka_connect_sink_task_metrics_sink_record_read_total${task}`), 0);
  assert.equal(sample(before, `kafka_connect_connector_task_metrics_status{connector="${name}",task="0",status="RUNNING"}`), 1);
  assert.equal(sample(before, `kafka_connect_connector_metrics_status{connector="${name}",status="RUNNING"}`), 1);
  assert.equal(sample(before, `kafka_connect_connect_worker_metrics_connector_running_task_count{connector="${name}"}`), 1);
  assert.ok(sample(before, 'kafka_connect_connect_worker_metrics_connector_count')! >= 1);
  assert.match(before, /^process_resident_memory_bytes \d+/m, 'process metrics are there');

  await produce(
    topic,
    Array.from({ length: 30 }, (_, i) => ({ key: String(i), value: article(i) })),
  );
  await waitForCount(service, topic, name, 30);
  const committed = await waitUntil('the offsets of the 30 records committed', async () => {
    const body = await scrape(service);
    return (sample(body, `kafka_connect_connector_task_metrics_offset_commit_success_total${task}`) ?? 0) > 0 &&
      sample(
        body,
        `kafka_consumer_consumer_fetch_manager_metrics_records_lag{connector="${name}",task="0",client_id="connector-consumer-${name}-0",topic="${topic}",partition="0"}`,
      ) === 0
      ? body
      : undefined;
  });
  assert.equal(sample(committed, `kafka_connect_sink_task_metrics_sink_record_read_total${task}`), 30);
  assert.equal(sample(committed, `kafka_connect_sink_task_metrics_sink_record_send_total${task}`), 30);
  assert.ok(sample(committed, `kafka_connect_sink_task_metrics_put_batch_time_seconds_count${task}`)! >= 1);
  assert.ok(sample(committed, `kafka_connect_connector_task_metrics_offset_commit_time_seconds_count${task}`)! >= 1);
  assert.equal(sample(committed, `kafka_connect_plugins_milvus_records_written_total{collection="${topic}",connector="${name}"}`), 30);
  assert.ok(sample(committed, `kafka_connect_plugins_milvus_requests_total{collection="${topic}",connector="${name}"}`)! >= 1);
  assert.ok(sample(committed, `kafka_connect_plugins_milvus_batch_time_seconds_count{connector="${name}"}`)! >= 1);

  // ten more: the counters follow
  await produce(
    topic,
    Array.from({ length: 10 }, (_, i) => ({ key: String(30 + i), value: article(30 + i) })),
  );
  await waitForCount(service, topic, name, 40);
  const after = await waitUntil('the read counter at 40', async () => {
    const body = await scrape(service);
    return sample(body, `kafka_connect_plugins_milvus_records_written_total{collection="${topic}",connector="${name}"}`) === 40 ? body : undefined;
  });
  assert.equal(sample(after, `kafka_connect_sink_task_metrics_sink_record_read_total${task}`), 40);
  assert.equal(sample(after, `kafka_connect_sink_task_metrics_sink_record_send_total${task}`), 40);

  // a paused connector shows it; the secret-free config is all a scrape can see
  assert.equal((await service.request('PUT', `/connectors/${name}/pause`)).status, 202);
  await waitForState(service, name, 'PAUSED', 'PAUSED');
  const paused = await scrape(service);
  assert.equal(sample(paused, `kafka_connect_connector_task_metrics_status{connector="${name}",task="0",status="PAUSED"}`), 1);
  assert.equal(sample(paused, `kafka_connect_connect_worker_metrics_connector_paused_task_count{connector="${name}"}`), 1);
  assert.ok(!paused.includes('db_admin:xxxx'), 'no config value, let alone the token, is a label');
});
