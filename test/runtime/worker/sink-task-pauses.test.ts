import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type TopicPartition, topicPartitionKey } from '../../../src/plugin/index.js';
import { SinkTaskPauses } from '../../../src/runtime/worker/sink-task-pauses.js';

const T0: TopicPartition = { topic: 'embeddings', partition: 0 };
const T1: TopicPartition = { topic: 'embeddings', partition: 1 };

/** Records every pause/resume call the consumer receives, as `pause embeddings-0` lines. */
function recordingConsumer() {
  const calls: string[] = [];
  const log = (verb: string) => (partitions: readonly TopicPartition[]) => {
    for (const { topic, partition } of partitions) calls.push(`${verb} ${topicPartitionKey(topic, partition)}`);
  };
  return { calls, pause: log('pause'), resume: log('resume') };
}

function pausesFor(assigned: readonly TopicPartition[], targetPaused = false) {
  const consumer = recordingConsumer();
  const assignment = new Map(assigned.map((tp) => [topicPartitionKey(tp.topic, tp.partition), tp]));
  const pauses = new SinkTaskPauses(consumer, () => assignment, targetPaused);
  return { pauses, calls: consumer.calls };
}

test('a partition stays paused while any reason holds: target state, retry backoff, or the task itself', () => {
  const { pauses, calls } = pausesFor([T0, T1]);
  pauses.pauseByTask([T1]);
  pauses.setTargetPaused(true);
  pauses.setRetrying(true);
  pauses.setTargetPaused(false);
  assert.deepEqual(calls, ['pause embeddings-1', 'pause embeddings-0'], 'still retrying: nothing resumes');
  pauses.setRetrying(false);
  assert.deepEqual(calls.slice(2), ['resume embeddings-0'], 'the task still pauses embeddings-1');
  pauses.resumeByTask([T1]);
  assert.deepEqual(calls.slice(3), ['resume embeddings-1']);
});

test('the consumer hears only changes, and hears them again after a reassignment', () => {
  const { pauses, calls } = pausesFor([T0]);
  pauses.setTargetPaused(true);
  pauses.setTargetPaused(true);
  pauses.pauseByTask([T0]);
  assert.deepEqual(calls, ['pause embeddings-0'], 'a second reason for a paused partition changes nothing');
  pauses.reassigned();
  assert.deepEqual(calls, ['pause embeddings-0', 'pause embeddings-0'], 'a restarted kafkajs consumer forgot its pauses');
});

test('closing a partition forgets that the task paused it', () => {
  const { pauses } = pausesFor([T0]);
  pauses.pauseByTask([T0]);
  assert.equal(pauses.pausedByTask('embeddings-0'), true);
  pauses.forget(['embeddings-0']);
  assert.equal(pauses.pausedByTask('embeddings-0'), false);
});
