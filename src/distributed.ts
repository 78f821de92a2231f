/**
 * `milvus-connect-distributed worker.properties`: a worker of a distributed cluster, like Kafka's
 * connect-distributed.sh. The workers of one `group.id` share their state through Kafka topics.
 */
import { main } from './main.js';

main('distributed', process.argv.slice(2), process.env);
