import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConnectMetrics, type StatusSnapshot } from '../../src/runtime/metrics.js';

/** `name{labels} value` lines of the exposition text, without comments. */
function samples(body: string): string[] {
  return body.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

function value(body: string, series: string): number | undefined {
  const line = samples(body).find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('ConnectMetrics', () => {
  test("sink task counters and histograms carry connector and task labels, in Kafka Connect's names", async () => {
    const metrics = new ConnectMetrics();
    const task = metrics.sinkTask({ connector: 'articles', task: 0 }, 'connector-consumer-articles-0');
    task.recordsRead(5);
    task.recordsPut(4, 0.02);
    task.retried();
    task.recordError({ skipped: true, logged: false });
    task.deadLetterProduced(true);
    task.offsetCommit(0.003, true);
    task.offsetCommit(5, false);
    task.lag('embeddings', 2, 17);
    const { contentType, body } = await metrics.scrape();
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    const labels = '{connector="articles",task="0"}';
    assert.equal(value(body, `kafka_connect_sink_task_metrics_sink_record_read_total${labels}`), 5);
    assert.equal(value(body, `kafka_connect_sink_task_metrics_sink_record_send_total${labels}`), 4);
    assert.equal(value(body, `kafka_connect_sink_task_metrics_put_batch_time_seconds_count${labels}`), 1);
    assert.equal(value(body, `kafka_connect_sink_task_metrics_put_batch_time_seconds_bucket{le="0.025",connector="articles",task="0"}`), 1);
    assert.equal(value(body, `kafka_connect_task_error_metrics_total_retries${labels}`), 1);
    assert.equal(value(body, `kafka_connect_task_error_metrics_total_record_errors${labels}`), 1);
    assert.equal(value(body, `kafka_connect_task_error_metrics_total_records_skipped${labels}`), 1);
    assert.equal(value(body, `kafka_connect_task_error_metrics_total_errors_logged${labels}`), 0);
    assert.equal(value(body, `kafka_connect_task_error_metrics_deadletterqueue_produce_requests_total${labels}`), 1);
    assert.equal(value(body, `kafka_connect_connector_task_metrics_offset_commit_success_total${labels}`), 1);
    assert.equal(value(body, `kafka_connect_connector_task_metrics_offset_commit_failure_total${labels}`), 1);
    assert.equal(value(body, `kafka_connect_connector_task_metrics_offset_commit_time_seconds_sum${labels}`), 5.003);
    assert.equal(
      value(
        body,
        'kafka_consumer_consumer_fetch_manager_metrics_records_lag{connector="articles",task="0",client_id="connector-consumer-articles-0",topic="embeddings",partition="2"}',
      ),
      17,
    );
  });

  test("a new task's counters exist at 0; closed partitions and closed tasks leave no series behind", async () => {
    const metrics = new ConnectMetrics();
    const task = metrics.sinkTask({ connector: 'a', task: 1 }, 'c');
    assert.equal(value((await metrics.scrape()).body, 'kafka_connect_sink_task_metrics_sink_record_read_total{connector="a",task="1"}'), 0);
    task.lag('t', 0, 3);
    task.lag('t', 1, 4);
    task.partitionsClosed([{ topic: 't', partition: 0 }]);
    let body = (await metrics.scrape()).body;
    assert.equal(samples(body).filter((l) => l.startsWith('kafka_consumer_consumer_fetch_manager_metrics_records_lag')).length, 1);
    task.close();
    body = (await metrics.scrape()).body;
    assert.deepEqual(
      samples(body).filter((l) => l.includes('connector="a"')),
      [],
    );
  });

  test("a stopped instance that closes after its successor started leaves the successor's series alone", async () => {
    const metrics = new ConnectMetrics();
    const before = metrics.sinkTask({ connector: 'a', task: 0 }, 'c');
    before.recordsRead(3);
    // a restart: the new instance starts while the old one's thread is still leaving the group
    const after = metrics.sinkTask({ connector: 'a', task: 0 }, 'c');
    before.close();
    const series = 'kafka_connect_sink_task_metrics_sink_record_read_total{connector="a",task="0"}';
    assert.equal(value((await metrics.scrape()).body, series), 3, 'the counters of one task id go on');
    after.close();
    assert.equal(value((await metrics.scrape()).body, series), undefined);
  });

  test("states and counts come from the herder's statuses at scrape time", async () => {
    const metrics = new ConnectMetrics();
    let snapshot: StatusSnapshot = {
      connectors: [
        {
          name: 'a',
          state: 'RUNNING',
          tasks: [
            { id: 0, state: 'RUNNING' },
            { id: 1, state: 'FAILED' },
          ],
        },
        { name: 'b', state: 'PAUSED', tasks: [{ id: 0, state: 'PAUSED' }] },
      ],
    };
    metrics.trackStatus(() => snapshot);
    let body = (await metrics.scrape()).body;
    assert.equal(value(body, 'kafka_connect_connect_worker_metrics_connector_count'), 2);
    assert.equal(value(body, 'kafka_connect_connect_worker_metrics_task_count'), 3);
    assert.equal(value(body, 'kafka_connect_connect_worker_metrics_connector_count_by_state{state="RUNNING"}'), 1);
    assert.equal(value(body, 'kafka_connect_connect_worker_metrics_task_count_by_state{state="FAILED"}'), 1);
    assert.equal(value(body, 'kafka_connect_connect_worker_metrics_connector_running_task_count{connector="a"}'), 1);
    assert.equal(value(body, 'kafka_connect_connect_worker_metrics_connector_failed_task_count{connector="a"}'), 1);
    assert.equal(value(body, 'kafka_connect_connect_worker_metrics_connector_total_task_count{connector="b"}'), 1);
    assert.equal(value(body, 'kafka_connect_connector_metrics_status{connector="b",status="PAUSED"}'), 1);
    assert.equal(value(body, 'kafka_connect_connector_metrics_status{connector="b",status="RUNNING"}'), 0);
    assert.equal(value(body, 'kafka_connect_connector_task_metrics_status{connector="a",task="1",status="FAILED"}'), 1);

    snapshot = { connectors: [{ name: 'b', state: 'RUNNING', tasks: [] }] };
    body = (await metrics.scrape()).body;
    assert.equal(value(body, 'kafka_connect_connect_worker_metrics_connector_count'), 1);
    assert.deepEqual(
      samples(body).filter((l) => l.includes('connector="a"')),
      [],
      'a deleted connector disappears',
    );
  });

  test('plugin metrics are read from running connectors, prefixed, with a connector label', async () => {
    const metrics = new ConnectMetrics();
    const untrack = metrics.trackPlugin('articles', () => [
      { name: 'milvus_requests_total', help: 'Requests Milvus acknowledged', type: 'counter', value: 7 },
      { name: 'milvus_request_errors_total', help: 'Failures by code', type: 'counter', value: 2, labels: { code: 'RateLimit' } },
      { name: 'milvus_batch_time_seconds', help: 'Batch write time', type: 'summary', count: 3, sum: 0.6 },
      { name: 'not a valid name', help: 'ignored', type: 'gauge', value: 1 },
    ]);
    metrics.trackPlugin('broken', () => {
      throw new Error('a plugin bug never breaks a scrape');
    });
    let body = (await metrics.scrape()).body;
    assert.match(body, /# TYPE kafka_connect_plugins_milvus_requests_total counter/);
    assert.equal(value(body, 'kafka_connect_plugins_milvus_requests_total{connector="articles"}'), 7);
    assert.equal(value(body, 'kafka_connect_plugins_milvus_request_errors_total{code="RateLimit",connector="articles"}'), 2);
    assert.match(body, /# TYPE kafka_connect_plugins_milvus_batch_time_seconds summary/);
    assert.equal(value(body, 'kafka_connect_plugins_milvus_batch_time_seconds_sum{connector="articles"}'), 0.6);
    assert.equal(value(body, 'kafka_connect_plugins_milvus_batch_time_seconds_count{connector="articles"}'), 3);
    assert.ok(!body.includes('not a valid name'));
    untrack();
    body = (await metrics.scrape()).body;
    assert.equal(value(body, 'kafka_connect_plugins_milvus_requests_total{connector="articles"}'), undefined);
  });

  test('process metrics only when asked for', async () => {
    assert.ok(!(await new ConnectMetrics().scrape()).body.includes('process_cpu_user_seconds_total'));
    assert.match((await new ConnectMetrics({ processMetrics: true }).scrape()).body, /^process_cpu_user_seconds_total \d/m);
  });
});
